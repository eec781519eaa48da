"""Each certificate step says what to do next (issue 22): the 制证 step's page leads with the certificate action (not
an opinion box with the link far below), the 证件校核 step shows the documents checked with a PDF preview, and the
output window ticks only documents the case has issued, with their numbers."""

from __future__ import annotations

import pytest
from django.test import Client

from plandesk.certificates import services
from plandesk.certificates.models import Certificate
from plandesk.certificates.tests.conftest import finish_step, to_certificate_step
from plandesk.testing.driving import open_task
from plandesk.workflow import services as workflow

pytestmark = pytest.mark.django_db


def page_of(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_certificate_step_leads_with_the_certificate_action(bureau):
    case = to_certificate_step(bureau)
    html = page_of(bureau["handler1"], f"/work/cases/{case.number}/")
    lead = html.index('id="certificate-step"')
    assert lead < html.index('id="id_opinion"')
    assert html.index(f'action="/certificates/cases/{case.number}/prepare/"') < html.index('id="id_opinion"')
    assert html.index(f'href="/certificates/cases/{case.number}/"') < html.index('id="id_opinion"')


def test_the_check_step_shows_the_certificate_checked_with_its_pdf(bureau):
    case = to_certificate_step(bureau)
    [draft] = services.prepare(case, bureau["handler1"])
    workflow.complete_task(open_task(case).pk, bureau["handler1"], decision="approve", opinion="制证完毕")
    html = page_of(bureau["head1"], f"/work/cases/{case.number}/")
    pdf_url = f"/certificates/{draft.pk}/certificate.pdf"
    assert f'<iframe src="{pdf_url}"' in html and f'href="{pdf_url}"' in html
    assert f'href="/certificates/cases/{case.number}/#cert-{draft.pk}"' in html
    assert html.index('id="certificate-step"') < html.index('id="id_opinion"')
    client = Client()
    client.force_login(bureau["head1"])
    framed = client.get(pdf_url)
    assert framed.status_code == 200 and framed["Content-Type"] == "application/pdf"
    assert framed["X-Frame-Options"] == "SAMEORIGIN" and framed["Content-Security-Policy"] == "frame-ancestors 'self'"


def test_the_output_window_ticks_what_was_issued_and_shows_its_numbers(bureau):
    case = finish_step(bureau, to_certificate_step(bureau))  # land-use permit: a licence, no approval letter
    [licence] = Certificate.objects.filter(case=case, status="issued")
    html = page_of(bureau["output"], f"/window/cases/{case.number}/")
    assert licence.number in html
    assert 'value="certificate" checked' in html
    assert 'value="approval_letter" checked' not in html
    from plandesk.window.services import default_documents

    assert default_documents(case) == ["certificate"]
