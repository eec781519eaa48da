"""The public application guide (报建须知): no sign-in, every page readable without JavaScript."""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from plandesk.catalog.codes import CERTIFICATE_TYPES
from plandesk.catalog.models import Category, Item
from plandesk.catalog.pdf import blank_form_pdf
from plandesk.catalog.schemas import form_fields


def _published_item(code: str) -> Item:
    item = Item.objects.published().filter(code=code).first()
    if item is None:
        raise Http404("没有这个审批事项")
    return item


def _process_diagram_url(process_id: str) -> str | None:
    """The workflow app's page of the process diagram, once it offers one (`workflow:process_diagram`)."""
    try:
        return reverse("workflow:process_diagram", args=[process_id])
    except NoReverseMatch:
        return None


@require_GET
def index(request):
    items = list(Item.objects.published())
    groups = [
        (label, [item for item in items if item.current.category == value])
        for value, label in Category.choices
    ]
    return render(request, "catalog/index.html", {"groups": [(label, rows) for label, rows in groups if rows]})


@require_GET
def item(request, code: str):
    item = _published_item(code)
    version = item.current
    partners = []
    if version.parallel_group_id:
        partners = [
            other for other in Item.objects.published().filter(current__parallel_group=version.parallel_group)
            if other.pk != item.pk
        ]
    offices = [rule.unit for rule in item.delegation_rules.select_related("unit").filter(unit__is_active=True)]
    return render(request, "catalog/item.html", {
        "item": item,
        "version": version,
        "materials": version.materials_list,
        "fields": form_fields(version.form_schema),
        "partners": partners,
        "offices": offices,
        "certificate": CERTIFICATE_TYPES.get(version.certificate_type, ""),
        "diagram_url": _process_diagram_url(version.process_id),
    })


@require_GET
def form_pdf(request, code: str):
    version = _published_item(code).current
    response = HttpResponse(blank_form_pdf(version), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{code}-form-v{version.number}.pdf"'
    return response


@require_GET
def form_schema(request, code: str):
    version = _published_item(code).current
    body = json.dumps(version.form_schema, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/schema+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{code}-form-v{version.number}.schema.json"'
    return response
