from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "plandesk.reports"
    verbose_name = "统计"

    def ready(self) -> None:
        from plandesk.reports import signals  # noqa: F401
