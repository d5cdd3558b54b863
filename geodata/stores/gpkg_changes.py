"""Which rows of a layer changed since a reader saw it: a change log kept in the file.

Every layer the store writes has triggers (in the file, so QGIS and the sqlite3 shell run them
too) that bump the layer's version and log the changed row's fid at that version. A reader
that remembers the version it read asks :func:`changes_since` for the fids changed after it,
and re-reads only those rows. The log cannot tell, and the reader must read the whole layer,
when:

* the layer was replaced whole (an import): the writer copies rows in before the triggers
  exist, so a million rows do not write a million log rows, and restarts the log at the new
  version (:func:`restart`);
* the log was pruned past the reader's version (:func:`prune` keeps the last
  :data:`KEPT_CHANGES` changes of a layer);
* the triggers are missing (a table made or remade by another program, an older file), or a
  version was bumped without a log row (an older version of this program's triggers): every
  version after the reader's must have its row in the log;
* the version went back (a restored copy of the file);
* the table has no INTEGER primary key, whose rows VACUUM may number anew;
* more rows changed than :data:`MOST_PATCHED` (reading the whole layer is then no dearer).

A frame made by :func:`patched` remembers which of its rows came from the file and where the
rows it replaced were in the frame it was made from (:func:`patch_of`), so whoever compares
the two (the wall, the window) need not compare a million rows to find one.
"""

from __future__ import annotations

import sqlite3
import weakref
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.stores.gpkg_write import VERSIONS_TABLE, bump_version, layer_version, quoted

LOG_TABLE = "situation_map_changes"
START_TABLE = "situation_map_change_log_start"  # per layer: the log holds every change after `since`
KEPT_CHANGES = 10_000
MOST_PATCHED = 20_000
_EVENTS = ("insert", "update", "delete")


@dataclass(frozen=True)
class Changes:
    """The rows of a layer changed between a reader's version and ``version``."""

    version: int
    fids: np.ndarray  # sorted, distinct: rows inserted, updated or deleted (both fids of a moved row)


def trigger_name(name: str, event: str) -> str:
    return f"{LOG_TABLE}_{name}_{event}"


def _old_trigger_name(name: str, event: str) -> str:
    """The triggers of earlier versions, which bumped the version without logging the row."""
    return f"{VERSIONS_TABLE}_{name}_{event}"


def replaced(db: sqlite3.Connection, name: str) -> None:
    """Layer ``name`` was written whole (its rows copied in without the triggers): a new
    version, and a log that starts at it."""
    if track(db, name):
        return  # a table made afresh has no triggers: track bumped and restarted already
    bump_version(db, name)
    restart(db, name)


def track(db: sqlite3.Connection, name: str) -> bool:
    """Make every row change of table ``name`` bump its version and log its fid, whoever makes
    it; the log starts when the triggers are made. When no triggers were there, changes may
    have gone uncounted: the version is bumped too, so every reader reads the layer whole
    once (True then)."""
    db.execute(f"CREATE TABLE IF NOT EXISTS main.{VERSIONS_TABLE} (layer TEXT PRIMARY KEY, version INTEGER NOT NULL)")
    db.execute(f"INSERT OR IGNORE INTO main.{VERSIONS_TABLE} VALUES (?, 0)", (name,))
    db.execute(
        f"CREATE TABLE IF NOT EXISTS main.{LOG_TABLE} "
        "(layer TEXT NOT NULL, version INTEGER NOT NULL, fid INTEGER NOT NULL)"
    )
    db.execute(f"CREATE INDEX IF NOT EXISTS main.{LOG_TABLE}_by_version ON {LOG_TABLE} (layer, version)")
    db.execute(f"CREATE TABLE IF NOT EXISTS main.{START_TABLE} (layer TEXT PRIMARY KEY, since INTEGER NOT NULL)")
    if _has_triggers(db, name):
        return False
    # An earlier version's triggers counted every change: the version stays good, only the
    # log is new. Without them, changes may have gone uncounted.
    counted = _has_triggers(db, name, _old_trigger_name)
    for event in _EVENTS:
        db.execute(f"DROP TRIGGER IF EXISTS main.{quoted(_old_trigger_name(name, event))}")
    literal = "'" + name.replace("'", "''") + "'"
    bump = f"UPDATE {VERSIONS_TABLE} SET version = version + 1 WHERE layer = {literal};"

    def log(fid: str, when: str = "") -> str:
        return (
            f"INSERT INTO {LOG_TABLE} (layer, version, fid) SELECT layer, version, {fid} "
            f"FROM {VERSIONS_TABLE} WHERE layer = {literal}{when};"
        )

    bodies = {
        "insert": bump + log("NEW.rowid"),
        "update": bump + log("OLD.rowid") + log("NEW.rowid", " AND NEW.rowid <> OLD.rowid"),
        "delete": bump + log("OLD.rowid"),
    }
    for event, body in bodies.items():
        db.execute(
            f"CREATE TRIGGER main.{quoted(trigger_name(name, event))} AFTER {event.upper()} ON {quoted(name)} "
            f"BEGIN {body} END"
        )
    if not counted:
        bump_version(db, name)
    restart(db, name)
    return not counted


