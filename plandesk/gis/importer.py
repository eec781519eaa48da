"""Loading a file into a layer: all or nothing, with a report kept on the new layer version.

Formats: GeoPackage, zipped Shapefile, GeoJSON, DXF (with a CAD-layer filter), CSV with a WKT column. Geometries are
reprojected to the bureau's CRS; small faults (a duplicate point, a ring touching itself) are repaired when the repair
keeps the area within 1 %; anything else is refused with its record number, and one refused record refuses the file.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import struct
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.gis.gdal import CoordTransform, DataSource, GDALException, OGRGeometry, SpatialReference
from django.contrib.gis.geos import (
    GeometryCollection,
    GEOSException,
    GEOSGeometry,
    LineString,
    MultiLineString,
    MultiPolygon,
    Polygon,
)
from django.db import connection, transaction

from plandesk.gis.geometry import area_of_use
from plandesk.gis.models import Layer, LayerVersion

SUFFIXES = {".gpkg": "GeoPackage", ".geojson": "GeoJSON", ".json": "GeoJSON", ".zip": "Shapefile (zip)",
            ".shp": "Shapefile", ".dxf": "DXF", ".csv": "CSV"}
WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom", "shape")
# A repair is safe when it moves a polygon's area by at most this share.
SAFE_REPAIR_SHARE = 0.01
MAX_MESSAGES = 50
MAX_ROWS = 10_000  # refused record numbers kept in a report
PREVIEW_ROWS = 5
MAX_UNZIPPED = 4 * 1024 * 1024 * 1024  # a zipped Shapefile's members together, once unpacked
MAX_ZIP_RATIO = 200
MAX_FEATURE_VERTICES = 200_000
# GDAL reads a GeoJSON file whole into memory (a 23 MB file took ~470 MB): larger layers come as GeoPackage or a
# zipped Shapefile, which are read feature by feature. Settings: PLANDESK_GIS_MAX_GEOJSON_MB.
DEFAULT_MAX_GEOJSON_MB = 100
BATCH_SIZE = 2000
# After a big load, PostgreSQL's planner needs fresh statistics: with stale ones it ANDed the GiST index with the
# B-tree on retired_in (1M rows) and a street-level map view took 230 ms instead of a few.
ANALYZE_AFTER = 10_000
UNPARSABLE = object()  # a CSV cell whose WKT does not parse


class ImportRefused(Exception):
    """The file was refused; nothing was changed. `message` (zh-Hans) says why; `report` holds the details."""

    def __init__(self, message: str, report: ImportReport | None = None):
        super().__init__(message)
        self.message = message
        self.report = report


@dataclass
class ImportReport:
    source: str
    format: str = ""
    source_layer: str = ""
    source_srs: str = ""
    read: int = 0
    imported: int = 0
    repaired: int = 0
    refused: int = 0
    skipped: int = 0  # not selected by the CAD-layer filter
    skip_invalid: bool = False  # refused records left out, the rest imported (else all or nothing)
    refused_rows: list[int] = field(default_factory=list)  # record numbers, in file order (the first MAX_ROWS)
    fields: dict[str, str] = field(default_factory=dict)  # file field -> layer column it filled ("" = kept in attrs)
    area_m2: float = 0.0
    length_m: float = 0.0
    seconds: float = 0.0
    messages: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        if len(self.messages) < MAX_MESSAGES:
            self.messages.append(message)

    def as_dict(self) -> dict:
        return {key: (round(value, 3) if isinstance(value, float) else value) for key, value in self.__dict__.items()}

    def summary(self) -> str:
        return (f"读取 {self.read}，导入 {self.imported}，修复 {self.repaired}，拒绝 {self.refused}"
                + (f"，按 CAD 图层略过 {self.skipped}" if self.skipped else "")
                + ("（跳过无效记录）" if self.skip_invalid and self.refused else ""))


@dataclass
class Record:
    number: int  # 1-based, in file order
    geometry: OGRGeometry | None
    attributes: dict


def parse_srs(text: str) -> SpatialReference:
    """`EPSG:4490`, `4490` → SpatialReference; anything else refused (no free-form WKT from outside)."""
    value = str(text).strip().upper().removeprefix("EPSG:")
    if not value.isdigit():
        raise ImportRefused(f"坐标系写法无效：{text}（应为 EPSG:代码，如 EPSG:4490）")
    try:
        return SpatialReference(int(value))
    except (GDALException, ValueError) as exc:
        raise ImportRefused(f"未知的坐标系 EPSG:{value}") from exc


def _srs_label(srs: SpatialReference) -> str:
    return f"EPSG:{srs.srid}" if srs.srid else (srs.name or "?")


def _identify(srs: SpatialReference) -> SpatialReference:
    if srs.srid is None:
        with contextlib.suppress(GDALException):
            srs.identify_epsg()
    return srs


def _analyze(model) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _area_extent(srid: int) -> tuple[float, float, float, float]:
    """The CRS's area of use as a box in that CRS (its densified lon/lat outline, projected once)."""
    west, south, east, north = area_of_use(srid)
    steps = 20
    ring = ([(west + (east - west) * i / steps, south) for i in range(steps)]
            + [(east, south + (north - south) * i / steps) for i in range(steps)]
            + [(east - (east - west) * i / steps, north) for i in range(steps)]
            + [(west, north - (north - south) * i / steps) for i in range(steps)] + [(west, south)])
    return Polygon(ring, srid=4326).transform(srid, clone=True).extent


