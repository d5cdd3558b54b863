"""Comparing a layer with the same layer after an export and an import, field by field."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from geodata.schema import conform, schema_for


def _ordered(layer: str, frame: pd.DataFrame) -> pd.DataFrame:
    schema = schema_for(layer)
    frame = conform(schema, frame)
    keys = [schema.id_field] if schema.id_field else list(schema.field_names)
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def assert_same_records(layer: str, original: pd.DataFrame, result: pd.DataFrame, *, tolerance: float = 1e-7):
    """Every field of every row equal; numbers to 1e-9, shapes to ``tolerance`` degrees (a CSV
    writes coordinates to 7 decimals, about a centimetre)."""
    schema = schema_for(layer)
    before, after = _ordered(layer, original), _ordered(layer, result)
    assert len(before) == len(after), f"{layer}: {len(before)} rows before, {len(after)} after"
    for f in schema.fields:
        a, b = before[f.name], after[f.name]
        missing_a, missing_b = a.isna().to_numpy(), b.isna().to_numpy()
        assert (missing_a == missing_b).all(), f"{layer}.{f.name}: missing in different rows"
        if f.type == "float":
            equal = np.isclose(a.to_numpy(float), b.to_numpy(float), rtol=1e-9, atol=1e-9, equal_nan=True)
        else:
            equal = (a.astype(object).to_numpy() == b.astype(object).to_numpy()) | missing_a
        wrong = np.flatnonzero(~equal)
        assert not len(wrong), f"{layer}.{f.name}: {a.iloc[wrong[:3]].tolist()} became {b.iloc[wrong[:3]].tolist()}"
    if schema.is_spatial:
        shapes_a, shapes_b = before.geometry.to_numpy(), after.geometry.to_numpy()
        same = shapely.equals_exact(shapes_a, shapes_b, tolerance=tolerance)
        assert same.all(), f"{layer}: shapes moved at rows {np.flatnonzero(~same)[:5].tolist()}"
