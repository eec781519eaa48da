from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "plandesk.portal"
    verbose_name = "门户网站"
