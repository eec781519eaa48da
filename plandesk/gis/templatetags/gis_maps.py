"""`{% load gis_maps %}{% site_map %}`: the site-drawing map as one include, for any page that takes or shows a site
(the intake window, the case workspace, the online applicant); and words for gis codes (`layer_name`,
`land_use_words`) for pages of the apps above that show what gis returned."""

from __future__ import annotations

import json

from django import template
from django.conf import settings
from django.contrib.gis.geos import Point

from plandesk.gis.geometry import WGS84, transformed
from plandesk.gis.labels import value_label
from plandesk.gis.models import Layer
from plandesk.gis.views import drawing_config

register = template.Library()


@register.inclusion_tag("gis/site_map.html", takes_context=True)
def site_map(context, name: str = "site_geojson", value="", declared: str = "", public: bool = False,
             editable: bool = True, label: str = ""):
    """`name`: the hidden input that receives the site as GeoJSON (lon/lat); `value`: its current GeoJSON (dict or
    text); `declared`: a CSS selector of the declared land area input (m²) to compare with; `public`: base layers
    limited to public ones (pages anyone may open); `editable`: False shows the site without drawing tools."""
    request = context.get("request")
    config = drawing_config(getattr(request, "user", None), public=public, editable=editable)
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    return {"name": name, "value": value or "", "declared": declared, "editable": editable, "label": label,
            "config_json": json.dumps(config, ensure_ascii=False)}


@register.simple_tag
def coordinate_example() -> str:
    """A two-point example of a coordinate list in the bureau's CRS, near the map's centre (east, north)."""
    centre = transformed(Point(114.30, 30.60, srid=WGS84), settings.PLANDESK_SRID)
    return f"{centre.x:.2f},{centre.y:.2f}"


@register.filter
def layer_name(code: str) -> str:
    """A layer by its catalogue name (道路红线), not its code (road-red-lines): `{{ c.layer|layer_name }}`."""
    return _layer_names().get(code, code)


@register.filter
def land_use_words(code: str) -> str:
    """A land-use code in words with the code beside it: 二类居住用地（R2）; the code itself when unknown."""
    return value_label("land_use", code)


def _layer_names() -> dict[str, str]:
    # One small query per page render at most: the catalogue has a handful of layers.
    return dict(Layer.objects.values_list("code", "name"))
