"""The service rating (好差评): on the portal with case number + password, or through the signed link; one per case;
a bad rating opens the office's follow-up with its two deadlines, and the sweep turns late ones yellow and red."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from plandesk.cases.models import Case, CaseStatus
from plandesk.notifications.models import Notification
from plandesk.reports import stats
from plandesk.reports.links import rating_path
from plandesk.reports.models import FollowUp, FollowUpLight, Rating, sweep_follow_up_lights

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 2, 10, 0, tzinfo=TZ)


@pytest.fixture
def picked_up(bureau) -> Case:
    """A case whose result has been handed over (seeded as closed)."""
    case = bureau.new_case("permit", start=False)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, ready_at=MONDAY, closed_at=MONDAY)
    case.refresh_from_db()
    return case


def rate(client, number, password="12345678", level=5, comment=""):  # noqa: S107 - the seeded test password
    return client.post("/reports/rate/", {"case_number": number, "password": password, "level": level,
                                          "comment": comment})


def test_it_takes_a_rating_on_the_portal(client, picked_up):
    response = rate(client, picked_up.number, level=4, comment="办事快")
    assert response.status_code == 200
    assert "感谢您的评价" in response.content.decode()
    rating = Rating.objects.get(case=picked_up)
    assert (rating.level, rating.comment, rating.channel, rating.office_id) == (4, "办事快", "portal",
                                                                             picked_up.handling_office_id)
    assert not FollowUp.objects.exists()


def test_it_takes_one_rating_per_case(client, picked_up):
    assert rate(client, picked_up.number).status_code == 200
    again = rate(client, picked_up.number, level=1, comment="改评")
    assert again.status_code == 409 and "已评价" in again.content.decode()
    assert Rating.objects.get(case=picked_up).level == 5


def test_it_refuses_a_wrong_password_and_locks_like_the_query(client, picked_up):
    for _ in range(5):
        assert rate(client, picked_up.number, password="00000000").status_code == 404
    locked = rate(client, picked_up.number)  # the right password, but the case is locked for an hour
    assert locked.status_code == 429
    assert not Rating.objects.exists()


def test_it_refuses_a_case_not_yet_picked_up(client, bureau):
    case = bureau.new_case("permit", start=False)
    response = rate(client, case.number)
    assert response.status_code == 400 and "取件后方可评价" in response.content.decode()
    assert not Rating.objects.exists()


def test_it_requires_a_reason_for_a_bad_rating(client, picked_up):
    assert rate(client, picked_up.number, level=2).status_code == 400
    assert rate(client, picked_up.number, level=9, comment="x").status_code == 400
    assert not Rating.objects.exists()


def test_it_takes_a_rating_through_the_signed_link(client, picked_up):
    path = rating_path(picked_up.number)
    page = client.get(path)
    assert page.status_code == 200 and picked_up.number in page.content.decode()
    assert client.post(path, {"level": 5, "comment": ""}).status_code == 200
    assert Rating.objects.get(case=picked_up).channel == "link"


def test_it_refuses_a_forged_link(client, picked_up):
    forged = rating_path(picked_up.number)[:-3] + "abc/"
    assert client.post(forged, {"level": 5}).status_code == 404
    assert not Rating.objects.exists()


def test_it_opens_a_follow_up_with_two_deadlines_on_a_bad_rating(client, picked_up, bureau):
    with time_machine.travel(MONDAY, tick=False):
        assert rate(client, picked_up.number, level=1, comment="窗口态度差").status_code == 200
    follow_up = FollowUp.objects.get(case=picked_up)
    # contact within 1 working day (Tue 3 Nov), rectify within 15 working days (Mon 23 Nov), end of office hours
    assert follow_up.contact_due_at == datetime(2026, 11, 3, 17, 30, tzinfo=TZ)
    assert follow_up.rectify_due_at == datetime(2026, 11, 23, 17, 30, tzinfo=TZ)
    assert follow_up.light == FollowUpLight.GREEN
    assert Notification.objects.filter(kind="rating.bad", recipient=bureau["office"]).count() == 1


def test_it_records_contact_and_rectification(client, picked_up, bureau):
    with time_machine.travel(MONDAY, tick=False):
        rate(client, picked_up.number, level=2, comment="材料退回多次")
    follow_up = FollowUp.objects.get()
    client.force_login(bureau["office"])
    with time_machine.travel(datetime(2026, 11, 3, 9, 0, tzinfo=TZ), tick=False):
        assert client.post(f"/reports/follow-ups/{follow_up.pk}/", {"step": "rectify", "note": "x"}).status_code == 302
        follow_up.refresh_from_db()
        assert follow_up.rectified_at is None  # contact first
        client.post(f"/reports/follow-ups/{follow_up.pk}/", {"step": "contact", "note": "已电话回访"})
        client.post(f"/reports/follow-ups/{follow_up.pk}/", {"step": "rectify", "note": "已培训窗口人员"})
        assert "已培训窗口人员" in client.get("/reports/follow-ups/").content.decode()
    follow_up.refresh_from_db()
    assert follow_up.contacted_by == bureau["office"] and follow_up.contact_note == "已电话回访"
    assert follow_up.rectified_at == datetime(2026, 11, 3, 9, 0, tzinfo=TZ)
    assert follow_up.light == FollowUpLight.GREEN


def test_it_refuses_the_follow_ups_to_others(client, picked_up, bureau):
    with time_machine.travel(MONDAY, tick=False):
        rate(client, picked_up.number, level=1, comment="差")
    follow_up = FollowUp.objects.get()
    client.force_login(bureau["handler1"])
    assert client.get("/reports/follow-ups/").status_code == 404
    assert client.post(f"/reports/follow-ups/{follow_up.pk}/", {"step": "contact", "note": "x"}).status_code == 404
    client.force_login(bureau["director"])  # the director reads, the office acts
    assert client.get("/reports/follow-ups/").status_code == 200
    assert client.post(f"/reports/follow-ups/{follow_up.pk}/", {"step": "contact", "note": "x"}).status_code == 404
    follow_up.refresh_from_db()
    assert follow_up.contacted_at is None


def test_it_turns_late_follow_ups_red_and_near_ones_yellow(client, picked_up, bureau):
    with time_machine.travel(MONDAY, tick=False):
        rate(client, picked_up.number, level=1, comment="差")
    follow_up = FollowUp.objects.get()
    assert sweep_follow_up_lights(datetime(2026, 11, 3, 17, 0, tzinfo=TZ)) == 0
    assert sweep_follow_up_lights(datetime(2026, 11, 4, 9, 0, tzinfo=TZ)) == 1  # not contacted in time
    assert sweep_follow_up_lights(datetime(2026, 11, 4, 9, 0, tzinfo=TZ)) == 0  # a second run changes nothing
    follow_up.refresh_from_db()
    assert follow_up.light == FollowUpLight.RED
    # another one, contacted in time, goes yellow one working day before the rectify deadline
    FollowUp.objects.filter(pk=follow_up.pk).update(contacted_at=MONDAY, light=FollowUpLight.GREEN)
    assert sweep_follow_up_lights(datetime(2026, 11, 20, 18, 0, tzinfo=TZ)) == 1
    assert FollowUp.objects.get().light == FollowUpLight.YELLOW
    assert sweep_follow_up_lights(datetime(2026, 11, 23, 17, 31, tzinfo=TZ)) == 1
    assert FollowUp.objects.get().light == FollowUpLight.RED


def test_it_feeds_ratings_into_the_division_figures(client, bureau, picked_up):
    other = bureau.new_case("permit", office="div2", start=False)
    Case.objects.filter(pk=other.pk).update(status=CaseStatus.CLOSED, ready_at=MONDAY, closed_at=MONDAY)
    with time_machine.travel(MONDAY, tick=False):
        rate(client, picked_up.number, level=5)
        rate(client, other.number, level=2, comment="慢")
    rows = {row["key"]: row for row in stats.ratings(stats.Period.month(2026, 11))}
    assert (rows["div1"]["count"], rows["div1"]["bad"], rows["div1"]["satisfaction"]) == (1, 0, 100.0)
    assert (rows["div2"]["count"], rows["div2"]["bad"], rows["div2"]["satisfaction"]) == (1, 1, 0.0)


def test_it_sends_the_signed_rating_link_at_pickup(client, bureau):
    """The pick-up (window) sends the applicant an SMS whose link rates the case without the password."""
    from plandesk.window.services import record_pickup

    case = bureau.new_case("permit", start=False)
    Case.objects.filter(pk=case.pk).update(applicant_phone="13800138000")
    case.refresh_from_db()
    case.mark_ready_for_pickup("approved")
    record_pickup(case, actor=bureau["output"], collector_name="张三", collector_id_number="11010519491231002X")
    sms = Notification.objects.get(kind="rating.invite")
    assert sms.address == "13800138000" and sms.channel == "sms"
    path = sms.url.split("://", 1)[-1].split("/", 1)[1]
    assert client.post("/" + path, {"level": 4}).status_code == 200
    assert Rating.objects.get(case=case).channel == "link"


def test_it_feeds_ratings_into_the_staff_figures(client, bureau):
    """Each person who completed a step of a rated case gets the rating in his figures."""
    from plandesk.workflow.models import Task, TaskState

    case = bureau.new_case("permit")  # started: its first step exists
    Task.objects.filter(case=case).update(state=TaskState.COMPLETED, completed_by=bureau["handler1"],
                                          completed_at=MONDAY)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, ready_at=MONDAY, closed_at=MONDAY)
    with time_machine.travel(MONDAY, tick=False):
        rate(client, case.number, level=1, comment="慢")
    rows = stats.staff_ratings(stats.Period.month(2026, 11))
    assert [(r["username"], r["count"], r["bad"]) for r in rows] == [("handler1", 1, 1)]
    client.force_login(bureau["office"])
    html = client.get("/reports/", {"from": "2026-11-01", "to": "2026-11-30"}).content.decode()
    assert 'id="table-staff_ratings"' in html and "<td>handler1</td><td>1</td><td>1</td>" in html
