"""Pages without JavaScript: the number form, the PDF upload check, the workbench panels, the demo data."""

from __future__ import annotations

import io
from urllib.parse import quote

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F

from plandesk.certificates import demo, pdf, services
from plandesk.certificates.models import Certificate, CertificateType, Status
from plandesk.certificates.tests.conftest import finish_step, to_certificate_step
from plandesk.core.home import home_panels


def test_it_sends_a_typed_number_to_its_verification_page(bureau, client):
    response = client.get("/certificates/verify/", {"number": "建字第1号"})
    assert response.status_code == 302 and response["Location"] == f"/certificates/verify/{quote('建字第1号')}/"


def test_it_checks_an_uploaded_pdf_and_refuses_a_forgery(bureau, client):
    cert = finish_step(bureau, to_certificate_step(bureau)).certificates.get()
    good = SimpleUploadedFile("c.pdf", pdf.render(cert), content_type="application/pdf")
    page = client.post("/certificates/verify/file/", {"file": good})
    assert page.status_code == 200 and "签名有效" in page.content.decode() and cert.number in page.content.decode()
    forged = SimpleUploadedFile("f.pdf", pdf.core_pdf.render([pdf.core_pdf.para(cert.number)], title="x"))
    page = client.post("/certificates/verify/file/", {"file": forged})
    assert page.status_code == 422 and "没有找到证照签名数据" in page.content.decode()


def test_it_shows_the_checker_and_the_output_window_their_panels(bureau):
    case = to_certificate_step(bureau)
    services.prepare(case, bureau["handler1"])
    titles = [p["title"] for p in home_panels(bureau["head1"])]
    assert "证照校核" in titles
    assert "证照校核" not in [p["title"] for p in home_panels(bureau["handler1"])]  # his own draft


def test_it_loads_the_types_for_the_demo_once(bureau):
    out = io.StringIO()
    demo.load(out)
    demo.load(out)
    assert CertificateType.objects.filter(code="land_use_permit", number_format__startswith="地字第").count() == 1
    assert CertificateType.objects.count() == len(services.DEFAULT_TYPES)
    # Three cases wait at the output window, each with its checked, issued documents (loaded once).
    from plandesk.cases.models import Case, CaseStatus

    cases = Case.objects.filter(idempotency_key__in=[key for key, *_rest in demo.DEMO_CASES])
    assert cases.count() == 3 and {c.status for c in cases} == {CaseStatus.READY_FOR_PICKUP}
    issued = Certificate.objects.filter(case__in=cases, status=Status.ISSUED)
    assert sorted(issued.values_list("type__code", flat=True)) == [
        "approval_letter", "land_use_permit", "planning_conditions", "refusal_decision"]
    assert not issued.filter(checked_by__isnull=True).exists()
    assert not issued.exclude(checked_by__isnull=True).filter(checked_by_id=F("prepared_by_id")).exists()


def test_it_speaks_english_when_asked(bureau, client, settings):
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/certificates/verify/").content.decode()
    translation.activate("zh-hans")
    assert "Verify by number" in page and "Check signature" in page
