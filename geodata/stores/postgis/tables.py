"""Layers and tables as PostgreSQL tables: column types, and frames to rows and back.

Every stored layer or table has a surrogate key ``fid`` (rows keep the order they were
first written in), the schema's fields (a layer's id is UNIQUE since migration 5), ``geometry``
for layers (EPSG:4326), and the row's version
stamp: ``row_version`` (1 when written, +1 at every update), ``changed_by``, ``changed_at``.
"""

from __future__ import annotations

import datetime as dt
import functools

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from psycopg import sql

from geodata.schema import GEOMETRY, JOURNAL, STORAGE_CRS, LayerSchema, conform

SCHEMA = "situation_map"
SRID = 4326
VERSION_COLUMNS = ("row_version", "changed_by", "changed_at")

SQL_TYPES = {
    "str": "text",
    "int": "bigint",
    "float": "double precision",
    "bool": "boolean",
    "date": "date",
    "datetime": "timestamp without time zone",
}

# Who wrote a row: the desk name the application sets for its transaction, else the
# database user (a write from psql or QGIS is stamped too).
WHO_EXPRESSION = "coalesce(nullif(current_setting('situation_map.who', true), ''), session_user)"


def table(name: str) -> sql.Identifier:
    """The qualified, quoted name of a table in the application's schema."""
    return sql.Identifier(SCHEMA, name)


def columns(schema: LayerSchema) -> list[str]:
    """The data columns of a layer or table, in schema order (geometry last)."""
    names = list(schema.field_names)
    return names + [GEOMETRY] if schema.is_spatial else names


def create_statement(schema: LayerSchema) -> sql.Composed:
    """CREATE TABLE for one layer or table, as version 1 of the database schema has it."""
    parts: list[sql.Composable] = [sql.SQL("fid bigserial PRIMARY KEY")]
    for field in schema.fields:
        parts.append(sql.SQL("{} {}").format(sql.Identifier(field.name), sql.SQL(SQL_TYPES[field.type])))
    if schema.is_spatial:
        parts.append(sql.SQL("{} geometry(Geometry, {})").format(sql.Identifier(GEOMETRY), sql.Literal(SRID)))
    return sql.SQL("CREATE TABLE {} ({})").format(table(schema.name), sql.SQL(", ").join(parts))


def select_statement(
    schema: LayerSchema, where: sql.Composable | None = None, versions: bool = False, lock: bool = False
) -> sql.Composed:
    """SELECT of a layer's columns (geometry as WKB) in stored order."""
    items: list[sql.Composable] = [sql.Identifier(name) for name in schema.field_names]
    if schema.is_spatial:
        items.append(sql.SQL("ST_AsBinary({})").format(sql.Identifier(GEOMETRY)))
    if versions:
        items = [sql.Identifier("fid")] + [sql.Identifier(c) for c in VERSION_COLUMNS] + items
    query = sql.SQL("SELECT {} FROM {}").format(sql.SQL(", ").join(items), table(schema.name))
    if where is not None:
        query = sql.SQL("{} WHERE {}").format(query, where)
    query = sql.SQL("{} ORDER BY fid").format(query)
    if lock:
        query = sql.SQL("{} FOR UPDATE").format(query)
    return query


def frame_from_rows(schema: LayerSchema, rows: list[tuple]) -> pd.DataFrame:
    """A frame of ``rows`` as :func:`select_statement` returns them (no versions), in the
    schema's columns and types (what :func:`geodata.schema.conform` gives).

    The database has typed the values already, so each column is built in its final type
    at once: conforming 100,000 rows value by value would take seconds.
    """
    names = list(schema.field_names)
    dtypes = _schema_dtypes(schema.name)
    data = {}
    for i, field in enumerate(schema.fields):
        values = [row[i] for row in rows]
        data[field.name] = _typed_column(values, field.type, dtypes[field.name])
    frame = pd.DataFrame(data, columns=names)
    if not schema.is_spatial:
        return frame
    wkb = np.array([row[len(names)] for row in rows], dtype=object)
    geometry = shapely.from_wkb(wkb)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=STORAGE_CRS), crs=STORAGE_CRS)


def _typed_column(values: list, field_type: str, dtype) -> pd.Series:
    if field_type in ("date", "datetime"):
        return pd.Series(
            np.array([np.datetime64("NaT") if v is None else v for v in values], dtype="datetime64[ms]"), dtype=dtype
        )
    if field_type == "bool":
        return pd.Series(np.array([bool(v) for v in values], dtype=bool))
    return pd.Series(values, dtype=dtype)


@functools.cache
def _schema_dtypes(layer: str) -> dict:
    from geodata.schema import schema_for

    return schema_for(layer).empty().dtypes.to_dict()


def rows_from_frame(schema: LayerSchema, frame: pd.DataFrame) -> list[list]:
    """Plain Python rows of a conformed frame, in :func:`columns` order, for COPY or INSERT."""
    values = [_plain_column(frame[field.name], field.type) for field in schema.fields]
    if schema.is_spatial:
        values.append(geometry_values(frame.geometry))
    return [list(row) for row in zip(*values, strict=False)] if values else []


def geometry_values(geometry: gpd.GeoSeries) -> list[str | None]:
    """Hex EWKB with SRID 4326, which PostGIS reads for a geometry column (None if empty)."""
    shapes = shapely.set_srid(np.asarray(geometry.values, dtype=object), SRID)
    texts = shapely.to_wkb(shapes, hex=True, include_srid=True)
    return [None if shape is None else text for shape, text in zip(geometry.values, texts, strict=False)]


def _plain_column(column: pd.Series, field_type: str) -> list:
    if field_type == "bool":
        return [bool(v) for v in column]
    present = column.notna().to_numpy()
    if field_type == "date":
        days = column.dt.date
        return [d if ok else None for d, ok in zip(days, present, strict=False)]
    if field_type == "datetime":
        times = column.dt.to_pydatetime() if len(column) else []
        return [t if ok else None for t, ok in zip(times, present, strict=False)]
    cast = {"str": str, "int": int, "float": float}[field_type]
    return [cast(v) if ok else None for v, ok in zip(column.tolist(), present, strict=False)]


def journal_from_rows(rows: list[tuple]) -> pd.DataFrame:
    names = list(JOURNAL.field_names)
    frame = pd.DataFrame(
        {name: pd.Series([row[i] for row in rows], dtype=object) for i, name in enumerate(names)}, columns=names
    )
    return conform(JOURNAL, frame)


def now_local() -> dt.datetime:
    now = dt.datetime.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)
