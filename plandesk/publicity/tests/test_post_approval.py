"""The worker arranges the post-approval publication (批后公布) of an issued licence once: scheduled from the first
day its media notice still fits before, at the project's site and on the portal, linked to the case; never for an
item that does not ask for it, never twice, even with two workers at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from plandesk.audit.models import Event
from plandesk.cases.models import CaseStatus
from plandesk.publicity import jobs, post_approval, rules
from plandesk.publicity.models import Kind, Publicity, Status
from plandesk.testing.applications import application
from plandesk.testing.driving import open_task, to_bureau_decision
from plandesk.testing.fixtures import bureau  # noqa: F401 (fixture)
from plandesk.testing.races import race
from plandesk.window import services as window
from plandesk.workflow import services as workflow


@pytest.fixture(autouse=True)
def signing_key(settings, tmp_path):
    settings.PLANDESK_CERTIFICATE_KEY = str(tmp_path / "ed25519.pem")
    settings.PLANDESK_SITE_URL = "http://testserver"


def licensed_case(b, key: str):
    """A 建设用地规划许可 case taken through both meetings and the certificate steps: its licence is issued."""
    case = window.intake(application(idempotency_key=key), actor=b["intake"]).case
    to_bureau_decision(b, case)
    workflow.complete_task(open_task(case).pk, b["handler1"], decision="approve", opinion="制证完毕")
    workflow.complete_task(open_task(case).pk, b["head1"], decision="approve", opinion="核对无误")
    case.refresh_from_db()
    assert case.status == CaseStatus.READY_FOR_PICKUP and case.certificates.filter(status="issued").exists()
    return case


@pytest.mark.django_db
def test_an_issued_licence_is_published_after_approval_once(bureau, settings):  # noqa: F811
    case = licensed_case(bureau, "post-1")
    assert jobs.arrange_post_approval() == 1
    publicity = Publicity.objects.get(case=case, kind=Kind.POST_APPROVAL)
    today = timezone.localdate()
    assert publicity.status == Status.SCHEDULED
    assert publicity.starts_on == today + timedelta(days=rules.notice_days() + 1)
    assert publicity.length_days == rules.min_days(Kind.POST_APPROVAL, False)
    assert publicity.venues == ["project_site", "portal"]
    number = case.certificates.get(status="issued").number
    assert number in publicity.description and "批后公布" in publicity.title
    assert Event.objects.filter(action="publicity.post_approval_arranged").count() == 1
    assert jobs.arrange_post_approval() == 0  # once
    # The office records the notice; the worker starts it on its day as any other publicity.
    assert publicity in Publicity.objects.at_risk(today=publicity.notice_due_on)
    # An item that does not ask for it gets none.
    settings.PLANDESK_PUBLICITY_POST_APPROVAL_ITEMS = []
    licensed_case(bureau, "post-2")
    assert jobs.arrange_post_approval() == 0


@pytest.mark.django_db(transaction=True)
def test_two_workers_arrange_it_once(bureau):  # noqa: F811
    case = licensed_case(bureau, "post-race")
    results = race(2, lambda i: post_approval.arrange_due())
    assert sum(r for r in results if isinstance(r, int)) == 1, results
    assert Publicity.objects.filter(case=case, kind=Kind.POST_APPROVAL).count() == 1
