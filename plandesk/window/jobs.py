"""Worker jobs of the window: erase the encrypted passwords of expired receipt links (set-based, idempotent)."""

from plandesk.window.services import wipe_expired_receipts


def window_expired_receipts() -> int:
    return wipe_expired_receipts()


JOBS = [window_expired_receipts]
