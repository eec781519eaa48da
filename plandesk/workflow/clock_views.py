"""The case clock on the case workspace: hearing / expert review / inspection pauses and their end, the extension
(asked by the handler, decided by the head or the director) and its letter. Thin: one service call each."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from plandesk.cases.models import Case, CaseExtension, ExtensionStatus
from plandesk.core.refusals import Refusal, show
from plandesk.workflow import clock, services, views
from plandesk.workflow.letters import extension_letter_pdf


def _back(request, task_id: int | None = None, number: str | None = None):
    if number is None and task_id is not None:
        return views.back_to_task(task_id, request)  # the task pages' own way back (the case, if he may see it)
    return redirect("workflow:case", number=number) if number else redirect("workflow:todo")


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


@login_required
@require_POST
def pause(request, task_id: int):
    try:
        clock.pause_for_task(task_id, request.user, reason=request.POST.get("reason", ""),
                             note=request.POST.get("note", ""), ends_on=_day(request.POST.get("ends_on", "")))
        messages.success(request, "已暂停计时，期间不计入办理时限")
    except Refusal as exc:
        show(request, exc)
    return _back(request, task_id)


@login_required
@require_POST
def resume(request, task_id: int):
    try:
        clock.end_task_pause(task_id, request.user, note=request.POST.get("note", ""))
        messages.success(request, "已恢复计时，承诺办结时间相应顺延")
    except Refusal as exc:
        show(request, exc)
    return _back(request, task_id)


@login_required
@require_POST
def request_extension(request, task_id: int):
    raw = (request.POST.get("days") or "").strip()
    try:
        clock.request_extension(task_id, request.user, days=int(raw) if raw.isdigit() else 0,
                                reason=request.POST.get("reason", ""))
        messages.success(request, "延期申请已提交，待审批")
    except Refusal as exc:
        show(request, exc)
    return _back(request, task_id)


def _case(user, number: str) -> Case:
    case = Case.objects.select_related("handling_office").filter(number=number).first()
    if case is None or not (services.may_see_case(user, case) or clock.may_decide_extension(user, case)):
        raise Http404("没有这个案卷，或您无权查看")
    return case


@login_required
@require_POST
def decide_extension(request, number: str):
    case = _case(request.user, number)
    try:
        clock.decide_extension(case, request.user, approve=request.POST.get("approve") == "1",
                               note=request.POST.get("note", ""))
        messages.success(request, "已审批延期申请")
    except Refusal as exc:
        show(request, exc)
    return _back(request, number=case.number)


@login_required
def extension_letter(request, number: str):
    case = _case(request.user, number)
    extension = CaseExtension.objects.filter(case=case, status=ExtensionStatus.APPROVED).first()
    if extension is None:
        raise Http404("本案没有已批准的延期")
    response = HttpResponse(extension_letter_pdf(extension), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="extension-{case.number}.pdf"'
    return response
