from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "plandesk.publicity"
    verbose_name = "规划公示"

    def ready(self) -> None:
        from plandesk.core.signals import calendar_changed
        from plandesk.publicity.services import on_calendar_changed

        calendar_changed.connect(on_calendar_changed, dispatch_uid="publicity.on_calendar_changed")
