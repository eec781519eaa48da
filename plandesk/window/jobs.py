"""Worker jobs of the window: erase the encrypted passwords of expired receipt links (set-based, idempotent); remind
applicants of 容缺 materials shortly before they fall due (once each: outbox dedupe key)."""

from plandesk.window.materials import remind_due
from plandesk.window.services import wipe_expired_receipts


def window_expired_receipts() -> int:
    return wipe_expired_receipts()


def window_material_reminders() -> int:
    return remind_due()


JOBS = [window_expired_receipts, window_material_reminders]
