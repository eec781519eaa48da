"""Worker jobs of the workflow: lights, implied consent, BPMN timers. Each is set-based or claims rows by
compare-and-set, so a second run (or a second worker) changes nothing."""

from plandesk.workflow.clock import lapse_supplements
from plandesk.workflow.services import lapse_overdue_tasks, refresh_lights, run_due_timers


def workflow_lights() -> int:
    return refresh_lights()


def workflow_implied_consent() -> int:
    return lapse_overdue_tasks()


def workflow_timers() -> int:
    return run_due_timers()


def workflow_supplement_deadlines() -> int:
    return lapse_supplements()


# The lights are recoloured by supervision's sweep, which records each change for the reminders
# (plandesk.supervision.jobs); workflow_lights stays for a manual run.
JOBS = [workflow_timers, workflow_implied_consent, workflow_supplement_deadlines]
