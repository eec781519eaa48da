import os
import subprocess
import sys

from plandesk.settings import database_from_url


def test_it_reads_a_postgis_url():
    db = database_from_url("postgis://planner:s%40cret@db.internal:5433/plandesk?sslmode=require")
    assert db["ENGINE"].endswith("postgis")
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "planner", "s@cret", "db.internal", "5433", "plandesk")
    assert db["OPTIONS"] == {"sslmode": "require", "prepare_threshold": 5}


def test_a_postgis_url_can_turn_preparing_off_or_change_its_threshold():
    assert database_from_url("postgis://db/plandesk?prepare_threshold=")["OPTIONS"]["prepare_threshold"] is None
    assert database_from_url("postgis://db/plandesk?prepare_threshold=2")["OPTIONS"]["prepare_threshold"] == 2


def test_it_reads_a_spatialite_url_with_wal_and_immediate_transactions():
    db = database_from_url("spatialite:////tmp/x.sqlite3")
    assert db["NAME"] == "/tmp/x.sqlite3"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert "foreign_keys=ON" in db["OPTIONS"]["init_command"]
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "PLANDESK_SECRET_KEY": "k3y-" + "x7Q#p9" * 12,
        "PLANDESK_HTTPS": "1",
        "PLANDESK_DATA_DIR": str(tmp_path),
        "PLANDESK_ENV": "production",
        "PLANDESK_ALLOWED_HOSTS": "plan.example.gov.cn",
    }
    env.pop("PLANDESK_DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-m", "plandesk", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
