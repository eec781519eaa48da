"""Meeting pages: the list, convening, and one page per meeting with attendance, the agenda (reordered with htmx,
or plain forms without JavaScript), decisions, sign-off, corrections and the minutes PDF. Views are thin: a helper
finds the meeting the person may read; each POST calls one service and redirects (or re-renders the agenda)."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from plandesk.core.refusals import Refusal, show
from plandesk.meetings import rules, services
from plandesk.meetings.minutes import render_minutes
from plandesk.meetings.models import AgendaItem, Kind, Meeting, MeetingDecision, Presence, QuorumRule, Status
from plandesk.organization.models import Post, Unit


def _meeting(request, pk: int) -> Meeting:
    try:
        return services.get_meeting(request.user, pk)
    except services.NotFound as exc:
        raise Http404(exc.message) from exc


def convene_options(user) -> list[tuple[str, str]]:
    """The meetings this person may convene: his divisions' meetings, and the bureau meeting for the director."""

    options = []
    headed = Unit.objects.active().filter(pk__in=Unit.objects.filter(head=user).values("pk")) | Unit.objects.active(
    ).filter(posts__in=Post.objects.held_by(user).filter(function=Post.Function.HEAD))
    for unit in headed.distinct().order_by("sort_order", "code"):
        options.append((f"division:{unit.code}", f"{unit.name}{Kind.DIVISION.label}"))
    if rules.is_director(user):
        options.append(("bureau", str(Kind.BUREAU.label)))
    return options


def _waiting(options) -> list[dict]:
    """Per meeting this person may convene, the cases waiting for it (issue 22: nothing was listed before a meeting
    was convened), each with the open meeting it is already on, if any."""
    on_agenda = {i.case_id: i for i in AgendaItem.objects.filter(decision="", meeting__status=Status.OPEN)
                 .select_related("meeting")}
    groups = []
    for value, label in options:
        kind, _sep, code = value.partition(":")
        tasks = list(services.waiting_tasks(kind, services.resolve_division(kind, code or None))[:200])
        groups.append({"value": value, "label": label,
                       "rows": [{"task": t, "case": t.case, "item": on_agenda.get(t.case_id)} for t in tasks]})
    return groups


@login_required
def meeting_list(request):
    meetings = Meeting.objects.visible_to(request.user).select_related("division", "chair")[:200]
    options = convene_options(request.user)
    return render(request, "meetings/list.html", {"meetings": meetings, "may_convene": bool(options),
                                                  "waiting": _waiting(options)})


@login_required
def new(request):
    options = convene_options(request.user)
    if not options:
        raise Http404("您不能召集会议")
    which = request.GET.get("which", "")
    values = {"which": which if which in dict(options) else options[0][0],
              "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "place": "",
              "quorum_rule": QuorumRule.MAJORITY}
    # Members default to present (issue 22: all were absent, so the first decision failed for want of a quorum):
    # the form lists each meeting's expected members ticked; the clerk unticks who is away.
    members = []
    for value, label in options:
        kind, _sep, code = value.partition(":")
        members.append({"value": value, "label": label,
                        "users": services.expected_members(kind, services.resolve_division(kind, code or None))})
    absent: set[str] = set()
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in ("which", "held_at", "place", "quorum_rule")}
        kind, _sep, division = values["which"].partition(":")
        expected = next((m["users"] for m in members if m["value"] == values["which"]), [])
        if request.POST.get("attendance_listed"):
            ticked = set(request.POST.getlist(f"present:{values['which']}"))
            present = [u.username for u in expected if u.username in ticked]
            absent = {u.username for u in expected} - ticked
        else:
            present = [u.username for u in expected]
        try:
            held_at = datetime.fromisoformat(values["held_at"]) if values["held_at"] else None
        except ValueError:
            held_at = None
            messages.error(request, "会议时间格式不正确")
        if held_at is not None:
            try:
                meeting = services.create_meeting(chair=request.user, kind=kind, division=division or None,
                                                  held_at=held_at, place=values["place"], present=present,
                                                  quorum_rule=values["quorum_rule"] or None)
                messages.success(request, f"已召集{meeting.title}，议题 {meeting.items.count()} 件")
                return redirect("meetings:detail", pk=meeting.pk)
            except Refusal as exc:
                show(request, exc)
    return render(request, "meetings/new.html", {"options": options, "values": values, "members": members,
                                                 "absent": absent, "quorum_rules": QuorumRule.choices})


def _detail_context(request, meeting: Meeting, **extra) -> dict:
    return {**extra,
        "meeting": meeting, "rows": services.agenda(meeting), "candidates": services.candidates(meeting),
        "attendance": meeting.attendance.select_related("user").order_by("user__username"),
        "presences": Presence.choices, "decisions": MeetingDecision.choices,
        "may_run": rules.may_run(request.user, meeting) and not meeting.is_signed,
        "may_sign": rules.may_sign(request.user, meeting) and not meeting.is_signed,
        "may_correct": rules.may_sign(request.user, meeting) and meeting.is_signed,
        "quorum_problem": meeting.quorum_problem(), "next_meeting_at": services.next_meeting_at(meeting),
        "corrections": meeting.corrections.select_related("item__case", "created_by"),
    }