def restart(db: sqlite3.Connection, name: str) -> None:
    """The layer was replaced whole (its version bumped already): the log starts afresh."""
    db.execute(f"DELETE FROM main.{LOG_TABLE} WHERE layer = ?", (name,))
    db.execute(
        f"INSERT OR REPLACE INTO main.{START_TABLE} (layer, since) VALUES (?, ?)", (name, layer_version(db, name) or 0)
    )


def prune(db: sqlite3.Connection, name: str, kept: int | None = None) -> None:
    """Forget all but the last ``kept`` (:data:`KEPT_CHANGES`) changes of ``name``; a reader
    older than them reads the layer whole."""
    kept = KEPT_CHANGES if kept is None else kept
    version = layer_version(db, name)
    if version is None or not _has_log(db):
        return
    oldest_kept = version - kept
    row = db.execute(f"SELECT since FROM main.{START_TABLE} WHERE layer = ?", (name,)).fetchone()
    if row is None or row[0] >= oldest_kept:
        return
    db.execute(f"DELETE FROM main.{LOG_TABLE} WHERE layer = ? AND version <= ?", (name, oldest_kept))
    db.execute(f"UPDATE main.{START_TABLE} SET since = ? WHERE layer = ?", (oldest_kept, name))


def overgrown(db: sqlite3.Connection) -> list[str]:
    """The layers whose log holds more than :data:`KEPT_CHANGES` changes (another program
    changed many rows, and this one has not written the layer since to prune it)."""
    if not _has_log(db):
        return []
    rows = db.execute(
        f"SELECT layer FROM main.{LOG_TABLE} GROUP BY layer HAVING count(DISTINCT version) > ?", (KEPT_CHANGES,)
    ).fetchall()
    return [str(layer) for (layer,) in rows]


def changes_since(db: sqlite3.Connection, name: str, seen: int | None) -> Changes | None:
    """The rows of ``name`` changed after version ``seen``; ``None`` when the log cannot tell
    (read the layer whole)."""
    version = layer_version(db, name)
    if seen is None or version is None or version < seen or version - seen > MOST_PATCHED:
        return None
    if not _has_log(db) or not _has_triggers(db, name) or not _fids_are_kept(db, name):
        return None
    if version == seen:
        return Changes(version, np.empty(0, dtype=np.int64))
    row = db.execute(f"SELECT since FROM main.{START_TABLE} WHERE layer = ?", (name,)).fetchone()
    if row is None or row[0] > seen:
        return None
    logged = db.execute(
        f"SELECT version, fid FROM main.{LOG_TABLE} WHERE layer = ? AND version > ? AND version <= ?",
        (name, seen, version),
    ).fetchall()
    table = np.array(logged, dtype=np.int64).reshape(-1, 2)
    if len(np.unique(table[:, 0])) != version - seen:
        return None  # a change without its log row
    return Changes(version, np.unique(table[:, 1]))


def _has_log(db: sqlite3.Connection) -> bool:
    found = db.execute(
        "SELECT count(*) FROM main.sqlite_master WHERE type = 'table' AND name IN (?, ?)", (LOG_TABLE, START_TABLE)
    ).fetchone()
    return found[0] == 2


def has_log(db: sqlite3.Connection, name: str) -> bool:
    """Whether changes to ``name`` are logged (the file has the log and the layer its triggers)."""
    return _has_log(db) and _has_triggers(db, name)