# --- readers: each yields Records and reports its CRS ------------------------------------------------------------


def _open_ogr(path: Path, report: ImportReport, source_layer: str | None):
    target = str(path)
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                shapes = [name for name in archive.namelist() if name.lower().endswith(".shp")]
                unpacked = sum(info.file_size for info in archive.infolist())
                packed = sum(info.compress_size for info in archive.infolist()) or 1
        except zipfile.BadZipFile as exc:
            raise ImportRefused(f"压缩包 {path.name} 已损坏或不完整") from exc
        # Real layers pack 2-20 times; a zip of zeros packs ~1000 times (a zip bomb): refused before GDAL reads it.
        if unpacked > MAX_UNZIPPED or (unpacked > 10 * 1024 * 1024 and unpacked / packed > MAX_ZIP_RATIO):
            raise ImportRefused(f"压缩包 {path.name} 解压后过大（{unpacked / 1048576:.0f} MB，"
                                f"压缩比 {unpacked / packed:.0f}:1），疑为压缩炸弹，已拒绝")
        if len(shapes) != 1:
            raise ImportRefused(f"压缩包中应恰好有一个 .shp 文件，实际有 {len(shapes)} 个")
        target = f"/vsizip/{path}/{shapes[0]}"
    try:
        source = DataSource(target)
    except GDALException as exc:
        raise ImportRefused(f"无法读取文件 {path.name}：{exc}") from exc
    names = [layer.name for layer in source]
    if source_layer:
        if source_layer not in names:
            raise ImportRefused(f"文件中没有图层 {source_layer}（有：{'、'.join(names)}）")
        ogr_layer = source[source_layer]
    elif len(names) == 1:
        ogr_layer = source[0]
    else:
        raise ImportRefused(f"文件中有多个图层，请用 --source-layer 指定其一：{'、'.join(names)}")
    report.source_layer = ogr_layer.name
    return source, ogr_layer


def _value(value):
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return None
    return value


def _ogr_records(ogr_layer, cad_layers: set[str] | None, report: ImportReport) -> Iterator[Record]:
    fields = list(ogr_layer.fields)
    for number, feature in enumerate(ogr_layer, start=1):
        attributes = {}
        for name in fields:
            try:
                attributes[name] = _value(feature.get(name))
            except (GDALException, UnicodeDecodeError):
                attributes[name] = None
        if cad_layers is not None and str(attributes.get("Layer")) not in cad_layers:
            report.skipped += 1
            continue
        geometry = feature.geom  # a copy owned by us: transformed in place later
        if geometry is not None and geometry.empty:
            geometry = None
        yield Record(number, geometry, attributes)


