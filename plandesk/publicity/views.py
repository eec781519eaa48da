"""Publicity pages: the public's (list, map, detail, opinion form, receipt) and the staff's (the register, the notice,
documents, moderation and the opinion summary). Views are thin: the rules are on the models and in services."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from plandesk.accounts.models import Role
from plandesk.audit.services import record
from plandesk.cases.models import Case
from plandesk.core.context import client_ip
from plandesk.gis.geometry import to_geojson
from plandesk.gis.models import Access, Layer
from plandesk.publicity import rules, services
from plandesk.publicity.forms import (
    DocumentForm,
    GroupForm,
    ModerationForm,
    NoticeForm,
    OpinionForm,
    PublicityForm,
    TrackingForm,
)
from plandesk.publicity.models import (
    Document,
    Opinion,
    OpinionGroup,
    OpinionStatus,
    Publicity,
    PublicityError,
    Status,
)
from plandesk.publicity.services import OutsidePeriod, TooManyOpinions, add_document, submit_opinion, summarize

MANAGERS = (Role.HANDLER, Role.DIVISION_HEAD, Role.DIRECTOR, Role.OFFICE_SUPERVISOR)
PUBLISHERS = (Role.DIVISION_HEAD, Role.DIRECTOR, Role.OFFICE_SUPERVISOR)


def can_manage(user) -> bool:
    return user.is_authenticated and user.has_role(*MANAGERS)


def _feature(p: Publicity) -> dict | None:
    if p.site is None:
        return None
    return {"type": "Feature", "geometry": to_geojson(p.site),
            "properties": {"title": p.title, "url": p.get_absolute_url(), "status": p.get_status_display()}}


def context_layers() -> str:
    """Public base layers drawn under the sites (roads by default; setting PLANDESK_PUBLICITY_CONTEXT_LAYERS), as
    JSON for the map's data-context: the gis app serves their features per view. Nothing from the Internet."""
    from django.conf import settings
    from django.urls import reverse


    codes = getattr(settings, "PLANDESK_PUBLICITY_CONTEXT_LAYERS", ["road-red-lines"])
    layers = Layer.objects.filter(code__in=codes, is_active=True, access=Access.PUBLIC).order_by("order")
    return json.dumps([{"name": layer.name, "url": reverse("gis:layer_geojson", args=[layer.code]) + "?public=1",
                        "color": (layer.style or {}).get("color", "#888")} for layer in layers], ensure_ascii=False)


def _site_json(p: Publicity) -> str:
    feature = _feature(p)
    return json.dumps({"type": "FeatureCollection", "features": [feature] if feature else []}, ensure_ascii=False)


# --- public pages ---------------------------------------------------------------------------------------------------

def public_list(request):
    past = request.GET.get("show") == "past"
    if past:
        page = Paginator(Publicity.objects.past().order_by("-ends_on", "-id"), 20).get_page(request.GET.get("page"))
        context = {"past": True, "page": page}
    else:
        context = {"past": False, "current": Publicity.objects.current().order_by("ends_on", "id"),
                   "coming": Publicity.objects.filter(status=Status.SCHEDULED).order_by("starts_on", "id")}
    return render(request, "publicity/list.html", context)


def public_map(request):
    items = list(Publicity.objects.filter(status__in=(Status.SCHEDULED, Status.RUNNING), site__isnull=False)
                 .order_by("starts_on"))
    features = [f for f in (_feature(p) for p in items) if f]
    data = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False)
    return render(request, "publicity/map.html", {"items": items, "geojson": data, "context": context_layers()})


def _public_publicity(pk: int) -> Publicity:
    return get_object_or_404(Publicity.objects.public(), pk=pk)


