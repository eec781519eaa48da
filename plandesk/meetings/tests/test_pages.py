"""Meeting pages without JavaScript: convene, attendance, agenda order, decisions, sign-off, corrections, PDF;
the case workspace shows the meeting; outsiders see nothing."""

from __future__ import annotations

from django.test import Client

from plandesk.conftest import PASSWORD
from plandesk.core.pdf import extract_text
from plandesk.meetings import services
from plandesk.meetings.models import Meeting
from plandesk.meetings.tests.conftest import HELD_AT, open_task, to_division_meeting


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_it_convenes_a_meeting_with_the_waiting_cases_oldest_due_first(bureau):
    first = to_division_meeting(bureau)
    second = to_division_meeting(bureau)
    head = client_for(bureau["head1"])
    page = head.get("/meetings/new/")
    assert page.status_code == 200 and "行政审批一处处务会" in page.content.decode()
    assert "局务会" not in page.content.decode()  # a division head does not convene the bureau meeting
    response = head.post("/meetings/new/", {"which": "division:div1", "held_at": "2026-11-27T09:00",
                                            "place": "三楼会议室", "quorum_rule": "majority"})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    assert [i.case for i in meeting.items.all()] == [first, second]
    html = head.get(response["Location"]).content.decode()
    assert first.number in html and 'id="quorum-ok"' in html  # the expected members default to present
    assert head.get("/meetings/").content.decode().count(meeting.title) >= 1


def test_it_runs_a_meeting_through_forms(bureau):
    case = to_division_meeting(bureau)
    other = to_division_meeting(bureau)
    meeting = services.create_meeting(chair=bureau["head1"], kind="division", division="div1", held_at=HELD_AT)
    head = client_for(bureau["head1"])
    url = f"/meetings/{meeting.pk}/"
    assert "出席人数不足" in head.get(url).content.decode()
    # reorder: the second case goes up (a plain form, no JavaScript)
    item = meeting.items.get(case=other)
    assert head.post(f"{url}agenda/{item.pk}/up/").status_code == 302
    assert [i.case for i in meeting.items.all()] == [other, case]
    # with htmx the agenda section comes back alone
    response = head.post(f"{url}agenda/{item.pk}/down/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="agenda"' in response.content.decode() and "<html" not in response.content.decode()
    assert [i.case for i in meeting.items.all()] == [case, other]
    # attendance, recorder
    response = head.post(f"{url}attendance/", {"presence_head1": "present", "presence_handler1": "present",
                                               "presence_handler1b": "leave", "recorder": "handler1"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.has_quorum() and meeting.recorder == bureau["handler1"]
    # a decision without an opinion is refused, with the reason on the page
    item = meeting.items.get(case=case)
    response = head.post(f"{url}items/{item.pk}/decide/", {"decision": "approve", "opinion": ""}, follow=True)
    assert "请填写会议集体意见" in response.content.decode()
    assert open_task(case).step_id == "division_meeting"
    response = head.post(f"{url}items/{item.pk}/decide/", {"decision": "approve", "opinion": "同意上报"},
                         follow=True)
    assert "同意上报" in response.content.decode()
    assert open_task(case).step_id == "director_review"
    # sign, then nothing changes; a correction is added as a new record
    assert head.post(f"{url}sign/", {"confirm": "1"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_signed
    response = head.post(f"{url}agenda/{meeting.items.get(case=other).pk}/remove/", follow=True)
    assert "会议纪要已签发" in response.content.decode() and meeting.items.count() == 2
    head.post(f"{url}corrections/", {"item": str(item.pk), "text": "意见中“同意上报”应为“同意报局务会”"})
    text = extract_text(head.get(f"{url}minutes.pdf").content)
    assert meeting.minutes_number in text.replace("\n", "")
    assert case.number in text and other.number in text and "未审议" in text and "更正1" in text
    # the case workspace shows the meeting and its decision
    workspace = client_for(bureau["handler1"]).get(f"/work/cases/{case.number}/").content.decode()
    assert 'id="meetings-block"' in workspace and meeting.title in workspace and "同意上报" in workspace


def test_it_refuses_pages_to_outsiders_and_members_who_do_not_run_it(bureau, outsider):
    case = to_division_meeting(bureau)
    meeting = services.create_meeting(chair=bureau["head1"], kind="division", division="div1", held_at=HELD_AT,
                                      present=["handler1"])
    item = meeting.items.get()
    for person in (outsider, bureau["head2"]):
        client = client_for(person)
        assert client.get(f"/meetings/{meeting.pk}/").status_code == 404
        assert client.get(f"/meetings/{meeting.pk}/minutes.pdf").status_code == 404
        assert client.post(f"/meetings/{meeting.pk}/items/{item.pk}/decide/",
                           {"decision": "approve", "opinion": "x"}).status_code == 404
    assert client_for(outsider).get("/meetings/new/").status_code == 404
    assert "行政审批一处" not in client_for(bureau["head2"]).get("/meetings/new/").content.decode()
    member = client_for(bureau["handler1b"])
    assert member.get(f"/meetings/{meeting.pk}/").status_code == 200
    response = member.post(f"/meetings/{meeting.pk}/items/{item.pk}/decide/", {"decision": "approve",
                                                                                 "opinion": "x"}, follow=True)
    assert "只有会议主持人或记录人" in response.content.decode()
    assert open_task(case).step_id == "division_meeting"
    assert Client().get(f"/meetings/{meeting.pk}/").status_code == 302  # to the login page


def test_it_tells_the_chair_on_the_workbench_how_many_cases_wait_for_his_meeting(bureau):
    to_division_meeting(bureau)
    to_division_meeting(bureau)
    html = client_for(bureau["head1"]).get("/workbench/").content.decode()
    assert "待上会案卷" in html and "/meetings/" in html
    assert "待上会案卷" not in client_for(bureau["head2"]).get("/workbench/").content.decode()
    assert "待上会案卷" not in client_for(bureau["handler1"]).get("/workbench/").content.decode()


def test_it_speaks_english_when_asked(bureau, settings):
    to_division_meeting(bureau)
    meeting = services.create_meeting(chair=bureau["head1"], kind="division", division="div1", held_at=HELD_AT)
    client = client_for(bureau["head1"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert "Record decision" in html and "Attendance" in html
