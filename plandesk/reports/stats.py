"""The bureau's figures, aggregated by the database.

Definitions (the same in the API, the dashboard, the Excel export and the monthly PDF); a period is [from, to] in
local dates (Asia/Shanghai), i.e. the moments [from 00:00, the day after `to` 00:00):
- received (收件): cases registered in the period.
- accepted (受理) / refused (不予受理): of those, the ones not / now `not_accepted`.
- completed (办结): cases whose result became ready for pick-up (`ready_at`) in the period, whenever received.
- on_time (按时办结): completed in the period no later than the case's promised deadline (`due_at`, which the
  working-day calendar has already moved later by every paused spell: pauses do not count against the bureau).
- overdue (超期): completed in the period after `due_at`, plus cases still open at the end of the period (or now, when
  the period ends later: not ready, not closed, not refused or withdrawn by then) whose `due_at` had passed by then.
- paused (暂停计时): cases with a pause overlapping the period.
Each case counts once per figure; per item, a case of several items counts under each of its items.

Durations (average and p90 working days) are counted with the working-day calendar. To keep the work bounded
without a Python loop over cases, the database groups the completed cases (or steps) by (group, start date, end
date) and counts them; Python turns each distinct date pair into working days once and takes the weighted mean
and the weighted 90th percentile. The rows are bounded by groups × distinct date pairs, not by the number of cases.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from plandesk.cases.models import Case, CasePause, CaseStatus, PauseReason
from plandesk.catalog.models import ItemVersion
from plandesk.core.refusals import Refusal
from plandesk.workdays.calendar import bureau_tz, working_days_between
from plandesk.workflow.models import Task, TaskState

METRICS = [
    ("received", _("收件")),
    ("accepted", _("受理")),
    ("refused", _("不予受理")),
    ("completed", _("办结")),
    ("on_time", _("按时办结")),
    ("overdue", _("超期")),
    ("paused", _("暂停计时")),
]
METRIC_KEYS = [key for key, _label in METRICS]
DIMENSIONS = {"item": _("按事项"), "office": _("按承办单位"), "month": _("按月"), "quarter": _("按季度"),
              "year": _("按年")}
SPANS = {"month": 1, "quarter": 3, "year": 12}  # calendar dimensions: months per row
MAX_DAYS = 3 * 366 + 1


class LocalDate(TruncDate):
    """The local date of a moment. On SQLite Django's TruncDate calls a Python function per row; the bureau's zone
    (Asia/Shanghai) has a fixed offset, so SQLite's own date() with that offset gives the same date in C."""

    def as_sqlite(self, compiler, connection, **extra_context):
        offset = bureau_tz().utcoffset(datetime(2026, 1, 1))
        if offset != bureau_tz().utcoffset(datetime(2026, 7, 1)):  # a zone with summer time: the exact way
            return super().as_sql(compiler, connection, **extra_context)
        sql, params = compiler.compile(self.lhs)
        return f"date({sql}, '{int(offset.total_seconds() // 60):+d} minutes')", params


class PeriodError(Refusal, ValueError):
    """A bad period; the message is for people (zh-Hans). The API answers 400 invalid_period."""

    status, code = 400, "invalid_period"


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @classmethod
    def parse(cls, start: str | None, end: str | None) -> Period:
        try:
            first = date.fromisoformat(str(start or ""))
            last = date.fromisoformat(str(end or ""))
        except ValueError as exc:
            raise PeriodError(gettext("日期格式应为 YYYY-MM-DD（from 和 to 均须填写）")) from exc
        if last < first:
            raise PeriodError(gettext("结束日期不能早于开始日期"))
        if (last - first).days >= MAX_DAYS:
            raise PeriodError(gettext("统计期间最长三年"))
        return cls(first, last)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        nxt = date(year + (month == 12), month % 12 + 1, 1)
        return cls(date(year, month, 1), nxt - timedelta(days=1))

    def bounds(self) -> tuple[datetime, datetime]:
        tz = bureau_tz()
        after = self.end + timedelta(days=1)
        return (datetime(self.start.year, self.start.month, self.start.day, tzinfo=tz),
                datetime(after.year, after.month, after.day, tzinfo=tz))

    @property
    def label(self) -> str:
        return gettext("%(start)s 至 %(end)s") % {"start": f"{self.start:%Y-%m-%d}", "end": f"{self.end:%Y-%m-%d}"}

    def months(self, span: int = 1) -> list[Period]:
        """The calendar months (span 1), quarters (3) or years (12) the period touches, cut to the period."""
        out, y, m = [], self.start.year, (self.start.month - 1) // span * span + 1
        while date(y, m, 1) <= self.end:
            ny, nm = y + (m + span - 1) // 12, (m + span - 1) % 12 + 1
            out.append(Period(max(date(y, m, 1), self.start), min(date(ny, nm, 1) - timedelta(days=1), self.end)))
            y, m = ny, nm
        return out

    def query(self) -> str:
        return f"from={self.start:%Y-%m-%d}&to={self.end:%Y-%m-%d}"


