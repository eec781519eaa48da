"""Several hosts (issue 25): two web hosts and two workers behind nginx, one killed of each under load.

As if on two hosts: each web server (gunicorn with deploy/gunicorn.conf.py) and each worker has its own port and
its own data folder; they share the PostgreSQL database, the upload folders (PLANDESK_MEDIA_ROOT,
PLANDESK_WINDOW_FILES), the certificate signing key and the secret key, as docs/DEPLOY.md "Several hosts" sets
them up. nginx runs deploy/nginx/plandesk.conf (TLS) with both web hosts in its upstream. bench/faults.py's clients
(intake clerks retrying with their idempotency keys, handlers completing tasks and holding meetings) drive the
site through nginx; a third of the way in, web host B and worker B are SIGKILLed and stay dead. Then bench/faults.py
checks its invariants: every acknowledged intake exists once, no half-written case, engine state = task table,
gap-free numbers, acknowledged completions hold, no notice sent twice, the audit chain verifies. Also reported:
what nginx did with the requests after the kill (its access log names the upstream of each).

    .venv/bin/python bench/two_hosts.py --pg postgresql://postgres@127.0.0.1:5432/postgres [--clients 8 --seconds 30]

Prints one JSON object; exits 1 on any problem. PostgreSQL only: the embedded database is one host's.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import random
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))


def _faults():
    spec = importlib.util.spec_from_file_location("plandesk_bench_faults", ROOT / "bench" / "faults.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ports(n: int) -> list[int]:
    faults = _faults()
    ports: set[int] = set()
    while len(ports) < n:
        ports.add(faults._free_port())
    return sorted(ports)


class Host:
    """One host's processes: a web server and a worker, each in its own session so that it can be killed whole."""

    def __init__(self, name: str, env: dict, port: int, folder: Path):
        from plandesk.operations import layout

        self.name, self.port, self.folder = name, port, folder
        folder.mkdir(parents=True, exist_ok=True)
        self.env = {**env, "PLANDESK_DATA_DIR": str(folder), "PLANDESK_WEB_WORKERS": "2"}
        log = (folder / "processes.log").open("ab")
        popen = {"stdout": log, "stderr": subprocess.STDOUT, "start_new_session": True, "cwd": ROOT}
        self.web = layout.gunicorn(f"127.0.0.1:{port}", self.env, folder / "prometheus", **popen)
        self.worker = layout.worker(self.env, **popen)

    def kill(self) -> None:
        for process in (self.web, self.worker):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)

    def stop(self) -> None:
        for process in (self.worker, self.web):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in (self.worker, self.web):
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait_up(url: str, context: ssl.SSLContext, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/api/v1/items", timeout=5, context=context).read()  # noqa: S310 - loopback
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


def _health(url: str, context: ssl.SSLContext) -> dict:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=10, context=context) as answer:  # noqa: S310
            return {"http": answer.status, **json.loads(answer.read())}
    except urllib.error.HTTPError as error:
        return {"http": error.code, **json.loads(error.read() or b"{}")}


