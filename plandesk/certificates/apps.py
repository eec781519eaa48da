from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "plandesk.certificates"
    verbose_name = "证照"

    def ready(self) -> None:
        from plandesk.certificates import receivers  # noqa: F401 (connects the signals)
        from plandesk.certificates.services import completion_check, work_rule
        from plandesk.workflow import services as workflow

        # What was prepared at the certificate step must be checked by a second person before the step ends.
        if completion_check not in workflow.COMPLETION_CHECKS:
            workflow.COMPLETION_CHECKS.append(completion_check)
        # Whoever prepared a case's documents may not check them at its 证件校核 step.
        if work_rule not in workflow.WORK_RULES:
            workflow.WORK_RULES.append(work_rule)
