"""A case resumed after a pause is recoloured by supervision's sweep, not silently: a resumed case that turns yellow
or red at that moment gets exactly the change records, reminders and draft notices that the worker's sweep gives an
identical case that was never paused, and the worker's next passes add nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from plandesk.audit.models import Event
from plandesk.core.signals import calendar_changed
from plandesk.notifications.models import Notification
from plandesk.supervision.jobs import supervision_lights, supervision_reminders
from plandesk.supervision.models import LightChange, NoticeStatus, UrgingNotice
from plandesk.workflow import services as workflow
from plandesk.workflow.models import Light, Task, TaskState

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=TZ)


def worker_round() -> int:
    return supervision_lights() + supervision_reminders()


def what_was_sent(task: Task) -> list[tuple[str, str, str]]:
    """Every notice about the task or its urging notice, as (kind, channel, recipient)."""
    from django.db.models import Q

    notices = [str(pk) for pk in UrgingNotice.objects.filter(task=task).values_list("pk", flat=True)]
    rows = Notification.objects.filter(kind__startswith="supervision.").filter(
        Q(object_type__endswith="task", object_id=str(task.pk))
        | Q(object_type__endswith="urgingnotice", object_id__in=notices))
    return sorted(rows.values_list("kind", "channel", "recipient__username"))


def two_tasks(bureau) -> tuple[Task, Task]:
    with time_machine.travel(MONDAY, tick=False):
        paused = bureau.new_case("permit").tasks.get(state=TaskState.OPEN)
        control = bureau.new_case("permit").tasks.get(state=TaskState.OPEN)
    assert (paused.due_at, paused.warn_at) == (control.due_at, control.warn_at)
    return paused, control


@pytest.mark.parametrize("moment, light", [("warn_at", Light.YELLOW), ("due_at", Light.RED)])
def test_a_resumed_case_is_reminded_and_urged_as_the_sweep_does_it(bureau, moment, light):
    bureau["handler1"].phone = "13800000001"
    bureau["handler1"].save()
    paused, control = two_tasks(bureau)
    at = getattr(paused, moment) + timedelta(minutes=1)
    # The worker did not pass between the light's moment and the pause: the paused case kept its green light.
    with time_machine.travel(at, tick=False):
        workflow.pause_case(paused.case, "supplement", note="补正材料")
    assert sweep_all_is_quiet(at + timedelta(minutes=1), paused)
    # Resumed the same day: no working day paused, the deadlines stay, and the task's light is now due to change.
    with time_machine.travel(at + timedelta(minutes=2), tick=False):
        workflow.resume_case(paused.case, note="材料已补正")
    paused.refresh_from_db()
    assert paused.light == light
    assert list(LightChange.objects.filter(task=paused).values_list("from_light", "to_light")) == [
        (Light.GREEN, light)]

    with time_machine.travel(at + timedelta(minutes=3), tick=False):
        control.refresh_from_db()
        assert control.light == light  # the sweep during the pause recoloured the control
        assert worker_round() == 2  # both changes acted on
        assert LightChange.objects.filter(task=paused).count() == 1
        assert worker_round() == 0  # nothing twice
    sent = what_was_sent(paused)
    assert sent and sent == what_was_sent(control)
    expected = {Light.YELLOW: {"supervision.yellow", "supervision.yellow_sms", "supervision.yellow_copy"},
                Light.RED: {"supervision.red"}}[light]
    assert {kind for kind, _channel, _to in sent} == expected
    assert UrgingNotice.objects.filter(task=paused).count() == (1 if light == Light.RED else 0)
    assert UrgingNotice.objects.filter(task=control).count() == (1 if light == Light.RED else 0)


def sweep_all_is_quiet(now: datetime, paused: Task) -> bool:
    """While paused, the worker's sweep leaves the case alone (the control case may change meanwhile)."""
    with time_machine.travel(now, tick=False):
        supervision_lights()
    return not LightChange.objects.filter(task=paused).exists()


def test_a_resume_that_moves_the_deadline_later_records_the_way_back(bureau):
    """Red before a pause; resumed three working days later, the deadline moves by those days and the light goes back
    to yellow, recorded (no reminder for that); when the moved deadline passes, a second draft notice follows."""
    paused, _control = two_tasks(bureau)
    first_due = paused.due_at  # Monday 17:30
    with time_machine.travel(first_due + timedelta(minutes=1), tick=False):
        worker_round()
        workflow.pause_case(paused.case, "supplement", note="补正材料")
    assert UrgingNotice.objects.filter(task=paused, due_at=first_due).count() == 1
    with time_machine.travel(first_due + timedelta(days=3, hours=-8, minutes=-30), tick=False):  # Thursday 09:00
        workflow.resume_case(paused.case)
        paused.refresh_from_db()
        assert paused.due_at == first_due + timedelta(days=3)
        assert paused.light == Light.YELLOW
        assert worker_round() == 2  # the recorded change acted on (nothing to send), the stale draft withdrawn
        assert worker_round() == 0
        withdrawn = UrgingNotice.objects.get(task=paused, due_at=first_due)
        assert withdrawn.status == NoticeStatus.WITHDRAWN
        assert Event.objects.filter(action="supervision.notice_withdrawn", object_id=str(withdrawn.pk)).count() == 1
    assert list(LightChange.objects.filter(task=paused).order_by("id").values_list("from_light", "to_light")) == [
        (Light.GREEN, Light.RED), (Light.RED, Light.YELLOW)]
    assert not Notification.objects.filter(kind="supervision.yellow").exists()
    with time_machine.travel(paused.due_at + timedelta(minutes=1), tick=False):
        assert worker_round() == 2
        assert worker_round() == 0
    assert list(UrgingNotice.objects.filter(task=paused).order_by("due_at").values_list("due_at", "status")) == [
        (first_due, NoticeStatus.WITHDRAWN), (paused.due_at, NoticeStatus.DRAFT)]


def test_a_calendar_change_recolours_with_records_too(bureau):
    """Workflow's other deadline move (a changed calendar) goes through the same hook."""
    paused, control = two_tasks(bureau)
    with time_machine.travel(paused.warn_at + timedelta(minutes=1), tick=False):
        calendar_changed.send(sender=None, dates=set())
        assert worker_round() == 2  # both changes recorded before the worker came: only acted on here
    assert set(LightChange.objects.values_list("task_id", "to_light")) == {(paused.pk, Light.YELLOW),
                                                                           (control.pk, Light.YELLOW)}
