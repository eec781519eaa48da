from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "plandesk.audit"
    verbose_name = "审计"

    def ready(self) -> None:
        from plandesk.audit import signals  # noqa: F401
