"""Who may use each page and API operation of this app (see plandesk/core/access.py)."""

from plandesk.core.access import PUBLIC

ACCESS = {
    "handbook:index": PUBLIC,
    "handbook:chapter": PUBLIC,
    "handbook:article": PUBLIC,
    "handbook:regulations": PUBLIC,
    "handbook:regulation": PUBLIC,
}
API_ACCESS = {
    "GET /api/v1/regulations": PUBLIC,
    "GET /api/v1/regulations/{code}": PUBLIC,
}
