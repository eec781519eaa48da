"""The BPMN engine as plandesk uses it: SpiffWorkflow with a restricted script engine and no clock of its own.

SpiffWorkflow knows nothing of posts, deadlines or databases. This module parses and checks process files, starts
and restores workflows from their JSON, and reports the user tasks that are ready; `services` keeps the database.
"""

from __future__ import annotations

import ast
import builtins
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from uuid import UUID

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from plandesk.workdays import calendar

MEETING_KINDS = ("division", "bureau")
LANE_CODE = re.compile(r"\[([A-Za-z0-9_.\-]+)\]\s*$")


class ProcessError(Exception):
    """A process file that cannot be used; `problems` lists every reason in Chinese."""

    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


# --- the restricted script engine -------------------------------------------------------------------------------

SAFE_BUILTINS = {
    name: getattr(builtins, name)
    for name in ("abs", "all", "any", "bool", "dict", "float", "int", "len", "list", "max", "min", "round",
                 "sorted", "str", "sum", "tuple")
}
FORBIDDEN_NODES = (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.ClassDef, ast.AsyncFunctionDef,
                   ast.FunctionDef, ast.Lambda, ast.Await, ast.Yield, ast.YieldFrom, ast.With, ast.AsyncWith,
                   ast.Try, ast.Raise, ast.Delete)


class ScriptRefused(Exception):
    pass


def check_script(source: str, mode: str = "exec") -> ast.AST:
    """Parse a script or expression and refuse anything beyond plain data handling."""
    tree = ast.parse(source, mode=mode)
    for node in ast.walk(tree):
        if isinstance(node, FORBIDDEN_NODES):
            raise ScriptRefused(f"不允许的语句：{type(node).__name__}")
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ScriptRefused(f"不允许的名称：{node.id}")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            # Underscore attributes are the road to object internals (__class__, __globals__, __subclasses__ ...).
            raise ScriptRefused(f"不允许的属性：{node.attr}")
    return tree


def _today() -> date:
    from django.utils import timezone

    return timezone.localdate()


