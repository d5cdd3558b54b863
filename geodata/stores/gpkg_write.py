"""Writing into a live GeoPackage file inside one SQLite transaction.

The file is never copied or renamed: another program (QGIS, a second desk, the sqlite3 shell)
may hold it open, possibly in WAL mode, and SQLite's own journal is what makes a write
all-or-nothing across a crash or a kill. Rows are first written by GDAL into a private scratch
GeoPackage (GDAL knows the GeoPackage encoding of every type and geometry); the transaction on
the live file then copies them across with SQL: whole tables when a layer is replaced, single
rows when edits are saved.

Every layer the store writes carries a version, bumped by triggers on every inserted, updated
or deleted row, whoever writes it (the triggers live in the file, so QGIS's edits count too),
which also log the row's fid (:mod:`geodata.stores.gpkg_changes`). A writer compares the
version it read with the version inside its transaction.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sqlite3
import struct
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import shapely

from geodata.errors import StoreError
from geodata.messages import N_, Message

VERSIONS_TABLE = "situation_map_layer_versions"
BUSY_TIMEOUT_S = 30.0
SCRATCH_SUFFIX = ".scratch.gpkg"
_GPKG_ROW_TABLES = ("gpkg_contents", "gpkg_geometry_columns", "gpkg_extensions", "gpkg_ogr_contents")
_GPKG_OPTIONAL_TABLES = ("gpkg_data_columns", "gpkg_metadata_reference")
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}

# Called with a short phase name at observable points of a write ("begun", "checked",
# "copied", "committing", "committed"); tests use it to stop a writer at a known point.
phase_hook: Callable[[str], None] | None = None


def report_phase(name: str) -> None:
    if phase_hook is not None:
        phase_hook(name)


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# -- transactions ---------------------------------------------------------------------------


@contextlib.contextmanager
def transaction(path: Path, *, timeout: float | None = None) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` on the live file; commit on success, roll back on any error.

    Waits up to ``timeout`` seconds (default :data:`BUSY_TIMEOUT_S`) for another writer.
    """
    timeout = BUSY_TIMEOUT_S if timeout is None else timeout
    try:
        db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(
            Message(N_("{path}: cannot open the file for writing ({reason})"), path=path, reason=str(exc))
        ) from None
    try:
        _register_geometry_functions(db)
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _store_error(path, exc, timeout) from None
        report_phase("begun")
        try:
            yield db
            report_phase("committing")
            db.execute("COMMIT")
        except BaseException as exc:
            if db.in_transaction:  # SQLite may already have rolled back (disk full)
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise _store_error(path, exc, timeout) from None
            raise
        report_phase("committed")
        _checkpoint_if_wal(db)
    finally:
        db.close()


def _store_error(path: Path, exc: sqlite3.Error, timeout: float) -> StoreError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StoreError(
            Message(
                N_(
                    "{path}: another program or desk kept the file locked for over {seconds} s "
                    "(an unsaved edit in QGIS?); nothing was written, try again"
                ),
                path=path,
                seconds=f"{timeout:.0f}",
            )
        )
    if "full" in text:
        return StoreError(Message(N_("{path}: the disk is full; nothing was written"), path=path))
    return StoreError(
        Message(N_("{path}: the write failed and nothing was written ({reason})"), path=path, reason=text)
    )


def _checkpoint_if_wal(db: sqlite3.Connection) -> None:
    """In WAL mode (set by another program) the commit sits in the -wal file; copy it into
    the file itself when no reader prevents it, so watchers polling the file see the change."""
    with contextlib.suppress(sqlite3.Error):
        if db.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
            db.execute("PRAGMA wal_checkpoint(PASSIVE)")


# -- versions -------------------------------------------------------------------------------


def layer_version(db: sqlite3.Connection, name: str) -> int | None:
    """The layer's change count (``None``: no store has written the layer yet)."""
    try:
        row = db.execute(f"SELECT version FROM main.{VERSIONS_TABLE} WHERE layer = ?", (name,)).fetchone()
    except sqlite3.OperationalError:  # no versions table: never written by this store
        return None
    return None if row is None else int(row[0])