def run(pg: str, clients: int = 8, seconds: float = 30, seed: int = 25, notices: int = 300) -> dict:
    from plandesk.operations import layout

    faults = _faults()
    rng = random.Random(seed)
    folder = Path(tempfile.mkdtemp(prefix="plandesk-two-hosts-"))
    url, drop = faults._database(pg, folder)
    shared = folder / "shared"  # the NFS (or similar) mount every host sees
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "plandesk.settings", "PLANDESK_DATABASE_URL": url,
           "PLANDESK_SECRET_KEY": secrets.token_urlsafe(64), "PLANDESK_MEDIA_ROOT": str(shared / "media"),
           "PLANDESK_WINDOW_FILES": str(shared / "window"),
           "PLANDESK_CERTIFICATE_KEY": str(shared / "certificates" / "ed25519-private.pem"),
           "PLANDESK_SMS_FILE": str(shared / "sms.jsonl"), "PLANDESK_WORKER_INTERVAL": "1",
           "PLANDESK_TRUSTED_PROXIES": "127.0.0.2", "PLANDESK_DATA_DIR": str(folder / "admin"),
           "PYTHONUNBUFFERED": "1"}
    env.pop("PLANDESK_ENV", None)
    env.pop("PYTEST_VERSION", None)
    (shared / "media").mkdir(parents=True)
    hosts: list[Host] = []
    proxy = None
    default_context = ssl._create_default_https_context
    # The proxy's certificate is self-signed for 127.0.0.1: the clients here accept it.
    context = ssl._create_unverified_context()  # noqa: S323
    ssl._create_default_https_context = ssl._create_unverified_context
    try:
        subprocess.run([str(BIN / "plandesk"), "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
        # The signing key is made once, before the hosts start (docs/DEPLOY.md: the first host, then copy/share).
        seed_code = f"NOTICES = {notices}\n{faults.SEED}\nfrom plandesk.certificates.signing import private_key\n" \
                    "private_key()\n"
        seeded = subprocess.run([str(BIN / "plandesk"), "shell", "-c", seed_code], env=env, cwd=ROOT, check=True,
                                capture_output=True, text=True)
        setup = json.loads(seeded.stdout.strip().splitlines()[-1])
        lb_port, port_a, port_b = _ports(3)
        hosts = [Host("a", env, port_a, folder / "host-a"), Host("b", env, port_b, folder / "host-b")]
        for host in hosts:
            _wait_up(f"http://127.0.0.1:{host.port}", context)
        proxy_dir = folder / "proxy"
        proxy = layout.nginx(proxy_dir, lb_port, [f"127.0.0.1:{port_a}", f"127.0.0.1:{port_b}"], folder / "static",
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        base = f"https://127.0.0.1:{lb_port}"
        _wait_up(base, context)
        health_before = _health(base, context)

        load = faults.Load(base, setup["tokens"], setup["uscc"], rng)
        handlers = ["handler1", "handler2", "head1", "director"]
        threads = [threading.Thread(target=load.guarded, args=(load.intake, i), daemon=True)
                   for i in range(max(1, clients // 2))]
        threads += [threading.Thread(target=load.guarded, args=(load.handle, handlers[i % len(handlers)]),
                                     daemon=True) for i in range(max(1, clients - len(threads)))]
        for thread in threads:
            thread.start()
        time.sleep(seconds / 3)
        with load.lock:
            before_kill = {"requests": load.requests, "acked": len(load.acked), "retries": load.retries}
        killed_at = time.time()
        hosts[1].kill()  # web host B and worker B, for good
        time.sleep(seconds * 2 / 3)
        load.stop.set()
        for thread in threads:
            thread.join(timeout=150)
        with load.lock:
            after_kill = {"requests": load.requests - before_kill["requests"],
                          "acked": len(load.acked) - before_kill["acked"],
                          "retries": load.retries - before_kill["retries"]}
        time.sleep(3)  # the surviving worker delivers what the last intakes queued
        health_after = _health(base, context)
        routing = _routing(proxy_dir / "access.log", killed_at, port_a, port_b)
        hosts[0].stop()
        facts = folder / "acknowledged.json"
        facts.write_text(json.dumps({"acked": load.acked, "completed": load.completed}))
        checked = subprocess.run([sys.executable, str(ROOT / "bench" / "faults.py"), "--check", str(facts)],
                                 env={**env, "PLANDESK_DATA_DIR": str(folder / "host-a")}, cwd=ROOT,
                                 capture_output=True, text=True)
        if checked.returncode not in (0, 1) or not checked.stdout.strip():
            raise RuntimeError(checked.stderr[-3000:])
        invariants = json.loads(checked.stdout.strip().splitlines()[-1])
        # A request in flight on B when it died gets nginx's 502 where bench/faults.py (no proxy) sees the
        # connection drop: the same lost answer (the completion may or may not hold), not a wrong one.
        lost = [a for a in load.unexpected if (": 502 " in a or ": 504 " in a) and "nginx" in a]
        unexpected = [a for a in load.unexpected if a not in lost]
        return {"clients": len(threads), "seconds": seconds, "requests": load.requests,
                "intakes_acknowledged": len(load.acked), "completions_acknowledged": len(load.completed),
                "before_kill": before_kill, "after_kill": after_kill, "routing_after_kill": routing,
                "health_before": health_before, "health_after": health_after,
                "answers_lost_at_kill": len(lost), "unexpected_answers": unexpected[:20], **invariants}
    finally:
        ssl._create_default_https_context = default_context
        if proxy is not None and proxy.poll() is None:
            proxy.send_signal(signal.SIGQUIT)
            try:
                proxy.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proxy.kill()
        for host in hosts:
            host.stop()
        drop()
        shutil.rmtree(folder, ignore_errors=True)


def _routing(access_log: Path, since: float, port_a: int, port_b: int) -> dict:
    """From nginx's access log: after the kill, how many requests each host answered, how many nginx moved from the
    dead host to the live one; and how many requests of the whole run failed at the proxy (502/504)."""
    from datetime import datetime

    counts = {"to_a": 0, "to_b": 0, "moved_b_to_a": 0, "proxy_errors_whole_run": 0}
    if not access_log.exists():
        return counts
    for line in access_log.read_text().splitlines():
        entry = json.loads(line)
        if entry["status"] in (502, 504):
            # Requests in flight on B when it died (the client retries them with the same idempotency key).
            counts["proxy_errors_whole_run"] += 1
        # The log's times are whole seconds: the second of the kill itself is left out.
        if datetime.fromisoformat(entry["time"]).timestamp() < since + 1:
            continue
        tried = [u.strip() for u in entry["upstream"].split(",") if u.strip()]
        if tried and tried[-1].endswith(f":{port_a}"):
            counts["to_a"] += 1
        if tried and tried[-1].endswith(f":{port_b}"):
            counts["to_b"] += 1
        if len(tried) > 1 and tried[0].endswith(f":{port_b}"):
            counts["moved_b_to_a"] += 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pg", default=os.environ.get("PLANDESK_DATABASE_URL", ""))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args(argv)
    if not args.pg.startswith("postgres"):
        parser.error("--pg postgresql://… (several hosts share a PostgreSQL database)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plandesk.settings")
    result = run(args.pg, args.clients, args.seconds)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 1 if result["problems"] or result["unexpected_answers"] else 0


if __name__ == "__main__":
    sys.exit(main())