def _paused_cases(period: Period):
    start, end = period.bounds()
    return CasePause.objects.filter(started_at__lt=end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=start)).values("case_id")


def metric_filters(period: Period) -> dict[str, Q]:
    """Each figure as a condition on a case: the OR of its families' slices (so the drill-down lists exactly what
    the figures count, and each branch of the OR still reads its own index range)."""
    out: dict[str, Q] = {}
    for base, figures in _families(period, ids=False):
        for metric, condition in figures.items():
            part = base if condition is None else base & condition
            out[metric] = out[metric] | part if metric in out else part
    return out


# Cases that are or were late: no result yet, or a result after the deadline. "Open at the end and past due" implies
# it (a result at or after the end comes after a deadline before the end); stating it lets both databases read the
# partial index `reports_case_late` (migration 0003), which leaves out the cases done in time.
LATE = Q(ready_at__isnull=True) | Q(ready_at__gt=F("due_at"))


def _families(period: Period, ids: bool = True) -> list[tuple[Q, dict[str, Q | None]]]:
    """The figures in families that share one index range each (receipt, result, open at the end, pauses), so
    that every query reads only its own slice of the history rather than everything received before the end.

    The two small families (open at the end and late; paused) come as lists of case ids read from their indexes
    first (see `_chunks`): PostgreSQL misjudged both conditions by 25-40 times (two bounds that look independent)
    and then hashed the whole case or case-item table instead of probing a few thousand keys. The drill-down
    (`ids=False`) gets the conditions themselves."""
    start, end = period.bounds()
    # Overdue as of the earlier of the period's end and now: a period that ends in the future must not count a due
    # date still to come (issue 21).
    end_or_now = min(end, timezone.now())
    not_ready_by_end = Q(ready_at__isnull=True) | Q(ready_at__gte=end_or_now)
    # open at the end, as two disjoint slices of the late index: still open now, or closed since the end
    still_open = Q(closed_at__isnull=True, due_at__lt=end_or_now) & not_ready_by_end & LATE
    closed_since = Q(closed_at__gte=end_or_now, due_at__lt=end_or_now) & not_ready_by_end & LATE
    families = [
        (Q(received_at__gte=start, received_at__lt=end),
         {"received": None, "accepted": ~Q(status=CaseStatus.NOT_ACCEPTED),
          "refused": Q(status=CaseStatus.NOT_ACCEPTED)}),
        (Q(ready_at__gte=start, ready_at__lt=end),
         {"completed": None, "on_time": Q(ready_at__lte=F("due_at")), "overdue": Q(ready_at__gt=F("due_at"))}),
    ]
    if not ids:
        return [*families, (still_open, {"overdue": None}), (closed_since, {"overdue": None}),
                (_paused_condition(period), {"paused": None})]
    open_ids = [pk for part in (still_open, closed_since)
                for pk in Case.objects.filter(part).order_by().values_list("pk", flat=True)]
    paused = _paused_cases(period).values_list("case_id", flat=True)
    return [*families, *((Q(pk__in=chunk), {"overdue": None}) for chunk in _chunks(open_ids)),
            *((Q(pk__in=chunk), {"paused": None}) for chunk in _chunks(paused))]


ID_CHUNK = 5000  # ids per query: well below SQLite's limit of bound parameters