@login_required
def detail(request, pk: int):
    meeting = _meeting(request, pk)
    return render(request, "meetings/detail.html", _detail_context(request, meeting))


def _after(request, meeting: Meeting, anchor: str = ""):
    """htmx asks for the agenda section again; a plain form goes back to the page."""
    if request.headers.get("HX-Request"):
        meeting.refresh_from_db()
        return render(request, "meetings/_agenda.html", _detail_context(request, meeting))
    return redirect(f"{meeting.get_absolute_url()}{anchor}")


def _run(request, pk: int, action, success: str = "", anchor: str = ""):
    meeting = _meeting(request, pk)
    try:
        action(meeting)
        if success and not request.headers.get("HX-Request"):
            messages.success(request, success)
    except Refusal as exc:
        if request.headers.get("HX-Request"):
            return render(request, "meetings/_agenda.html", {**_detail_context(request, meeting),
                                                             "agenda_error": exc.message})
        show(request, exc)
    return _after(request, meeting, anchor)


@login_required
@require_POST
def attendance(request, pk: int):
    meeting = _meeting(request, pk)
    presences = {a.user.username: request.POST.get(f"presence_{a.user.username}", a.presence)
                 for a in meeting.attendance.select_related("user")}
    recorder = request.POST.get("recorder", "")

    def act(m):
        services.record_attendance(m, request.user, presences)
        if recorder != (m.recorder.username if m.recorder_id else ""):
            user = get_user_model().objects.filter(username=recorder).first() if recorder else None
            services.set_recorder(m, request.user, user)

    return _run(request, pk, act, "出席情况已记录", "#attendance")


@login_required
@require_POST
def agenda_add(request, pk: int):
    number = request.POST.get("case_number", "").strip()
    return _run(request, pk, lambda m: services.add_case(m, request.user, number), f"已将 {number} 列入议题",
                "#agenda")


@login_required
@require_POST
def agenda_remove(request, pk: int, item_id: int):
    return _run(request, pk, lambda m: services.remove_item(m, request.user, item_id), "已移出议题", "#agenda")


@login_required
@require_POST
def agenda_move(request, pk: int, item_id: int, direction: str):
    return _run(request, pk, lambda m: services.move_item(m, request.user, item_id, direction), "", "#agenda")


@login_required
@require_POST
def decide(request, pk: int, item_id: int):
    meeting = _meeting(request, pk)
    item = meeting.items.select_related("case").filter(pk=item_id).first()
    if item is None:
        raise Http404("本次会议没有这个议题")
    typed = {k: request.POST.get(k, "") for k in ("decision", "opinion", "conditions", "override_reason")}
    label = dict(MeetingDecision.choices).get(typed["decision"], typed["decision"])
    try:
        services.decide(meeting, request.user, item.case.number, typed["decision"], typed["opinion"],
                        typed["conditions"], typed["override_reason"])
    except Refusal as exc:
        if exc.status not in (400, 409):  # not this person's to decide, or gone: said as any refusal
            show(request, exc)
            return _after(request, meeting, f"#item-{item.pk}")
        # The decision's own refusal (no quorum, no opinion, publicity, compliance...) is shown beside its item
        # with what was typed kept (issue 22: a banner at the top, the page jumping to the item, the collective
        # opinion lost). htmx gets the agenda; a plain form the whole page (its action's #item-N scrolls to it).
        meeting.refresh_from_db()
        context = _detail_context(request, meeting, item_error={"id": item.pk, "message": exc.message},
                                  typed=typed)
        if request.headers.get("HX-Request"):
            return render(request, "meetings/_agenda.html", context)
        return render(request, "meetings/detail.html", context, status=exc.status)
    if not request.headers.get("HX-Request"):
        messages.success(request, f"案卷 {item.case.number}：{label}")
    return _after(request, meeting, f"#item-{item.pk}")


@login_required
@require_POST
def sign(request, pk: int):
    # Signing is final: the form asks to tick a confirmation (required in the page; checked here too, so a page
    # without JavaScript or an old form cannot sign by one stray click).
    if not request.POST.get("confirm"):
        meeting = _meeting(request, pk)
        messages.error(request, "签发后纪要不可修改：请勾选“我已核对全部议题和决定，确认签发”后再签发")
        return redirect(f"{meeting.get_absolute_url()}#sign")
    return _run(request, pk, lambda m: services.sign(m, request.user), "会议纪要已签发")


@login_required
@require_POST
def correct(request, pk: int):
    item_id = request.POST.get("item", "")
    return _run(request, pk, lambda m: services.correct(m, request.user, request.POST.get("text", ""),
                                                        int(item_id) if item_id.isdigit() else None),
                "更正记录已添加", "#corrections")


@login_required
def minutes_pdf(request, pk: int):
    meeting = _meeting(request, pk)
    response = HttpResponse(render_minutes(meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="minutes-{meeting.pk}.pdf"'
    return response
