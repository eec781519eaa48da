from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "plandesk.workdays"
    verbose_name = "工作日历"
