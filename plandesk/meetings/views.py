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
from plandesk.meetings.models import Kind, Meeting, MeetingDecision, Presence, QuorumRule
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


@login_required
def meeting_list(request):
    meetings = Meeting.objects.visible_to(request.user).select_related("division", "chair")[:200]
    return render(request, "meetings/list.html", {"meetings": meetings,
                                                  "may_convene": bool(convene_options(request.user))})


@login_required
def new(request):
    options = convene_options(request.user)
    if not options:
        raise Http404("您不能召集会议")
    values = {"which": options[0][0], "held_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "place": "",
              "quorum_rule": QuorumRule.MAJORITY}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in ("which", "held_at", "place", "quorum_rule")}
        kind, _sep, division = values["which"].partition(":")
        try:
            held_at = datetime.fromisoformat(values["held_at"]) if values["held_at"] else None
        except ValueError:
            held_at = None
            messages.error(request, "会议时间格式不正确")
        if held_at is not None:
            try:
                meeting = services.create_meeting(chair=request.user, kind=kind, division=division or None,
                                                  held_at=held_at, place=values["place"],
                                                  quorum_rule=values["quorum_rule"] or None)
                messages.success(request, f"已召集{meeting.title}，议题 {meeting.items.count()} 件")
                return redirect("meetings:detail", pk=meeting.pk)
            except Refusal as exc:
                show(request, exc)
    return render(request, "meetings/new.html", {"options": options, "values": values,
                                                 "quorum_rules": QuorumRule.choices})


def _detail_context(request, meeting: Meeting) -> dict:
    return {
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
    decision = request.POST.get("decision", "")
    label = dict(MeetingDecision.choices).get(decision, decision)
    return _run(request, pk, lambda m: services.decide(m, request.user, item.case.number, decision,
                                                       request.POST.get("opinion", ""),
                                                       request.POST.get("conditions", ""),
                                                       request.POST.get("override_reason", "")),
                f"案卷 {item.case.number}：{label}", f"#item-{item.pk}")


@login_required
@require_POST
def sign(request, pk: int):
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
