"""Pages: public verification (by number, by QR link, by uploaded PDF) and the public key; for staff, a case's
documents (prepare, check, PDF, void, reissue, hand over) and the issuance register. Thin: services do the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from plandesk.accounts.models import Role
from plandesk.cases.models import Case
from plandesk.certificates import commitments, pdf, services, signing
from plandesk.certificates.drafting import owed_message
from plandesk.certificates.models import Certificate, CommitmentCheck, CommitmentOutcome, Handover, Status
from plandesk.core.refusals import Refusal, show

MAX_UPLOAD = 20 * 1024 * 1024


# --- public ----------------------------------------------------------------------------------------------------------

def verify_form(request):
    """证照核验: type the number printed on the certificate, or upload its PDF."""
    number = (request.GET.get("number") or "").strip()
    if number:
        if "/" in number:  # no certificate number holds one, and the page's route could not carry it
            return render(request, "certificates/verify.html", {"number": number[:60], "result": None}, status=404)
        code = (request.GET.get("c") or "").strip()[:20]
        target = reverse("certificates:verify", args=[number[:60]])
        return redirect(f"{target}?{urlencode({'c': code})}" if code else target)
    return render(request, "certificates/verify_form.html", {"key_id": signing.key_id()})


def verify(request, number: str):
    """The page the QR code opens: validity and kind for anyone; the certificate's fields as the bureau holds them
    only with the check code printed on it (`c`, which the QR link carries)."""
    result = services.verify(number, request.GET.get("c"))
    if result is None:
        return render(request, "certificates/verify.html", {"number": number[:60], "result": None}, status=404)
    return render(request, "certificates/verify.html", {"number": number, "result": result,
                                                        "data": result.as_dict()})


@require_http_methods(["POST"])
def verify_file(request):
    upload = request.FILES.get("file")
    if upload is None or upload.size == 0:
        messages.error(request, "请选择证照的 PDF 文件")
        return redirect("certificates:verify_form")
    if upload.size > MAX_UPLOAD:
        messages.error(request, "文件过大（至多 20 MB）")
        return redirect("certificates:verify_form")
    check = pdf.check_file(upload.read())
    status = None
    if check.payload and check.signature_ok:
        status = services.verify(str(check.payload.get("number", "")))
    return render(request, "certificates/verify_file.html", {"check": check, "status": status},
                  status=200 if check.ok else 422)


def public_key(request):
    return render(request, "certificates/public_key.html", {"key_id": signing.key_id(), "pem": signing.public_pem()})


def public_key_pem(request):
    response = HttpResponse(signing.public_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = f'attachment; filename="plandesk-certificates-{signing.key_id()}.pem"'
    return response


# --- staff -----------------------------------------------------------------------------------------------------------

def _case(request, number: str) -> Case:
    case = get_object_or_404(Case.objects.select_related("handling_office"), number=number)
    if not (services.may_see(request.user, case) or services.may_prepare(request.user, case)
            or any(services.may_check(request.user, c) for c in case.certificates.pending())):
        raise PermissionDenied("您无权查看这个案卷的证照")
    return case


def _cert(request, pk: int) -> Certificate:
    cert = get_object_or_404(Certificate.objects.select_related("case", "type", "office"), pk=pk)
    _case(request, cert.case.number)
    return cert


@login_required
def case_page(request, number: str):
    case = _case(request, number)
    certs = list(case.certificates.select_related("type", "office", "prepared_by", "checked_by", "replaces")
                 .prefetch_related("handovers").order_by("pk"))
    user = request.user
    rows = [{"cert": c, "may_check": c.status == Status.DRAFT and services.may_check(user, c),
             "may_void": c.status == Status.ISSUED and services.may_void(user, c),
             "may_reissue": c.status in (Status.ISSUED, Status.VOID) and services.may_void(user, c)
             and not Certificate.objects.filter(replaces=c).exists(),
             "may_hand_over": c.status == Status.ISSUED and not c.handovers.all() and services.is_output_clerk(user),
             "handover": next(iter(c.handovers.all()), None),
             "indicators_text": "\n".join(f"{a}：{b}" for a, b in c.content.get("indicators", [])),
             "attachments_text": "\n".join(c.content.get("attachments", []))} for c in certs]
    return render(request, "certificates/case.html", {
        "case": case, "rows": rows, "may_prepare": services.may_prepare(user, case),
        "task": services.open_prepare_task(case),
        "preview": services.preview(case),
        "owed": owed_message(case, services.open_prepare_task(case) or services.open_check_task(case)),
    })


def _back(cert_or_case) -> HttpResponse:
    number = cert_or_case.case.number if isinstance(cert_or_case, Certificate) else cert_or_case.number
    return redirect("certificates:case", number)


def _run(request, action, success: str):
    try:
        result = action()
    except Refusal as exc:
        show(request, exc)
        return None
    messages.success(request, success)
    return result


@login_required
@require_POST
def prepare(request, number: str):
    case = _case(request, number)
    _run(request, lambda: services.prepare(case, request.user), "证照已按案卷和审批结论制作，请核对后交另一人校核")
    return _back(case)


@login_required
@require_POST
def edit(request, pk: int):
    cert = _cert(request, pk)
    changes = {k: request.POST[k] for k in (*services.EDITABLE, "indicators", "attachments") if k in request.POST}
    _run(request, lambda: services.edit(cert, request.user, changes), "证照内容已保存（须重新校核）")
    return _back(cert)


@login_required
@require_POST
def check(request, pk: int):
    cert = _cert(request, pk)
    approve = request.POST.get("decision", "approve") == "approve"
    _run(request, lambda: services.check(cert, request.user, approve=approve, note=request.POST.get("note", "")),
         "校核通过" if approve else "已退回制证人修改")
    return _back(cert)


@login_required
@require_POST
def void(request, pk: int):
    cert = _cert(request, pk)
    _run(request, lambda: services.void(cert, request.user, request.POST.get("reason", "")), "证照已作废")
    return _back(cert)


@login_required
@require_POST
def reissue(request, pk: int):
    cert = _cert(request, pk)
    new = _run(request, lambda: services.reissue(cert, request.user, request.POST.get("reason", "")),
               "已补证：新证号已签发，原证显示为已替换")
    return _back(new or cert)


@login_required
@require_POST
def hand_over(request, pk: int):
    cert = _cert(request, pk)
    _run(request, lambda: services.hand_over(cert, clerk=request.user,
                                             collector_name=request.POST.get("collector_name", ""),
                                             collector_id_number=request.POST.get("collector_id_number", ""),
                                             on_behalf_of=request.POST.get("on_behalf_of", "")),
         "已登记发证")
    return _back(cert)


@login_required
@xframe_options_sameorigin
def certificate_pdf(request, pk: int):
    cert = _cert(request, pk)
    response = HttpResponse(pdf.render(cert), content_type="application/pdf")
    # shown in a frame on the 证件校核 step's page (the site's policy forbids frames elsewhere)
    response["Content-Security-Policy"] = "frame-ancestors 'self'"
    response["Content-Disposition"] = f'inline; filename="certificate-{cert.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _may_see_register(user) -> bool:
    return user.has_role(Role.OUTPUT_CLERK, Role.DIRECTOR, Role.OFFICE_SUPERVISOR, Role.DIVISION_HEAD,
                         Role.ADMINISTRATOR) or services.is_output_clerk(user)


@login_required
def register(request):
    """发证登记簿: every numbered document, its status, and who collected it when from which clerk."""
    if not _may_see_register(request.user):
        raise PermissionDenied("出件窗口、处长、局长和办公室可以查看发证登记簿")
    q = (request.GET.get("q") or "").strip()[:60]
    rows = (Certificate.objects.numbered().select_related("type", "case", "replaces")
            .prefetch_related("handovers__clerk").order_by("-issued_at", "-id"))
    if q:
        rows = rows.filter(Q(number__icontains=q) | Q(case__number=q))
    return render(request, "certificates/register.html", {"rows": rows[:200], "q": q,
                                                          "handed": Handover.objects.count()})


# --- 告知承诺 verification register (事后核查) --------------------------------------------------------------------

@login_required
def commitments_register(request):
    """告知承诺核查登记: every commitment a licence was issued on, its due date and light, its outcome and, when
    found false, the revocation decision."""
    case_number = (request.GET.get("case") or "").strip()[:40]
    rows = commitments.register_rows(request.user, case_number=case_number)
    if not rows and not commitments.may_see_any(request.user):
        raise PermissionDenied("承办处室、局长和办公室可以查看告知承诺核查登记")
    user = request.user
    return render(request, "certificates/commitments.html", {
        "case_number": case_number,
        "rows": [{"check": r, "light": commitments.light(r),
                  "may_confirm": r.outcome == CommitmentOutcome.PENDING and commitments.may_record(user, r, True),
                  "may_revoke": r.outcome == CommitmentOutcome.PENDING and commitments.may_record(user, r, False)}
                 for r in rows],
    })


def _commitment(request, pk: int) -> CommitmentCheck:
    check = get_object_or_404(CommitmentCheck.objects.select_related("case", "certificate", "certificate__case"),
                              pk=pk)
    if not commitments.may_see_check(request.user, check):
        raise PermissionDenied("您无权查看这项核查")
    return check


@login_required
@require_POST
def commitment_outcome(request, pk: int):
    check = _commitment(request, pk)
    truthful = request.POST.get("outcome") == "confirmed"
    _run(request, lambda: commitments.record_outcome(check, request.user, truthful=truthful,
                                                     finding=request.POST.get("finding", "")),
         "已登记：承诺属实" if truthful else "已认定承诺不实，许可已撤销，请打印撤销决定书送达申请人")
    return redirect(f"{reverse('certificates:commitments')}?case={check.case.number}")


@login_required
def revocation_pdf(request, pk: int):
    check = _commitment(request, pk)
    if not check.decision_number:
        raise Http404("该项核查没有撤销决定")
    data = pdf.revocation_pdf(check, commitments.revoked_certificates(check))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="revocation-{check.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
