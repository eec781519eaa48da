from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "plandesk.organization"
    verbose_name = "组织机构与岗位"
