from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "plandesk.appointments"
    verbose_name = "预约"
