"""bench/faults.py in its short mode (issue 16, item 4), on the backend of this test run.

A real gunicorn with two workers and a background worker on a database of their own; client threads take in cases
and complete tasks while processes are SIGKILLed and restarted; then every invariant is checked (see bench/faults.py).
About a minute and a half on the 2-core machine; the longer runs and their figures are in docs/RELIABILITY.md.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

FAULTS = Path(__file__).resolve().parents[3] / "bench" / "faults.py"


def _faults():
    spec = importlib.util.spec_from_file_location("plandesk_bench_faults", FAULTS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_nothing_is_lost_or_doubled_when_web_and_worker_are_killed_under_load():
    url = os.environ.get("PLANDESK_DATABASE_URL", "")
    result = _faults().run(clients=6, seconds=20, pg=url if url.startswith("postgres") else None, short=True,
                           notices=300)
    print(result)
    assert result["problems"] == [], result["problems"]
    assert result["unexpected_answers"] == [], result["unexpected_answers"]
    assert result["kills_total"] >= 3 and result["intakes_acknowledged"] >= 5, result
    checked = result["invariants_checked"]
    assert checked["acknowledged intake exists once"] == result["intakes_acknowledged"]
    assert checked["engine state = task table"] >= result["intakes_acknowledged"]
    assert checked["audit events verified"] > 0
