"""Writing and checking the audit trail. Every state change in plandesk calls `record` in its own transaction."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models, transaction
from django.utils import timezone

from plandesk.audit.models import GENESIS_HASH, ChainHead, Event
from plandesk.core import sql
from plandesk.core.context import current_actor, current_request_id


def _object_ref(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    if isinstance(obj, models.Model):
        return obj._meta.label_lower, str(obj.pk)
    if isinstance(obj, tuple):
        return str(obj[0]), str(obj[1])
    return type(obj).__name__, str(obj)


def record(
    action: str,
    obj=None,
    *,
    before: dict | None = None,
    after: dict | None = None,
    summary: str = "",
    actor=None,
    ip: str | None = None,
) -> Event:
    """Append one event to the chain. `obj` is a model instance or an (object_type, object_id) pair.

    Every state change of every app comes through here, completions and intakes included, so it is three plain
    statements (lock the chain head, insert, move the head) rather than five ORM ones. The event belongs to the
    caller's transaction: no savepoint of its own, a failure here fails the whole change."""
    ctx = current_actor()
    user = actor if actor is not None else ctx.user
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    object_type, object_id = _object_ref(obj)
    lock_head = sql.statement("audit chain head", lambda: (
        f"SELECT h.last_hash FROM {sql.table(ChainHead)} h WHERE h.id = 1" + sql.for_update("h")))  # noqa: S608
    with transaction.atomic(savepoint=False):
        head = sql.fetchone(lock_head)
        if head is None:  # the chain's first event
            ChainHead.objects.get_or_create(pk=1)
            head = sql.fetchone(lock_head)
        event = Event(
            at=timezone.now(),
            actor=user,
            actor_name=(user.username if user is not None else ctx.name or "system")[:150],
            action=action,
            object_type=object_type,
            object_id=object_id,
            summary=summary[:300],
            # The hash covers what the database will hand back, so normalise JSON through a round trip first.
            before=_json_roundtrip(before),
            after=_json_roundtrip(after),
            ip=ip if ip is not None else ctx.ip,
            request_id=current_request_id(),
            prev_hash=head[0],
        )
        event.hash = event.compute_hash()
        sql.insert([event], returning=True)
        sql.execute(sql.statement("audit chain head update", lambda: (
            f"UPDATE {sql.table(ChainHead)} SET last_hash = %s, last_event_id = %s WHERE id = 1")),  # noqa: S608
            [event.hash, event.pk])
    return event


def _json_roundtrip(value):
    if value is None:
        return None
    import json

    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


@dataclass
class ChainReport:
    checked: int
    broken_event_id: int | None = None
    reason: str = ""

    @property
    def whole(self) -> bool:
        return self.broken_event_id is None


def verify_chain(batch_size: int = 2000, progress=None) -> ChainReport:
    """Walk the chain oldest first and report the first event whose link or content does not hold."""
    expected_prev = GENESIS_HASH
    checked = 0
    last_id = 0
    while True:
        batch = list(Event.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.prev_hash != expected_prev:
                return ChainReport(checked, event.pk, "上一环哈希不符（其前的事件被删改或插入）")
            if event.compute_hash() != event.hash:
                return ChainReport(checked, event.pk, "事件内容与其哈希不符（该事件被篡改）")
            expected_prev = event.hash
            checked += 1
            last_id = event.pk
        if progress:
            progress(checked)
    head = ChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != expected_prev:
        return ChainReport(checked, head.last_event_id, "链尾与记录的最新哈希不符（最新事件被删除）")
    return ChainReport(checked)
