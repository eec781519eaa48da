"""BPMN timer events: the worker refreshes instances whose next timer is due (SpiffWorkflow has no clock)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from plandesk.catalog.models import Category, Item, ItemVersion
from plandesk.workflow import services
from plandesk.workflow.models import ProcessInstance, TaskState

SH = ZoneInfo("Asia/Shanghai")
TIMER_PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
  <bpmn:process id="cooling_off" name="公示期后审查" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="l" name="经办 [handler]">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>wait</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>work</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
    <bpmn:intermediateCatchEvent id="wait" name="等待两小时">
      <bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"PT2H"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="work"/>
    <bpmn:userTask id="work" name="审查">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="time_limit_days" value="3"/>
      </spiffworkflow:properties></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_it_fires_a_due_timer_through_the_worker(bureau):
    services.upload_definition(TIMER_PROCESS)
    item = Item.objects.create(code="timed")
    ItemVersion(item=item, name="定时事项", category=Category.LICENCE, legal_basis="依据", statutory_days=5,
                promised_days=5, form_schema={"type": "object"}, process_id="cooling_off").publish()
    item.refresh_from_db()
    bureau.items["timed"] = item
    start = datetime(2026, 11, 23, 9, 0, tzinfo=SH)
    with time_machine.travel(start, tick=False):
        case = bureau.new_case("timed")
        instance = ProcessInstance.objects.get(case=case)
        assert not case.tasks.exists()
        assert instance.next_timer_at is not None
        assert abs(instance.next_timer_at - (start + timedelta(hours=2))) < timedelta(seconds=5)
        assert services.run_due_timers() == 0
    with time_machine.travel(start + timedelta(hours=2, minutes=1), tick=False):
        assert services.run_due_timers() == 1
        assert services.run_due_timers() == 0  # a second run is a no-op
    instance.refresh_from_db()
    assert instance.next_timer_at is None
    assert case.tasks.get(state=TaskState.OPEN).step_id == "work"


def test_it_lets_a_substitute_work_the_posts_tasks(bureau):
    from plandesk.organization.models import Substitute

    start = datetime(2026, 11, 23, 9, 0, tzinfo=SH)
    with time_machine.travel(start, tick=False):
        case = bureau.new_case("permit")
        task = case.tasks.get(state=TaskState.OPEN)
        assert not services.may_work(bureau["stranger"], task)
        Substitute.objects.create(post=bureau.posts["div1.handler"], absent=bureau["handler1"],
                                  substitute=bureau["stranger"], starts_on=start.date(),
                                  ends_on=start.date() + timedelta(days=3))
        assert services.may_work(bureau["stranger"], task)
        services.complete_task(task.pk, bureau["stranger"], decision="approve", form={"conformity": "符合"})
