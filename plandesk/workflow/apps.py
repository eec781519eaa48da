import logging

from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "plandesk.workflow"
    verbose_name = "流程"

    def ready(self) -> None:
        # SpiffWorkflow logs every task state change at INFO: far too chatty for a server log.
        logging.getLogger("spiff").setLevel(logging.WARNING)
        from plandesk.workdays.signals import calendar_changed
        from plandesk.workflow.services import on_calendar_changed

        calendar_changed.connect(on_calendar_changed, dispatch_uid="workflow.on_calendar_changed")
