"""The GeoPackage store: one file a user can copy, written all-or-nothing.

A write never touches the live file. It copies the file beside itself, writes the new layers
and metadata into the copy, flushes it to disk and renames it over the original. A rename
within one directory is atomic, so a crash, a kill or a full disk at any moment leaves either
the old file or the new one, never a mixture; readers holding the old file keep reading it.
Writers on the same file (two programs, two desks) queue on an advisory lock beside it.

Edits made in the window are saved with :meth:`GeoPackageStore.apply_edits`: under the same
lock it reads the file as it is now, applies the edits (refusing any whose feature changed
since the edit was made), and writes the edited layers together with their rows of the edit
journal into the same staged copy, so the journal never disagrees with the data.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Iterator, Mapping, Protocol, Sequence

import geopandas as gpd
import pandas as pd
import pyogrio

from geodata.dataset import Dataset, empty_frame
from geodata.editing import Edit, apply_to_dataset, journal_frame
from geodata.errors import StoreError
from geodata.schema import (
    JOURNAL,
    METADATA_KEYS,
    SCHEMA_VERSION,
    SCHEMAS,
    STORAGE_CRS,
    conform,
    schema_for,
)

METADATA_LAYER = "metadata"
JOURNAL_LAYER = JOURNAL.name
_TEMP_SUFFIX = ".writing.gpkg"


class GeoPackageStore:
    """Layers, tables and metadata of one township in one GeoPackage file.

    Parameters
    ----------
    path
        The ``.gpkg`` file. It must exist unless ``create=True``.
    create
        Make an empty dataset file (metadata only) when the file does not exist.
    """

    def __init__(self, path: str | os.PathLike, *, create: bool = False):
        self.path = Path(path)
        if not self.path.exists():
            if not create:
                raise StoreError(f"{self.path}: no such file")
            self.write({}, metadata={"schema_version": SCHEMA_VERSION})
        elif self.path.is_dir():
            raise StoreError(f"{self.path}: is a folder, not a GeoPackage file")
        else:
            self._check_readable()

    def __repr__(self) -> str:
        return f"GeoPackageStore({str(self.path)!r})"

    # -- reading ---------------------------------------------------------------------------

    def layer_names(self) -> list[str]:
        """The names of the known layers and tables present in the file."""
        return [name for name in self._file_layers() if name in SCHEMAS]

    def read(self, name: str) -> pd.DataFrame:
        """Layer or table ``name`` in its schema's columns and types (empty when absent)."""
        schema = schema_for(name)
        if name not in self._file_layers():
            return empty_frame(name)
        try:
            frame = pyogrio.read_dataframe(self.path, layer=name, read_geometry=schema.is_spatial)
        except Exception as exc:  # pyogrio raises several GDAL error types
            raise StoreError(f"{self.path}: cannot read layer {name!r}: {exc}") from exc
        if schema.is_spatial:
            if frame.crs is None:
                frame = frame.set_crs(STORAGE_CRS)
            elif not frame.crs.equals(STORAGE_CRS):
                frame = frame.to_crs(STORAGE_CRS)
        frame = pd.DataFrame(frame) if not schema.is_spatial else frame
        return conform(schema, frame)

    def read_all(self) -> Dataset:
        """Every known layer and table, and the metadata."""
        present = set(self._file_layers())
        frames = {name: self.read(name) for name in SCHEMAS if name in present}
        return Dataset(frames, self.metadata())

    def metadata(self) -> dict[str, str]:
        if METADATA_LAYER not in self._file_layers():
            return {}
        table = pyogrio.read_dataframe(self.path, layer=METADATA_LAYER, read_geometry=False)
        return {str(k): "" if pd.isna(v) else str(v) for k, v in zip(table["key"], table["value"])}

    def journal(self) -> pd.DataFrame:
        """Every edit saved with :meth:`apply_edits`, oldest first.

        Returns
        -------
        pandas.DataFrame
            The columns of :data:`geodata.schema.JOURNAL`: ``time`` (local, ``datetime64``),
            ``who``, ``layer``, ``feature_id``, ``action`` (add, update or delete),
            ``description``, and the whole record ``before`` and ``after`` as JSON text. It
            holds personal data (household records): internal use only.
        """
        if JOURNAL_LAYER not in self._file_layers():
            return JOURNAL.empty()
        try:
            table = pyogrio.read_dataframe(self.path, layer=JOURNAL_LAYER, read_geometry=False)
        except Exception as exc:  # pyogrio raises several GDAL error types
            raise StoreError(f"{self.path}: cannot read the edit journal: {exc}") from exc
        return conform(JOURNAL, pd.DataFrame(table))

    # -- writing ---------------------------------------------------------------------------

    def write(
        self,
        frames: Mapping[str, pd.DataFrame],
        *,
        metadata: Mapping[str, str] | None = None,
        journal: pd.DataFrame | None = None,
    ) -> None:
        """Replace the given layers (and update metadata keys) in one transaction.

        Layers not named are kept as they are. Either all of ``frames`` and ``metadata`` are
        in the file afterwards, or (on any error) none is and the file is as it was.
        ``journal`` (the columns of :data:`~geodata.schema.JOURNAL`), when given, replaces the
        edit journal in the same transaction: a dataset moved between stores keeps its history.
        """
        prepared = {name: _prepare(name, frame) for name, frame in frames.items()}
        if metadata:
            unknown = sorted(set(metadata) - set(METADATA_KEYS))
            if unknown:
                raise StoreError(f"unknown metadata key(s): {', '.join(unknown)}")
        with self._writer_lock():
            with _staged_copy(self.path) as staging:
                for name, frame in prepared.items():
                    _write_layer(staging, name, frame)
                if journal is not None:
                    _replace_journal(staging, journal)
                if metadata or not self.path.exists():
                    current = self.metadata() if self.path.exists() else {}
                    current.update({k: str(v) for k, v in (metadata or {}).items()})
                    current.setdefault("schema_version", SCHEMA_VERSION)
                    table = pd.DataFrame({"key": list(current), "value": list(current.values())})
                    pyogrio.write_dataframe(table, staging, layer=METADATA_LAYER, driver="GPKG")

    def write_dataset(self, dataset: Dataset, *, journal: pd.DataFrame | None = None) -> None:
        """Write every frame and all metadata of ``dataset`` (and ``journal``, when given) in
        one transaction."""
        self.write(dataset.frames, metadata=dataset.metadata, journal=journal)

    def apply_edits(self, edits: Sequence[Edit], *, who: str) -> Dataset:
        """Save ``edits`` and their journal rows in one transaction.

        The file is read afresh under the writers' lock, so an edit made on a record that
        another program or desk has changed since is refused rather than overwriting that
        change. Only the edited layers and the journal are rewritten.

        Parameters
        ----------
        edits
            The edits, applied in order (an undo passes ``[edit.inverted()]``).
        who
            The person or desk saving, as the journal should name them.

        Returns
        -------
        Dataset
            The whole dataset as the file now holds it.

        Raises
        ------
        geodata.editing.EditError
            When an edit does not fit the data as it is now; nothing is written.
        StoreError
            When ``who`` is empty; nothing is written. On any error while writing, the file
            (data and journal) is as it was.
        """
        edits = list(edits)
        if not isinstance(who, str) or not who.strip():
            raise StoreError("say who is saving the edits (a person or desk name) for the journal")
        with self._writer_lock():
            updated = apply_to_dataset(self.read_all(), edits)
            if not edits:
                return updated
            edited = list(dict.fromkeys(edit.layer for edit in edits))
            prepared = {name: _prepare(name, updated[name]) for name in edited}
            journal = journal_frame(edits, who=who, time=_now())
            has_journal = JOURNAL_LAYER in self._file_layers()
            with _staged_copy(self.path) as staging:
                for name, frame in prepared.items():
                    _write_layer(staging, name, frame)
                _append_journal(staging, journal, append=has_journal)
            for name in edited:
                # The writer stores a mix of Polygons and MultiPolygons as MultiPolygons: read
                # such layers back, so the next edit compares against what the file holds.
                # Point layers are stored as given.
                if len(schema_for(name).geometry_types) > 1:
                    updated[name] = self.read(name)
        return updated

    # -- internals -------------------------------------------------------------------------

    def _file_layers(self) -> list[str]:
        try:
            return [str(row[0]) for row in pyogrio.list_layers(self.path)]
        except Exception as exc:
            raise StoreError(f"{self.path}: not a readable GeoPackage ({exc})") from exc

    def _check_readable(self) -> None:
        try:
            with contextlib.closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as db:
                db.execute("SELECT count(*) FROM gpkg_contents").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a GeoPackage file ({exc})") from None

    @contextlib.contextmanager
    def _writer_lock(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = lock_path_of(self.path)
        with open(lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                _remove_abandoned_copies(self.path)
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


def lock_path_of(path: Path) -> Path:
    """The file writers of ``path`` lock (kept: removing it would break the queue)."""
    return path.with_name(f".{path.name}.lock")


def storable_frame(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` conformed to layer ``name``'s schema, in the storage CRS; any store's first step."""
    schema = schema_for(name)
    if schema.is_spatial:
        if not isinstance(frame, gpd.GeoDataFrame):
            raise StoreError(f"layer {name!r} needs geometries (a GeoDataFrame)")
        if frame.crs is not None and not frame.crs.equals(STORAGE_CRS):
            frame = frame.to_crs(STORAGE_CRS)
    return conform(schema, frame)


def _prepare(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    schema = schema_for(name)
    frame = storable_frame(name, frame)
    # Dates go to the file as calendar days (GeoPackage DATE), which needs Arrow's date type.
    for f in schema.fields:
        if f.type == "date":
            frame[f.name] = frame[f.name].dt.date.astype("date32[pyarrow]")
    return frame


def _replace_journal(staging: Path, rows: pd.DataFrame) -> None:
    """Make ``rows`` the whole journal of the staged copy."""
    rows = rows[list(JOURNAL.field_names)]
    if len(rows):
        _append_journal(staging, rows, append=False)
    elif JOURNAL_LAYER in pyogrio.list_layers(staging)[:, 0]:
        with sqlite3.connect(staging) as db:
            db.execute(f'DELETE FROM "{JOURNAL_LAYER}"')


def _append_journal(staging: Path, rows: pd.DataFrame, *, append: bool) -> None:
    """Add ``rows`` to the journal table of the staged copy (creating it the first time)."""
    pyogrio.write_dataframe(rows, staging, layer=JOURNAL_LAYER, driver="GPKG", append=append)


def _now() -> dt.datetime:
    """The local time to the millisecond, the precision the store keeps."""
    now = dt.datetime.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _write_layer(staging: Path, name: str, frame: pd.DataFrame) -> None:
    schema = schema_for(name)
    options = {}
    if schema.is_spatial and frame.empty:
        options["geometry_type"] = schema.geometry_types[0]
    # Otherwise pyogrio takes the type from the data; a mix of Polygons and MultiPolygons is
    # stored as MultiPolygons, a layer of Polygons stays Polygons.
    pyogrio.write_dataframe(
        frame, staging, layer=name, driver="GPKG", use_arrow=True, **options
    )


@contextlib.contextmanager
def _staged_copy(path: Path) -> Iterator[Path]:
    """Yield a private copy of ``path`` to write into; on success, rename it over ``path``."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=_TEMP_SUFFIX, dir=path.parent)
    os.close(handle)
    staging = Path(name)
    try:
        if path.exists():
            shutil.copyfile(path, staging)
            shutil.copymode(path, staging)
        else:
            staging.unlink()  # GDAL creates it anew, with the user's usual permissions
        yield staging
        _fsync(staging)
        os.replace(staging, path)
        _fsync(path.parent)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_abandoned_copies(path: Path) -> None:
    """Delete copies left by a writer that was killed (we hold the lock: none is running)."""
    for leftover in path.parent.glob(f".{path.name}.*{_TEMP_SUFFIX}"):
        leftover.unlink(missing_ok=True)


class Store(Protocol):
    """What every store offers (GeoPackage file, PostGIS database); see GeoPackageStore."""

    path: object  # where the data is, fit to show: a Path, or a URL without its password

    def read(self, name: str) -> pd.DataFrame: ...
    def read_all(self) -> Dataset: ...
    def metadata(self) -> dict[str, str]: ...
    def journal(self) -> pd.DataFrame: ...
    def write(self, frames: Mapping[str, pd.DataFrame], *, metadata: Mapping[str, str] | None = None,
              journal: pd.DataFrame | None = None) -> None: ...
    def write_dataset(self, dataset: Dataset, *, journal: pd.DataFrame | None = None) -> None: ...
    def apply_edits(self, edits: Sequence[Edit], *, who: str) -> Dataset: ...


def open_store(location: str | os.PathLike, *, read_only: bool = False) -> Store:
    """The store at ``location``: a ``.gpkg`` path, or a PostgreSQL database given as a
    ``postgresql://user@host/db`` URL or a libpq string such as ``service=NAME``.

    ``read_only`` opens a database so that nothing can be written through it (the wall
    display); a GeoPackage is opened as usual.
    """
    from geodata.postgis import is_database_location

    if is_database_location(location):
        from geodata.postgis import open_postgis_store

        return open_postgis_store(location, read_only=read_only)
    return GeoPackageStore(location)
