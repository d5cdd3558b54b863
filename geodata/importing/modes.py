"""The three import modes: append new ids, update features by id, replace the layer.

Each gives the rows to validate (in file order, so problems name the file's rows) and the
whole layer as it will be written.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.importing.problems import ERROR, NOTE, WARNING
from geodata.messages import N_, Message
from geodata.schema import EVENTS, STORAGE_CRS


def merge_rows(schema, base: pd.DataFrame, rows: pd.DataFrame, mode: str, report):
    """The rows to validate (in file order), the whole layer after the import, counts, the
    ids changed, and the rows skipped (append: id already there)."""
    id_field = schema.id_field
    ids = rows[id_field].map(lambda v: None if v is None else str(v)) if id_field in rows else None
    if id_field is None or ids is None or mode == "replace":
        layer = rows if mode == "replace" else _concat(base, rows)
        new_ids = list(ids.dropna()) if ids is not None else []
        removed = sorted(set(base[id_field].astype(str)) - set(new_ids)) if mode == "replace" and id_field else []
        counts = {"added": len(rows), "updated": 0, "skipped": 0, "removed": len(removed)}
        return {"rows": rows, "layer": layer}, counts, new_ids + removed, set()
    known = ids.isin(set(base[id_field].astype(str))).to_numpy()
    if mode == "append":
        for row in np.flatnonzero(known):
            if schema.name in EVENTS:
                # Events are never changed: an id stored already is a report imported before
                # (today's sheet again, with its new rows), not a conflict to accept.
                message = Message(
                    N_("{id} is already in {layer}: imported before, so it is not counted twice"),
                    id=repr(ids.iat[row]),
                    layer=schema.name,
                )
                report(NOTE, int(row), id_field, message)
                continue
            report(
                WARNING,
                int(row),
                id_field,
                Message(
                    N_("{id} is already in {layer}; the row is skipped (import with mode update to change it)"),
                    id=repr(ids.iat[row]),
                    layer=schema.name,
                ),
            )
        counts = {"added": int((~known).sum()), "updated": 0, "skipped": int(known.sum()), "removed": 0}
        skipped = set(np.flatnonzero(known).tolist())
        return {"rows": rows, "layer": _concat(base, rows[~known])}, counts, list(ids[~known].dropna()), skipped
    for row in np.flatnonzero(~known & ids.notna().to_numpy()):
        report(
            ERROR,
            int(row),
            id_field,
            Message(
                N_("there is no feature {id} in {layer} to update; import with mode append to add it"),
                id=repr(ids.iat[row]),
                layer=schema.name,
            ),
        )
    merged = _updated_rows(base, rows, ids, id_field)
    layer = _with_rows_replaced(base, merged[known], [_positions(base, id_field)[i] for i in ids[known]])
    counts = {"added": 0, "updated": int(known.sum()), "skipped": 0, "removed": 0}
    return {"rows": merged, "layer": layer}, counts, list(ids[known]), set()


def _updated_rows(base: pd.DataFrame, rows: pd.DataFrame, ids: pd.Series, id_field: str) -> pd.DataFrame:
    """Each row as its feature will be: the file's cells, and the feature's values where the
    file's cell is empty (or where the file has no such column)."""
    geometry = base.geometry.name if isinstance(base, gpd.GeoDataFrame) else None
    current = base.assign(_key=base[id_field].astype(str)).drop_duplicates("_key").set_index("_key")
    data = {}
    for name in base.columns:
        now = current[name].astype(object).reindex(ids.to_numpy()).to_numpy(dtype=object)
        if name not in rows.columns:
            data[name] = now
            continue
        given = rows[name].to_numpy(dtype=object)
        empty = shapely.is_missing(given) if name == geometry else pd.isna(pd.Series(given, dtype=object)).to_numpy()
        data[name] = np.where(empty, now, given)
    if geometry is None:
        return pd.DataFrame(data, index=rows.index)
    shapes = data.pop(geometry)
    return gpd.GeoDataFrame(data, index=rows.index, geometry=gpd.GeoSeries(shapes, index=rows.index, crs=STORAGE_CRS))


def _positions(base: pd.DataFrame, id_field: str) -> dict[str, int]:
    return {key: i for i, key in enumerate(base[id_field].astype(str))}


def _with_rows_replaced(base: pd.DataFrame, rows: pd.DataFrame, positions: list[int]) -> pd.DataFrame:
    geometry = base.geometry.name if isinstance(base, gpd.GeoDataFrame) else None
    data = {}
    for name in base.columns:
        column = base[name].astype(object).to_numpy(dtype=object).copy()
        column[positions] = rows[name].to_numpy(dtype=object)
        data[name] = column
    if geometry is None:
        return pd.DataFrame(data)
    shapes = data.pop(geometry)
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(shapes, crs=STORAGE_CRS))


def _concat(base: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    if len(rows) == 0:
        return base
    if len(base) == 0:
        return rows
    plain_base = base.astype({c: object for c in base.columns if c != "geometry"})
    return pd.concat([plain_base, rows], ignore_index=True)
