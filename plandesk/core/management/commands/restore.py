"""`plandesk restore ARCHIVE`: bring a backup back into an empty database and data folder, hashes checked first."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from plandesk.core.management.commands.backup import sha256


class Command(BaseCommand):
    help = "从备份归档恢复到空数据库与数据目录 / restore a backup archive into an empty database and data folder"

    def add_arguments(self, parser):
        parser.add_argument("archive")

    def handle(self, *args, archive, **options):
        data_dir = Path(settings.DATA_DIR).resolve()
        with tempfile.TemporaryDirectory() as scratch:
            scratch = Path(scratch)
            try:
                with tarfile.open(archive, "r:gz") as tar:
                    for member in tar.getmembers():
                        name = Path(member.name)
                        if not member.isfile() or name.is_absolute() or ".." in name.parts:
                            raise CommandError(f"备份归档中有不允许的条目：{member.name}")
                        tar.extract(member, scratch)
                manifest = json.loads((scratch / "manifest.json").read_text())
            except (OSError, tarfile.TarError, ValueError, KeyError) as exc:
                raise CommandError(f"无法读取备份归档：{exc}") from None
            for name, meta in manifest["files"].items():
                path = scratch / name
                if not path.is_file() or sha256(path) != meta["sha256"]:
                    raise CommandError(f"备份已损坏：{name} 的校验值不符")
            if manifest["database"] != connection.vendor:
                raise CommandError(f"备份来自 {manifest['database']}，当前数据库是 {connection.vendor}")
            self._restore_database(scratch)
            for name in manifest["files"]:
                if name.startswith("files/"):
                    kind, relative = name.split("/", 2)[1:]
                    base = data_dir if kind == "data" else Path(settings.MEDIA_ROOT).resolve()
                    target = base / relative
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(scratch / name, target)
        self.stdout.write(f"恢复完成：{len(manifest['files'])} 个文件")

    def _restore_database(self, scratch: Path) -> None:
        db = connection.settings_dict
        tables = connection.introspection.table_names()
        if [t for t in tables if not t.startswith(("spatial", "geometry_", "sql_", "views_", "virts_", "spatialite",
                                                   "ElementaryGeometries", "data_licenses", "KNN", "SE_", "rl2map",
                                                   "vector_", "geom_cols", "idx_", "virts", "raster_"))]:
            raise CommandError("目标数据库不是空的：请恢复到新的空数据库")
        if connection.vendor == "sqlite":
            connection.close()
            source = sqlite3.connect(scratch / "database.sqlite3")
            target = sqlite3.connect(db["NAME"])
            with target:
                source.backup(target)
            target.close()
            source.close()
        else:
            env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
            command = ["pg_restore", "--no-owner", "-d", db["NAME"], str(scratch / "database.pgdump")]
            for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
                if db.get(key):
                    command += [flag, str(db[key])]
            result = subprocess.run(command, env=env, capture_output=True, text=True)
            if result.returncode != 0:
                raise CommandError(f"pg_restore 失败：{result.stderr.strip()}")
