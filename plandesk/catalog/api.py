"""The public catalogue in the API (shared/API.md "Catalogue and calendar"): no token needed."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema

from plandesk.catalog.models import Item, ItemVersion
from plandesk.core.api_errors import ApiError, ErrorOut

router = Router(tags=["审批事项 catalogue"])


class MaterialOut(Schema):
    code: str
    name: str
    required: bool


class ItemOut(Schema):
    code: str
    name: str
    category: str
    time_limit_days: int
    materials: list[MaterialOut]
    parallel_group: str | None


class ItemDetailOut(ItemOut):
    form_schema: dict[str, Any]



def _item_out(item: Item) -> dict:
    version: ItemVersion = item.current
    return {
        "code": item.code,
        "name": version.name,
        "category": version.category,
        "time_limit_days": version.promised_days,
        "materials": [{"code": m.code, "name": m.name, "required": m.required} for m in version.materials.all()],
        "parallel_group": version.parallel_group.code if version.parallel_group_id else None,
    }


def _published():
    return Item.objects.published().prefetch_related("current__materials")


@router.get("/items", response=list[ItemOut], auth=None)
def list_items(request):
    """The approval items in force, each with its promised time limit (working days) and materials."""
    return [_item_out(item) for item in _published()]


@router.get("/items/{code}", response={200: ItemDetailOut, 404: ErrorOut}, auth=None)
def get_item(request, code: str):
    """One item, with the JSON Schema of its current application form."""
    item = _published().filter(code=code).first()
    if item is None:
        raise ApiError(404, "not_found", f"没有编码为“{code}”的审批事项")
    return {**_item_out(item), "form_schema": item.current.form_schema}
