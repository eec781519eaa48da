"""Who may use each page and API operation of this app (see plandesk/core/access.py)."""

from plandesk.core.access import Rule, roles

MEMBERS = ("handler", "division_head", "director", "office_supervisor")
OWN_BODY = "meetings of a body the person belongs to (division or bureau meeting); 404 for the others"
CHAIR = "the meeting's chair or secretary; 403/404 for the others"
CALLERS = roles("division_head", "director", "office_supervisor", posts=("head", "director", "supervisor"))
ACCESS = {
    "meetings:list": Rule(signed_in=True, objects=OWN_BODY),
    "meetings:new": CALLERS,
    "meetings:detail": roles(*MEMBERS, objects=OWN_BODY),
    "meetings:minutes": roles(*MEMBERS, objects=OWN_BODY),
    **{f"meetings:{name}": roles(*MEMBERS, objects=CHAIR)
       for name in ("attendance", "agenda_add", "agenda_remove", "agenda_move", "decide", "sign", "correct")},
}
API_ACCESS = {
    "POST /api/v1/meetings": CALLERS,
    "GET /api/v1/meetings": Rule(signed_in=True, objects=OWN_BODY),
    "GET /api/v1/meetings/{meeting_id}": roles(*MEMBERS, objects=OWN_BODY),
    "GET /api/v1/meetings/{meeting_id}/minutes.pdf": roles(*MEMBERS, objects=OWN_BODY),
    "POST /api/v1/meetings/{meeting_id}/decisions": roles(*MEMBERS, objects=CHAIR),
    "POST /api/v1/meetings/{meeting_id}/attendance": roles(*MEMBERS, objects=CHAIR),
    "POST /api/v1/meetings/{meeting_id}/sign": roles(*MEMBERS, objects=CHAIR),
    "POST /api/v1/meetings/{meeting_id}/corrections": roles(*MEMBERS, objects=CHAIR),
}
