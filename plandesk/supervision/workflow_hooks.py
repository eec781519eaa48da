"""Supervision's rules on the workflow's tasks (found by name: see plandesk/workflow/hooks.py)."""

from plandesk.supervision.services import check_completion, sweep_case_lights

# An urged task cannot be completed before the handler files the written feedback.
COMPLETION_CHECKS = [check_completion]
# A case whose deadlines move (resumed, calendar changed) is recoloured with its changes recorded, so that its
# reminders and urging notices come as from the worker's sweep.
LIGHT_SWEEPS = [sweep_case_lights]
