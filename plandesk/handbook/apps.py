from django.apps import AppConfig


class HandbookConfig(AppConfig):
    name = "plandesk.handbook"
    verbose_name = "行政管理手册"