def _detail_context(publicity: Publicity, form: OpinionForm | None = None) -> dict:
    open_now = publicity.is_open_for_opinions()
    return {
        "p": publicity,
        "documents": publicity.documents.all(),
        "geojson": _site_json(publicity),
        "context": context_layers(),
        "open_for_opinions": open_now,
        "form": form or (OpinionForm() if open_now else None),
        "summary": summarize(publicity) if publicity.summary_published_at else None,
    }


def public_detail(request, pk: int):
    publicity = _public_publicity(pk)
    return render(request, "publicity/detail.html", _detail_context(publicity))


@require_POST
def submit(request, pk: int):
    publicity = _public_publicity(pk)
    form = OpinionForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            opinion = submit_opinion(publicity, name=form.cleaned_data["name"], contact=form.cleaned_data["contact"],
                                     content=form.cleaned_data["content"], attachment=form.cleaned_data["attachment"],
                                     client_ip=client_ip(request), challenge_nonce=form.nonce)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        except OutsidePeriod as exc:
            form.add_error(None, str(exc))
            status = 409
        except TooManyOpinions as exc:
            form.add_error(None, str(exc))
            status = 429
        else:
            return redirect("publicity:receipt", code=opinion.tracking_code)
    form.renew_challenge()
    return render(request, "publicity/detail.html", _detail_context(publicity, form), status=status)


def receipt(request, code: str):
    opinion = get_object_or_404(Opinion.objects.select_related("publicity", "group"), tracking_code=code.strip())
    return render(request, "publicity/receipt.html", {"opinion": opinion, "p": opinion.publicity})


def track(request):
    form = TrackingForm(request.GET or None)
    if form.is_valid():
        code = form.cleaned_data["code"].strip().upper()
        if Opinion.objects.filter(tracking_code=code).exists():
            return redirect("publicity:receipt", code=code)
        form.add_error("code", _("没有这个查询编号"))
    return render(request, "publicity/track.html", {"form": form}, status=404 if form.errors else 200)


def _file_response(field, content_type: str, name: str):
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, filename=name, as_attachment=False)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def document(request, pk: int, doc_id: int):
    qs = Publicity.objects.all() if can_manage(request.user) else Publicity.objects.public()
    publicity = get_object_or_404(qs, pk=pk)
    doc = get_object_or_404(Document, pk=doc_id, publicity=publicity)
    ext = doc.file.name.rsplit(".", 1)[-1]
    return _file_response(doc.file, doc.content_type, f"document-{doc.pk}.{ext}")


# --- staff pages ---------------------------------------------------------------------------------------------------

def _manager(request) -> None:
    if not can_manage(request.user):
        raise PermissionDenied(_("只有经办人、处长、局长和办公室可以管理公示"))


def _staff_publicity(request, pk: int) -> Publicity:
    _manager(request)
    return get_object_or_404(Publicity, pk=pk)


@login_required
def staff_list(request):
    _manager(request)
    qs = Publicity.objects.annotate(
        pending=Count("opinions", filter=Q(opinions__status=OpinionStatus.PENDING)), total=Count("opinions"))
    status = request.GET.get("status")
    if status in Status.values:
        qs = qs.filter(status=status)
    at_risk = Publicity.objects.at_risk().order_by("notice_due_on")
    page = Paginator(qs.order_by("-starts_on", "-id"), 30).get_page(request.GET.get("page"))
    return render(request, "publicity/staff_list.html", {
        "page": page, "at_risk": at_risk, "statuses": Status.choices, "status": status,
        "awaiting": cases_awaiting_publicity()[:20],
        "today": timezone.localdate(), "rule": rules.notice_rule_text()})


def cases_awaiting_publicity():
    """Open cases with an item that requires pre-approval publicity (须批前公示) and no publicity yet."""

    return (Case.objects.open().filter(item_versions__publicity_required=True, publicity__isnull=True)
            .distinct().order_by("received_at"))


