from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "plandesk.reports"
    verbose_name = "统计"
