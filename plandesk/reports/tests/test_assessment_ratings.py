"""Ratings feed the division and staff figures of the supervision's assessment page (考核登记): the panel shows, per
division or per person, what the test counts itself from the seeded ratings, and the same rows as the dashboard."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from plandesk.cases.models import Case, CaseStatus
from plandesk.reports import ratings, stats
from plandesk.reports.models import Rating
from plandesk.workflow.models import Task, TaskState

TZ = ZoneInfo("Asia/Shanghai")
NOV = datetime(2026, 11, 10, 10, 0, tzinfo=TZ)
DEC = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)  # the next period: not counted in November


@dataclass
class Spec:
    office: str
    people: tuple[str, ...]  # who completed a step (a name twice: two steps of the same case)
    level: int
    at: datetime


SPECS = [
    Spec("div1", ("handler1", "handler1"), 5, NOV),
    Spec("div1", ("handler1", "head1"), 1, NOV),
    Spec("div1", (), 2, NOV),
    Spec("div2", ("handler2",), 3, NOV),
    Spec("div2", ("handler2",), 4, DEC),
    Spec("div1", ("head1",), 4, NOV),
]


@pytest.fixture
def rated(bureau):
    for spec in SPECS:
        case = bureau.new_case("permit", office=spec.office, start=bool(spec.people))
        first = Task.objects.filter(case=case).first()
        for n, username in enumerate(spec.people):
            task = first if n == 0 else Task.objects.get(pk=first.pk)
            if n:
                task.pk, task.spiff_id = None, str(uuid.uuid4())  # a second step of the same case
            task.state, task.completed_by, task.completed_at = TaskState.COMPLETED, bureau[username], spec.at
            task.save()
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, ready_at=spec.at, closed_at=spec.at)
        case.refresh_from_db()
        with time_machine.travel(spec.at, tick=False):
            Rating.give(case, spec.level, "" if spec.level > 2 else "等太久", "portal")
    return bureau


def expected(key: str) -> dict[str, dict]:
    """Per division or person, counted from the specs: November only, each case once per person."""
    out: dict[str, dict] = {}
    for spec in SPECS:
        if spec.at >= DEC:
            continue
        for who in {spec.office} if key == "division" else set(spec.people):
            row = out.setdefault(who, {"count": 0, "bad": 0, "good": 0, **{f"level_{v}": 0 for v in range(1, 6)}})
            row["count"] += 1
            row[f"level_{spec.level}"] += 1
            row["bad"] += spec.level <= 2
            row["good"] += spec.level >= 3
    return {who: {**{k: v for k, v in row.items() if k != "good"},
                  "satisfaction": round(100 * row["good"] / row["count"], 1)} for who, row in out.items()}


def panel_rows(html: str) -> dict[str, list[str]]:
    section = html[html.index('id="assessment-ratings"'):]
    section = section[:section.index("</section>")]
    return {key: re.findall(r"<td>([^<]*)</td>", cells)
            for key, cells in re.findall(r'<tr data-key="([^"]+)">(.*?)</tr>', section)}


def as_cells(row: dict) -> list[str]:
    return [str(row["count"]), *(str(row[f"level_{v}"]) for v in range(5, 0, -1)), str(row["bad"]),
            str(row["satisfaction"])]


@pytest.mark.parametrize("by", ["division", "staff"])
def test_the_assessment_page_shows_the_ratings_per_division_and_person(client, rated, by):
    client.force_login(rated["office"])
    response = client.get("/supervision/assessment/", {"period": "2026-11", "by": by})
    assert response.status_code == 200
    rows = panel_rows(response.content.decode())
    want = expected(by)
    assert set(rows) == set(want)
    for key, row in want.items():
        assert rows[key][1:] == as_cells(row), key  # [0] is the name
    assert rows["div1" if by == "division" else "handler1"][0] in ("行政审批一处", "handler1")


def test_the_quarter_counts_the_same_ratings(client, rated):
    client.force_login(rated["director"])
    rows = panel_rows(client.get("/supervision/assessment/", {"period": "2026-Q4", "by": "division"})
                      .content.decode())
    assert rows["div2"][1] == "2"  # November's and December's rating of div2


def test_the_dashboard_and_the_assessment_agree(rated):
    start, end = datetime(2026, 11, 1, tzinfo=TZ), DEC
    november = stats.Period.month(2026, 11)
    assert stats.ratings(november) == ratings.figures(start, end, "division")
    assert [(r["username"], r["count"], r["bad"]) for r in stats.staff_ratings(november)] == [
        (r["key"], r["count"], r["bad"]) for r in ratings.figures(start, end, "staff")]


def test_the_panel_is_empty_without_ratings(client, bureau):
    client.force_login(bureau["office"])
    html = client.get("/supervision/assessment/", {"period": "2026-11"}).content.decode()
    assert "本期间没有服务评价。" in html


def test_it_refuses_an_unknown_grouping():
    with pytest.raises(ValueError):
        ratings.figures(NOV, DEC, "month")
