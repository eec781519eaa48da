from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "plandesk.supervision"
    verbose_name = "督办"

    def ready(self) -> None:
        from plandesk.supervision.services import check_completion, sweep_case_lights
        from plandesk.workflow import services as workflow

        # An urged task cannot be completed before the handler files the written feedback.
        if check_completion not in workflow.COMPLETION_CHECKS:
            workflow.COMPLETION_CHECKS.append(check_completion)
        # A case whose deadlines move (resumed, calendar changed) is recoloured with its changes recorded, so that
        # its reminders and urging notices come as from the worker's sweep.
        if sweep_case_lights not in workflow.LIGHT_SWEEPS:
            workflow.LIGHT_SWEEPS.append(sweep_case_lights)
