"""In a real browser: a case decided at the bureau meeting; the handler prepares the certificate and ends the
certificate step, the division head checks it at the 证件校核 step (the case is ready: number, signature, issue),
the output window hands it over; then the QR code read from the PDF opens the public verification page, which
says valid."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from plandesk.certificates.models import Certificate, Handover, Status
from plandesk.certificates.tests.conftest import ID_NUMBER, to_certificate_step

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(settings.PROJECT_DIR) / "var" / "screenshots"


def signed_in(browser, live_server, username: str):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(settings.PLANDESK_DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    return page


def qr_payload(pdf_bytes: bytes, folder) -> str:
    """Render the PDF's first page (poppler) and read its QR code (zxing-cpp), as a phone camera would."""
    import zxingcpp
    from PIL import Image

    source = folder / "certificate.pdf"
    source.write_bytes(pdf_bytes)
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-singlefile", str(source), str(folder / "page")], check=True)
    found = zxingcpp.read_barcodes(Image.open(folder / "page.png"))
    assert len(found) == 1, found
    return found[0].text


def test_a_certificate_goes_from_preparation_to_hand_over_and_verifies_from_its_qr_code(
        bureau, live_server, browser, settings, tmp_path):
    settings.PLANDESK_SITE_URL = live_server.url
    case = to_certificate_step(bureau)

    handler = signed_in(browser, live_server, "handler1")
    handler.goto(f"{live_server.url}/work/cases/{case.number}/")
    # the step leads with the certificate action, above the opinion form (issue 22)
    SHOTS.mkdir(parents=True, exist_ok=True)
    handler.locator("#current").screenshot(path=str(SHOTS / "certificate-step.png"))
    handler.locator("#certificate-form-link").click()
    handler.get_by_role("button", name="按案卷和审批结论制作证照").click()
    cert = Certificate.objects.get(case=case)
    handler.locator(f"#cond-{cert.pk}").fill("施工前复核道路红线")
    handler.locator(f"#cert-{cert.pk}").get_by_role("button", name="保存").click()
    handler.locator(".msg-success").wait_for()
    cert.refresh_from_db()
    assert cert.content["conditions"] == "施工前复核道路红线" and cert.status == Status.DRAFT

    handler.goto(f"{live_server.url}/work/cases/{case.number}/")
    handler.get_by_label("办理意见").fill("证照已制作，请校核")
    handler.get_by_role("button", name="提交").click()
    handler.wait_for_url("**/work/")
    cert.refresh_from_db()
    assert cert.status == Status.DRAFT  # the second person's check is the next step (证件校核)

    head = signed_in(browser, live_server, "head1")
    head.goto(f"{live_server.url}/certificates/cases/{case.number}/")
    head.locator(f'#cert-{cert.pk}[data-status="draft"]').wait_for()
    head.goto(f"{live_server.url}/work/cases/{case.number}/")
    # the check step shows the certificate checked, its PDF framed (issue 22)
    framed = head.locator(f"#check-cert-{cert.pk} iframe").get_attribute("src")
    assert framed == f"/certificates/{cert.pk}/certificate.pdf"
    head.locator("#current").screenshot(path=str(SHOTS / "certificate-check-step.png"))
    head.get_by_label("办理意见").fill("核对无误")
    head.get_by_role("button", name="提交").click()
    head.wait_for_url("**/work/")
    cert.refresh_from_db()
    assert cert.status == Status.ISSUED and cert.number.startswith("地字第420100")
    assert cert.checked_by == bureau["head1"] and cert.check_note == "核对无误"

    output = signed_in(browser, live_server, "output")
    output.goto(f"{live_server.url}/window/cases/{case.number}/")
    assert cert.number in output.locator("#pickup-documents").inner_text()  # the number handed over, ticked
    output.locator("#pickup-documents").screenshot(path=str(SHOTS / "output-window-documents.png"))
    output.get_by_label("领取人姓名").fill("王经理")
    output.get_by_label("领取人身份证号").fill(ID_NUMBER)
    output.get_by_role("button", name="登记取件并结案").click()
    output.locator(".msg-success").wait_for()
    handover = Handover.objects.get(certificate=cert)
    assert handover.collector_name == "王经理" and handover.clerk == bureau["output"]
    output.goto(f"{live_server.url}/certificates/")
    assert cert.number in output.content() and "王经理" in output.content()

    pdf = output.context.request.get(f"{live_server.url}/certificates/{cert.pk}/certificate.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    url = qr_payload(pdf.body(), tmp_path)
    assert url.startswith(f"{live_server.url}/certificates/verify/")

    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(url)
    verdict = public.locator("#verdict")
    assert verdict.get_attribute("data-valid") == "true"
    assert "真实有效" in verdict.inner_text()
    assert public.locator("#cert-number").inner_text() == cert.number
    assert public.locator("#cert-holder").inner_text() == "江城置业有限公司"
    for page in (handler, head, output, public):
        page.context.close()
