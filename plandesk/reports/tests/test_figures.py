"""The figures on a seeded history equal what the test counts itself from the history's specs."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from plandesk.core.pdf import extract_text
from plandesk.reports import stats

from .conftest import Spec

TZ = ZoneInfo("Asia/Shanghai")
START, END = date(2026, 10, 1), date(2026, 10, 31)
LO, HI = datetime(2026, 10, 1, tzinfo=TZ), datetime(2026, 11, 1, tzinfo=TZ)


def expected(specs: list[Spec], lo=LO, hi=HI) -> dict[str, int]:
    def open_at_end(s):
        return (s.received_at < hi and (s.ready_at is None or s.ready_at >= hi)
                and (s.closed_at is None or s.closed_at >= hi))

    def done(s):
        return s.ready_at is not None and lo <= s.ready_at < hi

    return {
        "received": sum(lo <= s.received_at < hi for s in specs),
        "accepted": sum(lo <= s.received_at < hi and not s.refused for s in specs),
        "refused": sum(lo <= s.received_at < hi and s.refused for s in specs),
        "completed": sum(done(s) for s in specs),
        "on_time": sum(done(s) and s.ready_at <= s.due_at for s in specs),
        "overdue": sum((done(s) and s.ready_at > s.due_at) or (open_at_end(s) and s.due_at < hi) for s in specs),
        "paused": sum(s.pause is not None and s.pause[0] < hi and (s.pause[1] is None or s.pause[1] >= lo)
                      for s in specs),
    }


def test_it_counts_the_totals_as_the_history_says(history):
    """Every figure of October equals the count made from the specs."""
    want = expected(history)
    assert want["received"] > 5 and want["completed"] > 5 and want["overdue"] > 0  # the seed covers each case
    assert stats.summary(stats.Period(START, END)) == want


def test_it_counts_per_item_and_per_office(history):
    period = stats.Period(START, END)
    by_item = {row["key"]: row for row in stats.table(period, "item")}
    for code in ("permit", "pipes", "rural"):
        want = expected([s for s in history if s.item == code])
        got = by_item.get(code, {k: 0 for k in stats.METRIC_KEYS})
        assert {k: got[k] for k in stats.METRIC_KEYS} == want
    by_office = {row["key"]: row for row in stats.table(period, "office")}
    for office in ("div1", "div2"):
        want = expected([s for s in history if s.office == office])
        assert {k: by_office[office][k] for k in stats.METRIC_KEYS} == want


def test_it_counts_per_month(history):
    rows = stats.table(stats.Period(date(2026, 9, 1), date(2026, 11, 30)), "month")
    assert [row["key"] for row in rows] == ["2026-09", "2026-10", "2026-11"]
    bounds = [(datetime(2026, m, 1, tzinfo=TZ), datetime(2026, m + 1, 1, tzinfo=TZ)) for m in (9, 10, 11)]
    for row, (lo, hi) in zip(rows, bounds, strict=True):
        assert {k: row[k] for k in stats.METRIC_KEYS} == expected(history, lo, hi)


def test_it_takes_average_and_p90_working_days_per_item(history):
    from plandesk.workdays.calendar import local_date, working_days_between

    period = stats.Period(START, END)
    rows = {row["key"]: row for row in stats.item_durations(period)}
    for code in ("permit", "pipes", "rural"):
        days = sorted(working_days_between(local_date(s.received_at), local_date(s.ready_at)) for s in history
                      if s.item == code and s.ready_at and LO <= s.ready_at < HI)
        if not days:
            assert code not in rows
            continue
        assert rows[code]["count"] == len(days)
        assert rows[code]["avg_days"] == round(sum(days) / len(days), 1)
        assert rows[code]["p90_days"] == days[-(-9 * len(days) // 10) - 1]


def test_it_drills_every_figure_down_to_its_cases(client, history, bureau):
    client.force_login(bureau["office"])
    want = expected([s for s in history if s.item == "permit"])
    for metric, count in want.items():
        response = client.get("/reports/cases/", {"metric": metric, "from": "2026-10-01", "to": "2026-10-31",
                                                  "item": "permit"})
        assert response.status_code == 200
        assert f"共 {count} 件" in response.content.decode()


def test_it_shows_the_dashboard_and_exports_the_same_numbers(client, history, bureau):
    client.force_login(bureau["office"])
    query = {"from": "2026-10-01", "to": "2026-10-31", "by": "item"}
    page = client.get("/reports/", query)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="figures-chart" data-chart=' in html and "reports/dashboard.js" in html
    book = openpyxl.load_workbook(BytesIO(client.get("/reports/export.xlsx", query).content))
    sheet = book["办件统计"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("分组", "收件", "受理", "不予受理", "办结", "按时办结", "超期", "暂停计时")
    total = rows[-1]
    want = expected(history)
    assert total[0] == "合计" and list(total[1:]) == [want[k] for k in stats.METRIC_KEYS]
    for row in rows[2:-1]:  # each exported row appears on the page, figure by figure
        for value in row[1:]:
            assert (f">{value}</a>" in html) or value == 0
    assert len(book.sheetnames) == 8


def test_it_writes_the_monthly_pdf(client, history, bureau):
    client.force_login(bureau["director"])
    response = client.get("/reports/monthly.pdf", {"month": "2026-10"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = extract_text(response.content)
    assert "月度统计报告" in text.replace(" ", "") or "月度统计报告" in text
    assert "2026-10-01" in text and str(expected(history)["received"]) in text


def test_it_limits_a_division_head_to_his_division(client, history, bureau):
    client.force_login(bureau["head1"])
    html = client.get("/reports/", {"from": "2026-10-01", "to": "2026-10-31", "by": "office"}).content.decode()
    assert "行政审批一处" in html and "行政审批二处" not in html
    response = client.get("/reports/cases/", {"metric": "received", "from": "2026-10-01", "to": "2026-10-31"})
    div1 = expected([s for s in history if s.office == "div1"])["received"]
    assert f"共 {div1} 件" in response.content.decode()


@pytest.mark.parametrize("who", ["handler1", "stranger", "output"])
def test_it_refuses_the_dashboard_to_others(client, bureau, who):
    client.force_login(bureau[who])
    assert client.get("/reports/").status_code == 404
    assert client.get("/reports/export.xlsx").status_code == 404
    assert client.get("/reports/cases/", {"metric": "received"}).status_code == 404


def test_it_rejects_a_bad_period_on_the_page(client, bureau):
    client.force_login(bureau["office"])
    assert client.get("/reports/", {"from": "2026-13-01", "to": "2026-10-01"}).status_code == 400


def test_it_sends_others_to_sign_in(client):
    assert client.get("/reports/").status_code == 302


def test_it_answers_the_summary_api(api_as, history, bureau):
    response = api_as(bureau["office"]).get("/api/v1/reports/summary", {"from": "2026-10-01", "to": "2026-10-31"})
    assert response.status_code == 200
    body = response.json()
    want = expected(history)
    assert set(body) == {"received", "completed", "on_time", "overdue", "by_item"}
    assert {k: body[k] for k in ("received", "completed", "on_time", "overdue")} == {
        k: want[k] for k in ("received", "completed", "on_time", "overdue")}
    for row in body["by_item"]:
        assert set(row) == {"code", "received", "completed", "on_time", "overdue"}
        mine = expected([s for s in history if s.item == row["code"]])
        assert row == {"code": row["code"], **{k: mine[k] for k in ("received", "completed", "on_time", "overdue")}}
    director = api_as(bureau["director"]).get("/api/v1/reports/summary", {"from": "2026-10-01", "to": "2026-10-31"})
    assert director.json() == body


@pytest.mark.parametrize("who", ["head1", "handler1", "stranger"])
def test_it_refuses_the_summary_api_to_others(api_as, bureau, who):
    response = api_as(bureau[who]).get("/api/v1/reports/summary", {"from": "2026-10-01", "to": "2026-10-31"})
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


def test_it_refuses_the_summary_api_without_a_token(api):
    assert api.get("/api/v1/reports/summary", {"from": "2026-10-01", "to": "2026-10-31"}).status_code == 401


@pytest.mark.parametrize("query", [{}, {"from": "2026-10-01"}, {"from": "2026-10-32", "to": "2026-11-01"},
                                   {"from": "2026-11-01", "to": "2026-10-01"}, {"from": "x", "to": "y"}])
def test_it_rejects_bad_dates_in_the_api(api_as, bureau, query):
    response = api_as(bureau["office"]).get("/api/v1/reports/summary", query)
    assert response.status_code in (400, 422)
    assert response.json()["message"]


def test_it_counts_implied_consents_and_pause_time(history):
    rows = stats.pause_time(stats.Period(START, END))
    ended = [s for s in history if s.pause and s.pause[1] and LO <= s.pause[1] < HI]
    assert sum(r["count"] for r in rows) == len(ended)
    assert stats.implied_consents(stats.Period(START, END)) == []


def test_it_publishes_the_definitions_in_openapi(api):
    doc = api.get("/api/v1/openapi.json").json()
    text = doc["paths"]["/api/v1/reports/summary"]["get"]["description"]
    assert "on_time" in text and "overdue" in text and "pauses" in text


def test_it_counts_per_quarter_and_year(history):
    period = stats.Period(date(2026, 9, 1), date(2026, 11, 30))
    quarters = stats.table(period, "quarter")
    assert [(row["key"], row["name"]) for row in quarters] == [("2026-Q3", "2026年第3季度"),
                                                              ("2026-Q4", "2026年第4季度")]
    q3 = (datetime(2026, 9, 1, tzinfo=TZ), datetime(2026, 10, 1, tzinfo=TZ))  # the period starts in September
    q4 = (datetime(2026, 10, 1, tzinfo=TZ), datetime(2026, 12, 1, tzinfo=TZ))  # and ends with November
    for row, (lo, hi) in zip(quarters, (q3, q4), strict=True):
        assert {k: row[k] for k in stats.METRIC_KEYS} == expected(history, lo, hi)
    [year] = stats.table(period, "year")
    assert year["key"] == "2026" and {k: year[k] for k in stats.METRIC_KEYS} == expected(
        history, datetime(2026, 9, 1, tzinfo=TZ), datetime(2026, 12, 1, tzinfo=TZ))


def test_it_counts_the_same_in_small_chunks_of_ids(history, monkeypatch):
    """The paused and the late open cases reach the figures' queries in chunks of ids; with chunks of two the counts
    still add up."""
    period = stats.Period(START, END)
    want = expected(history)
    assert want["paused"] > 2 and want["overdue"] > 2
    monkeypatch.setattr(stats, "ID_CHUNK", 2)
    assert stats.summary(period) == want
    by_item = {row["key"]: row for row in stats.table(period, "item")}
    for code, row in by_item.items():
        mine = expected([s for s in history if s.item == code])
        assert (row["paused"], row["overdue"]) == (mine["paused"], mine["overdue"])
    assert sum(row["paused"] for row in by_item.values()) == want["paused"]  # one item per case here


def _page_tables(html: str) -> dict[str, list[list[str]]]:
    """Every table of the dashboard as rows of cell texts (links and markup stripped), header row included."""
    import re

    out = {}
    for name, body in re.findall(r'<table class="data" id="(?:table-)?([\w-]+)">(.*?)</table>', html, re.S):
        rows = []
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
            rows.append([re.sub(r"<[^>]+>", "", cell).strip()
                         for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)])
        out[name] = rows
    return out


def _same(value):
    """A cell as a comparable value: numbers as numbers (a workbook gives 100.0 back as 100), nothing as "—"."""
    if value is None:
        return "—"
    try:
        return float(value)
    except ValueError:
        return value


def test_every_exported_sheet_equals_its_table_on_the_page(client, history, bureau):
    """Export and dashboard agree: each sheet of the workbook, cell by cell, is the page's table of that name."""
    import time_machine

    from plandesk.reports.models import Rating

    rated = [s.case for s in history if s.closed_at and s.closed_at < HI and not s.refused][:4]
    for n, case in enumerate(rated):
        case.refresh_from_db()  # seeded as closed by a plain update
        with time_machine.travel(datetime(2026, 10, 20, 10, 0, tzinfo=TZ), tick=False):
            Rating.give(case, [5, 1, 4, 2][n], "太慢" if n % 2 else "", "portal")
    client.force_login(bureau["office"])
    query = {"from": "2026-10-01", "to": "2026-10-31", "by": "office"}
    page = _page_tables(client.get("/reports/", query).content.decode())
    book = openpyxl.load_workbook(BytesIO(client.get("/reports/export.xlsx", query).content))
    from plandesk.reports.export import TABLES

    assert len(page) == len(TABLES) == len(book.sheetnames)
    for name, title in TABLES.items():
        sheet = [[_same(v) for v in row] for row in book[title].iter_rows(values_only=True)]
        rows = [[_same(v) for v in row] for row in page[name]]
        if len(rows) == 2 and len(rows[1]) == 1:  # the page's "no records" line: the sheet has the header only
            rows = rows[:1]
        assert sheet[1:] == rows, name  # sheet[0] is the title and period
    assert len(page["ratings"]) == 1 + len({c.handling_office_id for c in rated})
    assert len(page["pauses"]) > 1 and len(page["figures"]) > 2
