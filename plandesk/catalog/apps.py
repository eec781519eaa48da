from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "plandesk.catalog"
    verbose_name = "审批事项"
