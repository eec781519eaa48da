"""BPMN process definitions: parsing, checking, uploading and the shipped processes; the workflow's constants."""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from plandesk.audit.services import record
from plandesk.catalog.models import Item, ItemVersion
from plandesk.organization.models import Post
from plandesk.workflow import engine, promise
from plandesk.workflow.errors import WorkflowError
from plandesk.workflow.models import (
    Decision,
    ProcessDefinition,
)

log = logging.getLogger(__name__)
PROCESS_DIR = Path(__file__).resolve().parent / "processes"
PARALLEL_PROCESS = "plandesk_parallel_approval"
WORK_DECISIONS = (Decision.APPROVE, Decision.REJECT, Decision.RETURN)
MEETING_DECISIONS = ("approve", "reject", "defer", "revise")


# --- process definitions -----------------------------------------------------------------------------------------

_parsed: dict[tuple, engine.ParsedProcess] = {}


def parsed_definition(definition: ProcessDefinition) -> engine.ParsedProcess:
    # A stored version never changes; the upload time tells apart versions a test database gave the same id.
    key = (definition.pk, definition.uploaded_at)
    parsed = _parsed.get(key)
    if parsed is None:
        parsed = engine.parse_process(definition.bpmn_xml)
        _parsed[key] = parsed
    return parsed


def _lane_known(lane: str) -> bool:
    return Post.objects.filter(Q(code=lane) | Q(function=lane)).exists()


def _item_known(code: str) -> bool:
    return Item.objects.filter(code=code).exists()


def check_definition(xml: str | bytes) -> tuple[engine.ParsedProcess | None, list[str]]:
    """Every problem of a process file, in Chinese: parse errors, lanes naming no post, missing time limits,
    unknown item codes. An empty list means it may be stored."""
    parsed, problems = engine.check_process(xml, lane_known=_lane_known, item_known=_item_known)
    if parsed is not None and not problems:
        problems = promise_problems(parsed)
    return parsed, problems


def promise_problems(parsed: engine.ParsedProcess) -> list[str]:
    """The current items this process would run whose promised days cannot hold its happy path (workflow/promise)."""
    versions = ItemVersion.objects.filter(is_current=True)
    if parsed.process_id == PARALLEL_PROCESS:
        versions = versions.filter(Q(process_id=parsed.process_id) | Q(parallel_group__isnull=False))
    else:
        versions = versions.filter(process_id=parsed.process_id)
    return [problem for version in versions.order_by("item__code")
            if (problem := promise.fit_problem(parsed, version.name, version.promised_days,
                                               version.publicity_required))]


def upload_definition(xml: str | bytes, *, actor=None, note: str = "", check_posts: bool = True) -> ProcessDefinition:
    """Store a new version of a process and make it the active one. A bad file raises ProcessError, storing nothing.

    Running instances keep the version they started with; new cases take this one."""
    if isinstance(xml, bytes):
        try:
            xml = xml.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise engine.ProcessError(["文件不是 UTF-8 编码的文本"]) from exc
    if check_posts:
        parsed, problems = check_definition(xml)
    else:
        parsed, problems = engine.check_process(xml)
    if problems or parsed is None:
        raise engine.ProcessError(problems or ["无法解析"])
    with transaction.atomic():
        latest = (ProcessDefinition.objects.select_for_update().filter(process_id=parsed.process_id)
                  .order_by("-version").first())
        version = latest.version + 1 if latest else 1
        ProcessDefinition.objects.filter(process_id=parsed.process_id, is_active=True).update(is_active=False)
        steps = [{"id": s.id, "name": s.name, "lane": s.lane, "time_limit_days": s.time_limit_days,
                  "meeting": s.meeting} for s in parsed.steps.values()]
        definition = ProcessDefinition.objects.create(
            process_id=parsed.process_id, version=version, name=parsed.name, bpmn_xml=xml, steps=steps,
            uploaded_by=actor, note=note[:200], is_active=True,
        )
        record("workflow.definition_uploaded", definition, after={"process_id": parsed.process_id, "version": version},
               summary=f"流程 {parsed.process_id} 第 {version} 版", actor=actor)
    return definition


def shipped_process_files() -> list[Path]:
    return sorted(PROCESS_DIR.glob("*.bpmn"))


def ensure_default_processes(actor=None) -> list[ProcessDefinition]:
    """Store the shipped processes that have no version yet (idempotent; run by `plandesk demo` and on first use)."""
    stored = []
    for path in shipped_process_files():
        process_id = path.stem
        if ProcessDefinition.objects.filter(process_id=process_id).exists():
            continue
        # Shipped files name demo posts; a database without them yet still gets the process.
        stored.append(upload_definition(path.read_text(encoding="utf-8"), actor=actor, note="随系统提供",
                                        check_posts=False))
    return stored


def active_definition(process_id: str) -> ProcessDefinition:
    definition = ProcessDefinition.objects.filter(process_id=process_id, is_active=True).first()
    if definition is None:
        ensure_default_processes()
        definition = ProcessDefinition.objects.filter(process_id=process_id, is_active=True).first()
    if definition is None:
        raise WorkflowError(f"没有编号为“{process_id}”的现行流程")
    return definition
