"""The certificates' rules on the workflow's tasks (found by name: see plandesk/workflow/hooks.py)."""

from plandesk.certificates.drafting import materials_check
from plandesk.certificates.services import completion_check, work_rule

# What was prepared at the certificate step must be checked by a second person before the step ends.
COMPLETION_CHECKS = [completion_check]
# Whoever prepared a case's documents may not check them at its 证件校核 step.
WORK_RULES = [work_rule]
# No certificate while a 容缺 material due before issue is missing (409 materials_outstanding).
DECISION_CHECKS = [materials_check]
