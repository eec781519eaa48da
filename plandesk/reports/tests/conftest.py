"""Reports' tests work on the workflow's small bureau, with a seeded history of cases written as plain specs so
that each test can count the expected figures itself, independently of the code under test."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from plandesk.cases.models import Case, CasePause, CaseStatus
from plandesk.testing.bureau import SmallBureau as Bureau
from plandesk.testing.bureau import site
from plandesk.testing.fixtures import fast_hasher  # noqa: F401 (fixture)
from plandesk.testing.small import bureau  # noqa: F401 (fixture)

TZ = ZoneInfo("Asia/Shanghai")


@dataclass
class Spec:
    item: str
    office: str
    received_at: datetime
    due_at: datetime
    ready_at: datetime | None = None
    closed_at: datetime | None = None
    refused: bool = False
    pause: tuple[datetime, datetime | None] | None = None
    case: Case | None = None


def make_specs(seed: int = 7, n: int = 60) -> list[Spec]:
    rng = random.Random(seed)
    start = datetime(2026, 9, 1, 9, 0, tzinfo=TZ)
    specs = []
    for _ in range(n):
        received = start + timedelta(days=rng.randint(0, 75), hours=rng.randint(0, 7))
        due = received + timedelta(days=rng.randint(5, 25))
        spec = Spec(item=rng.choice(["permit", "pipes", "rural"]), office=rng.choice(["div1", "div2"]),
                    received_at=received, due_at=due)
        fate = rng.random()
        if fate < 0.1:
            spec.refused, spec.closed_at = True, received + timedelta(hours=2)
        elif fate < 0.75:
            spec.ready_at = received + timedelta(days=rng.randint(2, 30), hours=1)
            if rng.random() < 0.6:
                spec.closed_at = spec.ready_at + timedelta(days=rng.randint(0, 5))
        if rng.random() < 0.25 and not spec.refused:
            began = received + timedelta(days=1)
            ended = began + timedelta(days=rng.randint(1, 6))
            # a pause still open only on a case still open (a result is never ready while the clock stands still)
            spec.pause = (began, None if rng.random() < 0.3 and spec.ready_at is None else ended)
        specs.append(spec)
    return specs


def seed(b: Bureau, specs: list[Spec]) -> list[Spec]:
    """Write the history. Past states are set with plain updates: this is seeding, not a transition."""
    for spec in specs:
        case = Case.register(item_versions=[b.items[spec.item].current], handling_office=b.units[spec.office],
                             applicant_name="某建设公司", project_name="滨江花园", site=site(), forms={},
                             received_at=spec.received_at, password="12345678")
        status = CaseStatus.IN_PROGRESS
        if spec.refused:
            status = CaseStatus.NOT_ACCEPTED
        elif spec.closed_at:
            status = CaseStatus.CLOSED
        elif spec.ready_at:
            status = CaseStatus.READY_FOR_PICKUP
        Case.objects.filter(pk=case.pk).update(status=status, due_at=spec.due_at, ready_at=spec.ready_at,
                                               closed_at=spec.closed_at)
        if spec.pause:
            CasePause.objects.create(case=case, reason="expert_review", started_at=spec.pause[0],
                                     ended_at=spec.pause[1])
        spec.case = case
    return specs


@pytest.fixture
def history(bureau):  # noqa: F811 - the fixture imported above
    return seed(bureau, make_specs())
