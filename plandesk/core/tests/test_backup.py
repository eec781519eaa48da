"""`plandesk backup` and `plandesk restore` round-trip every table's rows and every file (SpatiaLite)."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from plandesk.audit.services import record


def _rows(path: str) -> dict[str, list]:
    db = sqlite3.connect(path)
    tables = [name for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE type='table'")
              if sql and not sql.upper().startswith("CREATE VIRTUAL")]
    rows = {}
    for table in tables:
        try:
            query = f'SELECT * FROM "{table}"'  # noqa: S608 (names read from sqlite_master)
            rows[table] = sorted(db.execute(query).fetchall(), key=repr)
        except sqlite3.OperationalError:  # a SpatiaLite table that needs the extension to read
            continue
    db.close()
    return rows


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SpatiaLite round trip; PostGIS uses pg_dump")
def test_it_round_trips_the_database_and_every_file(transactional_db, member, settings, tmp_path):
    data = tmp_path / "data"
    (data / "window" / "files" / "ab").mkdir(parents=True)
    (data / "window" / "files" / "ab" / "material.pdf").write_bytes(b"%PDF-1.7 material " * 100)
    (data / "media").mkdir()
    (data / "media" / "photo.png").write_bytes(os.urandom(5000))
    (data / "secret_key").write_text("k")
    settings.DATA_DIR = data
    settings.MEDIA_ROOT = data / "media"
    record("test.backup", member, summary="备份测试")
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive))
    assert archive.is_file()

    restored = tmp_path / "restored"
    env = {**os.environ, "PLANDESK_DATABASE_URL": f"spatialite:///{restored / 'plandesk.sqlite3'}",
           "PLANDESK_DATA_DIR": str(restored), "PLANDESK_MEDIA_ROOT": str(restored / "media")}
    env.pop("PYTEST_VERSION", None)
    result = subprocess.run([sys.executable, "-m", "plandesk", "restore", str(archive)], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr

    source = _rows(connection.settings_dict["NAME"])
    copy = _rows(str(restored / "plandesk.sqlite3"))
    assert source.keys() == copy.keys()
    for table in source:
        assert source[table] == copy[table], table
    assert any(rows for rows in copy.values())
    for path in (Path("window/files/ab/material.pdf"), Path("media/photo.png"), Path("secret_key")):
        assert (restored / path).read_bytes() == (data / path).read_bytes()


def test_it_refuses_to_restore_over_a_database_that_is_not_empty(db, settings, tmp_path):
    from django.core.management.base import CommandError

    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "data" / "media"
    archive = tmp_path / "b.tar.gz"
    call_command("backup", output=str(archive))
    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore", str(archive))


def test_it_refuses_a_damaged_archive(db, tmp_path):
    from django.core.management.base import CommandError

    archive = tmp_path / "bad.tar.gz"
    archive.write_bytes(b"not a tar archive")
    with pytest.raises(CommandError, match="无法读取备份归档"):
        call_command("restore", str(archive))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostGIS round trip (pg_dump/pg_restore)")
def test_it_round_trips_a_postgis_database(transactional_db, member, settings, tmp_path):
    import psycopg

    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = tmp_path / "data" / "media"
    (tmp_path / "data" / "media").mkdir(parents=True)
    (tmp_path / "data" / "media" / "plan.pdf").write_bytes(b"%PDF-1.7 " * 50)
    record("test.backup", member, summary="备份测试")
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive))

    db = connection.settings_dict
    target = f"{db['NAME']}_restored"
    base = {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"] or None,
            "password": db["PASSWORD"] or None}
    with psycopg.connect(dbname="postgres", autocommit=True, **base) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}"')
        admin.execute(f'CREATE DATABASE "{target}"')
    try:
        restored = tmp_path / "restored"
        url = f"postgis://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{target}"
        env = {**os.environ, "PLANDESK_DATABASE_URL": url, "PLANDESK_DATA_DIR": str(restored),
               "PLANDESK_MEDIA_ROOT": str(restored / "media")}
        env.pop("PYTEST_VERSION", None)
        result = subprocess.run([sys.executable, "-m", "plandesk", "restore", str(archive)], env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr

        def rows(name: str) -> dict[str, list]:
            with psycopg.connect(dbname=name, **base) as conn:
                tables = [t for (t,) in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
                return {t: sorted(map(repr, conn.execute(f'SELECT * FROM "{t}"').fetchall()))  # noqa: S608
                        for t in tables}

        source, copy = rows(db["NAME"]), rows(target)
        assert source.keys() == copy.keys()
        for table in source:
            assert source[table] == copy[table], table
        assert (restored / "media" / "plan.pdf").read_bytes() == (tmp_path / "data" / "media" / "plan.pdf").read_bytes()
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **base) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
