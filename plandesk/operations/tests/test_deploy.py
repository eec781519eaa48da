"""deploy/: the production environment template passes `plandesk check --deploy`; the nginx site is valid nginx;
the backup script keeps its retention."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from plandesk.operations import layout, proxy
from plandesk.operations.tests.conftest import database_url

DEPLOY = layout.DEPLOY
PLANDESK = str(Path(sys.executable).with_name("plandesk"))


def template() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "plandesk.env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def clean_environ() -> dict[str, str]:
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser fixtures of this test process (Playwright's loop), not by a host.
    return {k: v for k, v in os.environ.items() if not k.startswith("PLANDESK_")
            and k not in ("PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE")}


def test_the_production_template_passes_check_deploy(tmp_path):
    values = template()
    assert values["PLANDESK_ENV"] == "production" and values["PLANDESK_HTTPS"] == "1"
    assert values["PLANDESK_SECRET_KEY"] == ""  # generated on the host, never shipped
    # Only the folders are moved to this test's own; every other value is the template's.
    env = {**clean_environ(), **values, "PLANDESK_DATA_DIR": str(tmp_path), "PLANDESK_MEDIA_ROOT": str(tmp_path / "m"),
           "PLANDESK_STATIC_ROOT": str(tmp_path / "s")}
    run = subprocess.run([PLANDESK, "check", "--deploy", "--fail-level", "WARNING"], env=env, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "System check identified no issues" in run.stdout
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_the_production_nginx_site_is_valid(tmp_path):
    if proxy.nginx_binary() is None:
        pytest.skip("nginx is not installed (make system-packages installs it)")
    site = tmp_path / "plandesk.conf"
    site.write_text(layout.site_conf(tmp_path, 8443, ["127.0.0.1:8444"], tmp_path / "static"))
    text = site.read_text()
    for directive in ("ssl_certificate ", "client_max_body_size 256m", "client_header_timeout 10s",
                      "location /static/", "location /media/", "location = /metrics"):
        assert directive in text
    conf = tmp_path / "nginx.conf"
    conf.write_text(layout.main_conf(tmp_path, site))
    check = subprocess.run([proxy.nginx_binary(), "-t", "-c", str(conf), "-e", "stderr"], capture_output=True,
                           text=True)
    assert check.returncode == 0, check.stderr
    proxy_conf = (DEPLOY / "nginx" / "proxy.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in proxy_conf  # overwritten, never appended
    retry = next(line for line in proxy_conf.splitlines() if line.startswith("proxy_next_upstream "))
    assert "non_idempotent" not in retry  # a POST that reached gunicorn is never sent twice


@pytest.mark.django_db(transaction=True)
def test_the_backup_script_writes_an_archive_and_keeps_its_retention(tmp_path):
    backups = tmp_path / "backups"
    backups.mkdir()
    old, recent = backups / "plandesk-20200101T000000Z.tar.gz", backups / "plandesk-20990101T000000Z.tar.gz"
    for path, age_days in ((old, 40), (recent, 10)):
        path.write_bytes(b"x")
        stamp = time.time() - age_days * 86400
        os.utime(path, (stamp, stamp))
    env = {**clean_environ(), "PLANDESK_DATABASE_URL": database_url(), "PLANDESK_DATA_DIR": str(tmp_path / "data"),
           "PLANDESK_BACKUP_DIR": str(backups), "PLANDESK_BACKUP_KEEP_DAYS": "30", "PLANDESK_BIN": PLANDESK}
    run = subprocess.run(["sh", str(DEPLOY / "backup.sh")], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    archives = sorted(p.name for p in backups.iterdir())
    assert old.name not in archives and recent.name in archives
    assert len(archives) == 2 and (backups / archives[0]).stat().st_size > 100
