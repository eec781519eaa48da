"""Writing notices (in the caller's transaction) and delivering them (in the worker, once each)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from plandesk.core.context import carrying_request_id, current_request_id
from plandesk.notifications.backends import DeliveryError, send_email, sms_backend
from plandesk.notifications.models import Channel, Notification, Status

MAX_ATTEMPTS = 6

log = logging.getLogger("plandesk.notifications")


def notify(
    *,
    kind: str,
    subject: str,
    body: str,
    channel: str = Channel.IN_APP,
    recipient=None,
    address: str = "",
    url: str = "",
    obj: models.Model | None = None,
    dedupe_key: str | None = None,
    deliver_after=None,
) -> Notification | None:
    """Put a notice in the outbox. With a dedupe_key already used, nothing new is written and None returned."""
    now = timezone.now()
    fields = dict(
        channel=channel, kind=kind, subject=subject[:200], body=body, recipient=recipient, address=address,
        url=url, dedupe_key=dedupe_key, next_attempt_at=deliver_after or now, created_at=now,
        request_id=current_request_id(),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
    )
    if channel == Channel.IN_APP:
        # Showing it in the recipient's list is its delivery.
        fields.update(status=Status.SENT, sent_at=now)
    if dedupe_key is not None and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    try:
        with transaction.atomic():
            return Notification.objects.create(**fields)
    except IntegrityError:
        if dedupe_key is not None and Notification.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise


def _claim(notification_id: int, now) -> bool:
    # Compare-and-set: of several workers, exactly one moves the row from pending to sending.
    return Notification.objects.filter(id=notification_id, status=Status.PENDING).update(
        status=Status.SENDING, attempts=models.F("attempts") + 1, next_attempt_at=now
    ) == 1


def _send(notification: Notification) -> None:
    if notification.channel == Channel.SMS:
        sms_backend().send(notification.target, f"{notification.subject}：{notification.body}")
    elif notification.channel == Channel.EMAIL:
        send_email(notification.target, notification.subject, notification.body)


def deliver_pending(limit: int = 100) -> int:
    """Send due SMS and e-mail notices. Safe with many workers: each notice is claimed before it is sent."""
    now = timezone.now()
    due = Notification.objects.due(now)
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True).values_list("id", flat=True)[:limit])
            claimed = [i for i in ids if _claim(i, now)]
    else:
        claimed = [i for i in due.values_list("id", flat=True)[:limit] if _claim(i, now)]
    for notification in Notification.objects.filter(id__in=claimed).select_related("recipient"):
        # The delivery's log lines carry the id of the request that wrote the notice.
        with carrying_request_id(notification.request_id):
            try:
                _send(notification)
            except DeliveryError as exc:
                _failed(notification, str(exc))
            except Exception as exc:  # an unexpected error must not loop the worker on one row
                _failed(notification, f"{type(exc).__name__}: {exc}")
            else:
                Notification.objects.filter(id=notification.id).update(status=Status.SENT, sent_at=timezone.now())
                log.info("notice %s (%s, %s) sent", notification.id, notification.kind, notification.channel)
    return len(claimed)


def _failed(notification: Notification, error: str) -> None:
    attempts = notification.attempts
    if attempts >= MAX_ATTEMPTS:
        status, next_at = Status.FAILED, timezone.now()
    else:
        # Back off: 1, 2, 4, 8, 16 minutes.
        status, next_at = Status.PENDING, timezone.now() + timedelta(minutes=2 ** (attempts - 1))
    Notification.objects.filter(id=notification.id).update(status=status, next_attempt_at=next_at, last_error=error)
    # The error text may quote the gateway's answer; the personal-data mask on the handlers covers phones in it.
    log.warning("notice %s (%s, %s) not sent (attempt %s): %s", notification.id, notification.kind,
                notification.channel, attempts, error)


def mark_read(user, notification_id: int | None = None) -> int:
    qs = Notification.objects.unread_for(user)
    if notification_id is not None:
        qs = qs.filter(id=notification_id)
    return qs.update(read_at=timezone.now())


def release_stuck(older_than_minutes: int = 10) -> int:
    """A worker killed mid-send leaves rows in `sending`: give them back to the queue (sent at least once is better
    than never; the SMS gateway's own message id deduplicates where it can)."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    return Notification.objects.filter(status=Status.SENDING, next_attempt_at__lt=cutoff).update(
        status=Status.PENDING
    )
