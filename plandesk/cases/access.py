"""Who may use each page and API operation of this app (see plandesk/core/access.py)."""

from plandesk.core.access import roles
from plandesk.workflow.access import CASE_READERS, OWN_DIVISION

ACCESS = {
    "cases:compliance_run": roles(*CASE_READERS, objects=OWN_DIVISION),
    "cases:compliance_pdf": roles(*CASE_READERS, objects=OWN_DIVISION),
}
API_ACCESS = {
    "GET /api/v1/cases/{case_number}/compliance": roles(*CASE_READERS, objects=OWN_DIVISION),
    "POST /api/v1/cases/{case_number}/compliance": roles(*CASE_READERS, objects=OWN_DIVISION),
}
