"""Who may use each page and API operation of this app (see plandesk/core/access.py)."""

from plandesk.core.access import PUBLIC

ACCESS = {
    "workdays:calculator": PUBLIC,
}
API_ACCESS = {
    "GET /api/v1/calendar/add-working-days": PUBLIC,
    "GET /api/v1/calendar/working-days-between": PUBLIC,
}
