from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "plandesk.workflow"
    verbose_name = "流程"
