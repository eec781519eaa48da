"""Who may use each page and API operation of this app (see plandesk/core/access.py)."""

from plandesk.core.access import PUBLIC, Rule, roles

BOOKING = "the card number and the phone it was booked with (404 otherwise)"
RECEPTION = roles("consultant", "intake_clerk", "director", "office_supervisor", "administrator")
ACCESS = {
    "appointments:home": PUBLIC,
    "appointments:book": PUBLIC,
    "appointments:find": PUBLIC,
    "appointments:card": Rule(public=True, objects=BOOKING),
    "appointments:card_pdf": Rule(public=True, objects=BOOKING),
    "appointments:cancel": Rule(public=True, objects=BOOKING),
    "appointments:move": Rule(public=True, objects=BOOKING),
    "appointments:schedule": RECEPTION,
    "appointments:check_in": RECEPTION,
    "appointments:complete": RECEPTION,
    "appointments:no_show": RECEPTION,
}
API_ACCESS = {
    "GET /api/v1/appointments/slots": PUBLIC,
    "POST /api/v1/appointments": PUBLIC,
    "POST /api/v1/appointments/{card_number}/cancel": Rule(public=True, objects=BOOKING),
    "POST /api/v1/appointments/{card_number}/move": Rule(public=True, objects=BOOKING),
}
