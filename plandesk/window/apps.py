from django.apps import AppConfig


class WindowConfig(AppConfig):
    name = "plandesk.window"
    verbose_name = "窗口"

    def ready(self) -> None:
        from plandesk.window import receivers  # noqa: F401 - connects the receivers
