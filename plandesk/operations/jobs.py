"""The worker's heartbeat, stamped as the first job of each round (this app comes first in PLANDESK_APPS).

Beats are a round apart, so a worker stuck in any job misses its next beat as surely as a stopped one.
"""

from plandesk.operations.models import WorkerHeartbeat


def heartbeat() -> int:
    WorkerHeartbeat.beat()
    return 0  # nothing "handled": the worker logs nothing for it


JOBS = [heartbeat]
