"""Demo: an open division meeting for each division that has cases waiting for one, so that a division head finds
an agenda ready (attendance taken, no decision yet). Idempotent: a division with any meeting is left alone."""

from __future__ import annotations

from datetime import datetime, time

from django.utils import timezone

from plandesk.meetings import services
from plandesk.meetings.models import Kind, Meeting
from plandesk.organization.models import Unit


def load(out) -> None:
    held_at = timezone.make_aware(datetime.combine(timezone.localdate(), time(15, 0)))
    offices = Unit.objects.filter(tasks__state="open", tasks__meeting_kind=Kind.DIVISION).distinct()
    for unit in offices:
        if Meeting.objects.filter(kind=Kind.DIVISION, division=unit).exists():
            continue
        chair = unit.division_heads().order_by("username").first()
        if chair is None:
            continue
        present = [u.username for u in services.expected_members(Kind.DIVISION, unit)]
        meeting = services.create_meeting(chair=chair, kind=Kind.DIVISION, division=unit, held_at=held_at,
                                          place="三楼会议室", present=present)
        out.write(f"    {meeting.title}: {meeting.items.count()} case(s) on the agenda ({chair.username})")
