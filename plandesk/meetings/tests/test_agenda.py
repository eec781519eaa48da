"""The agenda: lights, which cases run late if left to the next meeting, cases on two agendas, the workspace."""

from __future__ import annotations

from datetime import datetime, timedelta

import time_machine

from plandesk.meetings import services
from plandesk.meetings.models import Presence
from plandesk.meetings.tests.conftest import SH, open_task, to_director_review_done, to_division_meeting

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=SH)


def test_it_shows_lights_and_which_cases_run_late_if_left(bureau):
    with time_machine.travel(MONDAY, tick=False):
        case = to_division_meeting(bureau)
    due = open_task(case).due_at  # five working days: Monday 30 November, end of office hours
    assert due.astimezone(SH).date().isoformat() == "2026-11-30"
    with time_machine.travel(MONDAY + timedelta(hours=1), tick=False):
        early = services.create_meeting(chair=bureau["head1"], kind="division", division="div1",
                                        held_at=MONDAY + timedelta(hours=1), case_numbers=[case.number])
        [row] = services.agenda(early)
        assert row.light == "green" and not row.late_if_left  # the next meeting (30th, 10:00) is in time
    with time_machine.travel(datetime(2026, 11, 30, 9, 0, tzinfo=SH), tick=False):
        late = services.create_meeting(chair=bureau["head1"], kind="division", division="div1",
                                       held_at=datetime(2026, 11, 30, 9, 0, tzinfo=SH), case_numbers=[case.number])
        [row] = services.agenda(late)
        assert row.light == "yellow" and row.late_if_left  # a week later it would be overdue
        # once a next meeting is convened before the deadline, leaving it there is in time
        services.create_meeting(chair=bureau["head1"], kind="division", division="div1",
                                held_at=datetime(2026, 11, 30, 15, 0, tzinfo=SH), case_numbers=[])
        [row] = services.agenda(late)
        assert not row.late_if_left


def test_it_orders_candidates_oldest_due_first_and_skips_cases_on_another_open_agenda(bureau):
    with time_machine.travel(MONDAY, tick=False):
        older = to_division_meeting(bureau)
    with time_machine.travel(MONDAY + timedelta(days=1), tick=False):
        newer = to_division_meeting(bureau)
    to_division_meeting(bureau, office="div2")  # another division's case never shows
    meeting = services.create_meeting(chair=bureau["head1"], kind="division", division="div1",
                                      held_at=MONDAY + timedelta(days=2), case_numbers=[])
    assert [r.case for r in services.candidates(meeting)] == [older, newer]
    services.add_case(meeting, bureau["head1"], newer.number)
    other = services.create_meeting(chair=bureau["head1"], kind="division", division="div1",
                                    held_at=MONDAY + timedelta(days=3))
    assert [i.case for i in other.items.all()] == [older]  # newer is undecided on the first meeting


def test_it_refuses_a_case_decided_at_another_meeting_meanwhile(bureau):
    case = to_division_meeting(bureau)
    head = bureau["head1"]
    first = services.create_meeting(chair=head, kind="division", division="div1", held_at=MONDAY,
                                    present=["handler1"], case_numbers=[case.number])
    second = services.create_meeting(chair=head, kind="division", division="div1", held_at=MONDAY,
                                     present=["handler1"], case_numbers=[case.number])
    services.decide(first, head, case.number, "approve", "同意")
    try:
        services.decide(second, head, case.number, "reject", "不同意")
    except services.Conflict as exc:
        assert exc.code == "not_waiting" and "没有等待" in exc.message
    else:
        raise AssertionError("decided twice")
    assert second.items.get().decision == ""
    assert case.tasks.get(step_id="division_meeting").decision == "approve"


def test_it_runs_the_bureau_meeting_with_the_director_and_division_heads(bureau):
    case = to_division_meeting(bureau)
    division = services.create_meeting(chair=bureau["head1"], kind="division", division="div1", held_at=MONDAY,
                                       present=["handler1"])
    services.decide(division, bureau["head1"], case.number, "approve", "同意")
    to_director_review_done(bureau, case)
    meeting = services.create_meeting(chair=bureau["director"], kind="bureau", held_at=MONDAY,
                                      present=["head1"])
    assert sorted(a.user.username for a in meeting.attendance.all()) == ["director", "head1", "head2", "head3"]
    assert [i.case for i in meeting.items.all()] == [case]
    assert meeting.quorum_problem().startswith("出席人数不足")  # 2 of 4
    services.record_attendance(meeting, bureau["director"], {"head2": Presence.PRESENT})
    services.decide(meeting, bureau["director"], case.number, "reject", "不符合控规")
    assert open_task(case).step_id == "prepare_refusal"
    signed = services.sign(meeting, bureau["director"])
    assert signed.minutes_number == "局务会纪要〔2026〕1号"


def test_it_shows_the_public_the_step_and_never_the_discussion(bureau, api):
    case = to_division_meeting(bureau)
    meeting = services.create_meeting(chair=bureau["head1"], kind="division", division="div1", held_at=MONDAY,
                                      present=["handler1"])
    services.decide(meeting, bureau["head1"], case.number, "approve_with_conditions", "内部讨论：日照勉强达标",
                    conditions="复核日照")
    to_director_review_done(bureau, case)
    response = api.post("/api/v1/public/query", {"case_number": case.number, "password": "12345678"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [s["name"] for s in body["current_steps"]] == ["局务会"]
    assert "处务会" in [s["name"] for s in body["history"]]
    text = response.content.decode()
    assert "日照" not in text and "head1" not in text and meeting.ref not in text
