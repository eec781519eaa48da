"""The worker starts and ends publicity on their dates (once each, however many workers run), warns the office of
publicity at risk (once each), and forgets old rate-limit counters."""

from plandesk.publicity.models import ClientQuota
from plandesk.publicity.services import end_due, start_due, warn_at_risk


def start_publicity() -> int:
    return start_due()


def end_publicity() -> int:
    return end_due()


def warn_office_of_risks() -> int:
    return warn_at_risk()


def purge_rate_limits() -> int:
    return ClientQuota.purge()


JOBS = [end_publicity, start_publicity, warn_office_of_risks, purge_rate_limits]
