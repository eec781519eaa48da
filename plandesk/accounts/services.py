"""Signing in, shared by the login page and the API token endpoint so both obey one lockout."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.db import transaction

from plandesk.accounts.models import LoginThrottle
from plandesk.audit.services import record


class LockedOut(Exception):
    """Too many failures in a row for this username; even the right password waits."""


class BadCredentials(Exception):
    pass


def check_credentials(request, username: str, password: str):
    """Return the user for a right username and password, or raise LockedOut / BadCredentials."""
    username = (username or "").strip()
    if LoginThrottle.is_locked(username):
        record("auth.locked_out_attempt", ("accounts.user", username), summary=f"锁定期间尝试登录：{username}")
        raise LockedOut
    user = authenticate(request, username=username, password=password) if username and password else None
    with transaction.atomic():
        if user is None:
            locked = LoginThrottle.register_failure(username)
            record("auth.failed", ("accounts.user", username), summary=f"登录失败：{username}")
            if locked:
                record("auth.locked", ("accounts.user", username), summary=f"连续失败，账号暂时锁定：{username}")
        else:
            LoginThrottle.register_success(username)
            record("auth.signed_in", user, actor=user, summary=f"登录成功：{username}")
    # Raised after the transaction commits, so the failure count is kept.
    if user is None:
        raise BadCredentials
    return user
