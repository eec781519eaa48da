import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from plandesk.operations import proxy


def free_port() -> int:
    """A port whose successor is free too (serve puts gunicorn on the port after nginx's)."""
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            with socket.socket() as second:
                try:
                    second.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
            return port
    raise RuntimeError("no pair of free ports")


def database_url() -> str:
    """The test database as a PLANDESK_DATABASE_URL, so a server started here works on the test's data."""
    conf = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = conf["USER"] + (f":{conf['PASSWORD']}" if conf["PASSWORD"] else "")
        return f"postgresql://{auth}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"
    return f"spatialite:///{conf['NAME']}"


def wait_for(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    """Until the site answers (gunicorn's workers have loaded Django and reached the database)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", "/healthz")
            if connection.getresponse().status in (200, 503):
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.3)
    raise TimeoutError(f"nothing answers on {port}")


@pytest.fixture(scope="module")
def served(django_db_setup, tmp_path_factory):
    """`plandesk serve` (nginx → gunicorn, no worker) on free loopback ports, on the test database, once per module
    (tests using it are transactional, so the server sees their rows); yields (port, data folder)."""
    tmp_path = tmp_path_factory.mktemp("served")
    if proxy.nginx_binary() is None:
        pytest.skip("nginx is not installed (make system-packages installs it)")
    port = free_port()
    env = {**os.environ, "PLANDESK_DATABASE_URL": database_url(), "PLANDESK_DATA_DIR": str(tmp_path),
           "PLANDESK_TRUSTED_PROXIES": ""}
    env.pop("PYTEST_VERSION", None)  # the server is no test run: it uses the test database by the name given
    plandesk = Path(sys.executable).with_name("plandesk")
    process = subprocess.Popen([str(plandesk), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                                "--no-worker"], env=env, stdout=(tmp_path / "serve.log").open("ab"),
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(port, process)
        wait_for(port + 1, process)
        yield port, tmp_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
