"""The demo bureau with its base databases, and sites drawn on the demo city's grid of roads and parcels."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.geos import MultiPolygon, Polygon

from plandesk.gis.geometry import to_geojson

# The application body, and the autouse fixtures (a fast password hasher, a temporary folder for uploaded files),
# which apply here because they are imported into this conftest.
from plandesk.testing.applications import USCC, application  # noqa: F401
from plandesk.testing.fixtures import city, fast_hasher, window_files  # noqa: F401 (fixtures)


def grid():
    """The demo city's road lines (x of the north-south roads, y of the east-west ones) in the bureau's CRS."""
    from plandesk.gis import demo as gis_demo

    return gis_demo._grid()


def site_box(x0, y0, x1, y1) -> dict:
    """GeoJSON (lon/lat) of a box given in the bureau's CRS."""
    return to_geojson(MultiPolygon(Polygon.from_bbox((x0, y0, x1, y1)), srid=settings.PLANDESK_SRID))


def lonlat_box(w, s, e, n) -> dict:
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}
