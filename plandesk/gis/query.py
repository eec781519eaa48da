"""Spatial queries that use the spatial index on both backends.

PostGIS plans `geom && ...` (what GeoDjango's `intersects` emits) on the GiST index by itself. SpatiaLite does not:
its R*Tree is reached only through the `SpatialIndex` virtual table, so there we first take the row ids whose
bounding boxes meet the search frame, and let the exact predicate run on those few rows only.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, Polygon
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from plandesk.core import sql as core_sql
from plandesk.gis.geometry import transformed

SPATIAL_INDEX_SQL = (
    "SELECT ROWID FROM SpatialIndex WHERE f_table_name = %s AND f_geometry_column = %s "
    "AND search_frame = BuildMbr(%s, %s, %s, %s, %s)"
)


def is_spatialite(qs: QuerySet) -> bool:
    return connections[qs.db].vendor == "sqlite"


def bbox_polygon(bbox, srid: int | None = None) -> Polygon:
    """(xmin, ymin, xmax, ymax) → Polygon; in `srid` (default: the bureau's CRS)."""
    xmin, ymin, xmax, ymax = (float(v) for v in bbox)
    polygon = Polygon.from_bbox((xmin, ymin, xmax, ymax))
    polygon.srid = srid or settings.PLANDESK_SRID
    return polygon


def index_candidates(qs: QuerySet, extent, srid: int, field: str = "geom", cap: int | None = None) -> QuerySet:
    """Rows whose bounding box meets `extent` (xmin, ymin, xmax, ymax in `srid`), through SpatiaLite's R*Tree.

    With `cap`, at most that many candidates are taken from the index: SQLite builds the whole IN-list before the
    outer query runs, so a map view of the whole city would otherwise gather every row of the table first.
    """
    model = qs.model
    column = model._meta.get_field(field).column
    xmin, ymin, xmax, ymax = extent
    # SpatiaLite stores table and column names in lower case in its metadata. Everything is a bound parameter.
    params = [model._meta.db_table.lower(), column.lower(), xmin, ymin, xmax, ymax, srid]
    text = SPATIAL_INDEX_SQL
    if cap is not None:
        # SQLite hands a LIMIT to a virtual table when it consumes every WHERE term, and SpatiaLite 5.0's
        # SpatialIndex then returns no rows at all (measured with SQLite 3.40). A term it cannot consume keeps the
        # LIMIT in SQLite.
        text += " AND ROWID + 0 > 0 LIMIT %s"
        params.append(int(cap))
    sql = RawSQL(text, params)  # noqa: S611
    return qs.filter(pk__in=sql)


def _in_field_srid(qs: QuerySet, geom: GEOSGeometry, field: str) -> GEOSGeometry:
    return transformed(geom, qs.model._meta.get_field(field).srid)


def intersecting(qs: QuerySet, geom: GEOSGeometry, field: str = "geom", cap: int | None = None) -> QuerySet:
    """Rows whose geometry intersects `geom`, the spatial index doing the first cut on either backend.

    `cap` bounds the index candidates on SpatiaLite (for answers that are cut to a limit anyway, such as map views).
    """
    geom = _in_field_srid(qs, geom, field)
    if is_spatialite(qs):
        qs = index_candidates(qs, geom.extent, geom.srid, field, cap)
    return qs.filter(**{f"{field}__intersects": geom})


def bbox_filter(qs: QuerySet, bbox, srid: int | None = None, field: str = "geom", cap: int | None = None) -> QuerySet:
    """Rows intersecting a bounding box (xmin, ymin, xmax, ymax), given in `srid` (default: the bureau's CRS)."""
    return intersecting(qs, bbox_polygon(bbox, srid), field, cap)


def rows_in_extent(model, columns: list[str], extent, *, layer_ids=None, in_force: bool = True,
                   field: str = "geom") -> list[tuple]:
    """(columns…, WKB) of the rows whose bounding box meets `extent` (xmin, ymin, xmax, ymax in the field's CRS), in
    one statement through the spatial index on either backend; no exact predicate. The geometry comes as WKB bytes
    in the field's CRS, for the caller to read in bulk.

    For hot paths that look up several layers per request (the compliance check): compiling an ORM query costs
    about a millisecond, more than the indexed look-up itself, and so does building a GEOS object per row. The
    statement runs through `core.sql.cursor()`, so on PostgreSQL it is planned once per connection. `layer_ids`
    limits the layers; `in_force` leaves out retired features. Column names come from the model, never from the
    caller's input.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    quote = connection.ops.quote_name
    meta = model._meta
    names = [quote(meta.get_field(name).column) for name in columns]
    geom_column = meta.get_field(field).column
    srid = meta.get_field(field).srid
    xmin, ymin, xmax, ymax = (float(v) for v in extent)
    sqlite = connection.vendor == "sqlite"
    wkb = f"AsBinary({quote(geom_column)})" if sqlite else f"ST_AsBinary({quote(geom_column)})"
    where, params = [], []
    if sqlite:
        where.append(f"ROWID IN ({SPATIAL_INDEX_SQL})")
        params += [meta.db_table.lower(), geom_column.lower(), xmin, ymin, xmax, ymax, srid]
    else:
        where.append(f"{quote(geom_column)} && ST_MakeEnvelope(%s, %s, %s, %s, %s)")
        params += [xmin, ymin, xmax, ymax, srid]
    if layer_ids is not None:
        ids = [int(i) for i in layer_ids]
        if not ids:
            return []
        where.append(f"{quote('layer_id')} IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    if in_force:
        where.append(f"{quote('retired_in_id')} IS NULL")
    sql = f"SELECT {', '.join([*names, wkb])} FROM {quote(meta.db_table)} WHERE {' AND '.join(where)}"  # noqa: S608
    with core_sql.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
