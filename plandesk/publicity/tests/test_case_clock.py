"""A case's publicity stops the case clock for its period: the promised deadline moves by the working days inside."""

from datetime import date

import pytest

from plandesk.cases.models import CaseStatus, PauseReason
from plandesk.publicity.services import end_due, start_due
from plandesk.publicity.tests.conftest import scheduled
from plandesk.workdays.calendar import add_working_days, local_date

pytestmark = pytest.mark.django_db


def test_it_pauses_the_case_clock_exactly_over_the_period(case, travel):
    promised = local_date(case.due_at)
    assert promised == add_working_days(date(2026, 11, 30), 15)  # 2026-12-21
    publicity = scheduled(case=case)  # 2026-12-07 (Mon) to 2026-12-16 (Wed)
    travel(date(2026, 12, 7), hour=0)
    assert start_due() == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.PAUSED
    pause = case.open_pause()
    assert pause.reason == PauseReason.PUBLICITY and local_date(pause.started_at) == date(2026, 12, 7)

    travel(date(2026, 12, 17), hour=0)
    assert end_due() == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    pause = case.pauses.get()
    assert local_date(pause.ended_at) == date(2026, 12, 17)
    # The eight working days of the period (12-07..12-16) are added to the promise.
    assert local_date(case.due_at) == add_working_days(promised, 8)
    assert publicity.case_id == case.pk


def test_it_leaves_a_case_already_paused_for_another_reason(case, travel):
    from plandesk.audit.models import Event

    case.pause(PauseReason.SUPPLEMENT, note="补正材料")
    publicity = scheduled(case=case)
    travel(date(2026, 12, 7))
    assert start_due() == 1
    case.refresh_from_db()
    assert case.open_pause().reason == PauseReason.SUPPLEMENT
    assert Event.objects.filter(action="publicity.case_clock_unchanged", object_id=str(publicity.pk)).exists()
    travel(date(2026, 12, 17))
    assert end_due() == 1
    case.refresh_from_db()
    assert case.status == CaseStatus.PAUSED  # the supplement's pause is not the publicity's to end
