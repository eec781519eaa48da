"""The restricted script engine: process files are data, not a way to run code on the server."""

from __future__ import annotations

import pytest

from plandesk.workflow import engine

SCRIPT_PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d" targetNamespace="t">
  <bpmn:process id="scripted" isExecutable="true">
    <bpmn:laneSet id="ls"><bpmn:lane id="l" name="经办 [handler]">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>work</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>script</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="script"/>
    <bpmn:scriptTask id="script" name="计算"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="script" targetRef="work"/>
    <bpmn:userTask id="work" name="审查">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="time_limit_days" value="3"/>
      </spiffworkflow:properties></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="work" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>"""


def test_it_runs_scripts_with_the_working_day_functions(db):
    parsed = engine.parse_process(SCRIPT_PROCESS.format(script="reply_by = str(add_working_days(today(), 3))\n"
                                                               "n = len(case['items'])"))
    wf = engine.start(parsed, {"case": {"items": ["permit"]}})
    task = engine.ready_user_tasks(wf)[0]
    assert task.data["n"] == 1 and len(task.data["reply_by"]) == 10
    assert "add_working_days" not in task.data


@pytest.mark.parametrize("script", [
    "x = __import__('os').system('id')",
    "import os",
    "x = ().__class__.__bases__[0].__subclasses__()",
    "x = open('/etc/passwd').read()",
    "x = eval('1')",
    "x = getattr(case, 'items')",
])
def test_it_refuses_scripts_that_reach_beyond_their_data(db, script):
    _parsed, problems = engine.check_process(SCRIPT_PROCESS.format(script=script))
    if problems:
        assert any("不允许" in p for p in problems)
        return
    # Not caught by the static check: it must fail at run time, with nothing run.
    parsed = engine.parse_process(SCRIPT_PROCESS.format(script=script))
    with pytest.raises(Exception) as info:
        engine.start(parsed, {"case": {"items": []}})
    assert "NameError" in repr(info.value) or "not defined" in str(info.value)


def test_it_refuses_import_at_run_time_too(db):
    env = engine.RestrictedEnvironment({})
    with pytest.raises(engine.ScriptRefused):
        env.evaluate("__import__('os')", {})
    with pytest.raises(NameError):
        env.evaluate("globals()", {})


def test_it_stores_the_run_without_the_specs_and_still_reads_spiffworkflows_own_json(db):
    parsed = engine.parse_process(SCRIPT_PROCESS.format(script="n = 1"))
    wf = engine.start(parsed, {"case": {"items": []}})
    full, run = engine.dumps(wf), engine.dumps_run(wf)
    assert '"spec"' in full and '"spec":' not in run and len(run) < len(full)
    # Both restore to the same run: the run-only JSON with its process version, SpiffWorkflow's own JSON alone.
    from_run, from_full = engine.loads(run, parsed), engine.loads(full)
    assert engine.dumps_run(from_run) == engine.dumps_run(from_full) == run
    task = engine.ready_user_tasks(from_run)[0]
    engine.run_user_task(from_run, str(task.id), {"decision": "approve"})
    assert from_run.is_completed()
    with pytest.raises(engine.ProcessError):
        engine.loads(run)
