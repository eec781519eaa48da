"""`plandesk verify-certificate FILE.pdf [--public-key KEY.pem]`: check a certificate PDF's embedded signature
offline (exit 0 valid, 1 not), and, when this installation holds the number, its current status."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plandesk.certificates import pdf, services, signing


class Command(BaseCommand):
    help = "校验电子证照 PDF 的内嵌签名（Ed25519），并显示其现状"

    def add_arguments(self, parser):
        parser.add_argument("file", help="证照 PDF 文件")
        parser.add_argument("--public-key", help="公钥 PEM 文件（默认：本系统公布的公钥）")
        parser.add_argument("--offline", action="store_true", help="只校验签名，不查询数据库")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        key = None
        if options.get("public_key"):
            try:
                key = signing.load_public_pem(Path(options["public_key"]).read_bytes())
            except (OSError, ValueError) as exc:
                raise CommandError(f"公钥无法读取：{exc}") from exc
        check = pdf.check_file(path.read_bytes(), key)
        self.stdout.write(("✔ " if check.ok else "✘ ") + check.message)
        if check.payload:
            for label, field in (("证照", "type_name"), ("证号", "number"), ("持证人", "holder"),
                                 ("项目", "project"), ("发证机关", "authority"), ("发证日期", "issued_on")):
                self.stdout.write(f"  {label}：{check.payload.get(field) or ''}")
        if check.ok and not options["offline"]:
            status = services.verify(str(check.payload.get("number", "")))
            if status is not None:
                self.stdout.write(f"  现状：{status.message}")
                if not status.valid:
                    sys.exit(1)
        if not check.ok:
            sys.exit(1)