def _csv_records(path: Path, report: ImportReport) -> Iterator[Record]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportRefused("CSV 文件编码无法识别（应为 UTF-8 或 GB18030）")
    reader = csv.DictReader(io.StringIO(text))
    columns = {name.lower(): name for name in reader.fieldnames or []}
    wkt_column = next((columns[c] for c in WKT_COLUMNS if c in columns), None)
    if wkt_column is None:
        raise ImportRefused(f"CSV 文件没有几何列（列名应为 {'、'.join(WKT_COLUMNS)} 之一，内容为 WKT）")
    for number, row in enumerate(reader, start=1):
        text_geom = (row.pop(wkt_column) or "").strip()
        geometry = None
        if text_geom:
            try:
                geometry = OGRGeometry(text_geom)
            except (GDALException, ValueError, TypeError):
                geometry = UNPARSABLE
        attributes = {key: (value if value != "" else None) for key, value in row.items() if key}
        yield Record(number, geometry, attributes)  # type: ignore[arg-type]


# --- geometry: coerce to the table's type, repair what is safe ---------------------------------------------------


def _polygonal_parts(geom: GEOSGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, (MultiPolygon, GeometryCollection)):
        return [part for sub in geom for part in _polygonal_parts(sub)]
    return []


def _linear_parts(geom: GEOSGeometry) -> list[LineString]:
    if isinstance(geom, LineString):
        return [geom]
    if isinstance(geom, (MultiLineString, GeometryCollection)):
        return [part for sub in geom for part in _linear_parts(sub)]
    return []


TYPE_NAMES = {"MultiPolygonField": "面", "MultiLineStringField": "线", "GeometryField": "任意几何"}


def _coerce(geom: GEOSGeometry, field_type: str) -> GEOSGeometry | None:
    # The common cases first, without taking the geometry apart.
    if field_type == "MultiPolygonField" and isinstance(geom, (MultiPolygon, Polygon)):
        return geom if isinstance(geom, MultiPolygon) else MultiPolygon(geom, srid=geom.srid)
    if field_type == "MultiLineStringField" and isinstance(geom, (MultiLineString, LineString)):
        return geom if isinstance(geom, MultiLineString) else MultiLineString(geom, srid=geom.srid)
    if field_type == "MultiPolygonField":
        if isinstance(geom, (LineString, MultiLineString)):
            # CAD drawings carry parcels as closed polylines.
            lines = _linear_parts(geom)
            if lines and all(line.closed and line.num_points >= 4 for line in lines):
                geom = MultiPolygon(*[Polygon(line.coords) for line in lines], srid=geom.srid)
        parts = _polygonal_parts(geom)
        if not parts or len(parts) != _count_parts(geom):
            return None
        return MultiPolygon(*parts, srid=geom.srid)
    if field_type == "MultiLineStringField":
        parts = _linear_parts(geom)
        if not parts or len(parts) != _count_parts(geom):
            return None
        return MultiLineString(*parts, srid=geom.srid)
    return geom


def _count_parts(geom: GEOSGeometry) -> int:
    if isinstance(geom, (MultiPolygon, MultiLineString, GeometryCollection)):
        return sum(_count_parts(sub) for sub in geom)
    return 1


def _repair(geom: MultiPolygon | GEOSGeometry, field_type: str) -> tuple[GEOSGeometry | None, str]:
    """(repaired geometry or None, reason) for an invalid geometry."""
    reason = geom.valid_reason
    if field_type != "MultiPolygonField":
        return None, reason
    before = abs(geom.area)
    try:
        fixed = _coerce(GeometryCollection(*_polygonal_parts(geom.make_valid()), srid=geom.srid), field_type)
    except (GEOSException, ValueError, TypeError):
        fixed = None
    if fixed is None or fixed.empty or not fixed.valid:
        return None, reason
    if before == 0 or abs(fixed.area - before) / before > SAFE_REPAIR_SHARE:
        return None, reason
    return fixed, reason


# --- attributes: typed columns, renamed fields, the rest in JSON ------------------------------------------------


