from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "plandesk.core"
    verbose_name = "界面与公共设施"
