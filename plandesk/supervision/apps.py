from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "plandesk.supervision"
    verbose_name = "督办"

    def ready(self) -> None:
        from plandesk.supervision.services import check_completion
        from plandesk.workflow import services as workflow

        # An urged task cannot be completed before the handler files the written feedback.
        if check_completion not in workflow.COMPLETION_CHECKS:
            workflow.COMPLETION_CHECKS.append(check_completion)
