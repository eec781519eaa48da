"""Who is acting, and from where, for the audit events of the current request or command (core: every layer
sets or reads it; the audit writes it down)."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user: object | None = None
    name: str = ""
    ip: str | None = None


_current: ContextVar[Actor] = ContextVar("plandesk_audit_actor", default=Actor(name="system"))  # noqa: B039 (frozen)


def current_actor() -> Actor:
    return _current.get()


@contextmanager
def acting_as(user=None, name: str = "", ip: str | None = None):
    token = _current.set(Actor(user=user, name=name or (getattr(user, "username", "") if user else ""), ip=ip))
    try:
        yield
    finally:
        _current.reset(token)


def client_ip(request) -> str | None:
    # Behind a reverse proxy the deployment sets REMOTE_ADDR through it; X-Forwarded-For is not trusted blindly.
    return request.META.get("REMOTE_ADDR") or None
