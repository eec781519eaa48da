"""Who may use each page and API operation of this app (see plandesk/core/access.py)."""

from plandesk.core.access import PUBLIC, SIGNED_IN

ACCESS = {
    "accounts:login": PUBLIC,
    "accounts:logout": SIGNED_IN,
}
API_ACCESS = {
    "POST /api/v1/auth/token": PUBLIC,
    "GET /api/v1/me": SIGNED_IN,
}
