"""Issue 21's rules for the figures: overdue as of the earlier of the period's end and now; item names, not codes,
on every page, export and PDF."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import openpyxl
import time_machine

from plandesk.core.pdf import extract_text
from plandesk.reports import stats

from .conftest import Spec, seed

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 10, 15, 12, 0, tzinfo=TZ)
OCTOBER = stats.Period(date(2026, 10, 1), date(2026, 10, 31))


def open_case(received: datetime, due: datetime) -> Spec:
    return Spec(item="permit", office="div1", received_at=received, due_at=due)


def test_a_period_ending_in_the_future_counts_overdue_as_of_now(bureau):
    late = open_case(datetime(2026, 9, 20, 9, tzinfo=TZ), datetime(2026, 10, 10, 17, 30, tzinfo=TZ))
    coming = open_case(datetime(2026, 10, 2, 9, tzinfo=TZ), datetime(2026, 10, 20, 17, 30, tzinfo=TZ))
    done_late = Spec(item="permit", office="div1", received_at=datetime(2026, 9, 25, 9, tzinfo=TZ),
                     due_at=datetime(2026, 10, 9, 17, 30, tzinfo=TZ), ready_at=datetime(2026, 10, 12, 10, tzinfo=TZ))
    with time_machine.travel(NOW - timedelta(days=30), tick=False):
        seed(bureau, [late, coming, done_late])
    with time_machine.travel(NOW, tick=False):
        figures = stats.summary(OCTOBER)
        assert figures["overdue"] == 2  # the late open case and the late result; the 20th has not come yet
        listed = stats.cases_for(OCTOBER, "overdue")
        assert {c.pk for c in listed} == {late.case.pk, done_late.case.pk}
    # Once the period has ended, the open case due on the 20th counts as well.
    with time_machine.travel(datetime(2026, 11, 3, 9, tzinfo=TZ), tick=False):
        assert stats.summary(OCTOBER)["overdue"] == 3


def test_reports_name_items_not_codes(client, bureau):
    seed(bureau, [Spec(item="permit", office="div1", received_at=datetime(2026, 10, 8, 9, tzinfo=TZ),
                       due_at=datetime(2026, 10, 28, 17, 30, tzinfo=TZ),
                       ready_at=datetime(2026, 10, 20, 10, tzinfo=TZ))])
    name = bureau.items["permit"].current.name
    assert [row["name"] for row in stats.item_durations(OCTOBER)] == [name]
    client.force_login(bureau["office"])
    query = {"from": "2026-10-01", "to": "2026-10-31", "by": "item"}
    page = client.get("/reports/", query).content.decode()
    assert name in page
    book = openpyxl.load_workbook(BytesIO(client.get("/reports/export.xlsx", query).content))
    cells = {str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value}
    assert name in cells and "permit" not in cells
    text = extract_text(client.get("/reports/monthly.pdf", {"month": "2026-10"}).content)
    assert name in text.replace(" ", "") or name in text
    assert "permit" not in text
