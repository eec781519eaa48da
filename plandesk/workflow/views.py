"""Pages of the back office: the worklists (待办/已办) and the case workspace. Views are thin: they look the
object up through a helper that checks who may touch it, call one service, and render or redirect."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from plandesk.cases import compliance
from plandesk.cases.models import Case
from plandesk.catalog.models import Item
from plandesk.core.refusals import Refusal, show
from plandesk.organization.models import Unit
from plandesk.workflow import overrides, services
from plandesk.workflow.forms import form_from_post, schema_fields
from plandesk.workflow.models import Task, TaskState

DECISION_CHOICES = [("approve", "同意"), ("reject", "不同意"), ("return", "退回上一步")]


def _visible_case(user, number: str) -> Case:
    case = Case.objects.select_related("handling_office").filter(number=number).first()
    if case is None or not services.may_see_case(user, case):
        raise Http404("没有这个案卷，或您无权查看")
    return case


def _filtered(request, rows):
    item = request.GET.get("item") or ""
    office = request.GET.get("office") or ""
    if item:
        rows = rows.filter(case__item_versions__item__code=item)
    if office:
        rows = rows.filter(office__code=office)
    return rows.distinct(), {"item": item, "office": office}


def _filter_choices(rows) -> dict:
    case_ids = rows.values("case_id")
    items = Item.objects.filter(versions__cases__in=case_ids).distinct().select_related("current")
    offices = Unit.objects.filter(pk__in=rows.values("office_id")).order_by("sort_order", "code")
    return {"items": items, "offices": offices}


@login_required
def todo(request):
    """待办: my tasks and my posts' unclaimed tasks (and meetings I chair), soonest due first, with lights."""
    base = Task.objects.workable_by(request.user)
    rows, chosen = _filtered(request, base)
    rows = rows.select_related("case", "post", "office", "assignee").prefetch_related(
        "case__item_versions").order_by("due_at", "id")
    tasks = [t for t in rows if services.refusal_by_rules(request.user, t) is None]
    counts = {"total": len(tasks), "red": sum(t.current_light == "red" for t in tasks),
              "yellow": sum(t.current_light == "yellow" for t in tasks)}
    return render(request, "workflow/todo.html", {"tasks": tasks, "counts": counts, "chosen": chosen,
                                                  **_filter_choices(base)})


@login_required
def done(request):
    """已办: tasks I completed (or that lapsed in my hands), newest first."""
    base = Task.objects.filter(completed_by=request.user).exclude(state=TaskState.OPEN)
    rows, chosen = _filtered(request, base)
    tasks = list(rows.select_related("case", "post", "office").order_by("-completed_at", "-id")[:200])
    return render(request, "workflow/done.html", {"tasks": tasks, "chosen": chosen, **_filter_choices(base)})


def _materials(case: Case) -> list[dict]:
    provided = {m.get("code"): m.get("provided") for m in case.materials or [] if isinstance(m, dict)}
    rows = []
    for version in case.item_versions.select_related("item"):
        for material in version.materials.order_by("order", "id"):
            rows.append({"item": version.name, "name": material.name, "code": material.code,
                         "requirement": material.get_requirement_display(),
                         "provided": provided.get(material.code)})
    return rows


def _opinions(tasks: list[Task]) -> list[Task]:
    """Finished steps with what they said; form answers labelled with their titles from the step's schema."""
    rows = []
    for task in tasks:
        if task.state == TaskState.OPEN or not (task.opinion or task.decision):
            continue
        props = (task.form_schema or {}).get("properties", {})
        task.form_items = [(props.get(k, {}).get("title", k), "是" if v is True else "否" if v is False else v)
                           for k, v in (task.form_data or {}).items()]
        rows.append(task)
    return rows


