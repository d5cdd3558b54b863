"""Which features changed between two readings of a dataset (no Qt).

The wall display rereads the store when another program writes it; redrawing only what
changed (and telling the operators which features those were) needs a cheap comparison of
the two datasets. Each feature is reduced to one 64-bit hash of its attributes and geometry,
computed column-wise by pandas (attributes) and shapely (WKB of the geometry), so 10,000
households compare in milliseconds. A frame the store patched from the old one (it read only
the rows the file's change log named) is compared on those rows alone: one changed household
among a million is found without hashing the million.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.dataset import Dataset
from geodata.schema import LAYERS
from geodata.stores.gpkg_changes import patch_of

# Joins a duplicated id to its copy number in a hash key; a control character no id holds.
_SEPARATOR = "\x1f"


def changed_features(old: Dataset, new: Dataset) -> dict[str, list[str]]:
    """The ids of the features that differ between ``old`` and ``new``, per spatial layer.

    Parameters
    ----------
    old, new
        Two readings of the same township's dataset.

    Returns
    -------
    dict[str, list[str]]
        For every layer of :data:`geodata.schema.LAYERS` with a difference, the sorted ids
        (the layer's ``id_field``: ``code`` for villages) of features added, removed, or whose
        attributes or geometry differ. Layers without a change are absent, so an unchanged
        dataset gives ``{}``.
    """
    result: dict[str, list[str]] = {}
    for name, schema in LAYERS.items():
        old_frame, new_frame = old[name], new[name]
        if old_frame is new_frame:
            continue  # the same object (a layer the reader kept): nothing can differ
        patch = patch_of(old_frame, new_frame)
        if patch is not None:
            # The store read only some rows again; every other row is the same in both, so
            # only the rows it read and those they replaced can differ.
            old_frame, new_frame = old_frame.iloc[patch[0]], new_frame.iloc[patch[1]]
        columns, as_text = _hashed_columns(old_frame, new_frame)
        old_hashes = _feature_hashes(old_frame, schema.id_field, columns, as_text)
        new_hashes = _feature_hashes(new_frame, schema.id_field, columns, as_text)
        if old_hashes.index.equals(new_hashes.index):
            # The usual case (same features in the same order): compare row by row.
            differs = old_hashes.to_numpy() != new_hashes.to_numpy()
            if differs.any():
                result[name] = _feature_ids(old_hashes.index[differs])
            continue
        # Align on the union of ids without NaN (which would turn the uint64 hashes into
        # float64 and lose bits); an id on one side only is an addition or a removal.
        keys = old_hashes.index.union(new_hashes.index)
        one_sided = ~keys.isin(old_hashes.index) | ~keys.isin(new_hashes.index)
        old_values = old_hashes.reindex(keys, fill_value=0).to_numpy()
        new_values = new_hashes.reindex(keys, fill_value=0).to_numpy()
        differs = one_sided | (old_values != new_values)
        if differs.any():
            result[name] = _feature_ids(keys[differs])
    return result


def _hashed_columns(old: pd.DataFrame, new: pd.DataFrame) -> tuple[list[str], set[str]]:
    """Every non-geometry column of either frame, and those to hash as text.

    Columns are hashed in their own dtype (fast: no text conversion). A column whose dtype
    differs between the two frames (or that one frame lacks) is hashed as text on both
    sides, so equal values in, say, Int64 and float64 still compare equal.
    """
    names = dict.fromkeys([*old.columns, *new.columns])
    geometry = {c for f in (old, new) for c in f.columns if str(f[c].dtype) == "geometry"}
    columns = [c for c in names if c not in geometry]
    as_text = {c for c in columns if c not in old.columns or c not in new.columns or old[c].dtype != new[c].dtype}
    return columns, as_text


def _feature_hashes(frame: pd.DataFrame, id_field: str | None, columns: list[str], as_text: set[str]) -> pd.Series:
    """One uint64 hash per feature, indexed by its id as text.

    Duplicated ids (invalid, but possible in a file edited by hand) are indexed as
    ``id<separator>n``; :func:`_feature_ids` turns such a key back into the id.
    """
    if frame.empty:
        return pd.Series([], index=pd.Index([], dtype=object, name="id"), dtype="uint64")
    # One hash_pandas_object call over a plain DataFrame: far less per-column overhead than
    # hashing column by column, which dominates for the many small layers.
    table = pd.DataFrame(frame).reindex(columns=columns)
    if as_text:
        table = table.astype({c: str for c in as_text})
    combined = pd.util.hash_pandas_object(table, index=False).to_numpy().copy()
    if isinstance(frame, gpd.GeoDataFrame) and frame.active_geometry_name in frame.columns:
        _mix(combined, _geometry_hashes(np.asarray(frame.geometry.values)))
    ids = (
        frame[id_field].astype(str)
        if id_field in frame.columns
        else pd.Series(np.arange(len(frame)).astype(str), index=frame.index)
    )
    if ids.is_unique:
        index = pd.Index(ids.to_numpy(), name="id")
    else:
        # Duplicated ids: number the copies of each id, so each copy is compared with its
        # counterpart and the alignment does not refuse a non-unique index.
        occurrence = ids.groupby(ids.to_numpy()).cumcount().astype(str).to_numpy()
        index = pd.Index(ids.to_numpy() + _SEPARATOR + occurrence, name="id")
    return pd.Series(combined, index=index, dtype="uint64")


def _geometry_hashes(geometries: np.ndarray) -> np.ndarray:
    """One uint64 hash per geometry (missing geometries hash alike), the same for the same
    geometry whatever else the frame holds: a household without a place among a frame of
    points must not change every other household's hash."""
    points = (shapely.get_type_id(geometries) == 0) & ~shapely.has_z(geometries)
    # 2-D points (households, checkpoints...): hashing the coordinates is several times
    # faster than building WKB, and just as exact (empty points give NaN).
    hashes = pd.util.hash_array(shapely.get_x(geometries[points]))
    _mix(hashes, pd.util.hash_array(shapely.get_y(geometries[points])))
    if points.all():
        return hashes
    out = np.empty(len(geometries), dtype="uint64")
    out[points] = hashes
    others = pd.util.hash_array(shapely.to_wkb(geometries[~points]))
    _mix(others, np.full(len(others), 0x9E3779B97F4A7C15, dtype="uint64"))  # never a point's
    out[~points] = others
    return out


def _feature_ids(keys: pd.Index) -> list[str]:
    """The sorted distinct feature ids of hash keys (dropping the copy number of duplicates)."""
    return sorted({str(key).split(_SEPARATOR, 1)[0] for key in keys})


def _mix(combined: np.ndarray, column_hashes: np.ndarray) -> None:
    """Fold one column's hashes into ``combined`` in place (order-dependent, wraps mod 2**64)."""
    with np.errstate(over="ignore"):
        combined *= np.uint64(1_000_003)
        combined ^= column_hashes.astype("uint64", copy=False)
