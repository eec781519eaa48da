"""Publicity in the JSON API (shared/API.md, "Publicity"): the list, and opinions from the public."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from ninja import Router, Schema
from ninja.responses import Status as Answer

from plandesk.core.api_errors import ApiError, ErrorOut
from plandesk.core.context import client_ip
from plandesk.publicity.models import Publicity
from plandesk.publicity.services import OutsidePeriod, submit_opinion

router = Router(tags=["规划公示 publicity"])
PREFIX = "/publicity"



class PublicityOut(Schema):
    id: int
    title: str
    kind: str
    venues: list[str]
    starts_on: date
    ends_on: date
    media_notice_on: date | None


class OpinionIn(Schema):
    name: str
    contact: str
    content: str


class OpinionOut(Schema):
    tracking_code: str


def _out(p: Publicity) -> dict:
    return {"id": p.pk, "title": p.title, "kind": p.kind, "venues": list(p.venues), "starts_on": p.starts_on,
            "ends_on": p.ends_on, "media_notice_on": p.media_notice_on}


@router.get("", response={200: list[PublicityOut]}, auth=None)
def list_publicity(request, current: bool | None = None):
    """Publicity on the portal: `current=true` those running now, `current=false` the past ones, none given: all
    announced, running and past (newest start first). `venues` are codes: exhibition_hall, city_square,
    project_site, portal."""
    qs = Publicity.objects.public()
    if current is True:
        qs = qs.current()
    elif current is False:
        qs = qs.past()
    return [_out(p) for p in qs.order_by("-starts_on", "-id")]


@router.post("/{publicity_id}/opinions", response={201: OpinionOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut,
                                                   429: ErrorOut}, auth=None)
def post_opinion(request, publicity_id: int, payload: OpinionIn):
    """An opinion on a publicity: `201 {"tracking_code"}`; outside the period `409`; too many from one client
    address within an hour `429`."""
    publicity = Publicity.objects.public().filter(pk=publicity_id).first()
    if publicity is None:
        raise ApiError(404, "not_found", "没有这项公示")
    try:
        opinion = submit_opinion(publicity, name=payload.name, contact=payload.contact, content=payload.content,
                                 client_ip=client_ip(request), via="api")
    except ValidationError as exc:
        fields = [{"field": key, "message": "；".join(msgs)} for key, msgs in exc.message_dict.items()]
        raise ApiError(400, "invalid", "输入有误：" + "；".join(f["message"] for f in fields), fields=fields) from None
    except OutsidePeriod as exc:
        raise ApiError(409, "outside_period", str(exc), starts_on=publicity.starts_on.isoformat(),
                       ends_on=publicity.ends_on.isoformat()) from None
    return Answer(201, {"tracking_code": opinion.tracking_code})
