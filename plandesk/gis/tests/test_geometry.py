"""Sites from outside: GeoJSON in, the bureau's CRS out, and a clear Chinese message for each fault."""

import pytest
from django.conf import settings
from django.contrib.gis.geos import MultiPolygon

from plandesk.gis.geometry import GeometryError, parse_site, to_geojson

SQUARE = [[114.300, 30.600], [114.301, 30.600], [114.301, 30.601], [114.300, 30.601], [114.300, 30.600]]


def polygon(*rings):
    return {"type": "Polygon", "coordinates": list(rings)}


def refused(data) -> GeometryError:
    with pytest.raises(GeometryError) as info:
        parse_site(data)
    return info.value


def test_it_turns_a_polygon_into_a_multipolygon_in_the_bureau_crs():
    site = parse_site(polygon(SQUARE))
    assert isinstance(site, MultiPolygon)
    assert site.srid == settings.PLANDESK_SRID
    # 0.001° × 0.001° at 30.6°N: about 95.8 m × 110.9 m.
    assert 10_300 < site.area < 10_900


def test_it_accepts_multipolygons_and_features():
    other = [[x + 0.002, y] for x, y in SQUARE]
    site = parse_site({"type": "Feature", "properties": {}, "geometry": {
        "type": "MultiPolygon", "coordinates": [[SQUARE], [other]]}})
    assert site.num_geom == 2


def test_it_round_trips_through_geojson():
    site = parse_site(polygon(SQUARE))
    back = to_geojson(site)
    assert back["type"] == "MultiPolygon"
    first = back["coordinates"][0][0][0]
    assert first == pytest.approx([114.300, 30.600], abs=1e-7)
    assert parse_site(back).area == pytest.approx(site.area, rel=1e-6)


def test_it_refuses_what_is_not_a_polygon():
    error = refused({"type": "Point", "coordinates": [114.3, 30.6]})
    assert error.code == "not_a_polygon"
    assert "Point" in error.message and "面" in error.message
    assert refused("not json").code == "invalid_geojson"
    assert refused([1, 2]).code == "invalid_geojson"


def test_it_names_the_place_where_a_boundary_crosses_itself():
    bowtie = [[114.300, 30.600], [114.302, 30.602], [114.302, 30.600], [114.300, 30.602], [114.300, 30.600]]
    error = refused(polygon(bowtie))
    assert error.code == "self_intersection"
    assert "自相交" in error.message
    assert "114.301" in error.message and "30.601" in error.message


def test_it_refuses_too_few_points_and_open_rings():
    error = refused(polygon([[114.3, 30.6], [114.301, 30.6], [114.3, 30.6]]))
    assert error.code == "too_few_points" and "点太少" in error.message
    assert refused(polygon(SQUARE[:-1])).code == "not_closed"


def test_it_refuses_coordinates_outside_longitude_and_latitude():
    swapped = [[y * 10, x] for x, y in SQUARE]  # 306°E is no longitude
    error = refused(polygon(swapped))
    assert error.code == "out_of_range" and "经纬度范围" in error.message


def test_it_refuses_sites_outside_the_bureau_area():
    beijing = [[x + 2.1, y + 9.3] for x, y in SQUARE]  # 116.4°E lies outside zone 114°E
    error = refused(polygon(beijing))
    assert error.code == "out_of_area" and "适用区域" in error.message


def test_it_refuses_non_numbers_and_foreign_crs():
    assert refused(polygon([[114.3, "30.6"], *SQUARE[1:]])).code == "invalid_coordinates"
    data = polygon(SQUARE) | {"crs": {"type": "name", "properties": {"name": "EPSG:3857"}}}
    assert refused(data).code == "unsupported_crs"
