from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "plandesk.supervision"
    verbose_name = "督办"