def _working_day_functions() -> dict[str, Any]:
    return {
        "add_working_days": calendar.add_working_days,
        "working_days_between": calendar.working_days_between,
        "is_working_day": calendar.is_working_day,
        "today": _today,
        "timedelta": timedelta,
    }


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates expressions and runs scripts with the working-day functions, the task data and nothing else."""

    def __init__(self, functions: dict[str, Any] | None = None):
        super().__init__(functions)
        self._functions = functions

    @property
    def functions(self) -> dict[str, Any]:
        if self._functions is None:
            self._functions = _working_day_functions()
        return self._functions

    def _globals(self, context: dict, external_context: dict | None) -> dict:
        scope = {"__builtins__": SAFE_BUILTINS}
        scope.update(self.functions)
        scope.update(external_context or {})
        scope.update(context)
        return scope

    def evaluate(self, expression, context, external_context=None):
        tree = check_script(expression, "eval")
        # Checked by check_script and run without builtins beyond SAFE_BUILTINS.
        return eval(compile(tree, "<expression>", "eval"), self._globals(context, external_context))  # noqa: S307

    def execute(self, script, context, external_context=None):
        tree = check_script(script, "exec")
        scope = self._globals(context, external_context)
        exec(compile(tree, "<script>", "exec"), scope)  # noqa: S102 - checked, restricted builtins
        # Only plain data goes back into the task: never the functions or builtins we lent the script.
        for key, value in scope.items():
            if key == "__builtins__" or key in self.functions or callable(value) or key.startswith("_"):
                continue
            context[key] = value
        return True

    def call_service(self, context, **kwargs):
        raise ScriptRefused("plandesk 流程不调用外部服务")


def script_engine() -> PythonScriptEngine:
    return PythonScriptEngine(environment=RestrictedEnvironment())


# --- parsing and checking process files ---------------------------------------------------------------------------

@dataclass(frozen=True)
class StepSpec:
    """A user task of a process, with the plandesk properties read from its extension elements."""

    id: str
    name: str
    lane: str  # the post code or function the lane names
    lane_label: str
    time_limit_days: int | None
    meeting: str  # "", "division" or "bureau"
    form_schema: dict | None
    on_timeout: str  # "" or "consent"
    item: str  # an item code this step reviews, or ""
    final: bool  # this step's decision is the case's outcome
    properties: dict = field(default_factory=dict)


@dataclass
class ParsedProcess:
    process_id: str
    name: str
    spec: Any
    subprocess_specs: dict
    steps: dict[str, StepSpec]
    lanes: list[str]


def lane_code(lane_name: str | None) -> str:
    """A lane is named `中文名 [code]` (or just `code`): the code is a post code or a post function."""
    if not lane_name:
        return ""
    match = LANE_CODE.search(lane_name)
    return match.group(1) if match else lane_name.strip()


def _step_from_spec(task_spec) -> StepSpec:
    ext = getattr(task_spec, "extensions", {}) or {}
    props = dict(ext.get("properties", {}) or {})
    limit = props.get("time_limit_days")
    schema_text = ext.get("formSchema") or props.get("form_schema")
    return StepSpec(
        id=task_spec.name,
        name=task_spec.bpmn_name or task_spec.name,
        lane=lane_code(task_spec.lane),
        lane_label=(task_spec.lane or "").split("[")[0].strip(),
        time_limit_days=int(limit) if limit not in (None, "") and str(limit).strip().isdigit() else None,
        meeting=props.get("meeting", ""),
        form_schema=json.loads(schema_text) if schema_text else None,
        on_timeout=props.get("on_timeout", ""),
        item=props.get("item", ""),
        final=props.get("final", "") in ("true", "1", "yes"),
        properties=props,
    )


def _is_user_task(task_spec) -> bool:
    return bool(getattr(task_spec, "manual", False))


def _collect_problems(xml: str | bytes) -> tuple[ParsedProcess | None, list[str]]:
    problems: list[str] = []
    if isinstance(xml, str):
        xml = xml.encode()
    try:
        # No entities, no network: a process file is data.
        root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return None, [f"XML 格式错误：{exc}"]
    parser = SpiffBpmnParser()
    try:
        parser.add_bpmn_xml(root, filename="upload.bpmn")
        ids = parser.get_process_ids()
    except (ValidationException, SpiffWorkflowException, Exception) as exc:
        return None, [f"BPMN 解析错误：{exc}"]
    if len(ids) != 1:
        return None, [f"文件须恰好含一个可执行流程（isExecutable=\"true\"），现有 {len(ids)} 个"]
    process_id = ids[0]
    try:
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except (ValidationException, SpiffWorkflowException, Exception) as exc:
        return None, [f"BPMN 解析错误：{exc}"]
    steps: dict[str, StepSpec] = {}
    lanes: set[str] = set()
    all_specs = [spec, *subprocess_specs.values()]
    for proc in all_specs:
        for task_spec in proc.task_specs.values():
            if not _is_user_task(task_spec):
                _check_expressions(task_spec, problems)
                continue
            label = task_spec.bpmn_name or task_spec.name
            try:
                step = _step_from_spec(task_spec)
            except (ValueError, TypeError) as exc:
                problems.append(f"步骤“{label}”的表单不是合法 JSON：{exc}")
                continue
            if not step.lane:
                problems.append(f"步骤“{label}”不在任何泳道中（泳道须指明岗位）")
            else:
                lanes.add(step.lane)
            if step.time_limit_days is None:
                problems.append(f"步骤“{label}”没有时限（扩展属性 time_limit_days，工作日）")
            if step.meeting and step.meeting not in MEETING_KINDS:
                problems.append(f"步骤“{label}”的会议类型“{step.meeting}”无效（division 或 bureau）")
            if step.on_timeout and step.on_timeout != "consent":
                problems.append(f"步骤“{label}”的超时规则“{step.on_timeout}”无效（只支持 consent）")
            if step.form_schema is not None:
                problems.extend(_schema_problems(label, step.form_schema))
            steps[step.id] = step
    if not steps:
        problems.append("流程中没有人工办理步骤（userTask）")
    name = root.xpath("//bpmn:process/@name", namespaces={"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"})
    parsed = ParsedProcess(process_id, name[0] if name else process_id, spec, subprocess_specs, steps, sorted(lanes))
    return parsed, problems


def _check_expressions(task_spec, problems: list[str]) -> None:
    label = getattr(task_spec, "bpmn_name", None) or task_spec.name
    script = getattr(task_spec, "script", None)
    if script:
        try:
            check_script(script, "exec")
        except (ScriptRefused, SyntaxError) as exc:
            problems.append(f"脚本“{label}”不被允许：{exc}")
    for condition, _target in (getattr(task_spec, "cond_task_specs", None) or []):
        args = getattr(condition, "args", None) or [None]
        expr = args[0]
        if isinstance(expr, str):
            try:
                check_script(expr, "eval")
            except (ScriptRefused, SyntaxError) as exc:
                problems.append(f"条件“{expr}”不被允许：{exc}")


def _schema_problems(label: str, schema: dict) -> list[str]:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return [f"步骤“{label}”的表单 JSON Schema 无效：{exc.message}"]
    return []


def parse_process(xml: str | bytes) -> ParsedProcess:
    """Parse a process file; raise ProcessError listing its structural problems."""
    parsed, problems = _collect_problems(xml)
    if problems or parsed is None:
        raise ProcessError(problems)
    return parsed


def check_process(xml: str | bytes, lane_known=None, item_known=None) -> tuple[ParsedProcess | None, list[str]]:
    """All problems of a process file: structure, plus lanes naming no post and unknown item codes."""
    parsed, problems = _collect_problems(xml)
    if parsed is None:
        return None, problems
    if lane_known is not None:
        for lane in parsed.lanes:
            if not lane_known(lane):
                problems.append(f"泳道“{lane}”不是任何岗位的编码或职能")
    if item_known is not None:
        for step in parsed.steps.values():
            if step.item and not item_known(step.item):
                problems.append(f"步骤“{step.name}”引用了未知事项编码“{step.item}”")
    return parsed, problems


@lru_cache(maxsize=64)
def parsed_cached(xml: str) -> ParsedProcess:
    return parse_process(xml)


# --- running -----------------------------------------------------------------------------------------------------

class _RunOnlyWorkflowConverter(BpmnWorkflowConverter):
    """The top workflow without its process specs: plandesk keeps those as ProcessDefinition versions (the BPMN,
    parsed once per process and version), so the stored JSON needs only the run. SpiffWorkflow's own format repeats
    the specs in every save: a third of the serialization time and most of deserializing.

    A JSON that still holds its specs (saved before, or by `dumps`) loads as SpiffWorkflow's own format."""

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, parsed: ParsedProcess | None = None):
        if "spec" in dct:
            return super().from_dict(dct)
        if parsed is None:
            raise ProcessError(["流程状态不含流程定义，须提供其所属的流程版本"])
        # As BpmnWorkflowConverter.from_dict, with the specs of the instance's process version.
        workflow = self.target_class(parsed.spec, parsed.subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


# Configured once per process (building a registry costs milliseconds).
_serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
_run_serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(
    {**SPIFF_CONFIG, BpmnWorkflow: _RunOnlyWorkflowConverter}))