def _chunks(ids) -> list[list[int]]:
    """Distinct ids in sorted chunks; the chunks hold disjoint cases, so their counts add up."""
    ordered = sorted(set(ids))
    return [ordered[i:i + ID_CHUNK] for i in range(0, len(ordered), ID_CHUNK)]


DRILL_IDS = 20000  # up to this many paused cases the drill-down names them by id (SQLite binds at most 32766)


def _paused_condition(period: Period) -> Q:
    """The paused cases as one condition for the drill-down: their ids while few (a month, a quarter: PostgreSQL
    hashed the whole case table for the subquery), else the subquery."""
    ids = sorted(set(_paused_cases(period).values_list("case_id", flat=True)))
    return Q(pk__in=ids) if len(ids) <= DRILL_IDS else Q(pk__in=_paused_cases(period))


def cases_for(period: Period, metric: str, *, item: str | None = None, office: str | None = None,
              scope: Q | None = None):
    """The cases behind one figure (the drill-down)."""
    rows = Case.objects.filter(metric_filters(period)[metric])
    if scope is not None:
        rows = rows.filter(scope)
    if item:  # a case holds one version of an item: the join adds no duplicates
        rows = rows.filter(item_versions__item__code=item)
    if office:
        rows = rows.filter(handling_office__code=office)
    return rows


# The office's id as an expression, not the bare column: grouping by the column let SQLite prefer walking the whole
# case table in office order (to skip sorting) over the family's index range; "+ 0" hides that index from it.
OFFICE_KEY = F("handling_office_id") + 0


def _count(condition: Q | None) -> Count:
    return Count("pk") if condition is None else Count("pk", filter=condition)


def _versions(pks) -> dict[int | None, tuple[str | None, str | None]]:
    """Item version id → (item code, version name); None (a case without items) stays None."""

    found = {pk: (code, name) for pk, code, name in ItemVersion.objects.filter(
        pk__in=[pk for pk in pks if pk is not None]).values_list("pk", "item__code", "name")}
    return {**found, None: (None, None)}


def _grouped(period: Period, by: str | None, scope: Q | None) -> dict:
    """{group key: {metric: n}} (or {None: {...}} without a group): one aggregate query per family.

    The database groups by ids only: the office's id (which the covering indexes hold) or the item version's id
    (the case-item link's own column, no join to the catalogue); codes and names are read afterwards. Joining the
    unit first made SQLite walk the cases office by office, and grouping by item code needed COUNT(DISTINCT)
    (a case came back once per version row joined) at a sort per figure. A case holds one version of each of its
    items, so per version a case counts once, and the versions of one item add up to the item's figure."""
    out: dict = defaultdict(lambda: dict.fromkeys(METRIC_KEYS, 0))
    for base, figures in _families(period):
        rows = Case.objects.filter(base)
        if scope is not None:
            rows = rows.filter(scope)
        labels = {f"f_{i}": (key, cond) for i, (key, cond) in enumerate(figures.items())}
        counts = {label: _count(cond) for label, (_key, cond) in labels.items()}
        if by is None:
            result = [rows.aggregate(**counts)]
        elif by == "item":
            result = rows.values(key=F("item_versions")).annotate(**counts).order_by()
        else:
            result = rows.values(key=OFFICE_KEY).annotate(**counts).order_by()
        for row in result:
            for label, (metric, _cond) in labels.items():
                out[row.get("key")][metric] += row[label] or 0
    if by is None:
        return {key: {**values, "name": None} for key, values in out.items()}
    if by == "office":
        from plandesk.organization.models import Unit

        names = {pk: (code, name) for pk, code, name in Unit.objects.filter(pk__in=list(out)).values_list(
            "pk", "code", "name")}
    else:
        names = _versions(out)
    merged: dict = {}
    for pk in sorted(out, key=lambda k: (k is None, k)):  # the first (oldest) version names the item
        code, name = names[pk]
        row = merged.setdefault(code, {**dict.fromkeys(METRIC_KEYS, 0), "name": name})
        for metric in METRIC_KEYS:
            row[metric] += out[pk][metric]
    return merged


