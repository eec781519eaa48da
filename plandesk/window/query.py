"""The public progress query: case number + query password → where the case stands, for the applicant.

An unknown case and a wrong password answer alike. Failures are rows (`QueryFailure`): five for one case within an
hour lock that case's queries, the right password included; one client address may fail at most a hundred times
an hour. The answer carries no staff names and no opinions.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from plandesk.cases.models import Case, query_password_digest
from plandesk.window.models import QueryFailure

log = logging.getLogger("plandesk.window.query")
CASE_FAILURE_LIMIT = 5
ADDRESS_FAILURE_LIMIT = 100
WINDOW = timedelta(hours=1)


class QueryRefused(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


NOT_FOUND = "案件编号或查询密码不正确"


def _limits():
    return (getattr(settings, "PLANDESK_QUERY_CASE_FAILURES", CASE_FAILURE_LIMIT),
            getattr(settings, "PLANDESK_QUERY_ADDRESS_FAILURES", ADDRESS_FAILURE_LIMIT))


def public_query(case_number, password, *, address: str | None, channel: str = "web") -> dict:
    """The public view of a case, or QueryRefused (404 for unknown/wrong, 429 when locked, 400 malformed)."""
    number = str(case_number or "").strip()[:40]
    raw = str(password or "").strip()[:40]
    if not number or not raw:
        raise QueryRefused(400, "invalid", "请输入案件编号和查询密码")
    address = (address or "")[:64]
    now = timezone.now()
    since = now - WINDOW
    case_limit, address_limit = _limits()
    failures = QueryFailure.objects.filter(at__gte=since)
    if address and failures.filter(address=address).count() >= address_limit:
        log.warning("public query refused: address %s over its failure limit", address)
        raise QueryRefused(429, "too_many_failures", "查询失败次数过多，请一小时后再试")
    if failures.filter(case_number=number).count() >= case_limit:
        log.warning("public query refused: case %s locked after repeated failures (from %s)", number, address)
        raise QueryRefused(429, "locked", "该案件查询失败次数过多，已暂停查询一小时；如有疑问请致电查询电话")
    case = Case.objects.filter(number=number).first() if number.isdigit() else None
    if case is None:
        query_password_digest(raw, "0" * 16)  # the same work as a real check: no timing difference
    if case is None or not case.check_query_password(raw):
        QueryFailure.objects.create(case_number=number, address=address, at=now, channel=channel)
        log.warning("public query failed: case %s from %s (%s)", number, address or "-", channel)
        raise QueryRefused(404, "not_found", NOT_FOUND)
    return public_view(case)


def public_view(case: Case) -> dict:
    """What the applicant may see: items, status, steps with dates; no staff, no opinions."""
    from plandesk.workdays.calendar import local_date
    from plandesk.workflow.models import TaskState

    versions = list(case.item_versions.select_related("item").order_by("item__code"))
    current, history = [], []
    for task in case.tasks.order_by("created_at", "id").only("name", "state", "created_at", "completed_at",
                                                               "due_at"):
        if task.state == TaskState.OPEN:
            current.append({"name": task.name, "started_at": task.created_at,
                            "due_date": local_date(task.due_at) if task.due_at else None})
        elif task.completed_at is not None and task.state != TaskState.CANCELLED:
            history.append({"name": task.name, "started_at": task.created_at, "finished_at": task.completed_at})
    return {
        "case_number": case.number,
        "items": [v.item.code for v in versions],
        "item_names": [v.name for v in versions],
        "project_name": case.project_name,
        "status": case.status,
        "status_display": str(case.get_status_display()),
        "received_at": case.received_at,
        "current_steps": current,
        "history": history,
        "expected_pickup_date": case.expected_pickup_date,
        "paused": case.is_paused,
    }
