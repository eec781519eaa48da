"""The promised date is protected: a step is never due after its case, and an item cannot be saved on a process
whose happy path cannot fit its promise.

- **The cap** (runtime._deadlines): a new or recomputed step deadline is the earlier of its own (`time_limit_days`
  from the step's start, pauses honoured) and the case's `due_at`. So the date on the receipt is the latest any
  step may end; when earlier steps used the time, the step that holds the case turns red with the case.
- **The fit** (this module): the process is run in memory along its happy path (every step approved, every
  co-review answered, every BPMN signal received: the clock is paused while waiting for one) and its steps are
  given shares of the promise in proportion to their limits, at least one working day each. An item version whose
  promise cannot give every step of the longest chain one working day is refused when saved (catalog asks
  `ITEM_CHECKS` in `catalog_checks.py`) and a process upload that would leave a current item so is refused too.
  `scaled_limits` are the limits a step would need to keep within the promise (shown to the administrator).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from plandesk.workflow import engine

_DECISION = "approve"


@dataclass(frozen=True)
class Node:
    """One step on the happy path, and the step whose end started it (None: started with the process)."""

    step_id: str
    parent: int | None


_paths: dict[tuple[int, bool], tuple[object, tuple[Node, ...]]] = {}


def happy_path(parsed: engine.ParsedProcess, publicity: bool = False) -> tuple[Node, ...]:
    """The happy path's steps as a tree of 'started by': the process run in memory with every step approved
    (`publicity`: for an item with pre-approval publicity, which the shipped processes' gateway reads).

    Ready steps end in the order their limits say (a join waits for its longest branch), so the chain to each
    step is the one that decides when it starts."""
    hit = _paths.get((id(parsed), publicity))
    if hit is not None and hit[0] is parsed:
        return hit[1]
    wf = engine.start(parsed, {"case": {"number": "0", "items": [], "promised_days": 0, "handling_office": None,
                                        "publicity_required": publicity}})
    nodes: list[Node] = []
    running: list[tuple[int, int, str, int]] = []  # (finish day, order, spiff id, node index)
    seen: set[str] = set()
    finish: dict[int, int] = {}
    order = 0

    def start_ready(parent: int | None, at: int) -> None:
        nonlocal order
        for task in engine.ready_user_tasks(wf):
            spiff_id = str(task.id)
            if spiff_id in seen:
                continue
            seen.add(spiff_id)
            step = parsed.steps.get(task.task_spec.name) or engine._step_from_spec(task.task_spec)
            nodes.append(Node(step.id, parent))
            order += 1
            heapq.heappush(running, (at + (step.time_limit_days or 0), order, spiff_id, len(nodes) - 1))

    start_ready(None, 0)
    for _guard in range(500):
        if not running:
            # Waiting for an outside signal (the end of a publicity period): the clock is paused meanwhile.
            if not _send_waiting_signals(wf):
                break
            start_ready(max(finish, key=finish.get) if finish else None, max(finish.values(), default=0))
            continue
        at, _order, spiff_id, index = heapq.heappop(running)
        finish[index] = at
        step_id = nodes[index].step_id
        engine.run_user_task(wf, spiff_id, {"decision": _DECISION, f"{step_id}_decision": _DECISION,
                                            f"{step_id}_opinion": "", f"{step_id}_form": {}})
        start_ready(index, at)
    path = tuple(nodes)
    _paths[(id(parsed), publicity)] = (parsed, path)
    return path


def _send_waiting_signals(wf) -> bool:
    from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
    from SpiffWorkflow.util.task import TaskState

    names = {task.task_spec.event_definition.name for task in wf.get_tasks(state=TaskState.WAITING)
             if isinstance(getattr(task.task_spec, "event_definition", None), SignalEventDefinition)}
    return any(engine.catch_signal(wf, name) for name in sorted(names))


def chain_days(path: tuple[Node, ...], days: dict[str, int]) -> int:
    """Working days of the happy path's longest chain with these limits per step."""
    ends: list[int] = []
    for node in path:
        before = ends[node.parent] if node.parent is not None else 0
        ends.append(before + days.get(node.step_id, 0))
    return max(ends, default=0)


def _critical_steps(path: tuple[Node, ...], days: dict[str, int]) -> list[str]:
    ends: list[int] = []
    for node in path:
        ends.append((ends[node.parent] if node.parent is not None else 0) + days.get(node.step_id, 0))
    if not ends:
        return []
    index: int | None = max(range(len(ends)), key=ends.__getitem__)
    chain = []
    while index is not None:
        chain.append(path[index].step_id)
        index = path[index].parent
    return chain


def step_limits(parsed: engine.ParsedProcess) -> dict[str, int]:
    return {step.id: step.time_limit_days or 0 for step in parsed.steps.values()}


_scaled: dict[tuple[int, int, bool], tuple[object, dict[str, int]]] = {}


def scaled_limits(parsed: engine.ParsedProcess, promised_days: int, publicity: bool = False) -> dict[str, int]:
    """Each step's limit for a case promising `promised_days`: the file's limits when the happy path fits, else
    scaled to the promise (at least 1 per step), shortening the longest steps of the chain until it fits."""
    key = (id(parsed), promised_days, publicity)
    hit = _scaled.get(key)
    if hit is not None and hit[0] is parsed:
        return hit[1]
    limits = step_limits(parsed)
    path = happy_path(parsed, publicity)
    total = chain_days(path, limits)
    if promised_days > 0 and total > promised_days:
        limits = {step: max(1, days * promised_days // total) if days else 0 for step, days in limits.items()}
        while chain_days(path, limits) > promised_days:
            longest = max((s for s in _critical_steps(path, limits) if limits[s] > 1), key=limits.get, default=None)
            if longest is None:
                break  # one day per step and still too long: refused when saved (fit_problem)
            limits[longest] -= 1
    if len(_scaled) > 1024:
        _scaled.clear()
    _scaled[key] = (parsed, limits)
    return limits


def fit_problem(parsed: engine.ParsedProcess, name: str, promised_days: int, publicity: bool = False) -> str | None:
    """Why an item promising `promised_days` cannot run on this process (Chinese), or None."""
    limits = scaled_limits(parsed, promised_days, publicity)
    need = chain_days(happy_path(parsed, publicity), limits)
    if promised_days and need > promised_days:
        return (f"事项“{name}”承诺 {promised_days} 个工作日，流程“{parsed.name}”的正常办理路径有 {need} 个依次办理的"
                f"环节（每个环节至少一个工作日），无法在承诺时限内办结：请延长承诺时限或改用环节更少的流程")
    return None