def summary(period: Period, scope: Q | None = None) -> dict:
    """The totals of the period."""
    totals = _grouped(period, None, scope).get(None) or dict.fromkeys(METRIC_KEYS, 0)
    return {key: totals[key] for key in METRIC_KEYS}


def table(period: Period, by: str, scope: Q | None = None) -> list[dict]:
    """Rows of {key, name, <metric>...} grouped by item or handling office, or by month, quarter or year."""
    if by in SPANS:
        out = []
        for part in period.months(SPANS[by]):
            row = summary(part, scope)
            out.append({"key": _span_key(part.start, by), "name": _span_name(part.start, by), "period": part, **row})
        return out
    if by not in ("item", "office"):
        raise PeriodError("统计口径无效")
    rows = _grouped(period, by, scope)
    return [{"key": key, **{k: rows[key][k] for k in METRIC_KEYS}, "name": rows[key]["name"]}
            for key in sorted(rows, key=lambda k: k or "") if any(rows[key][k] for k in METRIC_KEYS)]


def _span_key(first: date, by: str) -> str:
    return {"month": f"{first:%Y-%m}", "quarter": f"{first.year}-Q{(first.month - 1) // 3 + 1}"}.get(
        by, str(first.year))


def _span_name(first: date, by: str) -> str:
    return {"month": f"{first:%Y年%m月}", "quarter": f"{first.year}年第{(first.month - 1) // 3 + 1}季度"}.get(
        by, f"{first.year}年")


# --- durations -------------------------------------------------------------------------------------------------

ANCHOR = date(2000, 1, 1)


def _day_counter():
    """W(day): working days from a fixed anchor. Working days in (a, b] are W(b) - W(a): one calendar call per
    distinct date of a whole table (a few dozen for a month), not one per pair or per case."""
    from functools import cache


    @cache
    def w(day: date) -> int:
        return working_days_between(ANCHOR, day)

    return w


def _weighted(pairs: list[tuple[date, date, int]], w) -> tuple[float | None, int | None, int]:
    """Weighted mean and p90 of working days over (start date, end date, count) rows."""
    values = sorted((w(b) - w(a) if b > a else 0, n) for a, b, n in pairs)
    total = sum(n for _d, n in values)
    if not total:
        return None, None, 0
    mean = sum(d * n for d, n in values) / total
    rank, seen, p90 = math.ceil(0.9 * total), 0, values[-1][0]
    for days, n in values:
        seen += n
        if seen >= rank:
            p90 = days
            break
    return round(mean, 1), p90, total


def item_durations(period: Period, scope: Q | None = None) -> list[dict]:
    """Working days from receipt to result of the cases completed in the period, per item (pauses included)."""
    start, end = period.bounds()
    rows = Case.objects.filter(ready_at__gte=start, ready_at__lt=end)
    if scope is not None:
        rows = rows.filter(scope)
    grouped = list(rows.values(version=F("item_versions"), a=LocalDate("received_at"),
                               b=LocalDate("ready_at")).annotate(n=Count("pk")).order_by())
    codes = _versions({row["version"] for row in grouped})  # grouped by version id, as the figures (see _grouped)
    pairs: dict[str, list] = defaultdict(list)
    names: dict[str, str] = {}
    for row in sorted(grouped, key=lambda r: (r["version"] is None, r["version"] or 0)):
        code, name = codes[row["version"]]
        pairs[code].append((row["a"], row["b"], row["n"]))
        names.setdefault(code, name)  # the first (oldest) version names the item, as in the figures
    out, w = [], _day_counter()
    for key in sorted(pairs, key=lambda k: (k is None, k or "")):
        mean, p90, count = _weighted(pairs[key], w)
        out.append({"key": key, "name": names[key] or key, "count": count, "avg_days": mean, "p90_days": p90})
    return out


