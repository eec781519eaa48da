"""Read-only organization API for staff: units and posts, for integrators and our own pages."""

from __future__ import annotations

import json
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone
from ninja import Router, Schema

from plandesk.core.api_errors import ApiError, ErrorOut
from plandesk.organization.models import Post, PostMembership, Substitute, Unit, is_staff_member

router = Router(tags=["组织机构 organization"])



class PersonOut(Schema):
    username: str
    name: str


class UnitOut(Schema):
    code: str
    name: str
    kind: str
    kind_display: str
    parent: str | None
    head: PersonOut | None
    is_active: bool
    jurisdiction: dict | None  # GeoJSON MultiPolygon, longitude/latitude (EPSG:4326)


class SubstituteOut(Schema):
    absent: str
    substitute: str
    starts_on: date
    ends_on: date


class PostOut(Schema):
    code: str
    name: str
    unit: str
    function: str
    authority: str
    duties: str
    time_limit_days: int | None
    members: list[PersonOut]
    substitutes: list[SubstituteOut]  # current and coming substitutions


def _staff_only(request) -> None:
    if not is_staff_member(request.auth):
        raise ApiError(403, "forbidden", "只有本局工作人员可以查看组织机构")


def _person(user) -> dict | None:
    return {"username": user.username, "name": user.display_name} if user is not None else None


def _geojson(geom) -> dict | None:
    if geom is None:
        return None
    return json.loads(geom.transform(4326, clone=True).json)


@router.get("/organization/units", response={200: list[UnitOut], 401: ErrorOut, 403: ErrorOut})
def list_units(request, kind: str | None = None, geometry: bool = True):
    """The bureau's units in tree order. `kind` filters by unit kind; `geometry=false` leaves jurisdictions out."""
    _staff_only(request)
    units = Unit.objects.select_related("parent", "head")
    if kind:
        if kind not in Unit.Kind.values:
            raise ApiError(400, "invalid_kind", f"单位类别“{kind}”不存在，可选：{'、'.join(Unit.Kind.values)}")
        units = units.filter(kind=kind)
    return [
        {
            "code": unit.code, "name": unit.name, "kind": unit.kind, "kind_display": unit.get_kind_display(),
            "parent": unit.parent.code if unit.parent else None, "head": _person(unit.head),
            "is_active": unit.is_active, "jurisdiction": _geojson(unit.jurisdiction) if geometry else None,
        }
        for unit, _depth in units.tree()
    ]


@router.get("/organization/posts", response={200: list[PostOut], 401: ErrorOut, 403: ErrorOut})
def list_posts(request, unit: str | None = None, function: str | None = None):
    """The posts with their members and current or coming substitutes; filter by `unit` code or `function`."""
    _staff_only(request)
    today = timezone.localdate()
    posts = Post.objects.select_related("unit").order_by("code").prefetch_related(
        Prefetch("memberships", queryset=PostMembership.objects.select_related("user").order_by("user__username")),
        Prefetch(
            "substitutes",
            queryset=Substitute.objects.filter(ends_on__gte=today).select_related("absent", "substitute"),
        ),
    )
    if unit:
        if not Unit.objects.filter(code=unit).exists():
            raise ApiError(404, "unknown_unit", f"单位“{unit}”不存在")
        posts = posts.filter(unit__code=unit)
    if function:
        posts = posts.filter(function=function)
    return [
        {
            "code": post.code, "name": post.name, "unit": post.unit.code, "function": post.function,
            "authority": post.authority, "duties": post.duties, "time_limit_days": post.time_limit_days,
            "members": [_person(m.user) for m in post.memberships.all()],
            "substitutes": [
                {"absent": s.absent.username, "substitute": s.substitute.username, "starts_on": s.starts_on,
                 "ends_on": s.ends_on}
                for s in sorted(post.substitutes.all(), key=lambda s: s.starts_on)
            ],
        }
        for post in posts
    ]
