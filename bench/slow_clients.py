"""Slow and idle clients against the served layouts: do normal clients still get quick answers?

For each layout, in one run: a baseline (32 normal clients, wrk, `POST /api/v1/public/query` with the right numbers
and passwords), then the same load while a second process holds 200 idle connections (connect, send nothing) and
50 slowloris clients (a request's headers trickled a byte a second, never finished) open against the same address,
re-opening any the server closes. Target (issue 25): p99 under load < 3x the baseline p99, and no errors.

Layouts:
  make-run        `plandesk serve` as `make run` starts it: nginx in front, 3 gunicorn sync workers, the worker.
  production      deploy/: nginx with deploy/nginx/plandesk.conf (TLS, self-signed here) in front of gunicorn with
                  deploy/gunicorn.conf.py, as the systemd units start them; the worker beside it.
  gunicorn-alone  control: `plandesk serve --no-proxy` (gunicorn serving clients itself, what issue 25 found).

Run, one backend at a time (Debian's wrk and nginx: apt-get install wrk nginx), under the heavy-work lock:
    export PLANDESK_DATABASE_URL=spatialite:////tmp/bench_slow.sqlite3
    .venv/bin/plandesk migrate && flock /tmp/heavy.lock .venv/bin/python bench/slow_clients.py
    (PostGIS: createdb bench_slow; PLANDESK_DATABASE_URL=postgis://postgres@127.0.0.1:5432/bench_slow)
Environment: BENCH_LAYOUTS (make-run,production,gunicorn-alone), BENCH_SECONDS (15 per measurement),
BENCH_CLIENTS (32), BENCH_IDLE (200), BENCH_SLOWLORIS (50), BENCH_PORT (8790; the next port is gunicorn's),
BENCH_CASES (40). Everything is on loopback; every loop ends with its measurement.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import resource
import shutil
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
LAYOUTS = [x.strip() for x in os.environ.get("BENCH_LAYOUTS", "make-run,production,gunicorn-alone").split(",")]
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "32"))
IDLE = int(os.environ.get("BENCH_IDLE", "200"))
SLOWLORIS = int(os.environ.get("BENCH_SLOWLORIS", "50"))
PORT = int(os.environ.get("BENCH_PORT", "8790"))
WRK_TIMEOUT_S = 5

QUERY_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local bodies = {%s}
local i = 0
request = function()
  i = i %% #bodies + 1
  return wrk.format(nil, "/api/v1/public/query", nil, bodies[i])
end
"""


# --- the abusive clients (a separate process: `slow_clients.py --hold host port tls idle slow seconds`) ---------


async def _hold(host: str, port: int, tls: bool, idle: int, slow: int, seconds: float) -> dict:
    context = None
    if tls:
        context = ssl.create_default_context()
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    deadline = time.monotonic() + seconds
    stats = {"opened": 0, "refused": 0, "open_now": 0, "open_min": None, "open_samples": []}

    async def connection(trickle: bool) -> None:
        while time.monotonic() < deadline:
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(host, port, ssl=context), timeout=max(deadline - time.monotonic(), 0.1))
            except (OSError, TimeoutError):
                stats["refused"] += 1
                await asyncio.sleep(0.5)
                continue
            stats["opened"] += 1
            stats["open_now"] += 1
            try:
                if trickle:
                    writer.write(b"POST /api/v1/public/query HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    await writer.drain()
                    while time.monotonic() < deadline and not reader.at_eof():
                        writer.write(b"X")  # one byte a second of a header that never ends
                        await writer.drain()
                        await asyncio.sleep(1)
                else:
                    # Nothing sent: wait until the server gives up on us (or the run ends).
                    await asyncio.wait_for(reader.read(65536), timeout=max(deadline - time.monotonic(), 0.1))
                    while time.monotonic() < deadline and not reader.at_eof():
                        await asyncio.wait_for(reader.read(65536), timeout=max(deadline - time.monotonic(), 0.1))
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ssl.SSLError):
                pass
            finally:
                stats["open_now"] -= 1
                writer.close()

    async def sample() -> None:
        await asyncio.sleep(3)  # once they have all connected
        while time.monotonic() < deadline - 2:  # and before they are let go
            stats["open_samples"].append(stats["open_now"])
            await asyncio.sleep(0.5)

    await asyncio.gather(*[connection(False) for _ in range(idle)], *[connection(True) for _ in range(slow)],
                         sample())
    samples = stats.pop("open_samples")
    stats["open_min"] = min(samples) if samples else 0
    stats["open_mean"] = round(sum(samples) / len(samples)) if samples else 0
    return stats


def hold_main(argv: list[str]) -> None:
    host, port, tls, idle, slow, seconds = argv
    stats = asyncio.run(_hold(host, int(port), tls == "tls", int(idle), int(slow), float(seconds)))
    # The abusive clients run on the same 2 cores as the server: their own CPU is reported beside the figures.
    usage = resource.getrusage(resource.RUSAGE_SELF)
    stats["cpu_seconds"] = round(usage.ru_utime + usage.ru_stime, 1)
    print(json.dumps(stats))


# --- the measuring side ------------------------------------------------------------------------------------------


def wrk(url: str, bodies: str) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(QUERY_LUA % bodies)
    run = subprocess.run(["wrk", "-t2", f"-c{CLIENTS}", f"-d{SECONDS}s", f"--timeout={WRK_TIMEOUT_S}s", "--latency",
                          "-s", f.name, url], capture_output=True, text=True, check=True)
    os.unlink(f.name)
    text = run.stdout

    def ms(label: str) -> float:
        found = re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", text)
        if not found:
            return float("nan")
        value, unit = found.groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    requests = re.search(r"(\d+) requests in", text)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return {"requests": int(requests.group(1)) if requests else 0, "p50": ms("50%"), "p99": ms("99%"),
            "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": sum(int(x) for x in socket_errors.groups()) if socket_errors else 0}