def step_durations(period: Period, scope: Q | None = None) -> list[dict]:
    """Working days per step (task name) of the steps finished in the period, with the share done in time."""
    start, end = period.bounds()
    rows = Task.objects.filter(state__in=[TaskState.COMPLETED, TaskState.LAPSED], completed_at__gte=start,
                               completed_at__lt=end)
    if scope is not None:
        rows = rows.filter(scope)
    grouped = rows.values("name", a=LocalDate("created_at"), b=LocalDate("completed_at")).annotate(
        n=Count("pk"), late=Count("pk", filter=Q(completed_at__gt=F("due_at")))).order_by()
    pairs: dict[str, list] = defaultdict(list)
    late: dict[str, int] = defaultdict(int)
    for row in grouped:
        pairs[row["name"]].append((row["a"], row["b"], row["n"]))
        late[row["name"]] += row["late"]
    out, w = [], _day_counter()
    for name in sorted(pairs):
        mean, p90, count = _weighted(pairs[name], w)
        out.append({"key": name, "name": name, "count": count, "avg_days": mean, "p90_days": p90,
                    "late": late[name]})
    return out


def pause_time(period: Period, scope: Q | None = None) -> list[dict]:
    """Pauses ended in the period per reason: how many, and their working days (total, average)."""
    start, end = period.bounds()
    rows = CasePause.objects.filter(ended_at__gte=start, ended_at__lt=end)
    if scope is not None:
        rows = rows.filter(**{f"case__{k}": v for k, v in _case_scope_kwargs(scope)})
    grouped = rows.values("reason", a=LocalDate("started_at"), b=LocalDate("ended_at")).annotate(
        n=Count("pk")).order_by()
    pairs: dict[str, list] = defaultdict(list)
    for row in grouped:
        pairs[row["reason"]].append((row["a"], row["b"], row["n"]))
    out, w = [], _day_counter()
    for reason in PauseReason.values:
        if reason not in pairs:
            continue
        mean, p90, count = _weighted(pairs[reason], w)
        out.append({"key": reason, "name": str(PauseReason(reason).label), "count": count, "avg_days": mean,
                    "total_days": round((mean or 0) * count), "p90_days": p90})
    return out


def _case_scope_kwargs(scope: Q):
    return list(scope.children)  # scopes are simple AND-ed lookups on the case (e.g. handling_office=…)


def implied_consents(period: Period, scope: Q | None = None) -> list[dict]:
    """Steps that lapsed into implied consent (超时默许) in the period, per office."""
    start, end = period.bounds()
    rows = Task.objects.filter(state=TaskState.LAPSED, completed_at__gte=start, completed_at__lt=end)
    if scope is not None:
        rows = rows.filter(**{f"case__{k}": v for k, v in _case_scope_kwargs(scope)})
    return [{"key": r["key"] or "", "name": r["unit"] or "—", "count": r["count"]} for r in
            rows.values(key=F("office__code"), unit=F("office__name")).annotate(count=Count("pk")).order_by("key")]


def urgings(period: Period, scope: Q | None = None) -> list[dict]:
    """Urging notices (催办通知书) issued in the period, per division; empty when supervision is absent."""
    try:
        from plandesk.supervision.models import NoticeStatus, UrgingNotice
    except ImportError:  # pragma: no cover - supervision is optional for the figures
        return []
    start, end = period.bounds()
    rows = UrgingNotice.objects.filter(issued_at__gte=start, issued_at__lt=end).exclude(
        status__in=[NoticeStatus.DRAFT, NoticeStatus.WITHDRAWN])
    if scope is not None:
        rows = rows.filter(**{f"case__{k}": v for k, v in _case_scope_kwargs(scope)})
    return [{"key": r["key"] or "", "name": r["name"] or "—", "count": r["count"],
             "answered": r["answered"]} for r in
            rows.values(key=F("division__code"), name=F("division__name")).annotate(
                count=Count("pk"), answered=Count("pk", filter=Q(status=NoticeStatus.ANSWERED))).order_by("key")]


def ratings(period: Period, scope: Q | None = None) -> list[dict]:
    """Service ratings given in the period per handling office: count per level, bad ones, satisfaction rate."""
    from .ratings import figures

    return figures(*period.bounds(), "division", scope)


def staff_ratings(period: Period, scope: Q | None = None) -> list[dict]:
    """Ratings per staff member who completed a step of the rated case (the same rows as the assessment page's)."""
    from .ratings import figures

    return [{**row, "username": row["key"]} for row in figures(*period.bounds(), "staff", scope)]
