"""The public progress query: case number + query password → where the case stands, for the applicant.

An unknown case and a wrong password answer alike. Failures are rows (`QueryFailure`): five for one case within an
hour lock that case's queries, the right password included. One client address may fail at most a hundred times an
hour, on every path together (the web form, the API, the portal rating, the phone line: all come here): the
`QUERY_FAILURES` policy (core.limits) takes a unit *before* the password is checked and gives it back when the
password holds, so simultaneous wrong guesses cannot all pass a count made before any of them was written (issue 27).
The answer carries no staff names and no opinions.

This is the bureau's busiest public endpoint (portal, phone line, mobile apps), so it is two SQL statements written
out rather than built by the ORM on every call (bench/query.py): the failure counts with the case and its items,
then, once the password holds, the case's steps. Both run through `core.sql.cursor()`, so PostgreSQL plans them once
per connection rather than on every query.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from plandesk.cases.models import Case, CaseStatus, query_password_digest
from plandesk.catalog.models import Item, ItemVersion
from plandesk.core import sql as core_sql
from plandesk.core.limits import Policy
from plandesk.core.refusals import Refusal
from plandesk.window.materials import outstanding_for_public
from plandesk.window.models import DeferredMaterial, QueryFailure
from plandesk.workdays.calendar import local_date
from plandesk.workflow.models import Task

log = logging.getLogger("plandesk.window.query")
CASE_FAILURE_LIMIT = 5
ADDRESS_FAILURE_LIMIT = 100
WINDOW = timedelta(hours=1)
NOT_FOUND = "案件编号或查询密码不正确"


class QueryRefused(Refusal):
    """A refused public query (one refusal type for the house: plandesk/core/refusals.py)."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message, status=status, code=code)


def _limits():
    return (getattr(settings, "PLANDESK_QUERY_CASE_FAILURES", CASE_FAILURE_LIMIT),
            getattr(settings, "PLANDESK_QUERY_ADDRESS_FAILURES", ADDRESS_FAILURE_LIMIT))


# Failed queries per client address and hour, whatever the path (one allowance: see the module's docstring).
QUERY_FAILURES = Policy("window.query.address_failures", limit=lambda: _limits()[1], window=WINDOW)


@lru_cache(maxsize=1)
def _statements() -> tuple[str, str]:
    # Only table and column names from the models are interpolated; every value is a parameter.
    qn = connection.ops.quote_name
    failures = qn(QueryFailure._meta.db_table)
    through = Case.item_versions.through._meta
    case_sql = (
        f"SELECT (SELECT COUNT(*) FROM {failures} WHERE case_number = %s AND at >= %s),"  # noqa: S608
        " 0,"  # was the address's failures, counted then inserted: QUERY_FAILURES holds that limit now
        " c.id, c.number, c.query_password_hash, c.status, c.project_name, c.received_at, c.expected_pickup_date,"
        " i.code, v.name,"
        f" (SELECT COUNT(*) FROM {qn(DeferredMaterial._meta.db_table)} d"
        " WHERE d.case_id = c.id AND d.supplied_at IS NULL)"
        " FROM (SELECT 1 AS one) AS probe"
        f" LEFT JOIN {qn(Case._meta.db_table)} c ON c.number = %s"
        f" LEFT JOIN {qn(through.db_table)} cv ON cv.{qn(through.get_field('case').column)} = c.id"
        f" LEFT JOIN {qn(ItemVersion._meta.db_table)} v ON v.id = cv.{qn(through.get_field('itemversion').column)}"
        f" LEFT JOIN {qn(Item._meta.db_table)} i ON i.id = v.item_id"
        " ORDER BY i.code"
    )
    task_sql = (
        f"SELECT name, state, created_at, completed_at, due_at FROM {qn(Task._meta.db_table)}"  # noqa: S608
        " WHERE case_id = %s AND state <> 'cancelled' ORDER BY created_at, id"
    )
    return case_sql, task_sql


def _moment(value) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    return timezone.make_aware(value, UTC) if timezone.is_naive(value) else value


def _day(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return parse_date(str(value)[:10])


def public_query(case_number, password, *, address: str | None, channel: str = "web") -> dict:
    """The public view of a case, or QueryRefused (404 for unknown/wrong, 429 when locked, 400 malformed)."""
    number = str(case_number or "").strip()[:40]
    raw = str(password or "").strip()[:40]
    if not number or not raw:
        raise QueryRefused(400, "invalid", "请输入案件编号和查询密码")
    address = (address or "")[:64]
    now = timezone.now()
    since = connection.ops.adapt_datetimefield_value(now - WINDOW)
    case_limit, _address_limit = _limits()
    case_sql, _task_sql = _statements()
    if not QUERY_FAILURES.take(address):  # a unit of the address's failures, given back below if the password holds
        log.warning("public query refused: address %s over its failure limit", address)
        raise QueryRefused(429, "too_many_failures", "查询失败次数过多，请一小时后再试")
    with core_sql.cursor() as cursor:
        cursor.execute(case_sql, [number, since, number if number.isdigit() else ""])
        rows = cursor.fetchall()
    by_case = rows[0][0]
    if by_case >= case_limit:
        QUERY_FAILURES.give_back(address)  # refused unchecked: no password was tried
        log.warning("public query refused: case %s locked after repeated failures (from %s)", number, address)
        raise QueryRefused(429, "locked", "该案件查询失败次数过多，已暂停查询一小时；如有疑问请致电查询电话")
    found = rows[0][2] is not None
    if not found:
        query_password_digest(raw, "0" * 16)  # the same work as a real check: no timing difference
    if not found or not Case(query_password_hash=rows[0][4]).check_query_password(raw):
        QueryFailure.objects.create(case_number=number, address=address, at=now, channel=channel)
        log.warning("public query failed: case %s from %s (%s)", number, address or "-", channel)
        raise QueryRefused(404, "not_found", NOT_FOUND)
    QUERY_FAILURES.give_back(address)
    return _view(rows)


def _view(rows: list[tuple]) -> dict:
    _bc, _ba, case_id, number, _hash, status, project_name, received_at, pickup, _code, _name, owed = rows[0][:12]
    current, history = [], []
    with core_sql.cursor() as cursor:
        cursor.execute(_statements()[1], [case_id])
        tasks = cursor.fetchall()
    for name, state, created_at, completed_at, due_at in tasks:
        if state == "open":
            due_at = _moment(due_at)
            current.append({"name": name, "started_at": _moment(created_at),
                            "due_date": local_date(due_at) if due_at else None})
        elif completed_at is not None:
            history.append({"name": name, "started_at": _moment(created_at), "finished_at": _moment(completed_at)})
    return {
        "case_number": number,
        "items": [r[9] for r in rows if r[9]],
        "item_names": [r[10] for r in rows if r[10]],
        "project_name": project_name,
        "status": status,
        "status_display": str(CaseStatus(status).label),
        "received_at": _moment(received_at),
        "current_steps": current,
        "history": history,
        "expected_pickup_date": _day(pickup),
        "paused": status == CaseStatus.PAUSED,
        # What the applicant still owes (容缺), read only when the first statement counted some.
        "outstanding_materials": outstanding_for_public(case_id) if owed else [],
    }


def public_view(case: Case) -> dict:
    """What the applicant may see of a case (for callers that already checked the password, e.g. the phone line)."""
    case_sql, _task_sql = _statements()
    since = connection.ops.adapt_datetimefield_value(timezone.now())
    with core_sql.cursor() as cursor:
        cursor.execute(case_sql, ["", since, case.number])
        return _view(cursor.fetchall())
