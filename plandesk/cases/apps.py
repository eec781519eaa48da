from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "plandesk.cases"
    verbose_name = "案卷"
