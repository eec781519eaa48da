from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "plandesk.notifications"
    verbose_name = "通知"
