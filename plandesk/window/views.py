"""Pages of the two windows (intake, output) and the public progress query. Thin: a service does the work."""

from __future__ import annotations

import json
import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from plandesk.cases.models import Case, CaseStatus
from plandesk.catalog.models import Item, ParallelGroup
from plandesk.core.context import client_ip
from plandesk.core.refusals import Refusal, show
from plandesk.gis.geometry import GeometryError, to_geojson
from plandesk.organization.roles import is_director_or_office
from plandesk.window import materials as owed_materials
from plandesk.window import pdf, services, sites, storage
from plandesk.window.forms import read_form, schema_inputs
from plandesk.window.intake import MaterialState, checklist
from plandesk.window.models import MaterialFile, RefusalNotice, SupplementNotice
from plandesk.window.query import QueryRefused, public_query
from plandesk.workflow import clock as workflow_clock


def _clerk(check):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not check(request.user):
                raise PermissionDenied("窗口工作人员才能使用此页面")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _any_clerk(user) -> bool:
    return services.is_intake_clerk(user) or services.is_output_clerk(user)


def _clerk_or_office(user) -> bool:
    return _any_clerk(user) or is_director_or_office(user)


intake_only = _clerk(services.is_intake_clerk)
output_only = _clerk(services.is_output_clerk)
window_staff = _clerk(_any_clerk)
owed_readers = _clerk(_clerk_or_office)


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# --- the desk ---------------------------------------------------------------------------------------------------

@window_staff
def desk(request):
    wanted = (request.GET.get("n") or "").strip()
    if wanted:
        if Case.objects.filter(number=wanted).exists():
            return redirect("window:case", wanted)
        messages.error(request, f"没有编号为 {wanted[:20]} 的案件")
    open_notices = SupplementNotice.objects.filter(state=SupplementNotice.State.OPEN).select_related("case")
    return render(request, "window/desk.html", {
        "is_intake": services.is_intake_clerk(request.user),
        "is_output": services.is_output_clerk(request.user),
        "recent": Case.objects.filter(received_by=request.user).select_related("handling_office")[:20],
        "ready": Case.objects.filter(status=CaseStatus.READY_FOR_PICKUP).order_by("ready_at")[:50],
        "notices": open_notices[:50],
        "refusals": RefusalNotice.objects.filter(case__isnull=True, issued_by=request.user)[:20],
    })


# --- intake --------------------------------------------------------------------------------------------------------

def _choices():
    items = list(Item.objects.published())
    groups = [(g, [i for i in items if i.current.parallel_group_id == g.pk]) for g in ParallelGroup.objects.all()]
    return items, [(g, members) for g, members in groups if len(members) > 1]


def _selected_versions(request):
    codes = request.POST.getlist("items") if request.method == "POST" else []
    if not codes:
        if request.GET.get("group"):
            codes = list(Item.objects.published().filter(current__parallel_group__code=request.GET["group"])
                         .values_list("code", flat=True))
        elif request.GET.get("item"):
            codes = [request.GET["item"]]
    found = {i.code: i for i in Item.objects.published().filter(code__in=codes)}
    return [found[c].current for c in codes if c in found]


def _site_input(request) -> tuple[object, str]:
    """The site from the upload, the coordinate list or the map (in that order); (GeoJSON or None, error)."""
    upload = request.FILES.get("site_file")
    coords = (request.POST.get("site_coords") or "").strip()
    drawn = (request.POST.get("site_geojson") or "").strip()
    try:
        if upload is not None:
            return sites.from_upload(upload), ""
        if coords:
            return sites.from_coordinates(coords), ""
    except GeometryError as exc:
        return None, exc.message
    return (drawn or None), ""


def _application(request, versions) -> tuple[dict, dict, str]:
    post = request.POST
    site, site_error = _site_input(request)
    materials = [{"code": m["code"], "provided": post.get(f"m.{m['code']}") == "1"} for m in checklist(versions)]
    files = {m["code"]: request.FILES.getlist(f"mf.{m['code']}") for m in checklist(versions)}
    files = {code: uploads for code, uploads in files.items() if uploads}
    data = {
        "items": [v.item.code for v in versions],
        "applicant": {"name": post.get("applicant_name"), "credit_code": post.get("credit_code"),
                      "id_number": post.get("id_number"), "contact": post.get("contact"),
                      "phone": post.get("phone")},
        "project": {"name": post.get("project_name"), "address": post.get("project_address"), "site": site,
                    "handling_office": post.get("handling_office") or None},
        "forms": {v.item.code: read_form(v.item.code, v.form_schema, post) for v in versions},
        "materials": materials,
        "idempotency_key": (post.get("form_token") or "")[:100] or None,
    }
    return data, files, site_error


