"""What the site-drawing map is told as a site is drawn: area in m² and 亩, parcels covered, the declared-area
warning; coordinate lists recognised by range; the include that pages use."""

from __future__ import annotations

import json

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from plandesk.gis.drawing import SQUARE_METRES_PER_MU, area_warning
from plandesk.gis.geometry import GeometryError, parse_site, read_coordinates
from plandesk.gis.tests.conftest import square

pytestmark = pytest.mark.django_db

# Over half of each of the first two parcels of `filled` (P-00 at 114.300, P-01 at 114.302, 0.001° wide).
SITE = {"type": "Polygon", "coordinates": [[[114.3005, 30.6002], [114.3025, 30.6002], [114.3025, 30.6008],
                                            [114.3005, 30.6008], [114.3005, 30.6002]]]}


def summary(client, **params):
    return client.get("/gis/site-summary.json", {"site": json.dumps(SITE), **params})


def test_it_gives_the_area_in_square_metres_and_mu_and_the_parcels_covered(client, filled):
    data = summary(client, public="1").json()
    area = parse_site(SITE).area
    assert data["area_m2"] == round(area) and data["area_mu"] == round(round(area) / SQUARE_METRES_PER_MU, 2)
    assert [p["code"] for p in data["parcels"]] == ["P-00", "P-01"]
    first = data["parcels"][0]
    assert first["land_use"] == "R2" and first["land_use_label"] == "二类居住用地"
    assert 0.24 < first["share"] < 0.26 and first["overlap_m2"] > 0  # half of a 0.001° parcel, a quarter of the site
    assert data["warning"] == ""


def test_it_warns_when_the_declared_area_differs_by_more_than_the_tolerance(client, filled, settings):
    area = round(parse_site(SITE).area)
    assert summary(client, declared=str(area * 1.04)).json()["warning"] == ""
    warning = summary(client, declared="1000").json()["warning"]
    assert f"{area:,} 平方米" in warning and "1,000 平方米" in warning and "超过 5%" in warning
    settings.PLANDESK_SITE_AREA_TOLERANCE = 0.01
    assert "超过 1%" in summary(client, declared=str(area * 1.04)).json()["warning"]
    assert area_warning(100, None) == area_warning(100, 0) == ""


def test_it_lists_only_parcels_of_layers_the_person_may_see(client, filled):
    filled["parcels"].access = "staff"
    filled["parcels"].save()
    assert summary(client).json()["parcels"] == []  # anonymous: public layers only
    assert summary(client, public="1").json()["parcels"] == []


def test_it_refuses_a_site_it_cannot_read_with_the_reason(client, filled):
    bad = client.get("/gis/site-summary.json", {"site": json.dumps({"type": "Polygon", "coordinates": [[
        [114.30, 30.60], [114.301, 30.601], [114.301, 30.60], [114.30, 30.601], [114.30, 30.60]]]})})
    assert bad.status_code == 400 and "自相交" in bad.json()["message"]


LONLAT_CLOSED = "114.285,30.595\n114.288,30.595\n114.288,30.597\n114.285,30.597\n114.285,30.595"


@pytest.mark.parametrize(("text", "said"), [
    (LONLAT_CLOSED, "经纬度（CGCS2000/WGS84）"),
    ("114.285 30.595\n114.288 30.595\n114.288 30.597\n114.285 30.597", "经纬度（CGCS2000/WGS84）"),
    ("30.595,114.285\n30.595,114.288\n30.597,114.288\n30.597,114.285", "纬度在前"),
])
def test_it_reads_longitude_and_latitude_closed_or_open(text, said):
    found = read_coordinates(text)
    assert said in found.recognised
    assert 60_000 < parse_site(found.as_geojson()).area < 66_000


def test_it_reads_the_bureaus_crs_east_first_north_first_or_with_the_zone_number():
    site = parse_site({"type": "Polygon", "coordinates": [square(114.30, 30.60, 0.002)]})
    corners = site.coords[0][0][:4]
    east_first = "\n".join(f"{x:.3f},{y:.3f}" for x, y in corners)
    north_first = "\n".join(f"{i + 1},{y:.3f},{x:.3f}" for i, (x, y) in enumerate(corners))
    zoned = "\n".join(f"38{x:.3f},{y:.3f}" for x, y in corners)
    for text, said in ((east_first, "本局坐标系"), (north_first, "北坐标（X）在前"), (zoned, "带号 38 已去掉")):
        found = read_coordinates(text)
        assert said in found.recognised and "EPSG:" in found.recognised
        assert abs(parse_site(found.as_geojson()).area - site.area) < 1


@pytest.mark.parametrize(("text", "message"), [
    ("114.285,30.595\n114.288,30.595", "至少需要 3 个点"),
    ("114.285,30.595\n527000,3385000\n114.288,30.597", "混用了经纬度和平面坐标"),
    ("39527000,3385000\n39527100,3385000\n39527100,3385100", "带号 39"),
    ("114.285,abc", "不是数字"),
])
def test_it_says_what_is_wrong_with_a_coordinate_list(text, message):
    with pytest.raises(GeometryError) as info:
        read_coordinates(text)
    assert message in info.value.message


def test_it_reads_a_coordinate_list_back_for_the_page(client):
    data = client.get("/gis/coordinates.json", {"text": LONLAT_CLOSED}).json()
    assert data["recognised"] == "经纬度（CGCS2000/WGS84）" and data["site"]["type"] == "Polygon"
    bad = client.get("/gis/coordinates.json", {"text": "1,2"})
    assert bad.status_code == 400 and "至少需要 3 个点" in bad.json()["message"]


def test_the_include_gives_public_pages_public_base_layers_only(filled, member):
    template = Template('{% load gis_maps %}{% site_map name="site" public=True %}')
    request = RequestFactory().get("/")
    request.user = member
    html = template.render(Context({"request": request}))
    config = json.loads(html.split('data-config="')[1].split('"')[0].replace("&quot;", '"'))
    assert sorted(layer["code"] for layer in config["layers"]) == ["parcels", "roads"]
    assert all(layer["url"].endswith("?public=1") for layer in config["layers"])
    staff = json.loads(Template('{% load gis_maps %}{% site_map %}').render(Context({"request": request}))
                       .split('data-config="')[1].split('"')[0].replace("&quot;", '"'))
    assert "buildings" in [layer["code"] for layer in staff["layers"]]
    assert 'name="site_geojson"' in Template('{% load gis_maps %}{% site_map %}').render(Context({"request": request}))


def test_the_filters_give_words_for_layer_and_land_use_codes(layers):
    html = Template("{% load gis_maps %}{{ 'roads'|layer_name }} · {{ 'R2'|land_use_words }} · {{ 'zz'|layer_name }}"
                    ).render(Context({}))
    assert html == "道路红线 · 二类居住用地（R2） · zz"


def test_the_map_and_its_warning_speak_the_pages_language(client, filled):
    from django.conf import settings
    from django.utils import translation

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    try:
        warning = summary(client, declared="1000").json()["warning"]
        with translation.override("en"):
            words = json.loads(Template("{% load gis_maps %}{% site_map %}").render(Context({}))
                               .split('data-config="')[1].split('"')[0].replace("&quot;", '"'))["words"]
    finally:
        translation.activate(settings.LANGUAGE_CODE)
    assert warning.startswith("The drawn site of") and "(more than 5%)" in warning
    assert words["area"] == "Area: {m2} m² ({mu} mu)"
