"""The worker starts and ends publicity on their dates (once each, however many workers run) and forgets old
rate-limit counters."""

from plandesk.publicity.models import ClientQuota
from plandesk.publicity.services import end_due, start_due


def start_publicity() -> int:
    return start_due()


def end_publicity() -> int:
    return end_due()


def purge_rate_limits() -> int:
    return ClientQuota.purge()


JOBS = [end_publicity, start_publicity, purge_rate_limits]
