"""Reading a live GeoPackage file through Python's own SQLite, never through GDAL.

GDAL (as pyogrio ships it) carries its own copy of the SQLite library. Two copies of SQLite in
one process do not see each other's POSIX locks, and when one copy closes the file it drops
every lock the process holds on it, the other copy's included (see "How To Corrupt An SQLite
Database File", section 2.2, on sqlite.org). A GDAL read during a write transaction therefore
let a second desk write at the same time, and one of the two commits was lost. So every
connection to the live file is made by this process's :mod:`sqlite3`; GDAL writes only private
scratch files (see :mod:`geodata.stores.gpkg_write`) and reads only files being imported.

A read is one SQLite read transaction, so a layer's rows and its version come from the same
moment, and :func:`snapshot` reads several layers from one moment.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import warnings
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.errors import StoreError
from geodata.messages import N_, Message
from geodata.stores.gpkg_write import BUSY_TIMEOUT_S, has_table, quoted

# Bytes of the envelope after the 8-byte GeoPackage geometry header, by envelope kind.
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
_TIME_ZONE = re.compile(r"(Z|[+-]\d\d:?\d\d)$")
# The years numpy's reading of text is trusted in: four digits, as ISO 8601 writes them.
_FIRST_YEAR, _PAST_LAST_YEAR = np.datetime64("1000-01-01", "ms"), np.datetime64("10000-01-01", "ms")
# Where the command centre is: a time written with a zone (QGIS writes UTC) is shown there.
LOCAL_ZONE = "Asia/Shanghai"


@contextlib.contextmanager
def snapshot(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection inside one read transaction: every read sees one moment."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(Message(N_("{path}: cannot open the file ({reason})"), path=path, reason=str(exc))) from None
    try:
        db.execute("BEGIN")
        yield db
    except sqlite3.Error as exc:
        raise StoreError(Message(N_("{path}: cannot read the file ({reason})"), path=path, reason=str(exc))) from None
    finally:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        db.close()


def layer_names(db: sqlite3.Connection) -> list[str]:
    """The tables registered in ``gpkg_contents`` (features and attributes), as GDAL lists them."""
    if not has_table(db, "main", "gpkg_contents"):
        return []
    rows = db.execute(
        "SELECT c.table_name FROM main.gpkg_contents AS c JOIN main.sqlite_master AS m "
        "ON m.type = 'table' AND lower(m.name) = lower(c.table_name) "
        "WHERE c.data_type IN ('features', 'attributes') ORDER BY c.rowid"
    ).fetchall()
    return [str(name) for (name,) in rows]


def read_table(
    db: sqlite3.Connection, name: str, *, geometry: bool = True, rowids: np.ndarray | None = None
) -> pd.DataFrame:
    """Table ``name`` without its ``fid``, in file order; a GeoDataFrame when it has a
    geometry column and ``geometry`` is true. Dates and times become ``datetime64``,
    booleans 0/1; other values stay as SQLite holds them. ``rowids``: only those rows (the
    rows another desk changed), those present, in file order."""
    declared = [
        (row[1], str(row[2]).upper(), bool(row[5])) for row in db.execute(f"PRAGMA main.table_info({quoted(name)})")
    ]
    geometry_column, crs = _geometry_column(db, name)
    names = [
        column
        for column, kind, primary in declared
        if column != geometry_column and not (primary and kind == "INTEGER")
    ]
    selected = names + ([geometry_column] if geometry_column and geometry else [])
    listed = ", ".join(quoted(c) for c in selected) or "1"
    where = "" if rowids is None else f" WHERE rowid IN ({', '.join(str(int(r)) for r in rowids)})"
    rows = db.execute(f"SELECT {listed} FROM main.{quoted(name)}{where} ORDER BY rowid").fetchall()
    # One object array, sliced by column: a third of the time of zip(*rows) at a million rows.
    table = np.empty((len(rows), len(selected)), dtype=object)
    if rows:
        table[:] = rows
    columns = [table[:, number] for number in range(len(selected))]
    types = dict((column, kind) for column, kind, _primary in declared)
    frame = pd.DataFrame(
        {column: _column(values, types[column]) for column, values in zip(names, columns, strict=False)},
        index=pd.RangeIndex(len(rows)),
    )
    if geometry_column and geometry:
        shapes = geometries(columns[len(names)])
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(shapes, index=frame.index, crs=crs))
    return frame


def geometries(blobs) -> np.ndarray:
    """Shapely geometries of GeoPackage geometry blobs (``None`` stays ``None``)."""
    blobs = np.asarray(blobs, dtype=object)
    points = _plain_points(blobs)
    if points is not None:
        return points
    wkb = [None if blob is None else bytes(blob[8 + _ENVELOPE_BYTES.get((blob[3] >> 1) & 0x07, 0) :]) for blob in blobs]
    return shapely.from_wkb(np.array(wkb, dtype=object))


# A point as GDAL and our writer store it: the 8-byte header without an envelope, then
# little-endian WKB of a 2-D point (byte order 1, type 1) and its two coordinates.
_POINT_BYTES = 29
_POINT_HEAD = 13
_POINT_LAYOUT = np.dtype([("head", f"V{_POINT_HEAD}"), ("x", "<f8"), ("y", "<f8")])


def _plain_points(blobs: np.ndarray) -> np.ndarray | None:
    """Points read straight from the blobs' bytes when every blob is such a point with one
    header, None otherwise (for WKB parsing). Slicing a hundred thousand blobs one by one in
    Python and parsing their WKB was a fifth of reading the households."""
    present = ~pd.isna(blobs)
    kept = blobs[present]
    if not len(kept) or not all(isinstance(blob, bytes) for blob in kept[:1]):
        return None
    lengths = np.fromiter(map(len, kept), dtype=np.int64, count=len(kept))
    if (lengths != _POINT_BYTES).any():
        return None
    joined = b"".join(kept)
    rows = np.frombuffer(joined, dtype=np.uint8).reshape(-1, _POINT_BYTES)
    head = rows[0, :_POINT_HEAD]
    flags = int(head[3])
    if bytes(head[:2]) != b"GP" or flags & 0x1E or bytes(head[8:13]) != b"\x01\x01\x00\x00\x00":
        return None  # an envelope, an empty geometry, big-endian WKB or not a 2-D point
    if not (rows[:, :_POINT_HEAD] == head).all():
        return None
    coordinates = np.frombuffer(joined, dtype=_POINT_LAYOUT)
    x, y = coordinates["x"], coordinates["y"]
    if np.isnan(x).any() or np.isnan(y).any():
        return None  # WKB's empty point: as shapely reads it
    points = shapely.points(x, y)
    if present.all():
        return points
    out = np.full(len(blobs), None, dtype=object)
    out[present] = points
    return out


def _geometry_column(db: sqlite3.Connection, name: str) -> tuple[str | None, str | None]:
    if not has_table(db, "main", "gpkg_geometry_columns"):
        return None, None
    row = db.execute(
        "SELECT g.column_name, s.organization, s.organization_coordsys_id, s.definition "
        "FROM main.gpkg_geometry_columns AS g LEFT JOIN main.gpkg_spatial_ref_sys AS s "
        "ON s.srs_id = g.srs_id WHERE lower(g.table_name) = lower(?)",
        (name,),
    ).fetchone()
    if row is None:
        return None, None
    column, organization, code, definition = row
    if organization and str(organization).upper() == "EPSG" and code and int(code) > 0:
        return column, f"EPSG:{int(code)}"
    return column, (definition if definition and definition != "undefined" else None)


def _column(values: np.ndarray, declared: str) -> pd.Series:
    series = pd.Series(values, dtype=object)
    if declared in ("DATE", "DATETIME") and len(series):
        return _times(series)
    if declared == "BOOLEAN" and series.isin((0, 1, None)).all():
        return series.fillna(0).astype(bool)  # a missing yes/no is no
    return series


def _times(series: pd.Series) -> pd.Series:
    """ISO 8601 text as local ``datetime64``; a time with a zone is converted to local time."""
    read = _plain_times(series.to_numpy())
    if read is not None:
        return pd.Series(read, index=series.index)
    text = series.where(series.notna(), None)
    with contextlib.suppress(ValueError, TypeError):
        times = pd.to_datetime(text, format="ISO8601")
        if times.dt.tz is None:  # the usual case: every value is local time
            return times.astype("datetime64[ms]")
    zoned = text.map(lambda v: isinstance(v, str) and _TIME_ZONE.search(v.strip()) is not None).astype(bool)
    out = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ms]")
    plain = text[~zoned & text.notna()]
    if len(plain):
        out[plain.index] = pd.to_datetime(plain, format="ISO8601").astype("datetime64[ms]")
    if zoned.any():
        local = pd.to_datetime(text[zoned], format="ISO8601", utc=True).dt.tz_convert(LOCAL_ZONE)
        out[local.index] = local.dt.tz_localize(None).astype("datetime64[ms]")
    return out


def _plain_times(values: np.ndarray) -> np.ndarray | None:
    """Text without a zone, as numpy reads ISO 8601 (``datetime64[ms]``, NaT where missing), a
    seventh of pandas' time for a million dates; None when a value is not such text (a zone, a
    number, a word), for pandas to read as before."""
    present = pd.notna(values)
    text = values[present]
    out = np.full(len(values), np.datetime64("NaT", "ms"))
    if len(text) == 0:
        return out
    if pd.api.types.infer_dtype(text, skipna=False) != "string":
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # numpy warns of a zone, and would read it as UTC
            times = np.array(text, dtype="datetime64[ms]")
    except (ValueError, TypeError, OverflowError, Warning):
        return None
    if np.isnat(times).any():
        return None  # the text "NaT"
    if times.min() < _FIRST_YEAR or times.max() >= _PAST_LAST_YEAR:
        return None  # digits without dashes, read by numpy as a year ("20200201")
    # numpy also reads the words "now" and "today": only they can name the days from yesterday.
    recent = times >= np.datetime64("today", "ms") - np.timedelta64(1, "D")
    if recent.any() and not all(value[:1].isdigit() for value in text[recent]):
        return None
    out[present] = times
    return out
