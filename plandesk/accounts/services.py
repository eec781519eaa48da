"""Signing in, shared by the login page and the API token endpoint so both obey one lockout and one address limit.

Every attempt is counted before its password is checked (models.LoginThrottle.claim, SignInAddress.claim), so
simultaneous attempts cannot slip past the limits, and refused attempts cost no password hash. What is written stays
bounded: an address over its limit writes nothing but one audit event per window, a locked username one audit event
per lockout; the worker prunes ended counts (jobs.py).
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.db import transaction

from plandesk.accounts.models import LoginThrottle, SignInAddress, address_key
from plandesk.audit.context import client_ip
from plandesk.audit.services import record


class LockedOut(Exception):
    """Too many failures in a row for this username; even the right password waits."""


class AddressLimited(Exception):
    """Too many failed sign-ins from this client address, over all usernames (password spraying)."""


class BadCredentials(Exception):
    pass


def check_credentials(request, username: str, password: str):
    """Return the user for a right username and password, or raise AddressLimited / LockedOut / BadCredentials."""
    username = (username or "").strip()
    address = address_key(client_ip(request))
    by_address = SignInAddress.claim(address)
    if not by_address.allowed:
        if by_address.first_refusal:
            record("auth.address_limited", ("accounts.user", username),
                   summary=f"同一地址登录失败次数过多，暂停受理：{address}")
        raise AddressLimited
    by_username = LoginThrottle.claim(username)
    if not by_username.allowed:
        if by_username.first_refusal:
            record("auth.locked_out_attempt", ("accounts.user", username), summary=f"锁定期间尝试登录：{username}")
        raise LockedOut
    user = authenticate(request, username=username, password=password) if username and password else None
    with transaction.atomic():
        if user is None:
            record("auth.failed", ("accounts.user", username), summary=f"登录失败：{username}")
            if by_username.locks:
                record("auth.locked", ("accounts.user", username), summary=f"连续失败，账号暂时锁定：{username}")
        else:
            LoginThrottle.register_success(username)
            SignInAddress.give_back(address)
            record("auth.signed_in", user, actor=user, summary=f"登录成功：{username}")
    # Raised after the transaction commits, so the failure count is kept.
    if user is None:
        raise BadCredentials
    return user


def prune_sign_in_counters() -> int:
    """Worker job: forget per-username counts nobody is locked by and per-address windows that have ended."""
    return LoginThrottle.prune() + SignInAddress.prune()
