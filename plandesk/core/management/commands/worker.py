"""`plandesk worker`: the background loop. Several may run at once; jobs coordinate through the database."""

import logging
import signal
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from plandesk.core.context import acting_as
from plandesk.core.jobs import registered_jobs
from plandesk.core.signals import job_finished

log = logging.getLogger("plandesk.worker")


class Command(BaseCommand):
    help = "后台任务循环（期限扫描、通知发送）/ background worker loop"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run every job once and exit")
        parser.add_argument("--interval", type=float, default=None, help="seconds between rounds")

    def handle(self, *args, once=False, interval=None, **options):
        interval = interval if interval is not None else settings.PLANDESK_WORKER_INTERVAL
        self.stopping = False

        def stop(signum, frame):
            self.stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        jobs = registered_jobs()
        self.stdout.write(f"plandesk worker: {len(jobs)} job(s): {', '.join(name for name, _ in jobs) or '-'}")
        while not self.stopping:
            self.run_round(jobs)
            if once:
                break
            deadline = time.monotonic() + interval
            while not self.stopping and time.monotonic() < deadline:
                time.sleep(0.2)
        self.stdout.write("plandesk worker: stopped")

    def run_round(self, jobs) -> None:
        close_old_connections()
        with acting_as(name="worker"):
            for name, job in jobs:
                if self.stopping:
                    return
                started = time.monotonic()
                failed = False
                done = 0
                try:
                    done = job()
                except Exception:  # one failing job must not stop the others
                    failed = True
                    log.exception("job %s failed", name)
                self.report(name, time.monotonic() - started, failed)
                if done and not failed:
                    log.info("job %s handled %s item(s)", name, done)

    def report(self, name: str, seconds: float, failed: bool) -> None:
        # The receivers (operations' job timings) must never stop the loop: a lost figure beats a stopped worker.
        try:
            job_finished.send(sender=None, job=name, seconds=seconds, failed=failed)
        except Exception:
            log.exception("job %s: its duration could not be recorded", name)