def _convert(value, kind: type, max_length: int | None):
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None if kind is not str else ""
    if kind is str:
        text = str(value).strip()
        if max_length and len(text) > max_length:
            raise ValueError(f"长度 {len(text)} 超过 {max_length} 个字符")
        return text
    if kind is float:
        if isinstance(value, bool):
            raise ValueError("不是数字")
        try:
            return float(str(value).strip()) if not isinstance(value, (int, float)) else float(value)
        except ValueError:
            raise ValueError(f"不是数字：{value!r}") from None
    if kind is int:
        try:
            number = float(str(value).strip()) if not isinstance(value, (int, float)) else value
        except ValueError:
            raise ValueError(f"不是整数：{value!r}") from None
        if isinstance(number, bool) or number != int(number):
            raise ValueError(f"不是整数：{value!r}")
        return int(number)
    return value


# OGR's single-part types and the multi-part type of the layer's column: wrapping a part's WKB in a one-part
# collection is a few bytes in front of it, far cheaper than building a GEOS MultiPolygon around a Polygon.
_WRAP = {("MultiPolygonField", 3): 6, ("MultiLineStringField", 2): 5}


def _as_multi_wkb(wkb: bytes, ogr_type: int, field_type: str) -> bytes:
    multi = _WRAP.get((field_type, ogr_type))
    if multi is None:
        return wkb
    order = "<" if wkb[:1] == b"\x01" else ">"
    return wkb[:1] + struct.pack(f"{order}II", multi, 1) + wkb


class RowWriter:
    """Writes imported features with one multi-row statement per batch instead of model instances.

    Building a Django model per feature and letting `bulk_create` compile it cost about half of an import's CPU
    (profiled on 20,000 buildings); the rows here are tuples in column order with the geometry as WKB.
    """

    def __init__(self, model, layer: Layer, version: LayerVersion):
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.defaults.update({"layer_id": layer.pk, "version_id": version.pk})
        srid = model._meta.get_field("geom").srid
        self.postgres = connection.vendor == "postgresql"
        placeholders = []
        for f in self.fields:
            if f.name == "geom":
                placeholders.append(f"{'ST_GeomFromWKB' if self.postgres else 'GeomFromWKB'}(%s, {int(srid)})")
            elif f.name == "attrs" and self.postgres:
                placeholders.append("%s::jsonb")
            else:
                placeholders.append("%s")
        quote = connection.ops.quote_name
        # Names come from the model's own metadata, never from the file; values are bound parameters.
        table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in self.fields)
        self.sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(placeholders)})"  # noqa: S608

    def row(self, values: dict, attrs: dict, wkb: bytes) -> tuple:
        out = []
        for f in self.fields:
            if f.name == "geom":
                out.append(wkb)
            elif f.name == "attrs":
                out.append(json.dumps(attrs, ensure_ascii=False))
            elif f.name in values:
                out.append(values[f.name])
            else:
                out.append(self.defaults[f.attname])
        return tuple(out)

    def write(self, rows: list[tuple]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, rows)