def wait_until_up(url: str, context, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=5, context=context)  # noqa: S310 - loopback
            return
        except urllib.error.HTTPError as error:
            if error.code == 503:
                return  # Django answered (before the worker's first round): up
            time.sleep(0.3)  # 502 from nginx: gunicorn is not listening yet
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(url)


def start_layout(name: str, data_dir: Path) -> tuple[list[subprocess.Popen], str, bool]:
    """Start a layout on PORT; return its processes, the URL, and whether it speaks TLS."""
    env = {**os.environ, "PLANDESK_DATA_DIR": str(data_dir), "PLANDESK_LOG_LEVEL": "WARNING"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env, "start_new_session": True}
    if name == "make-run":
        return [subprocess.Popen([str(BIN / "plandesk"), "serve", "--bind", f"127.0.0.1:{PORT}"], **quiet)], \
            f"http://127.0.0.1:{PORT}", False
    if name == "gunicorn-alone":
        return [subprocess.Popen([str(BIN / "plandesk"), "serve", "--bind", f"127.0.0.1:{PORT}", "--no-proxy"],
                                 **quiet)], f"http://127.0.0.1:{PORT}", False
    if name == "production":
        from plandesk.operations.layout import production  # deploy/ as the systemd units run it

        quiet.pop("env")
        return production(data_dir, PORT, {**env, "PLANDESK_HTTPS": "1"}, **quiet), f"https://127.0.0.1:{PORT}", True
    raise SystemExit(f"unknown layout {name}")


def stop(processes: list[subprocess.Popen]) -> None:
    for process in reversed(processes):
        if process.poll() is None:
            process.terminate()
    for process in reversed(processes):
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def measure(name: str, bodies: str, first: bytes) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"bench-slow-{name}-"))
    processes, url, tls = start_layout(name, data_dir)
    context = ssl._create_unverified_context() if tls else None  # noqa: S323 - the bench's own self-signed cert
    try:
        wait_until_up(url, context)
        check = urllib.request.Request(f"{url}/api/v1/public/query", method="POST", data=first,  # noqa: S310
                                       headers={"Content-Type": "application/json"})
        assert json.load(urllib.request.urlopen(check, context=context))["status"]  # noqa: S310 - loopback
        wrk(url, bodies)  # warm-up
        load_before = os.getloadavg()
        baseline = wrk(url, bodies)
        hold_seconds = SECONDS + 8
        holder = subprocess.Popen([sys.executable, __file__, "--hold", "127.0.0.1", str(PORT),
                                   "tls" if tls else "plain", str(IDLE), str(SLOWLORIS), str(hold_seconds)],
                                  stdout=subprocess.PIPE, text=True)
        time.sleep(4)  # let the 250 connections open
        loaded = wrk(url, bodies)
        held = json.loads(holder.communicate(timeout=hold_seconds + 30)[0])
        load_after = os.getloadavg()
    finally:
        stop(processes)
        shutil.rmtree(data_dir, ignore_errors=True)
    return {"baseline": baseline, "loaded": loaded, "held": held, "load": (load_before, load_after)}


def main() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("BENCH_CASES", "40")
    import query as query_bench  # the public query bench's data: the demo bureau and BENCH_CASES filed cases
    from django.conf import settings
    from django.db import connection

    cases = query_bench.prepare()
    # The servers get data folders of their own: the same secret key, which the query passwords are hashed with.
    os.environ["PLANDESK_SECRET_KEY"] = settings.SECRET_KEY
    backend = connection.vendor
    connection.close()
    bodies = ", ".join(json.dumps(json.dumps({"case_number": n, "password": p})) for _pk, n, p in cases)
    first = json.dumps({"case_number": cases[0][1], "password": cases[0][2]}).encode()
    print(f"{backend}: {len(cases)} cases; {CLIENTS} clients (wrk, {SECONDS} s, timeout {WRK_TIMEOUT_S} s) alone, "
          f"then beside {IDLE} idle + {SLOWLORIS} slowloris connections", flush=True)
    for name in LAYOUTS:
        result = measure(name, bodies, first)
        base, loaded, held = result["baseline"], result["loaded"], result["held"]
        errors = loaded["non2xx"] + loaded["socket_errors"]
        ratio = loaded["p99"] / base["p99"] if base["p99"] else float("inf")
        verdict = "met" if ratio < 3 and errors == 0 and loaded["requests"] > 0 else "NOT met"
        load = "/".join(f"{x:.1f}" for x in result["load"][0]) + " -> " + "/".join(
            f"{x:.1f}" for x in result["load"][1])
        print(f"  {name}: load average {load}")
        print(f"    alone:  {base['requests']:6d} requests, p50 {base['p50']:8.1f} ms, p99 {base['p99']:8.1f} ms, "
              f"errors {base['non2xx'] + base['socket_errors']}")
        if loaded["requests"] == 0:
            print(f"    beside: no request answered in {SECONDS} s (wrk's timeout {WRK_TIMEOUT_S} s)")
        print(f"    beside: {loaded['requests']:6d} requests, p50 {loaded['p50']:8.1f} ms, p99 {loaded['p99']:8.1f} "
              f"ms, errors {errors}  (abusive connections open: min {held['open_min']}, mean {held['open_mean']}; "
              f"opened {held['opened']}, refused {held['refused']}; their own CPU {held['cpu_seconds']} s)")
        print(f"    p99 ratio {ratio:.2f}; target < 3x and no error: {verdict}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--hold"]:
        hold_main(sys.argv[2:])
    else:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plandesk.settings")
        sys.path.insert(0, str(ROOT))
        main()
