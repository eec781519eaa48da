"""The case record: numbering, transitions with audit, pauses that stop the clock."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from plandesk.audit.models import Event
from plandesk.cases.models import Case, CaseError, CaseStatus
from plandesk.catalog.models import Category, Item, ItemVersion
from plandesk.organization.models import Unit
from plandesk.workdays import calendar

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def version(db):
    item = Item.objects.create(code="permit")
    ItemVersion(item=item, name="建设工程规划许可证", category=Category.LICENCE, legal_basis="《城乡规划法》",
                statutory_days=20, promised_days=10, form_schema={"type": "object"},
                process_id="plandesk_two_meetings").publish()
    item.refresh_from_db()
    return item.current


@pytest.fixture
def office(db):
    return Unit.objects.create(code="div1", name="行政审批一处", kind="division")


def register(version, office, **kw) -> Case:
    return Case.register(item_versions=[version], handling_office=office, applicant_name="某公司",
                         project_name="某项目", password="12345678", **kw)


def test_it_numbers_cases_with_digits_only_in_sequence(version, office):
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=SH), tick=False):
        first, second = register(version, office), register(version, office)
    assert first.number == "2026000001" and second.number == "2026000002"
    assert first.number.isdigit()


def test_it_sets_the_promised_deadline_from_working_days(version, office):
    start = datetime(2026, 11, 23, 9, 0, tzinfo=SH)
    with time_machine.travel(start, tick=False):
        case = register(version, office)
    assert case.due_at == calendar.deadline(start, 10)
    assert case.expected_pickup_date == calendar.add_working_days(start.date(), 10)
    assert case.check_query_password("12345678") and not case.check_query_password("87654321")
    assert "12345678" not in case.query_password_hash


def test_it_changes_status_only_through_allowed_transitions_with_audit(version, office):
    case = register(version, office)
    with pytest.raises(CaseError):
        case.close()
    case.mark_ready_for_pickup("approved")
    case.close(note="申请人本人领取")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_at and case.outcome == "approved"
    events = Event.objects.filter(object_type="cases.case", object_id=str(case.pk))
    actions = list(events.values_list("action", flat=True))
    assert actions == ["case.registered", "case.ready_for_pickup", "case.closed"]
    assert [e.kind for e in case.events.all()] == ["registered", "ready_for_pickup", "closed"]


def test_it_moves_the_deadline_by_the_paused_working_days(version, office):
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=SH), tick=False):
        case = register(version, office)
        before = case.expected_pickup_date
        case.pause("supplement", note="补正总平面图")
        with pytest.raises(CaseError):
            case.pause("publicity")
    with time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=SH), tick=False):
        case.resume()
    case.refresh_from_db()
    assert calendar.working_days_between(before, case.expected_pickup_date) == 2
    assert case.pauses.get().ended_at is not None


def test_it_withdraws_and_refuses_only_open_cases(version, office):
    case = register(version, office)
    case.withdraw("申请人撤回")
    with pytest.raises(CaseError):
        case.refuse("材料不全")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.WITHDRAWN


def test_it_shows_cases_read_only_in_the_admin(version, office, administrator, client):
    case = register(version, office)
    client.force_login(administrator)
    assert client.get("/admin/cases/case/").status_code == 200
    page = client.get(f"/admin/cases/case/{case.pk}/change/")
    assert page.status_code == 200 and case.number in page.content.decode()
    assert client.get("/admin/cases/case/add/").status_code == 403
