from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "plandesk.portal"
    verbose_name = "门户网站"

    def ready(self) -> None:
        from plandesk.portal.index import connect_signals

        connect_signals()
