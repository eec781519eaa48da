"""Background jobs of accounts, run by `plandesk worker` each round."""

from plandesk.accounts.services import prune_sign_in_counters

JOBS = [prune_sign_in_counters]
