from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "plandesk.meetings"
    verbose_name = "两会"
