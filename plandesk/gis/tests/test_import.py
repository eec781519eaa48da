"""`plandesk import-layer`: every format, reprojection, repairs, refusals that change nothing, and real data."""

from __future__ import annotations

import importlib.util
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from plandesk.gis.importer import ImportRefused, import_layer
from plandesk.gis.models import Building, LayerVersion, Parcel, Road

from .conftest import polygon_feature, square, write_geojson

pytestmark = pytest.mark.django_db


def parcels_file(tmp_path, name="parcels.geojson", count=3, **extra):
    features = [polygon_feature(square(114.30 + i * 0.002, 30.60), code=f"A-0{i + 1}", land_use="R2",
                                far_max=2.5, **extra) for i in range(count)]
    return write_geojson(tmp_path / name, features)


def test_it_imports_geojson_reprojected_into_the_bureau_crs(tmp_path, layers):
    version = import_layer(parcels_file(tmp_path), layers["parcels"])
    parcel = Parcel.objects.get(code="A-01")
    assert parcel.geom.srid == 4547 and 528_000 < parcel.geom.centroid.x < 530_000
    assert parcel.land_use == "R2" and parcel.far_max == 2.5
    assert 10_300 < parcel.geom.area < 10_900
    assert version.report["read"] == 3 and version.report["imported"] == 3
    assert version.report["source_srs"] == "EPSG:4326"
    assert layers["parcels"].current_version == version


def test_it_maps_fields_and_keeps_the_rest_in_json(tmp_path, layers):
    path = write_geojson(tmp_path / "p.geojson", [polygon_feature(square(114.3, 30.6), DKBH="B-7", RJL="3.2",
                                                                  note="备注")])
    import_layer(path, layers["parcels"], field_map={"DKBH": "code", "RJL": "far_max"})
    parcel = Parcel.objects.get()
    assert parcel.code == "B-7" and parcel.far_max == 3.2 and parcel.attrs == {"note": "备注"}


def test_it_replaces_a_version_and_keeps_the_old_one_on_record(tmp_path, layers):
    layer = layers["parcels"]
    first = import_layer(parcels_file(tmp_path, count=3), layer)
    second = import_layer(parcels_file(tmp_path, "v2.geojson", count=2), layer)
    first.refresh_from_db()
    assert first.status == LayerVersion.Status.SUPERSEDED and second.status == LayerVersion.Status.IN_FORCE
    assert layer.features().count() == 2
    assert Parcel.objects.filter(layer=layer, retired_in=second).count() == 3
    third = import_layer(parcels_file(tmp_path, "v3.geojson", count=1), layer, mode=LayerVersion.Mode.APPEND)
    assert third.number == 3 and layer.features().count() == 3


def test_it_refuses_a_self_intersecting_parcel_naming_its_record_and_changes_nothing(tmp_path, layers):
    layer = layers["parcels"]
    import_layer(parcels_file(tmp_path), layer)
    bowtie = [[114.30, 30.60], [114.302, 30.602], [114.302, 30.60], [114.30, 30.602], [114.30, 30.60]]
    bad = write_geojson(tmp_path / "bad.geojson", [polygon_feature(square(114.31, 30.61), code="ok"),
                                                   polygon_feature(bowtie, code="bow")])
    with pytest.raises(ImportRefused) as info:
        import_layer(bad, layer)
    assert "第 2 条记录" in info.value.message and "无法安全修复" in info.value.message
    assert layer.versions.count() == 1 and layer.features().count() == 3
    assert not Parcel.objects.filter(code="ok").exists()


def test_it_repairs_a_small_fault_and_reports_it(tmp_path, layers):
    ring = [[114.30, 30.60], [114.301, 30.60], [114.301, 30.601], [114.30, 30.601], [114.3000001, 30.5999999],
            [114.30, 30.60]]
    path = write_geojson(tmp_path / "spike.geojson", [polygon_feature(ring, code="spike")])
    version = import_layer(path, layers["parcels"])
    assert version.report["repaired"] == 1 and "已修复" in version.report["messages"][0]
    assert Parcel.objects.get(code="spike").geom.valid


