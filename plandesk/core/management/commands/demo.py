"""`plandesk demo`: load the demo bureau. Idempotent; refused on a production installation."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from plandesk.core.context import acting_as
from plandesk.core.registry import app_modules


class Command(BaseCommand):
    help = "载入演示数据（可重复执行）/ load demo data (idempotent)"

    def handle(self, *args, **options):
        if settings.PLANDESK_ENV == "production":
            raise CommandError("生产环境不载入演示数据 / no demo data in production (PLANDESK_ENV=production)")
        with acting_as(name="demo"):
            for label, module in app_modules("demo"):
                load = getattr(module, "load", None)
                if load is None:
                    continue
                with transaction.atomic():
                    load(self.stdout)
                self.stdout.write(f"  ✓ {label}")
        self.stdout.write(self.style.SUCCESS("演示数据已就绪 / demo data ready"))
