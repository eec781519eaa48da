"""`plandesk serve`: nginx in front, gunicorn behind it on loopback, and the worker; Ctrl-C (or SIGTERM) stops all.

nginx (Debian's package) holds the clients, slow ones included, and hands gunicorn complete requests only: see
plandesk/operations/proxy.py for why. Without nginx installed, or with --no-proxy, gunicorn serves the address
itself, as before, with a warning that slow clients can then stall it.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from plandesk.operations import proxy

# Paths without query strings (they may carry a phone or ID number typed into a search box).
GUNICORN_ACCESS_FORMAT = '%(h)s - %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(L)s'


def _port_after(bind: str) -> str:
    port = bind.rpartition(":")[2]
    return f"127.0.0.1:{int(port) + 1}" if port.isdigit() else "127.0.0.1:8001"


class Command(BaseCommand):
    help = "启动 Web 服务与后台任务 / serve the site (nginx → gunicorn) and run the worker"

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("PLANDESK_BIND", "127.0.0.1:8000"),
                            help="address the site is served on (nginx listens here)")
        parser.add_argument("--upstream", default=os.environ.get("PLANDESK_UPSTREAM_BIND", ""),
                            help="loopback address of gunicorn behind nginx (default: the port after --bind's)")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("PLANDESK_WEB_WORKERS", "3")))
        parser.add_argument("--no-proxy", action="store_true", help="gunicorn alone on --bind (no nginx)")
        parser.add_argument("--no-worker", action="store_true", help="web only (the worker runs elsewhere)")

    def handle(self, *args, bind, upstream, workers, no_proxy, no_worker, **options):
        bindir = os.path.dirname(sys.executable)
        nginx = None if no_proxy else proxy.nginx_binary()
        if not no_proxy and nginx is None:
            self.stderr.write(self.style.WARNING(
                "nginx 未安装：gunicorn 直接对外服务，慢速或空闲连接可能占满工作进程（apt-get install nginx）"))
        run_dir = settings.DATA_DIR / "run"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "plandesk.settings", **self._metrics_env(run_dir)}
        children: list[subprocess.Popen] = []
        if nginx:
            upstream = upstream or _port_after(bind)
            trusted = [p for p in env.get("PLANDESK_TRUSTED_PROXIES", "").split(",") if p.strip()]
            env["PLANDESK_TRUSTED_PROXIES"] = ",".join([*trusted, proxy.PROXY_SOURCE])
            conf = self._nginx_conf(run_dir / "nginx", bind, upstream)
            check = subprocess.run([nginx, "-t", "-q", "-c", str(conf), "-e", "stderr"], capture_output=True,
                                   text=True)
            if check.returncode != 0:
                raise CommandError(f"nginx 配置检查失败：{check.stderr.strip()}")
        Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
        command = [os.path.join(bindir, "gunicorn"), "plandesk.wsgi:application", "--bind", upstream if nginx else bind,
                   "--workers", str(workers), "--graceful-timeout", "10", "--no-control-socket"]
        if not nginx:  # behind nginx, nginx logs the requests with the client's own address
            command += ["--access-logfile", "-", "--access-logformat", GUNICORN_ACCESS_FORMAT]
        children.append(subprocess.Popen(command, env=env))
        if not no_worker:
            children.append(subprocess.Popen([os.path.join(bindir, "plandesk"), "worker"], env=env))
        if nginx:
            children.append(subprocess.Popen([nginx, "-c", str(conf), "-e", "stderr"], env=env))
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(self.style.SUCCESS(f"plandesk 已启动: http://{bind}/  (Ctrl-C 停止)"))
        # the address printed on receipts and cards (PLANDESK_SITE_URL): the same as the banner's
        self.stdout.write(f"对外地址 public address: {settings.PLANDESK_SITE_URL}")
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.5)
        # nginx first (SIGQUIT: finish the requests it holds), then gunicorn and the worker.
        for child in reversed(children):
            if child.poll() is None:
                child.send_signal(signal.SIGQUIT if nginx and child is children[-1] else signal.SIGTERM)
        for child in reversed(children):
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        self.stdout.write("plandesk stopped")
        failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM, -signal.SIGINT, -signal.SIGQUIT)]
        if failed and not stopping:
            sys.exit(1)

    def _metrics_env(self, run_dir: Path) -> dict[str, str]:
        # gunicorn's processes (and the worker's) share their counters through files, so one /metrics scrape sees
        # them all; the folder is emptied at each start, as prometheus_client asks.
        folder = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or run_dir / "prometheus")
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        return {"PROMETHEUS_MULTIPROC_DIR": str(folder)}

    def _nginx_conf(self, prefix: Path, bind: str, upstream: str) -> Path:
        proxy.prepare(prefix)
        conf = prefix / "nginx.conf"
        conf.write_text(proxy.render(listen=bind, upstreams=[upstream], prefix=prefix,
                                     static_root=Path(settings.STATIC_ROOT),
                                     json_log=os.environ.get("PLANDESK_LOG_FORMAT") == "json"))
        return conf
