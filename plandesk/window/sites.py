"""A site handed in at the window as a file or a list of coordinates, turned into GeoJSON for `gis.parse_site`.

Accepted: GeoJSON (lon/lat), a zipped Shapefile (its .prj honoured, else the bureau's CRS), a DXF (drawn in the
bureau's CRS, closed polylines), or a coordinate list in the bureau's CRS or in lon/lat, recognised by range.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, LinearRing, LineString, MultiPolygon, Polygon

from plandesk.gis.geometry import GeometryError, read_coordinates, to_geojson

MAX_SITE_FILE = 5 * 1024 * 1024
# A site's Shapefile is a few kilobytes: more than this once unpacked, or packed tighter than this ratio, is a zip bomb
# (a 5 MB zip of zeros inflates to gigabytes), refused before anything is extracted.
MAX_SITE_UNZIPPED = 50 * 1024 * 1024
MAX_ZIP_RATIO = 200


def _as_geojson(polygons: list[Polygon], srid: int) -> dict:
    if not polygons:
        raise GeometryError("文件中没有找到面（闭合的用地范围线）")
    from django.contrib.gis.gdal import GDALException

    geom = MultiPolygon(*polygons, srid=srid)
    if not geom.valid:
        from plandesk.gis.geometry import _invalid_message

        raise GeometryError(_invalid_message(geom))
    try:
        return to_geojson(geom)
    except GDALException as exc:
        raise GeometryError("坐标无法换算为经纬度：请确认坐标为本局坐标系（CGCS2000 3 度带）的"
                            "X（东）、Y（北）坐标") from exc


def from_coordinates(text: str) -> dict:
    """A coordinate list (one corner a line, closed or open) in the bureau's CRS or in lon/lat, recognised by range
    (`gis.geometry.read_coordinates`), as GeoJSON."""
    return read_coordinates(text).as_geojson()


def _polygons_of(geom: GEOSGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom)
    if isinstance(geom, LineString) and geom.closed and geom.num_points >= 4:
        return [Polygon(LinearRing(geom.coords))]
    if geom.geom_type in ("MultiLineString", "GeometryCollection"):
        return [p for part in geom for p in _polygons_of(part)]
    return []


def _read_ogr(path: str, default_srid: int) -> dict:
    from django.contrib.gis.gdal import DataSource, GDALException

    try:
        source = DataSource(path)
    except GDALException as exc:
        raise GeometryError("无法读取用地文件（不是有效的 Shapefile 或 DXF）") from exc
    polygons: list[Polygon] = []
    srid = default_srid
    for layer in source:
        layer_srid = None
        if layer.srs is not None:
            try:
                layer.srs.identify_epsg()
                layer_srid = int(layer.srs.srid) if layer.srs.srid else None
            except Exception:  # an unknown .prj: refuse rather than guess
                layer_srid = None
            if layer_srid is None:
                raise GeometryError("无法识别用地文件的坐标系（.prj），请使用本局坐标系或经纬度")
        for feature in layer:
            geom = feature.geom.geos
            found = _polygons_of(geom)
            if found:
                srid = layer_srid or default_srid
                polygons.extend(found)
    for p in polygons:
        p.srid = srid
    return _as_geojson(polygons, srid)


def from_upload(upload) -> dict:
    """GeoJSON of an uploaded site file (.geojson/.json, .zip with a Shapefile, .dxf)."""
    name = (upload.name or "").lower()
    if upload.size > MAX_SITE_FILE:
        raise GeometryError(f"用地文件过大（上限 {MAX_SITE_FILE // 1048576} MB）")
    data = upload.read()
    if name.endswith((".geojson", ".json")):
        try:
            return json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise GeometryError("用地文件不是有效的 GeoJSON") from exc
    with tempfile.TemporaryDirectory() as tmp:
        if data[:4] == b"PK\x03\x04":
            path = Path(tmp) / "site.zip"
            path.write_bytes(data)
            try:
                with zipfile.ZipFile(path) as archive:
                    shp = [n for n in archive.namelist() if n.lower().endswith(".shp") and ".." not in n]
                    if not shp:
                        raise GeometryError("压缩包中没有 .shp 文件")
                    unpacked = sum(info.file_size for info in archive.infolist())
                    packed = sum(info.compress_size for info in archive.infolist()) or 1
                    if unpacked > MAX_SITE_UNZIPPED or (unpacked > 1048576 and unpacked / packed > MAX_ZIP_RATIO):
                        raise GeometryError(f"压缩包解压后过大（{unpacked / 1048576:.0f} MB），不像用地范围的 "
                                            "Shapefile，已拒绝")
                    archive.extractall(tmp, members=[n for n in archive.namelist() if ".." not in n
                                                     and not n.startswith("/")])
            except zipfile.BadZipFile as exc:
                raise GeometryError("压缩包已损坏") from exc
            return _read_ogr(str(Path(tmp) / shp[0]), settings.PLANDESK_SRID)
        if name.endswith(".dxf"):
            path = Path(tmp) / "site.dxf"
            path.write_bytes(data)
            return _read_ogr(str(path), settings.PLANDESK_SRID)
    raise GeometryError("用地文件须为 GeoJSON、压缩的 Shapefile（.zip）或 DXF")
