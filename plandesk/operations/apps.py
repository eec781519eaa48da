from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "plandesk.operations"
    verbose_name = "运行监测"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from plandesk.operations import receivers  # noqa: F401 (connects the worker's job timings)
        from plandesk.operations.metrics import count_queries

        # Every database connection counts its statements for /metrics through Django's own execute-wrapper hook,
        # so the database engines stay the stock GeoDjango ones (core.sql's server-side binding included).
        connection_created.connect(count_queries, dispatch_uid="plandesk.operations.count_queries")
