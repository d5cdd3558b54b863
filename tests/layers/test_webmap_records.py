"""A layer's features carry the same properties as pandas' records of them: numpy scalars as
Python's, NA as None, text and None as they are."""

from __future__ import annotations

import numpy as np
import pandas as pd

from layers.webmap import _records


def objects(*values) -> np.ndarray:
    column = np.empty(len(values), dtype=object)
    column[:] = values
    return column


def test_records_are_pandas_records_of_an_object_frame():
    frame = pd.DataFrame(
        {
            "id": objects("a", "b", None),
            "count": objects(np.int64(3), None, 7),
            "share": objects(np.float64(0.5), 1.25, None),
            "yes": objects(np.bool_(True), False, None),
            "missing": objects(pd.NA, "x", None),
        },
        index=[4, 9, 2],
        dtype=object,
    )
    records = _records(frame)
    assert records == frame.to_dict(orient="records")
    assert [type(r["count"]) for r in records] == [int, type(None), int]
    assert [type(r["yes"]) for r in records] == [bool, bool, type(None)]
    assert records[0]["missing"] is None


def test_records_of_no_rows_and_of_no_columns():
    assert _records(pd.DataFrame({"id": pd.Series([], dtype=object)})) == []
    assert _records(pd.DataFrame(index=range(2))) == pd.DataFrame(index=range(2)).to_dict(orient="records")
