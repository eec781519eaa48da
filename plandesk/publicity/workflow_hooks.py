"""Publicity's rules on the workflow (found by name: see plandesk/workflow/hooks.py)."""

from plandesk.publicity.gate import case_fields, check_decision, check_prepared

# The publicity step (安排批前公示) ends only once the case's publicity is announced.
COMPLETION_CHECKS = [check_prepared]
# No decision, certificate or pick-up for a case whose items require publicity before it has ended.
DECISION_CHECKS = [check_decision]
# `publicity` in the staff's case detail.
CASE_FIELDS = [case_fields]
