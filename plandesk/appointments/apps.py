from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "plandesk.appointments"
    verbose_name = "预约接待"

    def ready(self) -> None:
        from plandesk.appointments import receivers  # noqa: F401 - connects the calendar receiver
