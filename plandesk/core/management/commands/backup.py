"""`plandesk backup`: one archive of the database and the data folder's files, with SHA-256 hashes, while running.

SpatiaLite: sqlite3's online backup API (a consistent copy while others write). PostGIS: `pg_dump -Fc`.
Files: everything under the data folder that is not the database itself, static files or earlier backups
(uploads, window files, certificate keys, the secret key), and MEDIA_ROOT if it lives elsewhere.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

SKIP_DIRS = {"static", "backups", "run"}  # run: nginx temp files and live metrics, not data


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def data_files(data_dir: Path, database_file: Path | None) -> list[tuple[Path, str]]:
    """(path, name in the archive) for every file to keep."""
    skip = set()
    if database_file is not None:
        skip = {database_file, Path(f"{database_file}-wal"), Path(f"{database_file}-shm"),
                Path(f"{database_file}-journal")}
    found = []
    roots = [(data_dir, "files/data")]
    media = Path(settings.MEDIA_ROOT).resolve()
    if not media.is_relative_to(data_dir):
        roots.append((media, "files/media"))
    for root, prefix in roots:
        if not root.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            if Path(dirpath) == root:
                dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
            for name in filenames:
                path = Path(dirpath) / name
                if path.resolve() in skip or name.endswith((".sqlite3-wal", ".sqlite3-shm")):
                    continue
                if name.endswith(".sqlite3") and path.parent == data_dir:
                    continue  # other databases in the data folder (experiments) are not this installation's
                found.append((path, f"{prefix}/{path.relative_to(root).as_posix()}"))
    return found


class Command(BaseCommand):
    help = "备份数据库与上传文件为一个归档 / back up the database and uploaded files into one archive"

    def add_arguments(self, parser):
        parser.add_argument("--output", help="archive path (default: <data>/backups/plandesk-<time>.tar.gz)")

    def handle(self, *args, output=None, **options):
        data_dir = Path(settings.DATA_DIR).resolve()
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        target = Path(output) if output else data_dir / "backups" / f"plandesk-{stamp}.tar.gz"
        target.parent.mkdir(parents=True, exist_ok=True)
        db = connection.settings_dict
        with tempfile.TemporaryDirectory() as scratch:
            scratch = Path(scratch)
            if connection.vendor == "sqlite":
                database_file = Path(db["NAME"]).resolve()
                dump, member = scratch / "database.sqlite3", "database.sqlite3"
                source = sqlite3.connect(database_file)
                copy = sqlite3.connect(dump)
                with copy:
                    source.backup(copy)  # online: pages copied consistently while the site keeps writing
                copy.close()
                source.close()
            elif connection.vendor == "postgresql":
                database_file = None
                dump, member = scratch / "database.pgdump", "database.pgdump"
                env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
                command = ["pg_dump", "-Fc", "--no-owner", "-f", str(dump), "-d", db["NAME"]]
                for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
                    if db.get(key):
                        command += [flag, str(db[key])]
                result = subprocess.run(command, env=env, capture_output=True, text=True)
                if result.returncode != 0:
                    raise CommandError(f"pg_dump 失败：{result.stderr.strip()}")
            else:
                raise CommandError(f"不支持的数据库：{connection.vendor}")
            files = [(dump, member), *data_files(data_dir, database_file)]
            manifest = {
                "created_at": timezone.now().isoformat(), "database": connection.vendor,
                "files": {name: {"sha256": sha256(path), "size": path.stat().st_size} for path, name in files},
            }
            manifest_path = scratch / "manifest.json"
            manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
            partial = target.with_name(target.name + ".part")
            with tarfile.open(partial, "w:gz") as archive:
                archive.add(manifest_path, "manifest.json")
                for path, name in files:
                    archive.add(path, name)
            partial.replace(target)
        self.stdout.write(f"备份完成：{target}（{len(files)} 个文件）")
