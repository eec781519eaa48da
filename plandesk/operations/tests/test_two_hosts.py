"""Several hosts on PostgreSQL (bench/two_hosts.py, short): two web servers and two workers behind nginx, one of each
killed under bench/faults.py's load; nothing lost or doubled, nginx routes around the dead host, the audit verifies.
About a minute; the figures of longer runs are in docs/DEPLOY.md."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from plandesk.operations import proxy

TWO_HOSTS = Path(__file__).resolve().parents[3] / "bench" / "two_hosts.py"


def _two_hosts():
    spec = importlib.util.spec_from_file_location("plandesk_bench_two_hosts", TWO_HOSTS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_web_host_and_a_worker_die_under_load_and_nothing_is_lost_or_doubled():
    url = os.environ.get("PLANDESK_DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("several hosts share a PostgreSQL database (the embedded database is one host's)")
    if proxy.nginx_binary() is None:
        pytest.skip("nginx is not installed (make system-packages installs it)")
    result = _two_hosts().run(url, clients=4, seconds=15)
    print(result)
    assert result["problems"] == [], result["problems"]
    assert result["unexpected_answers"] == [], result["unexpected_answers"]
    assert result["answers_lost_at_kill"] <= result["clients"]  # at most the requests in flight on host B
    checked = result["invariants_checked"]
    assert checked["acknowledged intake exists once"] == result["intakes_acknowledged"]
    assert checked["audit events verified"] > 0
    assert result["notices"].get("sms/sent") == 300  # the surviving worker sent them all, none twice
    # Service went on through the proxy after the kill, from host A only.
    assert result["after_kill"]["acked"] >= 5
    routing = result["routing_after_kill"]
    assert routing["to_a"] > 0 and routing["to_b"] == 0
    assert result["health_after"]["http"] == 200 and result["health_after"]["checks"]["worker"] == "ok"
