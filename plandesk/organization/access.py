"""Who may use each page and API operation of this app (see plandesk/core/access.py)."""

from plandesk.core.access import STAFF, roles

ACCESS = {
    "organization:chart": roles(*STAFF),
}
API_ACCESS = {
    "GET /api/v1/organization/units": roles(*STAFF),
    "GET /api/v1/organization/posts": roles(*STAFF),
}
