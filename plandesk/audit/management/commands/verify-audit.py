from django.core.management.base import BaseCommand, CommandError

from plandesk.audit.services import verify_chain


class Command(BaseCommand):
    help = "检查审计链是否完整 / Check that the audit hash chain is whole."

    def handle(self, *args, **options):
        def progress(n: int) -> None:
            self.stderr.write(f"  已检查 {n} 条…", ending="\r")

        report = verify_chain(progress=progress if options["verbosity"] > 1 else None)
        if not report.whole:
            raise CommandError(
                f"审计链断裂：事件 #{report.broken_event_id}：{report.reason}（此前 {report.checked} 条完好）"
                f" / audit chain broken at event #{report.broken_event_id}"
            )
        self.stdout.write(self.style.SUCCESS(f"审计链完整，共 {report.checked} 条事件 / audit chain whole"))