@dataclass
class Importer:
    path: Path
    layer: Layer
    srs: str | None = None
    field_map: dict[str, str] = field(default_factory=dict)
    mode: str = LayerVersion.Mode.REPLACE
    source_layer: str | None = None
    cad_layers: set[str] | None = None
    allow_outside_area: bool = False
    skip_invalid: bool = False
    user: object = None
    progress: Callable[[int, int], None] | None = None

    def run(self) -> LayerVersion:
        """Import the whole file; `progress(done, total)` is called along the way."""
        steps = self.steps()
        while True:
            try:
                done, total = next(steps)
            except StopIteration as finished:
                return finished.value
            if self.progress:
                self.progress(done, total)

    def steps(self) -> Iterator[tuple[int, int | None]]:
        """The import as a generator of (records read, total or None); it returns the new LayerVersion.

        A page can stream the progress of an upload by iterating this in the request's own thread (one transaction).
        """
        started = time.monotonic()
        self.path = Path(self.path)
        report = ImportReport(source=self.path.name, skip_invalid=self.skip_invalid)
        if not self.path.is_file():
            raise ImportRefused(f"找不到文件：{self.path}", report)
        suffix = self.path.suffix.lower()
        if suffix not in SUFFIXES:
            raise ImportRefused(f"不支持的文件格式 {suffix or '（无扩展名）'}：可导入 GeoPackage、压缩的 Shapefile、"
                                "GeoJSON、DXF、带 WKT 列的 CSV", report)
        report.format = SUFFIXES[suffix]
        limit_mb = int(getattr(settings, "PLANDESK_GIS_MAX_GEOJSON_MB", DEFAULT_MAX_GEOJSON_MB))
        size_mb = self.path.stat().st_size / 1048576
        if report.format == "GeoJSON" and size_mb > limit_mb:
            raise ImportRefused(f"GeoJSON 文件过大（{size_mb:.0f} MB，上限 {limit_mb} MB）：GeoJSON 须整体读入内存，"
                                "请改用 GeoPackage 或压缩的 Shapefile 导入大图层", report)
        model = self.layer.feature_model
        self.geom_field = model._meta.get_field("geom")
        self.field_type = type(self.geom_field).__name__
        self.typed = model.TYPED_FIELDS
        self.max_lengths = {name: getattr(model._meta.get_field(name), "max_length", None) for name in self.typed}
        if suffix in {".csv"}:
            total = None
            records = _csv_records(self.path, report)
            source_srs = None
            source = None
        else:
            source, ogr_layer = _open_ogr(self.path, report, self.source_layer)
            total = len(ogr_layer)
            source_srs = _identify(ogr_layer.srs) if ogr_layer.srs is not None else None
            records = _ogr_records(ogr_layer, self.cad_layers, report)
        if self.srs:
            source_srs = parse_srs(self.srs)
        if source_srs is None:
            raise ImportRefused("文件没有坐标系信息：请用 --srs EPSG:代码 指明（如 EPSG:4490 经纬度、"
                                f"EPSG:{settings.PLANDESK_SRID} 本局坐标系）", report)
        report.source_srs = _srs_label(source_srs)
        target_srs = SpatialReference(self.geom_field.srid)
        self.transform = (None if source_srs.srid == self.geom_field.srid
                          else CoordTransform(source_srs, target_srs))
        self.area = _area_extent(self.geom_field.srid)

        try:
            with transaction.atomic():
                version = LayerVersion.open_next(self.layer, mode=self.mode, source=self.path.name,
                                                 source_srs=report.source_srs, user=self.user)
                yield from self._load(records, model, version, report, total)
                report.seconds = time.monotonic() - started
                if report.refused and not self.skip_invalid:
                    first = next((m for m in report.messages if "已修复" not in m), "见载入报告")
                    raise ImportRefused(f"有 {report.refused} 条记录无法导入，整个文件未导入（首条：{first}）；"
                                        "如要导入其余记录，请选“跳过无效记录”", report)
                if report.imported == 0:
                    raise ImportRefused("文件中没有可导入的要素", report)
                unmapped = self._unmapped(report)
                if unmapped:
                    raise ImportRefused(unmapped, report)
                self._update_schema()
                version.finish(report.as_dict())
                self.layer.refresh_extent()
                if report.imported >= ANALYZE_AFTER:
                    _analyze(model)
        finally:
            del source  # GDAL closes the file
        return version

    def _load(self, records, model, version, report: ImportReport, total) -> Iterator[tuple[int, int | None]]:
        writer = RowWriter(model, self.layer, version)
        batch = []
        for record in records:
            report.read += 1
            row = self._build(record, writer, report)
            if row is not None and (self.skip_invalid or not report.refused):
                batch.append(row)
                if len(batch) >= BATCH_SIZE:
                    writer.write(batch)
                    batch = []
            if report.read % 500 == 0:
                yield report.read, total
        if batch and (self.skip_invalid or not report.refused):
            writer.write(batch)
        yield report.read, total

    def _refuse(self, report: ImportReport, number: int, message: str) -> None:
        report.refused += 1
        if len(report.refused_rows) < MAX_ROWS and (not report.refused_rows or report.refused_rows[-1] != number):
            report.refused_rows.append(number)
        report.add(f"第 {number} 条记录：{message}")

    def _unmapped(self, report: ImportReport) -> str:
        """A file whose fields fill none of the layer's columns would load features with empty codes and names:
        refused, naming the fields (a CAD drawing has no attribute table, only its CAD layer names: not asked)."""
        if report.format == "DXF" or not report.fields or any(report.fields.values()):
            return ""
        columns = "、".join(f"{label}（{name}）" for name, label in column_labels(self.layer).items())
        return (f"文件的字段（{'、'.join(list(report.fields)[:20])}）没有一个对应到图层的字段（{columns}），"
                "导入后编号、名称等都会是空的：请在“字段映射”中指明，如 DKBH=code")

    def _build(self, record: Record, writer: RowWriter, report: ImportReport):
        geom = record.geometry
        if geom is None:
            return self._refuse(report, record.number, "缺少几何图形")
        if geom is UNPARSABLE:
            return self._refuse(report, record.number, "WKT 几何无法解析")
        # Transform and test the extent on the OGR geometry: one C call each (GEOS extents cost far more here).
        if geom.is_3d:
            geom.set_3d(False)
        if geom.is_measured:
            geom.set_measured(False)
        if self.transform is not None:
            try:
                geom.transform(self.transform)
            except GDALException as exc:
                return self._refuse(report, record.number, f"坐标转换失败（{exc}）")
        if not self.allow_outside_area and not self._inside_area(geom.extent):
            return self._refuse(report, record.number, "坐标超出本局坐标系的适用区域（坐标系是否写错？）")
        if geom.point_count > MAX_FEATURE_VERTICES:  # one feature of 10⁶ points would stall every map that shows it
            return self._refuse(report, record.number,
                                f"点数过多（{geom.point_count} 个，单个要素最多 {MAX_FEATURE_VERTICES} 个）")
        wkb = _as_multi_wkb(bytes(geom.wkb), geom.geom_type.num, self.field_type)
        try:
            geom = GEOSGeometry(memoryview(wkb), self.geom_field.srid)
        except (GEOSException, ValueError) as exc:
            return self._refuse(report, record.number, f"几何图形无法读取（{exc}）")
        coerced = _coerce(geom, self.field_type)
        if coerced is None:
            return self._refuse(report, record.number,
                                f"几何类型为 {geom.geom_type}，本图层需要{TYPE_NAMES.get(self.field_type, '')}")
        if coerced is not geom:
            geom, wkb = coerced, bytes(coerced.wkb)
        if not geom.valid:
            fixed, reason = _repair(geom, self.field_type)
            if fixed is None:
                return self._refuse(report, record.number, f"几何图形无效且无法安全修复（{reason}）")
            report.repaired += 1
            report.add(f"第 {record.number} 条记录：已修复（{reason}）")
            geom, wkb = fixed, bytes(fixed.wkb)
        values, attrs = self._attributes(record, report)
        if values is None:
            return None
        report.imported += 1
        if self.field_type == "MultiLineStringField":
            report.length_m += geom.length
        else:
            report.area_m2 += geom.area
        return writer.row(values, attrs, wkb)

    def _inside_area(self, extent) -> bool:
        west, south, east, north = self.area
        xmin, ymin, xmax, ymax = extent
        return west <= xmin and xmax <= east and south <= ymin and ymax <= north

    def _attributes(self, record: Record, report: ImportReport) -> tuple[dict | None, dict]:
        values, attrs = {}, {}
        lower_typed = {name.lower(): name for name in self.typed}
        failed = False
        for source_name, value in record.attributes.items():
            target = self.field_map.get(source_name) or lower_typed.get(source_name.lower()) or source_name
            if source_name not in report.fields:
                report.fields[source_name] = target if target in self.typed else ""
            if target in self.typed:
                try:
                    values[target] = _convert(value, self.typed[target], self.max_lengths.get(target))
                except ValueError as exc:
                    self._refuse(report, record.number, f"字段 {source_name}（→ {target}）{exc}")
                    failed = True
            elif value is not None:
                attrs[target] = value
        return (None if failed else values), attrs

    def _update_schema(self) -> None:
        # The catalogue keeps what the attributes look like; the first load fills it in.
        if self.layer.attribute_schema:
            return
        model = self.layer.feature_model
        schema = [{"name": name, "type": kind.__name__, "label": str(model._meta.get_field(name).verbose_name)}
                  for name, kind in self.typed.items()]
        Layer.objects.filter(pk=self.layer.pk).update(attribute_schema=schema)


