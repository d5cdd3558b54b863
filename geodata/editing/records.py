"""Records as plain values and as one-row frames, and a layer in its schema's form.

A record is what an :class:`~geodata.editing.Edit` holds: one plain value per schema field
plus ``"geometry"`` (see :mod:`geodata.editing`). Edits are checked and applied through
these conversions, so a value means the same in a record, a frame and the store.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import geopandas as gpd
import pandas as pd
import shapely

from geodata.schema import GEOMETRY, STORAGE_CRS, LayerSchema, conform, schema_for


def raw_frame(schema: LayerSchema, record: Mapping) -> pd.DataFrame:
    """One row holding the record's values exactly as given, for validation."""
    frame = pd.DataFrame({name: [record.get(name)] for name in schema.field_names}, dtype=object)
    if not schema.is_spatial:
        return frame
    geometry = record.get(GEOMETRY)
    if geometry is None or isinstance(geometry, shapely.Geometry):
        return gpd.GeoDataFrame(frame, geometry=[geometry], crs=STORAGE_CRS)
    frame[GEOMETRY] = [geometry]  # not a shape: validation reports it
    return frame


def record_frame(schema: LayerSchema, record: Mapping) -> pd.DataFrame:
    """One conformed row holding the record (SchemaError if a value cannot be read)."""
    return conform(schema, raw_frame(schema, record))


def record_at(frame: pd.DataFrame, schema: LayerSchema, position: int) -> dict:
    row = frame.iloc[[position]]
    if not _is_conformed(schema, row):
        row = conformed_frame(schema, row)
    values = row.iloc[0]
    record = {f.name: _plain(values[f.name], f.type) for f in schema.fields}
    if not schema.is_spatial:  # an event table: fields only
        return record
    geometry = values[GEOMETRY]
    record[GEOMETRY] = geometry if isinstance(geometry, shapely.Geometry) else None
    return record


def _plain(value, field_type: str):
    """A conformed cell as a plain Python value (``None`` for NaN, NA and NaT)."""
    if field_type == "bool":
        return bool(value)
    if pd.isna(value):
        return None
    if field_type == "date":
        return value.date()
    if field_type == "datetime":
        return value.to_pydatetime()
    return {"str": str, "int": int, "float": float}[field_type](value)


def differing_fields(first: Mapping, second: Mapping) -> tuple[str, ...]:
    return tuple(name for name in first if not _same_value(first[name], second.get(name)))


def _same_value(first, second) -> bool:
    if isinstance(first, shapely.Geometry) or isinstance(second, shapely.Geometry):
        both = isinstance(first, shapely.Geometry) and isinstance(second, shapely.Geometry)
        return both and bool(shapely.equals_identical(first, second))
    return type(first) is type(second) and first == second


def conformed_frame(schema: LayerSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` in its schema's columns, types and CRS; a copy either way."""
    # A frame read from the store is conformed already; conforming 100,000 rows again takes
    # over a second, so it is checked (cheaply) first.
    if _is_conformed(schema, frame):
        return frame.copy()
    if not schema.is_spatial:
        return conform(schema, pd.DataFrame(frame))
    geo: gpd.GeoDataFrame = (
        frame if isinstance(frame, gpd.GeoDataFrame) else gpd.GeoDataFrame(frame, geometry=GEOMETRY, crs=STORAGE_CRS)
    )
    geo = conform(schema, geo)
    if _active_geometry(geo) != GEOMETRY:  # records and new rows name it "geometry"
        geo = geo.rename_geometry(GEOMETRY)
    return geo if geo.crs.equals(STORAGE_CRS) else geo.to_crs(STORAGE_CRS)


def _active_geometry(frame: gpd.GeoDataFrame) -> str | None:
    try:
        return frame.geometry.name
    except AttributeError:  # a GeoDataFrame without an active geometry column
        return None


def _is_conformed(schema: LayerSchema, frame: pd.DataFrame) -> bool:
    names = list(schema.field_names)
    if not schema.is_spatial:
        if list(frame.columns[: len(names)]) != names:
            return False
        expected, actual = _schema_dtypes(schema.name), frame.dtypes
        return all(actual[name] == expected[name] for name in names)
    if not isinstance(frame, gpd.GeoDataFrame) or frame.crs is None:
        return False
    if list(frame.columns[: len(names)]) != names or frame.columns[-1] != GEOMETRY:
        return False
    if _active_geometry(frame) != GEOMETRY or not frame.crs.equals(STORAGE_CRS):
        return False
    expected, actual = _schema_dtypes(schema.name), frame.dtypes
    return all(actual[name] == expected[name] for name in names)


@functools.cache
def _schema_dtypes(layer: str) -> dict:
    return schema_for(layer).empty().dtypes.to_dict()