def test_it_names_row_and_field_of_a_type_error(tmp_path, layers):
    path = write_geojson(tmp_path / "t.geojson", [polygon_feature(square(114.3, 30.6), code="a", far_max="1.5"),
                                                  polygon_feature(square(114.31, 30.6), code="b", far_max="高")])
    with pytest.raises(ImportRefused) as info:
        import_layer(path, layers["parcels"])
    assert "第 2 条记录" in info.value.message and "far_max" in info.value.message and "不是数字" in info.value.message
    assert Parcel.objects.count() == 0 and LayerVersion.objects.count() == 0


def test_it_refuses_lines_for_a_polygon_layer(tmp_path, layers):
    path = write_geojson(tmp_path / "l.geojson", [{"type": "Feature", "properties": {}, "geometry": {
        "type": "LineString", "coordinates": [[114.3, 30.6], [114.31, 30.6]]}}])
    with pytest.raises(ImportRefused, match="需要面"):
        import_layer(path, layers["parcels"])


def test_it_refuses_data_far_outside_the_bureau_area(tmp_path, layers):
    path = write_geojson(tmp_path / "far.geojson", [polygon_feature(square(2.35, 48.85))])
    with pytest.raises(ImportRefused, match="适用区域"):
        import_layer(path, layers["parcels"])


CSV = "code,far_max,WKT\nC-1,2.0,\"POLYGON ((528000 3386000, 528100 3386000, 528100 3386100, 528000 3386000))\"\n"


def test_it_imports_csv_with_wkt_only_when_told_the_crs(tmp_path, layers):
    path = tmp_path / "parcels.csv"
    path.write_text(CSV, encoding="utf-8")
    with pytest.raises(ImportRefused, match="没有坐标系"):
        import_layer(path, layers["parcels"])
    import_layer(path, layers["parcels"], srs="EPSG:4547")
    assert Parcel.objects.get().geom.area == pytest.approx(5000)


def test_it_imports_a_zipped_shapefile(tmp_path, layers):
    source = parcels_file(tmp_path)
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", "-t_srs", "EPSG:4490", str(shp_dir / "parcels.shp"),
                    str(source)], check=True)
    archive = tmp_path / "parcels.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for part in shp_dir.iterdir():
            out.write(part, part.name)
    version = import_layer(archive, layers["parcels"])
    assert version.report["imported"] == 3 and version.report["source_srs"] == "EPSG:4490"
    assert set(Parcel.objects.values_list("code", flat=True)) == {"A-01", "A-02", "A-03"}


def test_it_imports_dxf_by_cad_layer_turning_closed_polylines_into_polygons(tmp_path, layers):
    features = [polygon_feature(square(528_000 + i * 200, 3_386_000, 100), Layer=("BUILD" if i < 2 else "TEXT"))
                for i in range(3)]
    for f in features:  # CAD draws outlines: closed polylines
        f["geometry"] = {"type": "LineString", "coordinates": f["geometry"]["coordinates"][0]}
    source = write_geojson(tmp_path / "cad.geojson", features)
    dxf = tmp_path / "plan.dxf"
    subprocess.run(["ogr2ogr", "-f", "DXF", str(dxf), str(source)], check=True)
    with pytest.raises(ImportRefused, match="没有坐标系"):
        import_layer(dxf, layers["buildings"], cad_layers={"BUILD"})
    version = import_layer(dxf, layers["buildings"], srs="EPSG:4547", cad_layers={"BUILD"})
    assert version.report["imported"] == 2 and version.report["skipped"] == 1
    assert sum(b.geom.area for b in Building.objects.all()) == pytest.approx(20_000)


def test_the_command_shows_progress_and_a_summary(tmp_path, layers, capsys):
    call_command("import-layer", str(parcels_file(tmp_path)), "--layer", "parcels", "--field", "code=code")
    captured = capsys.readouterr()
    assert "3/3" in captured.err
    assert "读取 3，导入 3" in captured.out


