from django.apps import AppConfig


class WindowConfig(AppConfig):
    name = "plandesk.window"
    verbose_name = "窗口"
