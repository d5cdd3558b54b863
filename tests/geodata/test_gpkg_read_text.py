"""Dates and text read from a GeoPackage come out as they always did, whichever way they are
read: numpy reads plain ISO 8601 text fast, pandas everything else (zones, words, numbers)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geodata.schema import _convert
from geodata.stores import gpkg_read


def column(values) -> pd.Series:
    return pd.Series(np.array(values, dtype=object), index=range(5, 5 + len(values)))


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2020-02-01", None, "2020-02-03"], ["2020-02-01", None, "2020-02-03"]),
        (["2020-02-01 08:00:00", "2020-02-01T08:00:00.123"], ["2020-02-01 08:00", "2020-02-01 08:00:00.123"]),
        (["2020-02-01T00:00:00Z", "2020-02-01 08:00"], ["2020-02-01 08:00", "2020-02-01 08:00"]),  # UTC made local
        (["2020-02-01T08:00:00+08:00"], ["2020-02-01 08:00"]),
        (["20200201"], ["2020-02-01"]),  # numpy would read the year 20200201
        ([None, None], [None, None]),
    ],
)
def test_times_read_as_pandas_reads_iso_8601(values, expected):
    times = gpkg_read._times(column(values))
    assert times.dtype == "datetime64[ms]"
    assert list(times.index) == list(range(5, 5 + len(values)))
    assert times.tolist() == [pd.NaT if e is None else pd.Timestamp(e) for e in expected]


@pytest.mark.parametrize("word", ["today", "now", "NaT"])
def test_a_word_in_a_date_field_is_read_as_pandas_reads_it(word):
    # numpy reads "today" as midnight UTC and "now" in UTC; pandas reads them in local time.
    read = gpkg_read._times(column(["2020-02-01", word]))
    expected = pd.to_datetime(pd.Series(["2020-02-01", word]), format="ISO8601").astype("datetime64[ms]")
    assert read.iloc[0] == expected.iloc[0]
    assert pd.isna(read.iloc[1]) if word == "NaT" else abs(read.iloc[1] - expected.iloc[1]) < pd.Timedelta(minutes=1)


@pytest.mark.parametrize(
    "values", [["a", None, "中", np.nan], ["a", 1, None], ["a", 1.5], ["a", b"x"], [None, None], ["a", pd.NA]]
)
def test_text_is_read_as_pandas_writes_it(values):
    given = column(values).rename("note")
    pd.testing.assert_series_equal(_convert(given, "str"), given.astype("str"))