@intake_only
@require_http_methods(["GET", "POST"])
def intake(request):
    versions = _selected_versions(request)
    if not versions:
        items, groups = _choices()
        return render(request, "window/intake_choose.html", {"items": items, "groups": groups})
    errors: dict[str, str] = {}
    data: dict = {}
    offices: list[dict] = []
    if request.method == "POST":
        data, files, site_error = _application(request, versions)
        try:
            if site_error:
                raise services.IntakeInvalid([{"field": "project.site", "message": site_error}])
            result = services.intake(data, actor=request.user, files=files, choose_when_split=True)
        except services.IntakeInvalid as exc:
            for f in exc.fields:
                errors.setdefault(f["field"], f["message"])
                offices = f.get("choices") or offices
        else:
            if result.receipt is None:
                messages.info(request, "该申请已受理（重复提交），回执链接已过期："
                                       "如需回执请重新打印（将生成新的查询密码）")
                return redirect("window:case", result.case.number)
            return redirect("window:receipt", services.receipt_token(result.receipt))
    return _intake_form(request, versions, data, errors, offices)


def _intake_form(request, versions, data: dict, errors: dict, offices: list[dict] | None = None):
    post = request.POST
    forms = [(v, schema_inputs(v.item.code, v.form_schema, data.get("forms", {}).get(v.item.code), errors))
             for v in versions]
    site = data.get("project", {}).get("site") if data else None
    return render(request, "window/intake_form.html", {
        "versions": versions, "forms": forms, "errors": errors, "post": post,
        "materials": [{**m, "checked": post.get(f"m.{m['code']}") == "1", "error": errors.get(f"materials.{m['code']}"),
                       "requirement_label": _REQUIREMENT_LABELS.get(m["requirement"], m["requirement"])}
                      for m in checklist(versions)],
        "form_token": post.get("form_token") or uuid.uuid4().hex,
        "site_json": json.dumps(site, ensure_ascii=False) if isinstance(site, dict) else (site or ""),
        "other_errors": {k: v for k, v in errors.items() if not k.startswith(("forms.", "materials."))},
        "accept": storage.ACCEPT,
        "offices": offices or [],
    })


@intake_only
@require_POST
def refuse_application(request):
    """不予受理 before registration: the intake form's second button. No case, no case number; a notice with its
    own number, printed for the applicant. The form token makes a double click one notice."""
    versions = _selected_versions(request)
    post = request.POST
    data = {
        "items": [v.item.code for v in versions] or post.getlist("items"),
        "applicant": {"name": post.get("applicant_name"), "credit_code": post.get("credit_code"),
                      "id_number": post.get("id_number"), "contact": post.get("contact"), "phone": post.get("phone")},
        "project": {"name": post.get("project_name"), "address": post.get("project_address")},
        "materials": [{"code": m["code"], "provided": post.get(f"m.{m['code']}") == "1"} for m in checklist(versions)],
        "reason": post.get("refusal_reason", ""),
        "idempotency_key": f"refuse-{(post.get('form_token') or '')[:80]}" if post.get("form_token") else None,
    }
    try:
        notice, _created = services.refuse_application(data, actor=request.user)
    except services.IntakeInvalid as exc:
        if not versions:
            messages.error(request, exc.message)
            return redirect("window:intake")
        errors: dict[str, str] = {}
        for f in exc.fields:
            errors.setdefault(f["field"], f["message"])
        return _intake_form(request, versions, {}, errors)
    messages.success(request, "已出具不予受理通知书（未予立案），请打印交申请人")
    return redirect("window:refusal", notice.pk)


@window_staff
def refusal(request, pk: int):
    notice = get_object_or_404(RefusalNotice, pk=pk)
    return render(request, "window/refusal.html", {"notice": notice})


