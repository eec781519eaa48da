"""The window's additions to the workflow (found by name: see plandesk/workflow/hooks.py)."""

from plandesk.window.models import DeferredMaterial


def case_fields(case) -> dict:
    """GET /api/v1/cases/{n}: the case's 容缺 materials, each with its due point and when it was supplied."""
    return {"deferred_materials": [
        {"code": r.code, "name": r.name, "due": r.due, "supplied_at": r.supplied_at}
        for r in DeferredMaterial.objects.filter(case=case).order_by("before_issue", "due_on", "id")]}


CASE_FIELDS = [case_fields]
