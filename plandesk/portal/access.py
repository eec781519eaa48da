"""Who may use each page and API operation of this app (see plandesk/core/access.py)."""

from plandesk.core.access import PUBLIC

ACCESS = {
    "portal:home": PUBLIC,
    "portal:search": PUBLIC,
    "portal:notices": PUBLIC,
    "portal:notice": PUBLIC,
    "portal:case_query": PUBLIC,
}
API_ACCESS = {
    "GET /api/v1/search": PUBLIC,
    "GET /api/v1/notices": PUBLIC,
}