@window_staff
def refusal_notice_pdf(request, pk: int):
    notice = get_object_or_404(RefusalNotice, pk=pk)
    return _pdf(pdf.refusal_pdf(notice), f"refusal-{notice.year or 'case'}-{notice.sequence or notice.pk}.pdf")


_REQUIREMENT_LABELS = {"required": "必交", "deferrable": "可容缺", "commitment": "可告知承诺", "conditional": "视情形"}


def _receipt_or_gone(token: str):
    receipt = services.receipt_for_token(token)
    if receipt is None:
        raise Http404("回执链接无效或已过期（15 分钟）；如需回执请在案件页重新打印，将生成新的查询密码")
    return receipt


@never_cache
@intake_only
def receipt(request, token: str):
    """The page after intake: case number, password and pick-up date once more, and the receipt PDF."""
    found = _receipt_or_gone(token)
    return render(request, "window/receipt.html", {
        "case": found.case, "password": services.receipt_password(found), "token": token,
        "expires_at": found.expires_at,
    })


def receipt_pdf(request, token: str):
    """The filing receipt PDF. The signed link (15 minutes) is the credential: it is handed to the clerk in the
    intake response or page, and carries no password itself."""
    found = _receipt_or_gone(token)
    password = services.receipt_password(found)
    if password is None:
        raise Http404("回执链接已过期")
    return _pdf(pdf.receipt_pdf(found.case, password), f"receipt-{found.case.number}.pdf")


# --- one case at the window ---------------------------------------------------------------------------------------

def _window_case(number: str) -> Case:
    return get_object_or_404(Case.objects.select_related("handling_office"), number=number)


@window_staff
def case_detail(request, number: str):
    case = _window_case(number)
    deferred = owed_materials.deferred(case)
    supplied = {r.code for r in deferred if r.supplied_at}
    return render(request, "window/case.html", {
        "case": case,
        "site": to_geojson(case.site) if case.site else None,
        "materials": [{**m, "state_label": "容缺受理，已补交" if m["code"] in supplied
                       else MaterialState.LABELS.get(m.get("state"), m.get("state"))}
                      for m in case.materials or []],
        "files": case.material_files.select_related("file"),
        "notices": case.supplement_notices.all(),
        "open_notice": case.supplement_notices.filter(state=SupplementNotice.State.OPEN).first(),
        "is_intake": services.is_intake_clerk(request.user),
        "is_output": services.is_output_clerk(request.user),
        "pickup": getattr(case, "pickup", None) if hasattr(case, "pickup") else None,
        "refusal": getattr(case, "refusal_notice", None) if hasattr(case, "refusal_notice") else None,
        "documents": services.default_documents(case),
        "document_choices": services.Pickup.Document.choices,
        "accept": storage.ACCEPT,
        "deferred": [{"row": r, "light": owed_materials.light(r)} for r in deferred],
        "owed_before_issue": _owed_before_issue(case),
        "may_supply": case.status in owed_materials.OPEN_STATUSES,
    })


def _owed_before_issue(case: Case) -> str:
    """The issuing's refusal, in the words the certificate check step shows, while it holds."""
    try:
        owed_materials.refuse_issue_while_owed(case.pk)
    except owed_materials.MaterialsOutstanding as exc:
        return exc.message
    return ""


@owed_readers
def owed(request):
    """容缺材料督办: every material still owed on an open case, with its light (red: late; yellow: falls due within
    the reminder lead, or due before issue), for the windows and the office."""
    rows = owed_materials.owed_on_open_cases()
    return render(request, "window/owed.html", {"rows": [{"row": r, "light": owed_materials.light(r)} for r in rows]})


@window_staff
@require_POST
def supply_material(request, number: str, code: str):
    """A 容缺 material supplied at the window: the scans checked by content as at intake, then recorded once."""
    case = _window_case(number)
    try:
        row = services.supply_material(case, code, actor=request.user, uploads=request.FILES.getlist("file"),
                                       note=request.POST.get("note", ""))
    except Refusal as exc:
        show(request, exc)
    else:
        messages.success(request, f"已登记补交“{row.name}”")
    return redirect("window:case", number)