def bump_version(db: sqlite3.Connection, name: str) -> None:
    db.execute(f"UPDATE main.{VERSIONS_TABLE} SET version = version + 1 WHERE layer = ?", (name,))


# -- scratch files --------------------------------------------------------------------------


@contextlib.contextmanager
def scratch_file(beside: Path) -> Iterator[Path]:
    """A private GeoPackage path beside ``beside`` for GDAL to write rows into, removed after.

    It is flock-ed while in use, so :func:`remove_abandoned_scratch` (run by every writer)
    removes only the scratch files of writers that were killed.
    """
    import pyogrio.errors  # GDAL for writers only: a command that only reads need not load it

    remove_abandoned_scratch(beside)
    handle, name = tempfile.mkstemp(prefix=f".{beside.name}.", suffix=SCRATCH_SUFFIX, dir=beside.parent)
    scratch = Path(name)
    lock_fd = os.open(scratch.with_name(scratch.name + ".lock"), os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        os.close(handle)
        scratch.unlink()  # GDAL creates the file itself
        yield scratch
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as exc:
        # GDAL writing the scratch rows failed: the live file was not touched.
        if "full" in str(exc) or "No space" in str(exc) or getattr(exc, "errno", None) == errno.ENOSPC:
            raise StoreError(Message(N_("{path}: the disk is full; nothing was written"), path=beside)) from None
        raise StoreError(
            Message(
                N_("{path}: cannot prepare the rows to write, nothing was written ({reason})"),
                path=beside,
                reason=str(exc),
            )
        ) from None
    finally:
        scratch.unlink(missing_ok=True)
        scratch.with_name(scratch.name + ".lock").unlink(missing_ok=True)
        os.close(lock_fd)


def remove_abandoned_scratch(beside: Path) -> None:
    for lock in beside.parent.glob(f".{beside.name}.*{SCRATCH_SUFFIX}.lock"):
        try:
            fd = os.open(lock, os.O_RDWR)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue  # a running writer's
        try:
            Path(str(lock)[: -len(".lock")]).unlink(missing_ok=True)
            for journal in ("-journal", "-wal", "-shm"):
                Path(str(lock)[: -len(".lock")] + journal).unlink(missing_ok=True)
            lock.unlink(missing_ok=True)
        finally:
            os.close(fd)


def attach(db: sqlite3.Connection, scratch: Path, alias: str = "scratch") -> None:
    db.execute(f"ATTACH DATABASE ? AS {alias}", (str(scratch),))


# -- copying layers -------------------------------------------------------------------------


def has_table(db: sqlite3.Connection, schema: str, name: str) -> bool:
    row = db.execute(
        f"SELECT 1 FROM {schema}.sqlite_master WHERE type = 'table' AND lower(name) = lower(?)", (name,)
    ).fetchone()
    return row is not None


def columns(db: sqlite3.Connection, schema: str, name: str) -> list[tuple[str, str]]:
    return [(row[1], str(row[2]).upper()) for row in db.execute(f"PRAGMA {schema}.table_info({quoted(name)})")]


def drop_layer(db: sqlite3.Connection, name: str) -> None:
    """Remove table ``name`` of the live file with its spatial index and GeoPackage entries."""
    if has_table(db, "main", "gpkg_geometry_columns"):
        for (column,) in db.execute(
            "SELECT column_name FROM main.gpkg_geometry_columns WHERE lower(table_name) = lower(?)", (name,)
        ).fetchall():
            db.execute(f"DROP TABLE IF EXISTS main.{quoted(f'rtree_{name}_{column}')}")
    if has_table(db, "main", name):
        db.execute(f"DROP TABLE main.{quoted(name)}")
    for table in _GPKG_ROW_TABLES + _GPKG_OPTIONAL_TABLES:
        if has_table(db, "main", table):
            db.execute(f"DELETE FROM main.{table} WHERE lower(table_name) = lower(?)", (name,))
    if has_table(db, "main", "sqlite_sequence"):
        db.execute("DELETE FROM main.sqlite_sequence WHERE lower(name) = lower(?)", (name,))


def copy_layer(db: sqlite3.Connection, name: str, source: str = "scratch") -> None:
    """Create layer ``name`` in the live file exactly as GDAL made it in the scratch file."""
    entries = db.execute(
        f"SELECT type, name, sql FROM {source}.sqlite_master WHERE sql IS NOT NULL AND "
        "(lower(tbl_name) = lower(?) OR lower(name) LIKE lower(?) ESCAPE '\\')",
        (
            name,
            f"rtree\\_{name}\\_%",
        ),
    ).fetchall()
    entries = [
        e
        for e in entries
        if e[0] != "table" or e[1].lower() == name.lower() or e[2].upper().startswith("CREATE VIRTUAL")
    ]
    for table in ("gpkg_ogr_contents", "gpkg_extensions"):
        if not has_table(db, "main", table) and has_table(db, source, table):
            (sql,) = db.execute(f"SELECT sql FROM {source}.sqlite_master WHERE name = ?", (table,)).fetchone()
            db.execute(sql)
    for kind, entry, sql in entries:
        if kind == "table":
            db.execute(sql)
            if sql.upper().startswith("CREATE VIRTUAL"):
                _copy_rtree(db, entry, source)
            else:
                db.execute(f"INSERT INTO main.{quoted(entry)} SELECT * FROM {source}.{quoted(entry)}")
    db.execute(
        f"INSERT OR IGNORE INTO main.gpkg_spatial_ref_sys SELECT * FROM {source}.gpkg_spatial_ref_sys "
        f"WHERE srs_id IN (SELECT srs_id FROM {source}.gpkg_contents WHERE table_name = ?)",
        (name,),
    )
    for table in _GPKG_ROW_TABLES:
        if has_table(db, source, table) and has_table(db, "main", table):
            db.execute(f"INSERT INTO main.{table} SELECT * FROM {source}.{table} WHERE table_name = ?", (name,))
    for kind, _entry, sql in entries:
        if kind in ("index", "trigger"):
            db.execute(sql)


def _copy_rtree(db: sqlite3.Connection, name: str, source: str) -> None:
    """Copy a spatial index as GDAL bulk-built it: its node tables as they are. Inserting
    its entries one by one would rebuild the tree entry by entry, several times slower."""
    for shadow in ("node", "rowid", "parent"):
        table = quoted(f"{name}_{shadow}")
        db.execute(f"DELETE FROM main.{table}")
        db.execute(f"INSERT INTO main.{table} SELECT * FROM {source}.{table}")


def replace_layer(db: sqlite3.Connection, name: str, source: str = "scratch") -> None:
    drop_layer(db, name)
    copy_layer(db, name, source)


def upsert_rows(
    db: sqlite3.Connection, name: str, id_field: str, deleted: list[str], found: dict[str, list[int]] | None = None
) -> None:
    """Put the scratch file's rows of ``name`` into the live layer, matched on ``id_field``
    (updated in place, keeping their fid, or inserted), and delete the ``deleted`` ids.

    ``found``: the fids of the rows holding each of those ids (none: inserted), when the
    caller knows them from what it read in this transaction; else the layer is searched, a
    scan of every row (an id has no index): a tenth of a second at a million rows, each time."""
    if found is None:
        _upsert_by_search(db, name, id_field, deleted)
    else:
        _upsert_by_fid(db, name, id_field, deleted, found)
    _widen_extent(db, name)


def _upsert_by_fid(
    db: sqlite3.Connection, name: str, id_field: str, deleted: list[str], found: dict[str, list[int]]
) -> None:
    names = [c for c, _type in columns(db, "scratch", name) if c != "fid"]
    table, key = quoted(name), quoted(id_field)
    listed = ", ".join(quoted(c) for c in names)
    gone = [(fid,) for key_value in deleted for fid in found.get(key_value, [])]
    if gone:
        db.executemany(f"DELETE FROM main.{table} WHERE rowid = ?", gone)
    saved = [key_value for (key_value,) in db.execute(f"SELECT {key} FROM scratch.{table}")]
    kept = [(key_value, fid) for key_value in saved for fid in found.get(key_value, [])]
    if kept:
        db.executemany(
            f"UPDATE main.{table} SET ({listed}) = (SELECT {listed} FROM scratch.{table} AS s WHERE s.{key} = ?) "
            "WHERE rowid = ?",
            kept,
        )
    present = sorted({key_value for key_value, _fid in kept})
    marks = ", ".join("?" * len(present))
    db.execute(
        f"INSERT INTO main.{table} ({listed}) SELECT {listed} FROM scratch.{table} WHERE {key} NOT IN ({marks})",
        present,
    )


def _upsert_by_search(db: sqlite3.Connection, name: str, id_field: str, deleted: list[str]) -> None:
    names = [c for c, _type in columns(db, "scratch", name) if c != "fid"]
    table, key = quoted(name), quoted(id_field)
    listed = ", ".join(quoted(c) for c in names)
    if deleted:
        db.executemany(f"DELETE FROM main.{table} WHERE {key} = ?", [(d,) for d in deleted])
    db.execute(
        f"UPDATE main.{table} SET ({listed}) = (SELECT {listed} FROM scratch.{table} AS s "
        f"WHERE s.{key} = main.{table}.{key}) WHERE {key} IN (SELECT {key} FROM scratch.{table})"
    )
    db.execute(
        f"INSERT INTO main.{table} ({listed}) SELECT {listed} FROM scratch.{table} "
        f"WHERE {key} NOT IN (SELECT {key} FROM main.{table} WHERE {key} IS NOT NULL)"
    )


def append_rows(db: sqlite3.Connection, name: str) -> None:
    names = [c for c, _type in columns(db, "scratch", name) if c != "fid"]
    listed = ", ".join(quoted(c) for c in names)
    db.execute(f"INSERT INTO main.{quoted(name)} ({listed}) SELECT {listed} FROM scratch.{quoted(name)}")
    _widen_extent(db, name)


def _widen_extent(db: sqlite3.Connection, name: str) -> None:
    """Keep gpkg_contents' extent covering the layer and its last_change current."""
    added = db.execute(
        "SELECT min_x, min_y, max_x, max_y FROM scratch.gpkg_contents WHERE table_name = ?", (name,)
    ).fetchone() or (None, None, None, None)
    db.execute(
        "UPDATE main.gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), "
        "min_x = min(coalesce(min_x, :x0), coalesce(:x0, min_x)), "
        "min_y = min(coalesce(min_y, :y0), coalesce(:y0, min_y)), "
        "max_x = max(coalesce(max_x, :x1), coalesce(:x1, max_x)), "
        "max_y = max(coalesce(max_y, :y1), coalesce(:y1, max_y)) WHERE table_name = :name",
        dict(zip(("x0", "y0", "x1", "y1"), added, strict=False), name=name),
    )


# -- GeoPackage geometry functions for the spatial index triggers ---------------------------


def _register_geometry_functions(db: sqlite3.Connection) -> None:
    """GDAL's rtree triggers call ST_IsEmpty and ST_MinX…; plain sqlite3 lacks them."""
    db.create_function("ST_IsEmpty", 1, lambda blob: int(_envelope(blob) is None), deterministic=True)
    for position, function in enumerate(("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")):
        db.create_function(function, 1, _bound(position), deterministic=True)


def _bound(position: int):
    def value(blob):
        envelope = _envelope(blob)
        return None if envelope is None else envelope[position]

    return value


def _envelope(blob) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) of a GeoPackage geometry blob; ``None`` when empty or not one."""
    if blob is None or len(blob) < 8 or bytes(blob[:2]) != b"GP":
        return None
    flags = blob[3]
    if flags & 0x10:
        return None
    kind = (flags >> 1) & 0x07
    order = "<" if flags & 0x01 else ">"
    if kind:
        return struct.unpack_from(order + "4d", blob, 8)
    geometry = shapely.from_wkb(bytes(blob[8 + _ENVELOPE_BYTES.get(kind, 0) :]))
    if geometry is None or geometry.is_empty:
        return None
    minx, miny, maxx, maxy = geometry.bounds
    return minx, maxx, miny, maxy
