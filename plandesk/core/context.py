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


# The id of the request being served (operations' middleware sets it from the proxy's X-Request-ID or a fresh one);
# the outbox keeps it on the notices a request writes and the audit on its events, so a log search can follow one
# request from the page into the worker's delivery. Empty outside a request.
request_id_var: ContextVar[str] = ContextVar("plandesk_request_id", default="")


def current_request_id() -> str | None:
    return request_id_var.get() or None


@contextmanager
def carrying_request_id(request_id: str | None):
    """Run a worker's step under the id of the request that caused it, so its log lines carry that id."""
    token = request_id_var.set(request_id or "")
    try:
        yield
    finally:
        request_id_var.reset(token)
