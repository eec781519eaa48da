"""Dashboards, drill-down, exports, the monthly PDF, the rating pages and the office's follow-ups. Views are thin:
a helper decides who may look and at what scope, `stats`/`export` compute, the models act."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plandesk.cases.models import Case
from plandesk.core.context import client_ip
from plandesk.organization.roles import is_office
from plandesk.window.query import QueryRefused, public_query

from . import export, stats
from .access import NotAllowed, scope_for
from .links import case_number_from
from .models import FollowUp, Level, Rating, RatingError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope(request):
    try:
        return scope_for(request.user)
    except NotAllowed as exc:
        raise Http404(str(exc)) from exc


def _period(request) -> stats.Period:
    """`from`/`to` from the query string; without them, this month so far."""
    today = timezone.localdate()
    first = request.GET.get("from") or today.replace(day=1).isoformat()
    last = request.GET.get("to") or today.isoformat()
    return stats.Period.parse(first, last)


def _by(request) -> str:
    by = request.GET.get("by") or "item"
    return by if by in stats.DIMENSIONS else "item"


def _chart(figures: list[dict]) -> str:
    return json.dumps({"names": [row["name"] for row in figures],
                       "labels": {key: str(label) for key, label in stats.METRICS},
                       "series": {key: [row[key] for row in figures] for key in stats.METRIC_KEYS}},
                      ensure_ascii=False)


@login_required
def dashboard(request):
    scope = _scope(request)
    by = _by(request)
    try:
        period = _period(request)
    except stats.PeriodError as exc:
        return render(request, "reports/dashboard.html", {"error": str(exc), "by": by,
                                                          "dimensions": stats.DIMENSIONS}, status=400)
    data = export.tables(period, by, scope)
    others = [(name, table) for name, table in data.items() if name != "figures"]
    return render(request, "reports/dashboard.html", {
        "period": period, "by": by, "dimensions": stats.DIMENSIONS, "tables": others, "metrics": stats.METRICS,
        "figures": data["figures"], "chart": _chart(data["figures"]["rows"]), "whole_bureau": scope is None,
    })


@login_required
def drill(request):
    """The cases behind one figure: ?metric=&from=&to=[&item=][&office=]."""
    scope = _scope(request)
    metric = request.GET.get("metric", "")
    if metric not in stats.METRIC_KEYS:
        raise Http404("统计项无效")
    try:
        period = _period(request)
    except stats.PeriodError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    rows = stats.cases_for(period, metric, item=request.GET.get("item") or None,
                           office=request.GET.get("office") or None, scope=scope)
    rows = rows.select_related("handling_office").order_by("-received_at", "-id")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "reports/cases.html", {"page": page, "count": page.paginator.count, "period": period,
                                                  "metric_label": dict(stats.METRICS)[metric],
                                                  "query": request.GET.urlencode()})


@login_required
def export_xlsx(request):
    scope = _scope(request)
    try:
        period = _period(request)
    except stats.PeriodError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    by = _by(request)
    data = export.tables(period, by, scope)
    wanted = request.GET.get("table")
    if wanted:
        if wanted not in data:
            raise Http404("没有这个表")
        data = {wanted: data[wanted]}
    response = HttpResponse(export.workbook(data, period), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="reports-{period.start}-{period.end}.xlsx"'
    return response



@login_required
def monthly_pdf(request):
    """?month=YYYY-MM (default: last month): the report the office forwards to the city government."""
    scope = _scope(request)
    text = request.GET.get("month") or ""
    today = timezone.localdate()
    try:
        if text:
            year, month = (int(part) for part in text.split("-"))
        else:
            year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
        period = stats.Period.month(year, month)
    except ValueError:
        return HttpResponse("月份格式应为 YYYY-MM", status=400, content_type="text/plain; charset=utf-8")
    # the report goes to the city government in Chinese whatever language the screen is in
    with translation.override(settings.LANGUAGE_CODE):
        body = export.monthly_pdf(export.tables(period, "item", scope), period)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="monthly-{period.start:%Y-%m}.pdf"'
    return response


# --- the service rating (public) ---------------------------------------------------------------------------------

def _rating_form(request, context: dict, status: int = 200):
    context.setdefault("levels", Level.choices)
    return render(request, "reports/rate.html", context, status=status)


def rate(request):
    """门户评价: case number + query password (the window's query check, lockout included), level and comment."""
    if request.method != "POST":
        return _rating_form(request, {"with_password": True})

    number = request.POST.get("case_number", "").strip()
    context = {"with_password": True, "case_number": number, "level": request.POST.get("level", ""),
               "comment": request.POST.get("comment", "")}
    try:
        public_query(number, request.POST.get("password", ""), address=client_ip(request), channel="rating")
    except QueryRefused as exc:
        return _rating_form(request, {**context, "error": exc.message}, status=exc.status)
    return _give(request, Case.objects.get(number=number), "portal", context)


def rate_link(request, token: str):
    """评价链接 from the pick-up notice: the signed token names the case."""
    number = case_number_from(token)
    case = Case.objects.filter(number=number).first() if number else None
    if case is None:
        return _rating_form(request, {"error": "评价链接无效或已过期，请在门户凭案件编号和查询密码评价",
                                      "with_password": True}, status=404)
    context = {"with_password": False, "case_number": case.number, "token": token,
               "level": request.POST.get("level", ""), "comment": request.POST.get("comment", "")}
    if request.method != "POST":
        if hasattr(case, "rating"):
            context["done"] = case.rating
        return _rating_form(request, context)
    return _give(request, case, "link", context)


def _give(request, case, channel: str, context: dict):
    try:
        rating = Rating.give(case, request.POST.get("level"), request.POST.get("comment", ""), channel)
    except RatingError as exc:
        return _rating_form(request, {**context, "error": str(exc)}, status=409 if "已评价" in str(exc) else 400)
    return _rating_form(request, {"done": rating, "with_password": False})


# --- follow-ups of bad ratings (office) --------------------------------------------------------------------------

def _office_or_director(request, *, act: bool = False) -> None:
    from .access import sees_all

    if not (is_office(request.user) if act else sees_all(request.user)):
        raise Http404("仅办公室可以办理差评整改")


@login_required
def follow_ups(request):
    _office_or_director(request)
    rows = FollowUp.objects.select_related("rating", "case", "case__handling_office").order_by(
        "rectified_at", "rectify_due_at", "id")
    for row in rows:
        row.current_light = row.light_at()
    return render(request, "reports/follow_ups.html", {"rows": rows, "may_act": is_office(request.user)})


@login_required
@require_POST
def follow_up_step(request, pk: int):
    _office_or_director(request, act=True)
    follow_up = get_object_or_404(FollowUp.objects.select_related("case"), pk=pk)
    step = request.POST.get("step")
    try:
        if step == "contact":
            follow_up.record_contact(request.POST.get("note", ""), actor=request.user)
        elif step == "rectify":
            follow_up.record_rectification(request.POST.get("note", ""), actor=request.user)
        else:
            raise RatingError("操作无效")
    except RatingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已记录"))
    return redirect("reports:follow_ups")
