"""Who may use each page and API operation of this app (see plandesk/core/access.py)."""

from plandesk.core.access import PUBLIC

ACCESS = {
    "catalog:index": PUBLIC,
    "catalog:item": PUBLIC,
    "catalog:form_pdf": PUBLIC,
    "catalog:form_schema": PUBLIC,
}
API_ACCESS = {
    "GET /api/v1/items": PUBLIC,
    "GET /api/v1/items/{code}": PUBLIC,
}
