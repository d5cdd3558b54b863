"""What each dataset a GeoPackage store returned was read at, so that a later read of the same
file goes on from it and reads only the rows changed since (:meth:`GeoPackageStore.refresh`).

Kept for as long as the dataset lives (held weakly) and shared by every store of the process,
so a wall's watcher goes on from the dataset the wall opened with. A reading names the file by
its device and inode: a file renamed over it is another file, read whole.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geodata.dataset import Dataset
from geodata.stores import gpkg_write as gw


@dataclass(frozen=True)
class Reading:
    """What a returned dataset was read at: enough to read only what changed since."""

    dataset: weakref.ref
    file: tuple[int, int]  # the file's device and inode: a file renamed over it is another file
    versions: dict[str, int | None]
    fids: dict[str, np.ndarray]  # per layer, each row's fid (the file's rowid), in row order


_readings: dict[int, Reading] = {}  # by the dataset's id
_readings_lock = threading.Lock()


def remember(reading: Reading) -> None:
    """Keep what ``reading``'s dataset was read at, for as long as the dataset lives."""
    dataset = reading.dataset()
    if dataset is None:
        return
    key = id(dataset)
    with _readings_lock:
        _readings.pop(key, None)
        _readings[key] = reading  # last in the dict: the newest
    weakref.finalize(dataset, _forget, key, reading)


def reading_of(dataset: Dataset) -> tuple[Dataset, Reading] | None:
    """``dataset`` and what it was read at, if a store of this process read it."""
    with _readings_lock:
        reading = _readings.get(id(dataset))
    if reading is None or reading.dataset() is not dataset:
        return None
    return dataset, reading


def latest_reading(path: Path) -> tuple[Dataset, Reading] | None:
    """The dataset of the file at ``path`` read last that is still held somewhere."""
    try:
        file = file_identity(path)
    except OSError:
        return None
    with _readings_lock:
        readings = list(_readings.values())
    for reading in reversed(readings):
        dataset = reading.dataset()
        if dataset is not None and reading.file == file:
            return dataset, reading
    return None


def file_identity(path: Path) -> tuple[int, int]:
    status = os.stat(path)
    return status.st_dev, status.st_ino


def row_fids(db: sqlite3.Connection, name: str, count: int, rowids: np.ndarray | None = None) -> np.ndarray:
    """The fids (rowids) of layer ``name`` (``count`` rows) in file order, or of those of
    ``rowids`` present."""
    table = f"main.{gw.quoted(name)}"
    if rowids is not None:
        listed = ", ".join(str(int(r)) for r in rowids)
        found = db.execute(f"SELECT rowid FROM {table} WHERE rowid IN ({listed}) ORDER BY rowid").fetchall()
        return np.array([fid for (fid,) in found], dtype=np.int64)
    # A layer nobody deleted from is numbered 1..n: its numbers need not be read one by one.
    if not count:
        return np.empty(0, dtype=np.int64)
    # Two queries: SQLite finds a min or a max alone in the index, both together by a scan.
    (first,) = db.execute(f"SELECT min(rowid) FROM {table}").fetchone()
    (last,) = db.execute(f"SELECT max(rowid) FROM {table}").fetchone()
    if last - first + 1 == count:
        return np.arange(first, last + 1, dtype=np.int64)
    return np.fromiter((fid for (fid,) in db.execute(f"SELECT rowid FROM {table} ORDER BY rowid")), dtype=np.int64)


def _forget(key: int, reading: Reading) -> None:
    with _readings_lock:
        if _readings.get(key) is reading:
            del _readings[key]
