"""`plandesk serve`: gunicorn and the worker together; Ctrl-C (or SIGTERM) stops both cleanly."""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动 Web 服务与后台任务 / serve the site with gunicorn and run the worker"

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("PLANDESK_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("PLANDESK_WEB_WORKERS", "3")))

    def handle(self, *args, bind, workers, **options):
        bindir = os.path.dirname(sys.executable)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "plandesk.settings"}
        web = subprocess.Popen(
            [os.path.join(bindir, "gunicorn"), "plandesk.wsgi:application", "--bind", bind,
             "--workers", str(workers), "--access-logfile", "-", "--graceful-timeout", "10"],
            env=env,
        )
        worker = subprocess.Popen([os.path.join(bindir, "plandesk"), "worker"], env=env)
        children = [web, worker]
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(self.style.SUCCESS(f"plandesk 已启动: http://{bind}/  (Ctrl-C 停止)"))
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.5)
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        self.stdout.write("plandesk stopped")
        failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM, -signal.SIGINT)]
        if failed and not stopping:
            sys.exit(1)