def column_labels(layer: Layer) -> dict[str, str]:
    """The layer's typed columns with their Chinese labels: what a file's fields may be mapped to."""
    model = layer.feature_model
    return {name: str(model._meta.get_field(name).verbose_name) for name in model.TYPED_FIELDS}


def target_of(source_name: str, layer: Layer, field_map: dict[str, str] | None = None) -> str:
    """The layer column a file field fills ("" when it is kept among the other attributes)."""
    typed = layer.feature_model.TYPED_FIELDS
    target = (field_map or {}).get(source_name) or {n.lower(): n for n in typed}.get(source_name.lower(), "")
    return target if target in typed else ""


@dataclass
class Preview:
    """What an import would do, read before anything is written: the file's fields, where each goes, the first
    records as they would be stored, how many records there are."""

    format: str
    source_layer: str
    source_srs: str
    count: int | None
    fields: list[dict]  # {"name", "target", "label"}
    rows: list[dict]  # {"number", "values": {column: value}, "attrs": {...}}
    columns: dict[str, str]
    refused: str = ""  # why the import would be refused as it stands ("" if it would not be on these grounds)

    @property
    def mapped(self) -> int:
        return sum(1 for f in self.fields if f["target"])


def preview(path, layer: Layer, *, srs: str | None = None, field_map: dict[str, str] | None = None,
            source_layer: str | None = None, cad_layers: set[str] | None = None, rows: int = PREVIEW_ROWS) -> Preview:
    """The mapping of a file onto a layer and its first records, without importing; ImportRefused when the file
    cannot be read at all."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportRefused(f"不支持的文件格式 {suffix or '（无扩展名）'}")
    report = ImportReport(source=path.name, format=SUFFIXES[suffix])
    source = None
    if suffix == ".csv":
        records = _csv_records(path, report)
        names: list[str] = []
        count = None
        srs_label = srs or ""
    else:
        source, ogr_layer = _open_ogr(path, report, source_layer)
        names = list(ogr_layer.fields)
        count = len(ogr_layer)
        found = _identify(ogr_layer.srs) if ogr_layer.srs is not None else None
        srs_label = srs or (_srs_label(found) if found is not None else "")
        records = _ogr_records(ogr_layer, cad_layers, report)
    columns = column_labels(layer)
    sample = []
    for record in records:
        if not names:
            names = list(record.attributes)
        values, attrs = {}, {}
        for name, value in record.attributes.items():
            target = target_of(name, layer, field_map)
            if target:
                values[target] = _value(value)
            elif value is not None:
                attrs[name] = _value(value)
        sample.append({"number": record.number, "values": values, "attrs": attrs})
        if len(sample) >= rows:
            break
    if count is None:  # CSV: count the rest of the rows
        count = len(sample) + sum(1 for _ in records)
    del source
    fields = [{"name": name, "target": target_of(name, layer, field_map),
               "label": columns.get(target_of(name, layer, field_map), "")} for name in names]
    refused = ""
    if report.format != "DXF" and fields and not any(f["target"] for f in fields):
        refused = "文件的字段没有一个对应到图层的字段：导入将被拒绝，请填写字段映射"
    return Preview(format=report.format, source_layer=report.source_layer, source_srs=srs_label, count=count,
                   fields=fields, rows=sample, columns=columns, refused=refused)


def import_layer(path, layer: Layer, **options) -> LayerVersion:
    """Load `path` into `layer` as its next version; raises ImportRefused (nothing changed) when refused."""
    return Importer(Path(path), layer, **options).run()