@login_required
def staff_new(request):
    _manager(request)
    initial = {}
    number = request.GET.get("case", "")
    case = cases_awaiting_publicity().filter(number=number).first() if number else None
    if case is not None:
        initial = {"case_number": case.number, "subject": "project_scheme", "kind": "pre_approval",
                   "subject_name": case.project_name, "title": f"{case.project_name}建设工程设计方案批前公示"}
    form = PublicityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        publicity = form.save(commit=False)
        publicity.created_by = request.user
        with transaction.atomic():
            publicity.save()
            record("publicity.created", publicity, after={"title": publicity.title, "kind": publicity.kind,
                                                          "starts_on": publicity.starts_on,
                                                          "ends_on": publicity.ends_on},
                   summary=f"新建公示 {publicity.title[:60]}")
        messages.success(request, _("公示已创建（草稿）。请登记媒体公告并安排公示。"))
        return redirect("publicity:staff_detail", pk=publicity.pk)
    return render(request, "publicity/staff_new.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def staff_edit(request, pk: int):
    """Change a draft (a scheduled one goes back to draft first)."""
    publicity = _staff_publicity(request, pk)
    if publicity.status != Status.DRAFT:
        messages.error(request, _("只能修改草稿；已安排的公示请先撤回为草稿"))
        return _back(pk)
    before = {"title": publicity.title, "starts_on": publicity.starts_on, "ends_on": publicity.ends_on,
              "venues": list(publicity.venues)}
    initial = {"case_number": publicity.case.number if publicity.case_id else "",
               "site_geojson": json.dumps(to_geojson(publicity.site)) if publicity.site else ""}
    form = PublicityForm(request.POST or None, instance=publicity, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            publicity = form.save()
            record("publicity.edited", publicity, before=before,
                   after={"title": publicity.title, "starts_on": publicity.starts_on, "ends_on": publicity.ends_on,
                          "venues": list(publicity.venues)}, summary=f"修改公示 {publicity.title[:60]}")
        messages.success(request, _("公示已修改。"))
        return _back(pk)
    return render(request, "publicity/staff_new.html", {"form": form, "publicity": publicity},
                  status=400 if form.errors else 200)


@login_required
def staff_detail(request, pk: int, *, notice_form=None, document_form=None, status=200):
    publicity = _staff_publicity(request, pk)
    opinions = list(publicity.opinions.select_related("group", "duplicate_of", "moderated_by"))
    context = {
        "p": publicity,
        "documents": publicity.documents.all(),
        "geojson": _site_json(publicity),
        "notice_form": notice_form or NoticeForm(initial={
            "outlet": publicity.media_outlet, "notice_on": publicity.media_notice_on,
            "text": publicity.media_notice_text}),
        "document_form": document_form or DocumentForm(),
        "opinions": opinions,
        "groups": publicity.groups.all(),
        "group_form": GroupForm(),
        "summary": summarize(publicity),
        "can_publish": request.user.has_role(*PUBLISHERS),
        "rule": rules.notice_rule_text(),
        "latest_notice": publicity.notice_due_on,
    }
    return render(request, "publicity/staff_detail.html", context, status=status)


def _back(pk: int):
    return redirect("publicity:staff_detail", pk=pk)


def _error(request, exc: Exception) -> None:
    text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, text)


@require_POST
@login_required
def staff_notice(request, pk: int):
    publicity = _staff_publicity(request, pk)
    form = NoticeForm(request.POST)
    if form.is_valid():
        try:
            publicity.record_notice(outlet=form.cleaned_data["outlet"], notice_on=form.cleaned_data["notice_on"],
                                    text=form.cleaned_data["text"], actor=request.user)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error({"media_outlet": "outlet", "media_notice_on": "notice_on"}.get(field), errors)
        except PublicityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("媒体公告已登记。"))
            return _back(pk)
    return staff_detail(request, pk, notice_form=form, status=400)


