"""Who may use each page and API operation of this app (see plandesk/core/access.py)."""

from plandesk.core.access import Rule, roles

CASE_READERS = ("handler", "division_head", "director", "office_supervisor")
OWN_DIVISION = "cases of the person's own division, or on which he holds a task; 404 for the others"
OWN_TASK = "a task at a post the person holds; refused with a message otherwise"
ACCESS = {
    "workflow:todo": Rule(signed_in=True, objects="one's own tasks"),
    "workflow:done": Rule(signed_in=True, objects="one's own tasks"),
    "workflow:case": roles(*CASE_READERS, objects=OWN_DIVISION),
    "workflow:case_sites": roles(*CASE_READERS, objects="sites of the cases the person may see"),
    "workflow:diagram": roles(*CASE_READERS, objects=OWN_DIVISION),
    "workflow:claim": Rule(signed_in=True, objects=OWN_TASK),
    "workflow:complete": Rule(signed_in=True, objects=OWN_TASK),
    "workflow:transfer": Rule(signed_in=True, objects=OWN_TASK),
    "workflow:supplement": Rule(signed_in=True, objects=OWN_TASK),
    "workflow:clock_pause": Rule(signed_in=True, objects=OWN_TASK),
    "workflow:clock_resume": Rule(signed_in=True, objects=OWN_TASK),
    "workflow:extension_request": Rule(signed_in=True, objects=OWN_TASK),
    "workflow:extension_decision": roles("division_head", "director",
                                         objects="the head of the case's handling office, or the director (setting)"),
    "workflow:extension_letter": roles(*CASE_READERS, objects=OWN_DIVISION),
    "workflow:compliance_run": roles(*CASE_READERS, objects=OWN_DIVISION),
    "workflow:compliance_pdf": roles(*CASE_READERS, objects=OWN_DIVISION),
}
API_ACCESS = {
    "GET /api/v1/tasks": Rule(signed_in=True, objects="one's own tasks"),
    "POST /api/v1/tasks/{task_id}/complete": Rule(signed_in=True, objects=OWN_TASK),
    "POST /api/v1/tasks/{task_id}/claim": Rule(signed_in=True, objects=OWN_TASK),
    "POST /api/v1/tasks/{task_id}/draft": Rule(signed_in=True, objects=OWN_TASK),
    "POST /api/v1/tasks/{task_id}/transfer": Rule(signed_in=True, objects=OWN_TASK),
    "POST /api/v1/tasks/{task_id}/supplement": Rule(signed_in=True, objects=OWN_TASK),
    "POST /api/v1/tasks/{task_id}/pauses": Rule(signed_in=True, objects=OWN_TASK),
    "POST /api/v1/tasks/{task_id}/resume": Rule(signed_in=True, objects=OWN_TASK),
    "POST /api/v1/tasks/{task_id}/extension": Rule(signed_in=True, objects=OWN_TASK),
    "POST /api/v1/cases/{case_number}/extension/decision": roles(
        "division_head", "director", objects="the head of the case's handling office, or the director (setting)"),
    "GET /api/v1/cases/{case_number}/extension/letter.pdf": roles(*CASE_READERS, objects=OWN_DIVISION),
    "GET /api/v1/cases/{case_number}/clock": roles(*CASE_READERS, objects=OWN_DIVISION),
    "POST /api/v1/cases/{case_number}/withdrawal": roles("intake_clerk", objects="any case in progress or paused"),
    "GET /api/v1/cases/{case_number}": roles(*CASE_READERS, objects=OWN_DIVISION),
    "GET /api/v1/cases/{case_number}/compliance": roles(*CASE_READERS, objects=OWN_DIVISION),
    "POST /api/v1/cases/{case_number}/compliance": roles(*CASE_READERS, objects=OWN_DIVISION),
}
