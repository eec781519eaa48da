"""What the workflow checks when an item version is saved (catalog asks every app's `catalog_checks.ITEM_CHECKS`
by name, as workflow asks `workflow_hooks`): its promised days must fit its process's happy path."""

from __future__ import annotations

from plandesk.workflow import engine, promise
from plandesk.workflow.definitions import PARALLEL_PROCESS, PROCESS_DIR, parsed_definition
from plandesk.workflow.models import ProcessDefinition

_shipped: dict[str, engine.ParsedProcess] = {}


def _parsed(process_id: str) -> engine.ParsedProcess | None:
    definition = ProcessDefinition.objects.filter(process_id=process_id, is_active=True).first()
    if definition is not None:
        return parsed_definition(definition)
    shipped = PROCESS_DIR / f"{process_id}.bpmn"  # a fresh database stores the shipped files on first use
    if process_id and shipped.is_file():
        if process_id not in _shipped:
            _shipped[process_id] = engine.parse_process(shipped.read_text(encoding="utf-8"))
        return _shipped[process_id]
    return None


def promise_fits(version) -> list[tuple[str, str]]:
    """(field, Chinese problem) when the version's promised days cannot hold its process's happy path."""
    if not version.promised_days:
        return []
    process_ids = [version.process_id]
    if version.parallel_group_id:
        process_ids.append(PARALLEL_PROCESS)
    problems = []
    for process_id in process_ids:
        parsed = _parsed(process_id)
        problem = parsed and promise.fit_problem(parsed, version.name, version.promised_days,
                                                 bool(version.publicity_required))
        if problem:
            problems.append(("promised_days", problem))
    return problems


ITEM_CHECKS = [promise_fits]
