"""Who may use each page and API operation of this app (see plandesk/core/access.py)."""

from plandesk.core.access import PUBLIC, roles

ACCESS = {
    # The telephone query line: public to the phone platform only (platform.py: 403 to any other address; the
    # matrix runs from 127.0.0.1, the default platform address). The office reads the calls at /phone/calls/.
    "phone:entry": PUBLIC,
    "phone:start": PUBLIC,
    "phone:step": PUBLIC,
    "phone:hook": PUBLIC,
    "phone:other": PUBLIC,  # the platform gets 404, everyone else 403 (platform.py)
    "phone:calls": roles("office_supervisor", posts=("supervisor",)),
}