@require_POST
@login_required
def staff_transition(request, pk: int, action: str):
    publicity = _staff_publicity(request, pk)
    try:
        if action == "schedule":
            publicity.schedule(actor=request.user)
            messages.success(request, _("公示已安排，将在开始日期自动开始。"))
        elif action == "unschedule":
            publicity.unschedule(actor=request.user)
            messages.success(request, _("已撤回为草稿。"))
        elif action == "publish_summary":
            if not request.user.has_role(*PUBLISHERS):
                raise PermissionDenied(_("只有处长、局长和办公室可以公布意见汇总"))
            services.publish_summary(publicity, actor=request.user)
            messages.success(request, _("意见汇总已在门户公布。"))
        else:
            raise Http404
    except (PublicityError, ValidationError) as exc:
        _error(request, exc)
    return _back(pk)


@require_POST
@login_required
def staff_document(request, pk: int):
    publicity = _staff_publicity(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            add_document(publicity, title=form.cleaned_data["title"], upload=form.cleaned_data["file"],
                         actor=request.user)
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        except PublicityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("文件已上传。"))
            return _back(pk)
    return staff_detail(request, pk, document_form=form, status=400)


def _staff_opinion(request, opinion_id: int) -> Opinion:
    _manager(request)
    return get_object_or_404(Opinion.objects.select_related("publicity"), pk=opinion_id)


@require_POST
@login_required
def staff_moderate(request, opinion_id: int):
    opinion = _staff_opinion(request, opinion_id)
    form = ModerationForm(request.POST, opinion=opinion)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return _back(opinion.publicity_id)
    decision, reason = form.cleaned_data["decision"], form.cleaned_data.get("reason", "")
    try:
        if decision == "accept":
            opinion.accept(actor=request.user, reason=reason)
        elif decision == "merge":
            opinion.merge_into(form.cleaned_data["target"], actor=request.user, reason=reason)
        else:
            opinion.reject(actor=request.user, reason=reason)
    except PublicityError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("意见 %(code)s 已审核。") % {"code": opinion.tracking_code})
    return _back(opinion.publicity_id)


@require_POST
@login_required
def staff_classify(request, opinion_id: int):
    opinion = _staff_opinion(request, opinion_id)
    group_id = request.POST.get("group") or ""
    group = None
    if group_id:
        group = OpinionGroup.objects.filter(pk=group_id if group_id.isdigit() else 0,
                                            publicity=opinion.publicity).first()
        if group is None:
            messages.error(request, _("意见类别不存在"))
            return _back(opinion.publicity_id)
    try:
        opinion.classify(group, actor=request.user)
    except PublicityError as exc:
        _error(request, exc)
    return _back(opinion.publicity_id)


@require_POST
@login_required
def staff_group(request, pk: int, group_id: int | None = None):
    publicity = _staff_publicity(request, pk)
    if publicity.summary_published_at:
        messages.error(request, _("意见汇总已公布，不能再修改"))
        return _back(pk)
    instance = get_object_or_404(OpinionGroup, pk=group_id, publicity=publicity) if group_id else None
    form = GroupForm(request.POST, instance=instance)
    if form.is_valid():
        group = form.save(commit=False)
        group.publicity = publicity
        if instance is None:
            group.position = publicity.groups.count()
        try:
            with transaction.atomic():
                group.save()
                record("publicity.group_saved", publicity, after={"group": group.title, "response": group.response},
                       summary=f"{publicity.title[:60]} 意见分类：{group.title[:60]}", actor=request.user)
        except IntegrityError:
            messages.error(request, _("已有同名的意见类别"))
        else:
            messages.success(request, _("意见类别已保存。"))
    else:
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
    return _back(pk)


@login_required
def staff_attachment(request, opinion_id: int):
    opinion = _staff_opinion(request, opinion_id)
    if not opinion.attachment:
        raise Http404
    ext = opinion.attachment.name.rsplit(".", 1)[-1]
    return _file_response(opinion.attachment, opinion.attachment_type or "application/octet-stream",
                          f"{opinion.tracking_code}.{ext}")
