"""Every demo item sited in the demo square is handled by accounts the README lists (shared/API.md "Demo accounts";
issue 22: a parallel case's design review went to 审批三处, whose staff no listed account held, and an end-to-end
client stalled there)."""

from __future__ import annotations

import re
from pathlib import Path

from plandesk.testing.applications import application
from plandesk.window import services
from plandesk.workflow.models import Task, TaskState
from plandesk.workflow.permissions import may_work

README = Path(__file__).resolve().parents[3] / "README.md"


def listed_accounts() -> set[str]:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## Demo accounts"):]
    table = table[:table.index("\n## ")]
    return {name for line in table.splitlines() if line.startswith("| `")
            for name in re.findall(r"`([a-z0-9_]+)`", line.split("|")[1])}


def test_a_parallel_case_in_the_demo_square_is_worked_by_listed_accounts(bureau):
    items = ["site_selection", "design_scheme_review"]
    from plandesk.catalog.models import Item

    forms, materials = {}, {}
    for code in items:
        version = Item.objects.get(code=code).current
        forms[code] = version.form_schema["examples"][0]
        materials.update({m.code: {"code": m.code, "provided": True} for m in version.materials.all()})
    case = services.intake(application(items=items, forms=forms, materials=list(materials.values()),
                                       idempotency_key="demo-square-parallel"), actor=bureau["intake"]).case
    listed = listed_accounts()
    assert {"handler1", "head1", "director"} <= listed
    open_tasks = list(Task.objects.filter(case=case, state=TaskState.OPEN))
    assert len(open_tasks) >= 2  # the lead review and the design review run side by side
    for task in open_tasks:
        workers = {name for name, user in bureau.items() if may_work(user, task)}
        assert workers & listed, (task.name, sorted(workers))
