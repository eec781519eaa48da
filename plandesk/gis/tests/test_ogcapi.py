"""OGC API – Features at /ogcapi/: through Django's client, and through a real client (OWSLib) over HTTP."""

from __future__ import annotations

import pytest

from plandesk.accounts.models import ApiToken, Role
from plandesk.conftest import make_user

pytestmark = pytest.mark.django_db


def test_it_serves_landing_page_and_conformance(client):
    landing = client.get("/ogcapi/").json()
    assert {link["rel"] for link in landing["links"]} >= {"self", "conformance", "data"}
    conforms = client.get("/ogcapi/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in conforms


def test_it_lists_only_public_collections_to_the_public(client, filled):
    ids = {c["id"] for c in client.get("/ogcapi/collections").json()["collections"]}
    assert ids == {"parcels", "roads"}
    assert client.get("/ogcapi/collections/pipelines").status_code == 404
    assert client.get("/ogcapi/collections/pipelines/items").status_code == 404
    assert client.get("/ogcapi/collections/buildings/items", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404


def test_it_shows_restricted_collections_to_a_token_of_a_keeper(client, filled):
    _token, raw = ApiToken.issue(make_user("keeper", Role.GIS_KEEPER))
    ids = {c["id"] for c in client.get("/ogcapi/collections", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["collections"]}
    assert ids == {"parcels", "roads", "buildings", "pipelines", "topo"}
    items = client.get("/ogcapi/collections/pipelines/items", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert items["features"][0]["properties"]["pipe_kind"] == "gas"


def test_it_pages_filters_and_boxes_items_in_crs84(client, filled):
    page = client.get("/ogcapi/collections/parcels/items", {"limit": 5})
    assert page["Content-Type"].startswith("application/geo+json")
    data = page.json()
    assert data["numberMatched"] == 12 and data["numberReturned"] == 5
    assert "offset=5" in next(link["href"] for link in data["links"] if link["rel"] == "next")
    x, y = data["features"][0]["geometry"]["coordinates"][0][0][0]
    assert 114.29 < x < 114.33 and 30.59 < y < 30.61
    last = client.get("/ogcapi/collections/parcels/items", {"limit": 5, "offset": 10}).json()
    assert last["numberReturned"] == 2 and "next" not in {link["rel"] for link in last["links"]}
    r2 = client.get("/ogcapi/collections/parcels/items", {"land_use": "R2"}).json()
    assert r2["numberMatched"] == 6
    boxed = client.get("/ogcapi/collections/parcels/items", {"bbox": "114.2995,30.5995,114.3025,30.6015"}).json()
    assert {f["properties"]["code"] for f in boxed["features"]} == {"P-00", "P-01"}
    one = boxed["features"][0]
    single = client.get(f"/ogcapi/collections/parcels/items/{one['id']}").json()
    assert single["properties"]["code"] == one["properties"]["code"]


def test_it_gives_number_matched_only_when_cheap_and_pages_by_next_links(client, filled, monkeypatch):
    from plandesk.gis import ogcapi

    def page(**params):
        data = client.get("/ogcapi/collections/parcels/items", params).json()
        return data, next((link["href"] for link in data["links"] if link["rel"] == "next"), None)

    monkeypatch.setattr(ogcapi, "MATCHED_LIMIT", 5)
    first, next_href = page(limit=4)
    assert "numberMatched" not in first and first["numberReturned"] == 4 and "offset=4" in next_href
    exact, next_href = page(limit=6, offset=6)  # the last page, exactly full: known without a count
    assert exact["numberMatched"] == 12 and exact["numberReturned"] == 6 and next_href is None
    last, next_href = page(limit=5, offset=10)
    assert last["numberMatched"] == 12 and last["numberReturned"] == 2 and next_href is None
    beyond, _ = page(limit=5, offset=40)
    assert "numberMatched" not in beyond and beyond["numberReturned"] == 0
    filtered, next_href = page(land_use="R2", limit=2, offset=2)
    assert "numberMatched" not in filtered and "offset=4" in next_href and "land_use=R2" in next_href
    monkeypatch.setattr(ogcapi, "MATCHED_LIMIT", 10_000)
    assert page(land_use="R2", limit=2, offset=2)[0]["numberMatched"] == 6
    assert page(limit=5, offset=40)[0]["numberMatched"] == 12
    assert page(limit=4)[0]["numberMatched"] == 12


def test_it_refuses_bad_parameters_in_chinese(client, filled):
    for params in ({"bbox": "1,2,3"}, {"limit": "x"}, {"colour": "red"}, {"far_max": "高"}):
        response = client.get("/ogcapi/collections/parcels/items", params)
        assert response.status_code == 400, params
        assert response.json()["description"]
    assert client.get("/ogcapi/collections/parcels/items/999999").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_owslib_lists_collections_and_pages_through_items(live_server, filled):
    from owslib.ogcapi import REQUEST_HEADERS
    from owslib.ogcapi.features import Features

    public = Features(f"{live_server.url}/ogcapi/")
    assert set(public.feature_collections()) == {"parcels", "roads"}
    seen, offset = [], 0
    while True:
        page = public.collection_items("parcels", limit=5, offset=offset)
        seen += [f["properties"]["code"] for f in page["features"]]
        if not any(link["rel"] == "next" for link in page["links"]):
            break
        offset += 5
    assert len(seen) == len(set(seen)) == 12
    boxed = public.collection_items("roads", bbox=[114.29, 30.598, 114.33, 30.600])
    assert [f["properties"]["name"] for f in boxed["features"]] == ["解放大道"]

    _token, raw = ApiToken.issue(make_user("keeper", Role.GIS_KEEPER))
    try:
        keeper = Features(f"{live_server.url}/ogcapi/", headers={"Authorization": f"Bearer {raw}"})
        assert "pipelines" in keeper.feature_collections()
        assert keeper.collection("pipelines")["extent"]["spatial"]["bbox"][0][0] == pytest.approx(114.30, abs=1e-4)
    finally:
        REQUEST_HEADERS.pop("Authorization", None)  # OWSLib keeps headers in a module-level dict


@pytest.mark.django_db(transaction=True)
def test_gdal_opens_the_service_as_qgis_would(live_server, filled):
    """GDAL's OAPIF driver (what QGIS uses) lists the public layers, and the restricted one with a token."""
    import shutil
    import subprocess

    if shutil.which("ogrinfo") is None:
        pytest.skip("ogrinfo (gdal-bin) is not installed")
    url = f"OAPIF:{live_server.url}/ogcapi/"
    public = subprocess.run(["ogrinfo", "-ro", "-so", url], capture_output=True, text=True, timeout=60).stdout
    assert "parcels" in public and "roads" in public and "pipelines" not in public
    _token, raw = ApiToken.issue(make_user("keeper", Role.GIS_KEEPER))
    keeper = subprocess.run(["ogrinfo", "-ro", "-so", "--config", "GDAL_HTTP_HEADERS", f"Authorization: Bearer {raw}",
                             url, "pipelines"], capture_output=True, text=True, timeout=60).stdout
    assert "Feature Count: 1" in keeper
