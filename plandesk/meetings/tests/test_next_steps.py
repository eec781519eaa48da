"""The meeting pages tell a new user what to do next (issue 22): a case waiting for its meeting links to the agenda
where it waits (or to the meetings page to convene one); the meetings page lists waiting cases before any meeting
exists; members default to present; a refused decision keeps what was typed and shows why beside the item; signing
the minutes asks for confirmation, without JavaScript; each checkbox says what it does."""

from __future__ import annotations

from django.test import Client

from plandesk.conftest import PASSWORD
from plandesk.meetings import services
from plandesk.meetings.models import Meeting
from plandesk.meetings.tests.conftest import HELD_AT, to_division_meeting


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_waiting_case_links_to_the_meetings_page_then_to_its_agenda(bureau):
    case = to_division_meeting(bureau)
    handler = client_for(bureau["head1"])  # the meeting step waits with the head, who chairs
    html = handler.get(f"/work/cases/{case.number}/").content.decode()
    assert 'id="meeting-step-link"' in html and 'href="/meetings/"' in html
    meeting = services.create_meeting(chair=bureau["head1"], kind="division", division="div1", held_at=HELD_AT)
    item = meeting.items.get(case=case)
    html = handler.get(f"/work/cases/{case.number}/").content.decode()
    assert f'href="/meetings/{meeting.pk}/#item-{item.pk}"' in html


def test_the_meetings_page_lists_waiting_cases_before_any_meeting_exists(bureau):
    case = to_division_meeting(bureau)
    html = client_for(bureau["head1"]).get("/meetings/").content.decode()
    assert f'data-case="{case.number}"' in html and "尚未列入议程" in html
    assert 'href="/meetings/new/?which=division%3Adiv1"' in html


def test_members_default_to_present_and_the_clerk_unticks_who_is_away(bureau):
    to_division_meeting(bureau)
    head = client_for(bureau["head1"])
    form = head.get("/meetings/new/").content.decode()
    assert 'name="present:division:div1" value="handler1" checked' in form
    head.post("/meetings/new/", {"which": "division:div1", "held_at": "2026-11-27T09:00", "quorum_rule": "majority",
                                 "attendance_listed": "1", "present:division:div1": ["head1", "handler1"]})
    meeting = Meeting.objects.get()
    assert {a.user.username: a.presence for a in meeting.attendance.select_related("user")} == {
        "head1": "present", "handler1": "present", "handler1b": "absent"}
    assert meeting.has_quorum()


def test_a_refused_decision_keeps_what_was_typed_and_says_why_beside_the_item(bureau):
    case = to_division_meeting(bureau)
    meeting = services.create_meeting(chair=bureau["head1"], kind="division", division="div1", held_at=HELD_AT)
    item = meeting.items.get(case=case)
    opinion = "经集体研究，同意上报局务会审定，请复核道路红线退让距离。"
    response = client_for(bureau["head1"]).post(f"/meetings/{meeting.pk}/items/{item.pk}/decide/",
                                                {"decision": "approve_with_conditions", "opinion": opinion,
                                                 "conditions": "复核道路红线"})
    assert response.status_code == 409  # only the chair present: no quorum
    html = response.content.decode()
    error = html.index(f'id="decision-error-{item.pk}"')
    assert html.index(f'id="item-{item.pk}"') < error < html.index(f'id="opinion-{item.pk}"')
    assert "出席人数不足" in html[error:error + 300]
    assert f">{opinion}</textarea>" in html and 'value="复核道路红线"' in html
    assert '<option value="approve_with_conditions" selected>' in html
    assert not meeting.items.get(pk=item.pk).is_decided


def test_signing_the_minutes_asks_for_confirmation(bureau):
    meeting = services.create_meeting(chair=bureau["head1"], kind="division", division="div1", held_at=HELD_AT,
                                      present=["handler1"])
    head = client_for(bureau["head1"])
    page = head.get(f"/meetings/{meeting.pk}/").content.decode()
    assert 'name="confirm" value="1" id="id_confirm_sign" required' in page
    response = head.post(f"/meetings/{meeting.pk}/sign/", follow=True)
    meeting.refresh_from_db()
    assert not meeting.is_signed and "确认签发" in response.content.decode()
    head.post(f"/meetings/{meeting.pk}/sign/", {"confirm": "1"})
    meeting.refresh_from_db()
    assert meeting.is_signed


def test_the_directors_bureau_meeting_box_says_what_it_does(bureau):
    from plandesk.meetings.tests.conftest import open_task

    case = to_division_meeting(bureau)
    meeting = services.create_meeting(chair=bureau["head1"], kind="division", division="div1", held_at=HELD_AT,
                                      present=["handler1"])
    services.decide(meeting, bureau["head1"], case.number, "approve", "同意上报")
    assert open_task(case).step_id == "director_review"
    html = client_for(bureau["director"]).get(f"/work/cases/{case.number}/").content.decode()
    box = html.index('id="id_form__submit_to_bureau_meeting"')
    assert 'aria-describedby="hint_form__submit_to_bureau_meeting"' in html[box:box + 200]
    assert "局务会作出最终决定" in html


def test_the_new_words_have_english(bureau, settings):
    from django.utils import translation

    to_division_meeting(bureau)
    head = client_for(bureau["head1"])
    head.post("/i18n/setlang/", {"language": "en", "next": "/"})
    try:
        listing = head.get("/meetings/").content.decode()
        convene = head.get("/meetings/new/").content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)
    assert "Cases waiting for the" in listing and "Not on an agenda yet" in listing
    assert "present by default" in convene