def start(parsed: ParsedProcess, data: dict) -> BpmnWorkflow:
    wf = BpmnWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=script_engine())
    wf.data.update(data)
    start_task = wf.get_tasks(state=TaskState.READY)
    for task in start_task:
        task.data.update(data)
    wf.do_engine_steps()
    return wf


def dumps(wf: BpmnWorkflow) -> str:
    """SpiffWorkflow's own JSON, specs included (loads without a process version)."""
    return _serializer.serialize_json(wf)


def dumps_run(wf: BpmnWorkflow) -> str:
    """The JSON plandesk stores: the run without the specs (load it with its ParsedProcess)."""
    return _run_serializer.serialize_json(wf)


def loads(state: str, parsed: ParsedProcess | None = None) -> BpmnWorkflow:
    """A workflow from either JSON: SpiffWorkflow's own, or the run alone (which needs `parsed`, its process)."""
    dct = json.loads(state)
    _run_serializer.migrate(dct)
    wf = _run_serializer.from_dict(dct, parsed=parsed)
    # The script engine is not part of the JSON: lend it again, restricted.
    wf.script_engine = script_engine()
    return wf


def ready_user_tasks(wf: BpmnWorkflow) -> list:
    return wf.get_tasks(state=TaskState.READY, manual=True)


def run_user_task(wf: BpmnWorkflow, task_id: str, data: dict) -> None:
    from uuid import UUID

    task = wf.get_task_from_id(UUID(str(task_id)))
    if task is None or task.state != TaskState.READY:
        raise ProcessError(["该步骤在流程中已不可办理"])
    task.data.update(data)
    task.run()
    wf.do_engine_steps()


def reset_to(wf: BpmnWorkflow, task_id: str) -> None:
    """Send the process back to an earlier step (退回上一步): that step becomes ready again."""
    from uuid import UUID

    wf.reset_from_task_id(UUID(str(task_id)))
    wf.do_engine_steps()


def refresh_timers(wf: BpmnWorkflow) -> None:
    wf.refresh_timers()
    wf.do_engine_steps()


def catch_signal(wf: BpmnWorkflow, name: str) -> bool:
    """A BPMN signal from outside the process (e.g. the end of a publicity period): the events waiting for it fire
    and the engine steps on. False, changing nothing, when no event of the process waits for it."""
    from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
    from SpiffWorkflow.bpmn.util.event import BpmnEvent

    for task in wf.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, SignalEventDefinition) and definition.name == name:
            # The parser's own definition object: catching compares the definition's class as well as its name.
            wf.send_event(BpmnEvent(definition))
            wf.do_engine_steps()
            return True
    return False


def next_timer_at(wf: BpmnWorkflow) -> datetime | None:
    """When the earliest waiting timer falls due (None without timers): the worker's cue."""
    earliest = None
    for task in wf.get_tasks(state=TaskState.WAITING):
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, TimerEventDefinition):
            continue
        value = task._get_internal_data("event_value")
        if not value:
            continue
        try:
            when = datetime.fromisoformat(str(value))
        except ValueError:
            continue
        if earliest is None or when < earliest:
            earliest = when
    return earliest