@login_required
def workspace(request, number: str):
    """The case workspace: data, materials, site, the current task's form, opinions, history and the diagram."""
    case = _visible_case(request.user, number)
    tasks = list(case.tasks.select_related("post", "office", "assignee", "completed_by").order_by("created_at", "id"))
    mine = [t for t in tasks if t.state == TaskState.OPEN and services.may_work(request.user, t)]
    current = mine[0] if mine else None
    claimable = [t for t in tasks if t.state == TaskState.OPEN and t.assignee_id is None and t in mine]
    form_fields, colleagues, meeting = [], [], None
    if current is not None:
        draft = current.draft or {}
        form_fields = schema_fields(current.form_schema, draft.get("form"))
        if current.is_meeting:
            meeting = services.meeting_info(current)
        elif current.post_id:
            from plandesk.organization.models import Post

            colleagues = Post.objects.holders([current.post]).exclude(pk=request.user.pk).order_by("username")
    site = None
    if case.site is not None:
        from plandesk.gis.geometry import to_geojson

        site = json.dumps(to_geojson(case.site))
    done_steps = sorted({t.step_id for t in tasks if t.state != TaskState.OPEN})
    open_steps = sorted({t.step_id for t in tasks if t.state == TaskState.OPEN})
    context = {
        "case": case, "tasks": tasks, "current": current, "claimable": claimable, "form_fields": form_fields,
        "decisions": DECISION_CHOICES, "colleagues": colleagues, "meeting": meeting,
        "opinions": _opinions(tasks),
        "events": case.events.select_related("actor").order_by("at", "id"), "materials": _materials(case),
        "site_geojson": site, "done_steps": ",".join(done_steps), "open_steps": ",".join(open_steps),
        "pauses": case.pauses.all(),
        # An approval over these needs a written reason (workflow/overrides.py): the form asks for it.
        "compliance_findings": overrides.findings(overrides.latest_check(case.pk)) if current is not None else [],
    }
    return render(request, "workflow/workspace.html", context)


@login_required
def diagram(request, number: str):
    """The BPMN file of the version the case runs on, for the diagram viewer."""
    case = _visible_case(request.user, number)
    instance = getattr(case, "process", None)
    if instance is None:
        raise Http404
    return HttpResponse(instance.definition.bpmn_xml, content_type="application/xml; charset=utf-8")


def back_to_task(task_id: int, request):
    task = Task.objects.select_related("case").filter(pk=task_id).first()
    if task is not None and services.may_see_case(request.user, task.case):
        return redirect("workflow:case", number=task.case.number)
    return redirect("workflow:todo")


def _version(request) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


@login_required
@require_POST
def claim(request, task_id: int):
    try:
        services.claim_task(task_id, request.user, version=_version(request))
        messages.success(request, "已签收")
    except Refusal as exc:
        show(request, exc)
    return back_to_task(task_id, request)


@login_required
@require_POST
def complete(request, task_id: int):
    """Complete the task (or keep a draft, with the 保存草稿 button)."""
    task = Task.objects.filter(pk=task_id).first()
    if task is None:
        raise Http404
    opinion = request.POST.get("opinion", "").strip()
    form = form_from_post(task.form_schema, request.POST)
    try:
        if "save_draft" in request.POST:
            services.save_draft(task_id, request.user, opinion=opinion, form=form)
            messages.success(request, "草稿已保存")
        else:
            services.complete_task(task_id, request.user, decision=request.POST.get("decision", ""),
                                   opinion=opinion, form=form, version=_version(request),
                                   override_reason=request.POST.get("override_reason", ""))
            messages.success(request, f"“{task.name}”已办结")
            return redirect("workflow:todo")
    except Refusal as exc:
        show(request, exc)
    return back_to_task(task_id, request)


@login_required
@require_POST
def transfer(request, task_id: int):
    to_user = get_user_model().objects.filter(username=request.POST.get("to", ""), is_active=True).first()
    try:
        services.transfer_task(task_id, request.user, to_user, request.POST.get("reason", ""),
                               version=_version(request))
        messages.success(request, f"已转办给 {to_user.display_name}")
        return redirect("workflow:todo")
    except Refusal as exc:
        show(request, exc)
    return back_to_task(task_id, request)


@login_required
@require_POST
def supplement(request, task_id: int):
    try:
        services.request_supplement(task_id, request.user, request.POST.get("note", ""))
        messages.success(request, "已退回申请人补正，案卷暂停计时")
    except Refusal as exc:
        show(request, exc)
    return back_to_task(task_id, request)


# --- the case file's site compliance check, on the workspace (the check itself: plandesk.cases.compliance) ---

@login_required
@require_POST
def rerun_compliance(request, number: str):
    case = _visible_case(request.user, number)
    try:
        check = compliance.run(case, actor=request.user)
    except compliance.ComplianceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已完成第 {check.number} 次用地合规性审查：{check.get_verdict_display()}")
    return redirect(reverse("workflow:case", args=[case.number]) + "#compliance")


@login_required
def compliance_pdf(request, number: str, check_number: int):
    case = _visible_case(request.user, number)
    check = get_object_or_404(case.compliance_checks, number=check_number)
    response = HttpResponse(compliance.report_pdf(check), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="compliance-{case.number}-{check.number}.pdf"'
    return response
