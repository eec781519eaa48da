"""A light change that cannot be acted on is pushed back with its error logged, not retried in a loop, and is
acted on (once) when the cause is gone."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from plandesk.supervision.jobs import supervision_lights, supervision_reminders
from plandesk.supervision.models import LightChange, UrgingNotice
from plandesk.workflow.models import TaskState

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_failing_change_is_pushed_back_and_handled_later(bureau, settings, caplog):
    with time_machine.travel(MONDAY, tick=False):
        task = bureau.new_case("permit").tasks.get(state=TaskState.OPEN)
    # A broken setting: the notice's window cannot be computed, so drafting it fails.
    settings.PLANDESK_URGING_WINDOW_DAYS = "五"
    late = task.due_at + timedelta(minutes=1)
    with time_machine.travel(late, tick=False), caplog.at_level(logging.ERROR):
        assert supervision_lights() == 1
        assert supervision_reminders() == 0
        assert supervision_reminders() == 0  # not tried again at once
    change = LightChange.objects.get()
    assert change.handled_at is None and change.retry_at == late + timedelta(minutes=5)
    assert change.last_error.startswith("ValueError")
    assert any(f"light change {change.pk} failed" in r.getMessage() for r in caplog.records)
    assert not UrgingNotice.objects.exists()

    settings.PLANDESK_URGING_WINDOW_DAYS = 5
    with time_machine.travel(late + timedelta(minutes=4), tick=False):
        assert supervision_reminders() == 0  # still waiting for its retry time
    with time_machine.travel(late + timedelta(minutes=6), tick=False):
        assert supervision_reminders() == 1
        assert supervision_reminders() == 0
    change.refresh_from_db()
    assert change.handled_at is not None
    assert UrgingNotice.objects.filter(task=task).count() == 1
