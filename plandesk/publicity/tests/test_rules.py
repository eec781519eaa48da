"""The period, the media notice five days ahead, the default venues and the state machine's guards."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from plandesk.audit.models import Event
from plandesk.publicity import services
from plandesk.publicity.models import Kind, Publicity, PublicityError, Status, Subject, Venue
from plandesk.publicity.tests.conftest import make_publicity, scheduled

pytestmark = pytest.mark.django_db


def test_it_refuses_a_notice_four_days_ahead(draft):
    """Start 12-07: a notice on 12-03 is four days ahead, refused; nothing is stored."""
    with pytest.raises(ValidationError) as caught:
        draft.record_notice(outlet="城市日报", notice_on=date(2026, 12, 3), text="公告")
    assert "媒体公告须在公示开始前至少 5 日发布" in str(caught.value)
    assert "2026-12-02" in str(caught.value)
    stored = Publicity.objects.get(pk=draft.pk)
    assert stored.media_notice_on is None and stored.media_outlet == ""
    assert not Event.objects.filter(action="publicity.notice_recorded").exists()


def test_it_accepts_a_notice_five_days_ahead(draft):
    draft.record_notice(outlet="城市日报", notice_on=date(2026, 12, 2), text="公告")
    stored = Publicity.objects.get(pk=draft.pk)
    assert stored.media_notice_on == date(2026, 12, 2) and stored.notice_on_time
    assert Event.objects.filter(action="publicity.notice_recorded", object_id=str(draft.pk)).count() == 1


def test_it_counts_the_notice_days_as_working_days_when_configured(db, settings):
    """Start Monday 12-07: five working days back is Monday 11-30, so a notice on 12-01 is late."""
    settings.PLANDESK_PUBLICITY_NOTICE_WORKING_DAYS = True
    publicity = make_publicity()
    assert publicity.notice_due_on == date(2026, 11, 30)
    with pytest.raises(ValidationError, match="5 个工作日"):
        publicity.record_notice(outlet="城市电视台", notice_on=date(2026, 12, 1), text="")
    publicity.record_notice(outlet="城市电视台", notice_on=date(2026, 11, 30), text="")


def test_it_refuses_a_period_shorter_than_the_kind_allows(db):
    with pytest.raises(ValidationError, match="批前公示期限不得少于 10 日"):
        make_publicity(ends_on=date(2026, 12, 15))
    with pytest.raises(ValidationError, match="不得少于 30 日"):
        make_publicity(subject=Subject.MASTER_PLAN, ends_on=date(2026, 12, 31))
    make_publicity(kind=Kind.POST_APPROVAL, ends_on=date(2026, 12, 13))  # 7 days is enough after approval


def test_it_takes_the_minimum_length_from_settings(db, settings):
    settings.PLANDESK_PUBLICITY_MIN_DAYS = {"pre_approval": 20}
    with pytest.raises(ValidationError, match="不得少于 20 日"):
        make_publicity(ends_on=date(2026, 12, 20))


def test_it_chooses_the_default_venue_by_subject(db):
    assert make_publicity().venues == [Venue.PROJECT_SITE, Venue.PORTAL]
    plan = make_publicity(subject=Subject.DISTRICT_PLAN, ends_on=date(2027, 1, 5))
    assert plan.venues == [Venue.CITY_SQUARE, Venue.PORTAL]
    assert make_publicity(subject=Subject.REGULATORY_PLAN, ends_on=date(2027, 1, 5)).venues == [
        Venue.EXHIBITION_HALL, Venue.PORTAL]
    assert make_publicity(subject=Subject.KEY_PROJECT).venues == [Venue.CITY_SQUARE, Venue.PROJECT_SITE,
                                                                   Venue.PORTAL]
    assert make_publicity(venues=[Venue.EXHIBITION_HALL]).venues == [Venue.EXHIBITION_HALL]


def test_it_refuses_an_unknown_venue(db):
    with pytest.raises(ValidationError, match="未知的公示地点"):
        make_publicity(venues=["town_hall"])


def test_it_does_not_start_with_a_late_or_missing_notice(db, travel):
    publicity = make_publicity()
    publicity.schedule(today=date(2026, 12, 1))
    travel(date(2026, 12, 7))
    with pytest.raises(PublicityError, match="媒体公告未按时发布"):
        services.start(publicity)
    assert Publicity.objects.get(pk=publicity.pk).status == Status.SCHEDULED


def test_it_does_not_start_before_its_day(db, travel):
    publicity = scheduled()
    travel(date(2026, 12, 6))
    with pytest.raises(PublicityError, match="尚未到开始日期"):
        services.start(publicity)


def test_it_refuses_to_schedule_a_start_in_the_past(db):
    publicity = make_publicity()
    with pytest.raises(PublicityError, match="已过"):
        publicity.schedule(today=date(2026, 12, 8))
    assert Publicity.objects.get(pk=publicity.pk).status == Status.DRAFT


def test_it_writes_an_audit_event_for_each_transition(db, travel):
    publicity = scheduled()
    travel(date(2026, 12, 7))
    services.start(publicity)
    travel(date(2026, 12, 17))
    services.end(publicity)
    actions = list(Event.objects.filter(object_type="publicity.publicity", object_id=str(publicity.pk))
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["publicity.notice_recorded", "publicity.scheduled", "publicity.started", "publicity.ended"]
    with pytest.raises(PublicityError):
        publicity.schedule(today=date(2026, 12, 1))


def test_it_shows_the_office_the_publicity_at_risk(db):
    """Notice missing or late, start near: at risk; a notice on time or a start far off: not."""
    missing = make_publicity(title="未登记公告")
    far = make_publicity(title="远期", starts_on=date(2027, 2, 1), ends_on=date(2027, 2, 10))
    fine = make_publicity(title="按时")
    fine.record_notice(outlet="城市日报", notice_on=date(2026, 12, 1), text="")
    risky = set(Publicity.objects.at_risk(today=date(2026, 11, 30)).values_list("title", flat=True))
    assert risky == {missing.title}
    assert far.title not in risky
    # Past the notice's last day, still at risk (it cannot start).
    assert set(Publicity.objects.at_risk(today=date(2026, 12, 8)).values_list("title", flat=True)) == {missing.title}


def test_it_moves_the_notice_day_when_the_working_day_calendar_changes(db, settings):
    """Counted in working days, a new holiday on Monday 11-30 moves the notice's last day back to Friday 11-27."""
    from plandesk.workdays.services import set_day

    settings.PLANDESK_PUBLICITY_NOTICE_WORKING_DAYS = True
    publicity = make_publicity()
    assert publicity.notice_due_on == date(2026, 11, 30)
    set_day(date(2026, 11, 30), "holiday", "测试假日")
    assert Publicity.objects.get(pk=publicity.pk).notice_due_on == date(2026, 11, 27)
