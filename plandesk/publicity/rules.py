"""The bureau's publicity rules that an administrator may tune (Django settings, with the defaults below).

- PLANDESK_PUBLICITY_NOTICE_DAYS (5): the media notice (newspaper/TV) comes at least this many days before the start.
- PLANDESK_PUBLICITY_NOTICE_WORKING_DAYS (False): count those days as calendar days (default) or working days.
  DOMAIN.md says "five days before"; a newspaper appears on any day and the public reads the period in calendar
  days, so calendar days are the default: a notice on the 1st allows a start on the 6th at the earliest.
- PLANDESK_PUBLICITY_MIN_DAYS ({"pre_approval": 10, "post_approval": 7}): the shortest period per kind, in calendar
  days, both ends included.
- PLANDESK_PUBLICITY_PLAN_MIN_DAYS (30): the shortest pre-approval period of a plan (城乡规划法 第二十六条：
  规划草案公告的时间不得少于三十日).
- PLANDESK_PUBLICITY_RISK_DAYS (3): a publicity whose notice is missing or late shows as "at risk" this many days
  before the notice is due.
- PLANDESK_PUBLICITY_OPINIONS_PER_HOUR (5): opinions one client address may send in an hour (across all workers).
- PLANDESK_PUBLICITY_DOCUMENT_MAX_MB (20), PLANDESK_PUBLICITY_ATTACHMENT_MAX_MB (5): upload size caps.
- PLANDESK_PUBLICITY_POST_APPROVAL_ITEMS (the two administrative licences, 建设用地规划许可证 and 建设工程规划许可证):
  items whose issued licences the worker publishes after approval (批后公布); `[]` turns it off.
- PLANDESK_PUBLICITY_POST_APPROVAL_SINCE_DAYS (30): only licences issued this many days back or later (a database
  that had none is not flooded with its history).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings

DEFAULT_MIN_DAYS = {"pre_approval": 10, "post_approval": 7}


def notice_days() -> int:
    return int(getattr(settings, "PLANDESK_PUBLICITY_NOTICE_DAYS", 5))


def notice_in_working_days() -> bool:
    return bool(getattr(settings, "PLANDESK_PUBLICITY_NOTICE_WORKING_DAYS", False))


def latest_notice_date(starts_on: date) -> date:
    """The last day on which the media notice may appear for a publicity starting on `starts_on`."""
    lead = notice_days()
    if notice_in_working_days():
        from plandesk.workdays.calendar import add_working_days

        return add_working_days(starts_on, -lead)
    return starts_on - timedelta(days=lead)


def notice_rule_text() -> str:
    unit = "个工作日" if notice_in_working_days() else "日"
    return f"开始前至少 {notice_days()} {unit}"


def min_days(kind: str, is_plan: bool) -> int:
    configured = {**DEFAULT_MIN_DAYS, **getattr(settings, "PLANDESK_PUBLICITY_MIN_DAYS", {})}
    days = int(configured.get(kind, 1))
    if is_plan and kind == "pre_approval":
        days = max(days, int(getattr(settings, "PLANDESK_PUBLICITY_PLAN_MIN_DAYS", 30)))
    return days


def risk_days() -> int:
    return int(getattr(settings, "PLANDESK_PUBLICITY_RISK_DAYS", 3))


def opinions_per_hour() -> int:
    return int(getattr(settings, "PLANDESK_PUBLICITY_OPINIONS_PER_HOUR", 5))


def document_max_bytes() -> int:
    return int(getattr(settings, "PLANDESK_PUBLICITY_DOCUMENT_MAX_MB", 20)) * 1024 * 1024


def attachment_max_bytes() -> int:
    return int(getattr(settings, "PLANDESK_PUBLICITY_ATTACHMENT_MAX_MB", 5)) * 1024 * 1024


DEFAULT_POST_APPROVAL_ITEMS = ("land_use_permit", "construction_permit")


def post_approval_items() -> tuple[str, ...]:
    return tuple(getattr(settings, "PLANDESK_PUBLICITY_POST_APPROVAL_ITEMS", DEFAULT_POST_APPROVAL_ITEMS))


def post_approval_since_days() -> int:
    return int(getattr(settings, "PLANDESK_PUBLICITY_POST_APPROVAL_SINCE_DAYS", 30))


def earliest_start(today: date) -> date:
    """The first day a publicity arranged today may start: the media notice still fits before it (from tomorrow)."""
    lead = notice_days() + 1
    if notice_in_working_days():
        from plandesk.workdays.calendar import add_working_days

        return add_working_days(today, lead)
    return today + timedelta(days=lead)
