"""Who may use each page and API operation of this app (see plandesk/core/access.py)."""

from plandesk.core.access import PUBLIC, roles

STAFF = roles("handler", "division_head", "director", "office_supervisor")
ACCESS = {
    **{f"publicity:{name}": PUBLIC for name in ("list", "map", "track", "receipt", "detail", "submit", "document")},
    **{f"publicity:{name}": STAFF for name in (
        "staff_list", "staff_new", "staff_detail", "staff_edit", "staff_notice", "staff_document", "staff_group_add",
        "staff_group", "staff_transition", "staff_moderate", "staff_classify", "staff_attachment")},
}
API_ACCESS = {
    "GET /api/v1/publicity": PUBLIC,
    "POST /api/v1/publicity/{publicity_id}/opinions": PUBLIC,
}