@intake_only
@require_POST
def reprint(request, number: str):
    found, _password = services.reprint_receipt(_window_case(number), actor=request.user)
    messages.success(request, "已重新打印立案回执：原查询密码作废，请将新回执交给申请人")
    return redirect("window:receipt", services.receipt_token(found))


@intake_only
@require_POST
def refuse(request, number: str):
    case = _window_case(number)
    try:
        services.refuse(case, request.POST.get("reason", ""), actor=request.user)
    except Refusal as exc:
        show(request, exc)
    else:
        messages.success(request, "已作不予受理处理，请打印不予受理通知书交申请人")
    return redirect("window:case", case.number)


@intake_only
@require_POST
def withdraw(request, number: str):
    """The applicant withdraws at the window (撤回申请): the case ends, its open steps close, their holders are told."""
    case = _window_case(number)
    try:
        workflow_clock.withdraw_case(case, actor=request.user, reason=request.POST.get("reason", ""))
    except Refusal as exc:
        show(request, exc)
    else:
        messages.success(request, "已办理撤回，案卷办结，在办环节已关闭并通知经办人")
    return redirect("window:case", case.number)


@window_staff
def refusal_pdf(request, number: str):
    case = _window_case(number)
    notice = getattr(case, "refusal_notice", None) if hasattr(case, "refusal_notice") else None
    if notice is None:
        raise Http404("该案件没有不予受理通知书")
    return _pdf(pdf.refusal_pdf(notice), f"refusal-{case.number}.pdf")


@window_staff
def supplement_pdf(request, number: str, pk: int):
    notice = get_object_or_404(SupplementNotice.objects.select_related("case"), pk=pk, case__number=number)
    return _pdf(pdf.supplement_pdf(notice), f"supplement-{notice.number}.pdf")


@intake_only
@require_POST
def record_supplements(request, number: str, pk: int):
    notice = get_object_or_404(SupplementNotice.objects.select_related("case"), pk=pk, case__number=number)
    files = {}
    for key in request.FILES:
        if key.startswith("mf."):
            files[key[3:]] = request.FILES.getlist(key)
    try:
        services.record_supplements(notice, actor=request.user, note=request.POST.get("note", ""), files=files)
    except services.IntakeInvalid as exc:
        messages.error(request, exc.message)
    except Refusal as exc:
        show(request, exc)
    else:
        messages.success(request, "补正材料已登记，案件恢复计时")
    return redirect("window:case", number)


@window_staff
def material_file(request, number: str, pk: int):
    """A received scan, as an attachment of its detected type (never rendered as HTML)."""
    row = get_object_or_404(MaterialFile.objects.select_related("file"), pk=pk, case__number=number)
    path = storage.path_for(row.file.sha256)
    if not path.exists():
        raise Http404("文件不在存储中")
    response = FileResponse(path.open("rb"), content_type=storage.KIND_TYPES[row.file.kind], as_attachment=True,
                            filename=f"{row.material_code}-{row.pk}.{row.file.kind}")
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- the output window ----------------------------------------------------------------------------------------------

@output_only
@require_POST
def pickup(request, number: str):
    case = _window_case(number)
    try:
        services.record_pickup(case, actor=request.user, collector_name=request.POST.get("collector_name", ""),
                               collector_id_number=request.POST.get("collector_id_number", ""),
                               on_behalf_of=request.POST.get("on_behalf_of", ""),
                               documents=request.POST.getlist("documents"))
    except Refusal as exc:
        show(request, exc)
    else:
        messages.success(request, "已登记取件，案件办结")
    return redirect("window:case", case.number)


# --- the public query -----------------------------------------------------------------------------------------------

@require_http_methods(["GET", "POST"])
def public_query_page(request):
    """案件查询: public and mobile-friendly; the same rules as the API."""
    result, error = None, ""
    status = 200
    if request.method == "POST":
        try:
            result = public_query(request.POST.get("case_number"), request.POST.get("password"),
                                  address=client_ip(request), channel="web")
        except QueryRefused as exc:
            error, status = exc.message, exc.status
    return render(request, "window/public_query.html", {
        "result": result, "error": error, "case_number": request.POST.get("case_number", ""),
        "phone": pdf.query_phone(), "action": reverse("window:public_query"),
    }, status=status)
