"""告知承诺: a licence issued on a commitment opens a post-approval verification (事后核查) due N working days after
issue; a commitment found false revokes (撤销) the licence under a numbered decision (PDF); the register shows every
commitment and its outcome."""

from __future__ import annotations

import pytest

from plandesk.audit.models import Event
from plandesk.certificates import commitments, signing
from plandesk.certificates.models import Certificate, CommitmentCheck, CommitmentOutcome, Status
from plandesk.certificates.tests.conftest import finish_step, to_certificate_step
from plandesk.core.pdf import extract_text
from plandesk.core.refusals import Refusal
from plandesk.workdays import calendar

COMMITTED = "project_approval"  # 建设项目批准、核准或备案文件: committed (告知承诺) in the test application


@pytest.fixture
def issued(bureau, settings):
    settings.PLANDESK_COMMITMENT_CHECK_DAYS = 15
    case = finish_step(bureau, to_certificate_step(bureau))
    return case, case.certificates.get(status=Status.ISSUED)


def test_issuing_a_licence_opens_one_verification_per_commitment(issued, bureau):
    case, cert = issued
    [check] = CommitmentCheck.objects.filter(case=case)
    assert (check.material_code, check.material_name, check.certificate, check.outcome) == (
        COMMITTED, "建设项目批准、核准或备案文件", cert, CommitmentOutcome.PENDING)
    assert check.due_on == calendar.add_working_days(cert.issued_on, 15)
    assert commitments.light(check, cert.issued_on) == "green"
    assert commitments.light(check, check.due_on) == "yellow"
    assert commitments.light(check, calendar.add_working_days(check.due_on, 1)) == "red"
    # Opened once: issuing again (a reissue) adds none.
    assert commitments.open_checks(case, [cert]) == []


def test_a_commitment_found_false_revokes_the_licence_with_a_numbered_decision(issued, bureau, api, client):
    case, cert = issued
    [check] = CommitmentCheck.objects.filter(case=case)
    # A handler may confirm a commitment but not revoke; a finding is required.
    with pytest.raises(Refusal) as refused:
        commitments.record_outcome(check, bureau["handler1"], truthful=False, finding="备案文件系伪造")
    assert refused.value.status == 403
    with pytest.raises(Refusal) as refused:
        commitments.record_outcome(check, bureau["head1"], truthful=False, finding=" ")
    assert refused.value.status == 400
    cert.refresh_from_db()
    assert cert.status == Status.ISSUED and not Event.objects.filter(action="certificates.revoked").exists()

    done = commitments.record_outcome(check, bureau["head1"], truthful=False, finding="备案文件系伪造")
    year = calendar.local_date(done.checked_at).year
    assert done.outcome == CommitmentOutcome.FALSE and done.decision_number == f"规撤〔{year}〕1号"
    cert.refresh_from_db()
    assert cert.status == Status.VOID and done.decision_number in cert.void_reason
    assert Event.objects.filter(action="certificates.revoked", object_id=str(cert.pk)).count() == 1
    assert Event.objects.filter(action="certificates.commitment_false").count() == 1
    # Once: a second outcome is refused.
    with pytest.raises(Refusal) as refused:
        commitments.record_outcome(done, bureau["head1"], truthful=True, finding="复核")
    assert refused.value.status == 409

    # Public verification: void, with the decision's number.
    body = api.get(f"/api/v1/certificates/{cert.number}/verify?c={signing.check_code(cert.signature)}").json()
    assert body["valid"] is False and body["status"] == "void" and done.decision_number in body["void_reason"]

    # The decision document, parsed back.
    client.force_login(bureau["head1"])
    response = client.get(f"/certificates/commitments/{done.pk}/revocation.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = extract_text(response.content)
    for words in ("撤销行政许可决定书", done.decision_number, cert.number, "第六十九条", "备案文件系伪造",
                  case.applicant_name, "行政复议"):
        assert words in text, words

    # The register shows the commitment, its outcome and the decision.
    page = client.get("/certificates/commitments/").content.decode()
    assert case.number in page and "承诺不实" in page and done.decision_number in page


def test_a_true_commitment_closes_the_check_and_numbers_stay_gap_free(issued, bureau, client):
    case, cert = issued
    [check] = CommitmentCheck.objects.filter(case=case)
    client.force_login(bureau["handler1"])
    page = client.get("/certificates/commitments/").content.decode()
    assert case.number in page and 'value="confirmed"' in page and 'value="false"' not in page
    response = client.post(f"/certificates/commitments/{check.pk}/outcome/",
                           {"outcome": "confirmed", "finding": "已核对备案文件原件"}, follow=True)
    assert "承诺属实" in response.content.decode()
    check.refresh_from_db()
    cert.refresh_from_db()
    assert check.outcome == CommitmentOutcome.CONFIRMED and check.decision_number is None
    assert cert.status == Status.ISSUED
    assert Event.objects.filter(action="certificates.commitment_confirmed").count() == 1
    # Someone with no post in the case's office sees nothing of it.
    client.force_login(bureau["handler2"])
    assert case.number not in client.get("/certificates/commitments/").content.decode()
    assert client.post(f"/certificates/commitments/{check.pk}/outcome/",
                       {"outcome": "false", "finding": "x"}).status_code == 403
    assert Certificate.objects.filter(case=case, status=Status.VOID).count() == 0
