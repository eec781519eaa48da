"""The light sweep: set-based, one recorded change per task and light, exact at the boundaries, paused cases left
alone, and lights brought back when a deadline moves later."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from plandesk.supervision.models import LightChange
from plandesk.supervision.services import sweep_lights
from plandesk.workflow import services as workflow
from plandesk.workflow.models import Light, Task, TaskState

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=TZ)


def open_task(bureau) -> Task:
    with time_machine.travel(MONDAY, tick=False):
        case = bureau.new_case("permit")
    return case.tasks.get(state=TaskState.OPEN)


def test_it_changes_the_light_exactly_at_the_yellow_and_red_moments_in_any_time_zone(bureau):
    task = open_task(bureau)
    local_warn = task.warn_at.astimezone(TZ)
    assert sweep_lights(local_warn - timedelta(seconds=1)) == 0
    assert sweep_lights(local_warn) == 1
    assert sweep_lights(local_warn) == 0
    assert sweep_lights(task.due_at.astimezone(TZ)) == 1
    task.refresh_from_db()
    assert task.light == Light.RED
    assert list(LightChange.objects.order_by("id").values_list("from_light", "to_light", "due_at")) == [
        ("green", "yellow", task.due_at), ("yellow", "red", task.due_at)]


def test_it_leaves_paused_cases_alone_and_brings_lights_back_when_a_deadline_moves(bureau):
    task = open_task(bureau)
    with time_machine.travel(task.warn_at + timedelta(minutes=1), tick=False):
        workflow.pause_case(task.case, "supplement", note="补正材料")
    assert sweep_lights(task.due_at + timedelta(hours=1)) == 0
    task.refresh_from_db()
    assert task.light == Light.GREEN
    with time_machine.travel(task.due_at + timedelta(days=3), tick=False):
        workflow.resume_case(task.case)
    task.refresh_from_db()
    # The workflow recomputed the deadline and recoloured the task on resuming; the sweep then has nothing left.
    later = task.due_at
    Task.objects.filter(pk=task.pk).update(light=Light.RED)
    assert sweep_lights(later - timedelta(days=10)) == 1
    task.refresh_from_db()
    assert task.light == Light.GREEN
    assert LightChange.objects.filter(from_light="red", to_light="green").count() == 1
