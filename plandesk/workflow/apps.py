import logging

from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "plandesk.workflow"
    verbose_name = "流程"

    def ready(self) -> None:
        # SpiffWorkflow logs every task state change at INFO: far too chatty for a server log.
        logging.getLogger("spiff").setLevel(logging.WARNING)
        from plandesk.core.signals import calendar_changed
        from plandesk.workflow.services import on_calendar_changed

        calendar_changed.connect(on_calendar_changed, dispatch_uid="workflow.on_calendar_changed")

        from django.db.models.signals import post_delete, post_save

        from plandesk.organization.models import Post, Unit
        from plandesk.workflow.services import clear_post_cache

        for model in (Post, Unit):
            post_save.connect(clear_post_cache, sender=model, dispatch_uid=f"workflow.posts.{model.__name__}")
            post_delete.connect(clear_post_cache, sender=model, dispatch_uid=f"workflow.posts.{model.__name__}.del")