def _fids_are_kept(db: sqlite3.Connection, name: str) -> bool:
    """Whether a row keeps its fid: the table's one primary key is an INTEGER column (the
    rowid itself), which VACUUM never renumbers, as GeoPackage feature tables have it."""
    keys = [(row[2] or "").upper() for row in db.execute(f"PRAGMA main.table_info({quoted(name)})") if row[5]]
    return keys == ["INTEGER"]


def _has_triggers(db: sqlite3.Connection, name: str, named=trigger_name) -> bool:
    names = [named(name, event) for event in _EVENTS]
    found = db.execute(
        "SELECT count(*) FROM main.sqlite_master WHERE type = 'trigger' AND lower(tbl_name) = lower(?) "
        "AND name IN (?, ?, ?)",
        (name, *names),
    ).fetchone()
    return found[0] == len(names)


def patched(
    old: pd.DataFrame, old_fids: np.ndarray, touched: np.ndarray, rows: pd.DataFrame, fids: np.ndarray
) -> tuple[pd.DataFrame, np.ndarray] | None:
    """``old`` (its rows' fids ``old_fids``, ascending) with the ``touched`` fids read again:
    ``rows`` are those still in the file, their fids ``fids`` (ascending); the others were
    deleted. Returns the new frame, in fid order as the file is read, and its fids; ``None``
    when the rows do not have ``old``'s columns (the table was altered: read it whole).
    ``old`` is not changed; columns without a changed value are shared with it."""
    if list(rows.columns) != list(old.columns) or (rows.dtypes != old.dtypes).any():
        return None
    at = np.searchsorted(old_fids, touched)
    in_old = at < len(old_fids)
    in_old[in_old] = old_fids[at[in_old]] == touched[in_old]
    if len(fids) == len(touched) and in_old.all():
        frame = _with_rows(old, at, rows)  # rows changed in place: no row comes or goes
        _note(old, frame, at, at)
        return frame, old_fids
    kept = np.ones(len(old), dtype=bool)
    kept[at[in_old]] = False
    new_fids = np.concatenate([old_fids[kept], fids])
    order = np.argsort(new_fids, kind="stable")
    pieces = [old if kept.all() else old.iloc[kept], rows]
    frame = pd.concat([piece for piece in pieces if len(piece)] or [old.iloc[:0]], ignore_index=True)
    if (np.diff(order) != 1).any():
        frame = frame.iloc[order].reset_index(drop=True)
        new_fids = new_fids[order]
    crs = getattr(old, "crs", None)
    if isinstance(frame, gpd.GeoDataFrame) and crs is not None and frame.crs is None:
        frame = frame.set_crs(crs)
    _note(old, frame, at[in_old], np.searchsorted(new_fids, fids))
    return frame, new_fids


def _with_rows(old: pd.DataFrame, positions: np.ndarray, rows: pd.DataFrame) -> pd.DataFrame:
    """A shallow copy of ``old`` whose rows at ``positions`` are ``rows``: only the columns
    where a value differs are copied (pandas copies a column on its first write)."""
    frame = old.copy(deep=False)
    for column in rows.columns:
        before = old[column].iloc[positions].reset_index(drop=True)
        after = rows[column].reset_index(drop=True)
        if _same(before, after):
            continue
        values = frame[column].copy()
        values.iloc[positions] = after.to_numpy()
        frame[column] = values
    return frame


def _same(before: pd.Series, after: pd.Series) -> bool:
    if before.dtype != after.dtype:
        return False
    if str(before.dtype) == "geometry":
        return bool(np.array_equal(shapely.to_wkb(before.to_numpy()), shapely.to_wkb(after.to_numpy())))
    return bool(before.equals(after))


# -- which rows a patch touched -------------------------------------------------------------

_patches: dict[int, tuple[weakref.ref, np.ndarray, np.ndarray]] = {}


def _note(old: pd.DataFrame, new: pd.DataFrame, old_rows: np.ndarray, new_rows: np.ndarray) -> None:
    key = id(new)
    _patches[key] = (weakref.ref(old), old_rows, new_rows)
    weakref.finalize(new, _patches.pop, key, None)


def patch_of(old: pd.DataFrame, new: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
    """Where the rows :func:`patched` replaced were in ``old`` and where the rows it read are
    in ``new``, when ``new`` was patched from ``old``; every other row of ``old`` is in
    ``new``, unchanged and in the same order. ``None``: not known."""
    entry = _patches.get(id(new))
    if entry is None or entry[0]() is not old:
        return None
    return entry[1], entry[2]
