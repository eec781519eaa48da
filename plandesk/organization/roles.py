"""Who holds the bureau's standing roles, in one place: the director and the office (办公室, which supervises
deadlines). A person is either by the role on his account or by holding the post today (substitutions included)."""

from __future__ import annotations

from plandesk.accounts.models import Role
from plandesk.organization.models import Post


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_director(user) -> bool:
    return _active(user) and (user.has_role(Role.DIRECTOR) or Post.objects.directors().filter(pk=user.pk).exists())


def is_office(user) -> bool:
    return _active(user) and (user.has_role(Role.OFFICE_SUPERVISOR)
                              or Post.objects.holds_function(user, Post.Function.SUPERVISOR))


def is_director_or_office(user) -> bool:
    """The director and the office read every meeting, every case and every statistic."""
    return is_director(user) or is_office(user)
