"""Who may convene, run, read and sign a meeting. Posts decide: a division head convenes his division's meeting,
the director the bureau meeting; the chair and the recorder run it; the chair signs the minutes."""

from __future__ import annotations

from plandesk.accounts.models import Role


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_director(user) -> bool:
    from plandesk.organization.models import Post

    return _active(user) and (user.has_role(Role.DIRECTOR) or Post.objects.directors().filter(pk=user.pk).exists())


def reads_all_meetings(user) -> bool:
    """The director and the office (which supervises deadlines) read every meeting."""
    from plandesk.organization.models import Post

    return _active(user) and (is_director(user) or user.has_role(Role.OFFICE_SUPERVISOR)
                              or Post.objects.holds_function(user, Post.Function.SUPERVISOR))


def heads_division(user, division) -> bool:
    return _active(user) and division is not None and division.division_heads().filter(pk=user.pk).exists()


def may_convene(user, kind: str, division=None) -> bool:
    from plandesk.meetings.models import Kind

    if kind == Kind.DIVISION:
        return heads_division(user, division)
    return is_director(user)


def may_run(user, meeting) -> bool:
    """Chair and recorder keep the attendance, the agenda and the decisions."""
    return _active(user) and user.pk in (meeting.chair_id, meeting.recorder_id)


def may_sign(user, meeting) -> bool:
    return _active(user) and user.pk == meeting.chair_id


def may_read(user, meeting) -> bool:
    from plandesk.meetings.models import Meeting

    return Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists()
