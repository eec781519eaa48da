"""Who may use each page and API operation of this app (see plandesk/core/access.py)."""

from plandesk.core.access import PUBLIC, roles

ACCESS = {
    # The telephone query line: the IVR gateway posts the caller's keys; lookups limited per caller number.
    "phone:entry": PUBLIC,
    "phone:start": PUBLIC,
    "phone:step": PUBLIC,
    "phone:hook": PUBLIC,
    "phone:calls": roles("office_supervisor", posts=("supervisor",)),
}
