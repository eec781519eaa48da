"""An upgrade with no lost request (docs/DEPLOY.md "Upgrade"): deploy/ on loopback, clients asking all along,
gunicorn told to reload (SIGHUP, what `systemctl reload plandesk-web` sends) twice: every request answered 200."""

import http.client
import os
import signal
import ssl
import subprocess
import threading
import time
from pathlib import Path

import pytest

from plandesk.operations import layout, proxy
from plandesk.operations.tests.conftest import database_url, free_port


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


@pytest.mark.django_db(transaction=True)
def test_a_reload_loses_no_request(tmp_path):
    if proxy.nginx_binary() is None:
        pytest.skip("nginx is not installed (make system-packages installs it)")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_VERSION"}
    env |= {"PLANDESK_DATABASE_URL": database_url(), "PLANDESK_DATA_DIR": str(tmp_path),
            "PLANDESK_TRUSTED_PROXIES": proxy.PROXY_SOURCE, "PLANDESK_WEB_WORKERS": "2"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "start_new_session": True}
    web = layout.gunicorn(f"127.0.0.1:{port + 1}", env, tmp_path / "prometheus", **quiet)
    front = layout.nginx(tmp_path / "nginx", port, [f"127.0.0.1:{port + 1}"], tmp_path / "static", **quiet)
    context = ssl._create_unverified_context()  # noqa: S323 - the test's own self-signed certificate
    answers: list[int] = []
    stop = threading.Event()

    def ask() -> int:
        connection = http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=context)
        try:
            connection.request("GET", "/api/v1/items")
            return connection.getresponse().status
        except OSError:
            return 0
        finally:
            connection.close()

    def clients() -> None:
        while not stop.is_set():
            answers.append(ask())

    try:
        deadline = time.monotonic() + 60
        while ask() != 200:
            assert time.monotonic() < deadline, "the site did not come up"
            time.sleep(0.3)
        first_workers = children(web.pid)
        threads = [threading.Thread(target=clients) for _ in range(3)]
        for thread in threads:
            thread.start()
        for _ in range(2):
            time.sleep(2)
            web.send_signal(signal.SIGHUP)  # new workers with the new code; the old ones finish what they hold
        time.sleep(5)
        stop.set()
        last_workers = children(web.pid)
        for thread in threads:
            thread.join(timeout=60)
    finally:
        front.send_signal(signal.SIGQUIT)
        web.terminate()
        for process in (front, web):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    assert len(answers) > 20
    assert first_workers and last_workers and not first_workers & last_workers  # every worker was replaced
    assert set(answers) == {200}, {status: answers.count(status) for status in set(answers)}