def test_the_command_refuses_unknown_layers_and_bad_files(tmp_path, layers):
    with pytest.raises(CommandError, match="没有图层"):
        call_command("import-layer", str(parcels_file(tmp_path)), "--layer", "nope")
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"not a geopackage")
    with pytest.raises(CommandError, match="图层未改变"):
        call_command("import-layer", str(junk), "--layer", "parcels")
    assert LayerVersion.objects.count() == 0


def bubenec_path() -> str:
    """momepy.datasets.get_path("bubenec") without importing momepy (its GDAL and GEOS wheels clash with ours)."""
    spec = importlib.util.find_spec("momepy")
    if spec is None:
        pytest.skip("momepy (a dev dependency) is not installed")
    return str(Path(spec.submodule_search_locations[0]) / "datasets" / "bubenec.gpkg")


def _with_srid(geom, srid):
    geom.srid = srid
    return geom


def _area_and_length(geoms) -> tuple[float, float]:
    """Areas in an equal-area CRS (ETRS89 LAEA Europe) and lengths in UTM 33N: true measures for Prague."""
    from django.contrib.gis.gdal import CoordTransform, SpatialReference

    transforms = {}
    area = length = 0.0
    for geom in geoms:
        if geom.srid not in transforms:  # one transformation per CRS pair: building one costs PROJ lookups
            transforms[geom.srid] = [CoordTransform(SpatialReference(geom.srid), SpatialReference(target))
                                     for target in (3035, 32633)]
        to_laea, to_utm = transforms[geom.srid]
        area += geom.transform(to_laea, clone=True).area
        length += geom.transform(to_utm, clone=True).length if geom.dims == 1 else 0.0
    return area, length


def test_it_round_trips_momepy_bubenec(layers):
    """Real data (Prague, EPSG:3857): counts, and true areas and lengths within 0.1 % after the round trip."""
    from django.contrib.gis.gdal import DataSource

    path = bubenec_path()
    expected = {"buildings": 144, "streets": 35, "plots": 407}
    targets = {"buildings": (layers["buildings"], Building), "streets": (layers["roads"], Road),
               "plots": (layers["parcels"], Parcel)}
    source = DataSource(path)
    for source_layer, count in expected.items():
        layer, model = targets[source_layer]
        version = import_layer(path, layer, source_layer=source_layer, allow_outside_area=True,
                               field_map={"uID": "code", "ID": "code"})
        assert version.report["imported"] == count == model.objects.filter(layer=layer).count()
        originals = (_with_srid(feature.geom.geos, 3857) for feature in source[source_layer])
        want_area, want_length = _area_and_length(originals)
        got_area, got_length = _area_and_length(model.objects.filter(layer=layer).values_list("geom", flat=True))
        assert got_area == pytest.approx(want_area, rel=1e-3)
        assert got_length == pytest.approx(want_length, rel=1e-3)
        assert (want_area > 0) == (source_layer != "streets")


def test_it_refreshes_planner_statistics_after_a_big_load(layers, monkeypatch, tmp_path):
    from plandesk.gis import importer

    monkeypatch.setattr(importer, "ANALYZE_AFTER", 1)
    version = import_layer(parcels_file(tmp_path), layers["parcels"])  # runs ANALYZE on PostgreSQL, nothing else
    assert version.report["imported"] == 3


def test_it_refuses_a_geojson_too_large_to_read_whole_and_points_to_geopackage(tmp_path, layers, settings):
    layer = layers["parcels"]
    import_layer(parcels_file(tmp_path), layer)
    settings.PLANDESK_GIS_MAX_GEOJSON_MB = 1
    big = parcels_file(tmp_path, name="big.geojson", count=3, note="备注" * 200_000)  # ~1.2 MB of attributes
    with pytest.raises(ImportRefused) as info:
        import_layer(big, layer)
    assert "GeoJSON 文件过大" in info.value.message and "GeoPackage" in info.value.message
    assert layer.versions.count() == 1 and layer.features().count() == 3
