"""Who may use each page and API operation of this app (see plandesk/core/access.py)."""

from plandesk.core.access import Rule, roles

NOTICES = "notices to the person's own tasks or units; the office sees all; 404 for the others"
OFFICE = roles("office_supervisor", posts=("supervisor",))
ASSESSORS = roles("office_supervisor", "director", posts=("supervisor", "director"))
ACCESS = {
    "supervision:desk": OFFICE,
    "supervision:phone": OFFICE,
    "supervision:notices": Rule(signed_in=True, objects=NOTICES),
    "supervision:notice": Rule(signed_in=True, objects=NOTICES),
    "supervision:issue": OFFICE,
    "supervision:feedback": Rule(signed_in=True, objects="the urged handler or his division head"),
    "supervision:pdf": Rule(signed_in=True, objects=NOTICES),
    "supervision:assessment": ASSESSORS,
    "supervision:assessment_xlsx": ASSESSORS,
}
