"""Pages of the office's supervision desk, the urging notices and the assessment register. Views are thin: a helper
checks who may look, one service acts, the page is rendered or redirected."""

from __future__ import annotations

import json
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from plandesk.core.refusals import Refusal, show
from plandesk.workdays.calendar import local_date
from plandesk.workflow.models import Light, Task, TaskState
from plandesk.workflow.services import WorkflowError

from . import assessment, services
from .models import NoticeStatus, PhoneReminder, UrgingNotice
from .pdf import notice_pdf


def _office_only(user) -> None:
    if not services.is_office(user):
        raise Http404("仅办公室督办人员可以访问")


def _today():
    return local_date(timezone.now())


@login_required
def desk(request):
    """督办台: yellow steps with their phone reminders, red steps with the urging window, notices awaiting answer."""
    _office_only(request.user)
    open_tasks = Task.objects.open().select_related("case", "office", "assignee", "post").order_by("due_at", "id")
    yellow = list(open_tasks.filter(light=Light.YELLOW))
    calls: dict[int, list[PhoneReminder]] = {}
    for call in PhoneReminder.objects.filter(task__in=[t.pk for t in yellow]).order_by("-called_at"):
        calls.setdefault(call.task_id, []).append(call)
    for task in yellow:
        task.calls = calls.get(task.pk, [])
    red = list(open_tasks.filter(light=Light.RED))
    notices = {n.task_id: n for n in UrgingNotice.objects.filter(task__in=[t.pk for t in red]).exclude(
        status=NoticeStatus.WITHDRAWN).order_by("drafted_at")}
    today = _today()
    for task in red:
        task.notice = notices.get(task.pk)
        task.window_ends_on = task.notice.window_ends_on if task.notice else services.window_end(task.due_at)
        task.lapses_soon = bool(task.notice and task.notice.window_lapses_soon(today))
        task.lapsed = bool(task.notice and task.notice.window_lapsed(today))
    waiting = UrgingNotice.objects.filter(status=NoticeStatus.ISSUED).select_related("case", "task", "division",
                                                                                     "handler")
    return render(request, "supervision/desk.html", {"yellow": yellow, "red": red, "waiting": waiting,
                                                     "red_cases": services.red_cases(), "now": timezone.localtime()})


@login_required
@require_POST
def phone(request, task_id: int):
    called_at = None
    raw = (request.POST.get("called_at") or "").strip()
    try:
        if raw:
            called_at = timezone.make_aware(datetime.fromisoformat(raw))
    except ValueError:
        messages.error(request, "通话时间格式不正确")
        return redirect("supervision:desk")
    try:
        services.record_phone_reminder(task_id, request.user, callee_name=request.POST.get("callee_name", ""),
                                       content=request.POST.get("content", ""), called_at=called_at)
    except Refusal as exc:
        show(request, exc, not_found=(403, 404))
    else:
        messages.success(request, "已登记电话催办")
    return redirect("supervision:desk")


@login_required
def notices(request):
    """督办件: the notices the user may see (office: all; division heads: their divisions'; handlers: their own)."""
    rows = services.notices_visible_to(request.user).exclude(status=NoticeStatus.WITHDRAWN).order_by(
        "-issued_at", "-drafted_at")
    if not services.is_office(request.user):
        rows = rows.exclude(status=NoticeStatus.DRAFT)
    return render(request, "supervision/notices.html", {"notices": rows, "is_office": services.is_office(
        request.user)})


def _notice(request, notice_id: int) -> UrgingNotice:
    try:
        notice = services.notice_for(request.user, notice_id)
    except WorkflowError as exc:
        raise Http404(exc.message) from exc
    if notice.is_draft and not services.is_office(request.user):
        raise Http404("催办通知书尚未签发")
    return notice


@login_required
def notice(request, notice_id: int):
    item = _notice(request, notice_id)
    return render(request, "supervision/notice.html", {
        "notice": item, "is_office": services.is_office(request.user),
        "may_answer": item.awaits_feedback and services.may_answer(request.user, item),
        "task_open": item.task.state == TaskState.OPEN, "default_days": item.urging_days,
    })


@login_required
@require_POST
def issue(request, notice_id: int):
    _office_only(request.user)
    try:
        days = int(request.POST.get("urging_days") or 0) or None
    except ValueError:
        days = -1
    try:
        item = services.issue_notice(notice_id, request.user, urging_days=days)
    except Refusal as exc:
        show(request, exc, not_found=(404,))
        return redirect("supervision:notice", notice_id)
    messages.success(request, f"已签发 {item.number}")
    return redirect("supervision:notice", notice_id)


@login_required
@require_POST
def feedback(request, notice_id: int):
    try:
        services.file_feedback(notice_id, request.user, delay_reason=request.POST.get("delay_reason", ""),
                               handling_opinion=request.POST.get("handling_opinion", ""))
    except Refusal as exc:
        show(request, exc, not_found=(404,))
    else:
        messages.success(request, "已提交书面反馈，现在可以办结该环节")
    return redirect("supervision:notice", notice_id)


@login_required
def pdf(request, notice_id: int):
    item = _notice(request, notice_id)
    if item.is_draft:
        raise Http404("催办通知书尚未签发")
    response = HttpResponse(notice_pdf(item), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="urging-{item.year}-{item.seq}.pdf"'
    return response


def _register(request):
    if not services.may_assess(request.user):
        raise Http404("仅办公室和局长可以查看考核登记")
    by = request.GET.get("by") or "staff"
    try:
        period = assessment.parse_period(request.GET.get("period"), _today())
        rows = assessment.register(period, by)
    except assessment.PeriodError as exc:
        return None, None, by, str(exc)
    return period, rows, by, ""


@login_required
def assessment_page(request):
    period, rows, by, error = _register(request)
    context = {"period": period, "rows": rows or [], "by": by, "error": error, "columns": assessment.COLUMNS,
               "choices": assessment.BY_CHOICES,
               "period_text": period.param if period else request.GET.get("period", "")}
    if rows is not None:
        context["chart"] = json.dumps(assessment.chart_data(rows), ensure_ascii=False)
    return render(request, "supervision/assessment.html", context, status=400 if error else 200)


@login_required
def assessment_xlsx(request):
    period, rows, by, error = _register(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(assessment.workbook(rows, period, by),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="assessment-{period.start:%Y-%m}-{by}.xlsx"'
    return response
