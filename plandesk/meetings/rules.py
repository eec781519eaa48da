"""Who may convene, run, read and sign a meeting. Posts decide: a division head convenes his division's meeting,
the director the bureau meeting; the chair and the recorder run it; the chair signs the minutes."""

from __future__ import annotations

from plandesk.meetings.models import Kind, Meeting
from plandesk.organization.roles import is_director


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def heads_division(user, division) -> bool:
    return _active(user) and division is not None and division.division_heads().filter(pk=user.pk).exists()


def may_convene(user, kind: str, division=None) -> bool:
    if kind == Kind.DIVISION:
        return heads_division(user, division)
    return is_director(user)


def may_run(user, meeting) -> bool:
    """Chair and recorder keep the attendance, the agenda and the decisions."""
    return _active(user) and user.pk in (meeting.chair_id, meeting.recorder_id)


def may_sign(user, meeting) -> bool:
    return _active(user) and user.pk == meeting.chair_id


def may_read(user, meeting) -> bool:
    return Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists()
