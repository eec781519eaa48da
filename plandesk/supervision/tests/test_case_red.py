"""A case past its own due date whose steps are still green (a step begun before the cap, or given more time than
the case has left) is listed to the office with the step that holds it, and the urging ladder applies to it."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from plandesk.cases.models import Case, CaseLight
from plandesk.notifications.models import Notification
from plandesk.supervision.jobs import supervision_lights, supervision_reminders
from plandesk.supervision.models import UrgingNotice
from plandesk.workflow.models import Light, Task, TaskState

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=TZ)


def test_a_red_case_with_green_steps_is_urged_and_listed_with_the_step_that_holds_it(bureau, client):
    with time_machine.travel(MONDAY, tick=False):
        case = bureau.new_case("permit")
    task = case.tasks.get(state=TaskState.OPEN)
    # The step was given far more time than the case has (as steps begun before the cap were).
    Task.objects.filter(pk=task.pk).update(due_at=case.due_at + timedelta(days=30),
                                           warn_at=case.due_at + timedelta(days=29))
    with time_machine.travel(case.due_at + timedelta(minutes=5), tick=False):
        supervision_lights()
        supervision_reminders()
        assert supervision_lights() + supervision_reminders() == 0  # a second round: nothing twice
        task.refresh_from_db()
        assert Case.objects.get(pk=case.pk).light == CaseLight.RED
        assert (task.due_at, task.light) == (case.due_at, Light.RED)  # capped, then red: the ladder applies
        assert UrgingNotice.objects.filter(task=task, due_at=case.due_at).count() == 1
        told = Notification.objects.filter(kind="supervision.case_red", recipient=bureau["office"])
        assert told.count() == 1
        assert task.name in told.get().body
        client.force_login(bureau["office"])
        desk = client.get("/supervision/").content.decode()
    listed = desk[desk.index('id="red-case-list"'):]
    assert f'data-case="{case.number}"' in listed
    assert task.name in listed[:listed.index("</table>")]


def test_the_desk_lists_no_case_before_its_due_date(bureau, client):
    with time_machine.travel(MONDAY, tick=False):
        case = bureau.new_case("permit")
    with time_machine.travel(case.due_at - timedelta(minutes=5), tick=False):
        supervision_lights()
        client.force_login(bureau["office"])
        desk = client.get("/supervision/").content.decode()
    assert f'data-case="{case.number}"' not in desk
    assert not Notification.objects.filter(kind="supervision.case_red").exists()
