"""What the apps above add to the workflow, found by name: an app offers `plandesk/<app>/workflow_hooks.py` with
any of

    WORK_RULES = [callable(user, task) -> refusal in Chinese | None]   # narrows who may work a task (certificates:
                                                                      # whoever prepared the documents may not check)
    COMPLETION_CHECKS = [callable(task) -> None]                      # raises a refusal to keep a task open
                                                                      # (supervision: an urged task needs feedback)
    LIGHT_SWEEPS = [callable(case_ids=[...]) -> None]                 # recolours a case whose deadlines moved
    DECISION_CHECKS = [callable(task, decision, override_reason)]     # raises a refusal to keep a decision from
                                                                      # being taken (publicity: not before its
                                                                      # period ended), for steps and meetings alike
    CASE_FIELDS = [callable(case) -> dict]                            # fields an app adds to the staff's case
                                                                      # detail (GET /api/v1/cases/{n}: publicity)

and the workflow asks them, in layer order, wherever it decides. Gathered once per process (the registry is fixed
after start-up); the workflow calls these functions through this module, so a test may replace one.
"""

from __future__ import annotations

import functools

from plandesk.core.registry import app_modules


@functools.cache
def _gathered(name: str) -> tuple:
    return tuple(hook for _label, module in app_modules("workflow_hooks") for hook in getattr(module, name, ()))


def work_rules() -> tuple:
    return _gathered("WORK_RULES")


def completion_checks() -> tuple:
    return _gathered("COMPLETION_CHECKS")


def light_sweeps() -> tuple:
    return _gathered("LIGHT_SWEEPS")


def decision_checks() -> tuple:
    return _gathered("DECISION_CHECKS")


def case_fields() -> tuple:
    return _gathered("CASE_FIELDS")
