from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "plandesk.publicity"
    verbose_name = "规划公示"
