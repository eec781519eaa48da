from django.apps import AppConfig


class PhoneConfig(AppConfig):
    name = "plandesk.phone"
    verbose_name = "电话查询"
