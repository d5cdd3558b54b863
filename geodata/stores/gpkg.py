"""The GeoPackage store: one file a user can copy, written in place in SQLite transactions.

A write is one SQLite transaction on the live file (``BEGIN IMMEDIATE`` ... ``COMMIT``), so
SQLite's journal makes it all-or-nothing across a crash, a kill or a full disk, and other
programs holding the file open (QGIS, the sqlite3 shell, a second desk; WAL mode or not) keep
a consistent view and keep their own commits. The file is never copied or renamed. Writers
queue on SQLite's lock, waiting up to :data:`geodata.stores.gpkg_write.BUSY_TIMEOUT_S`.

Replacing a layer with :meth:`GeoPackageStore.write` is refused (:class:`StaleLayerError`)
when the layer changed after this thread last read it: the check runs inside the writing
transaction, so two imports at once cannot both pass it. Edits are saved with
:meth:`GeoPackageStore.apply_edits`: inside one transaction it reads the file as it is now,
applies the edits (refusing any whose feature changed since the edit was made), and writes the
edited rows with their rows of the edit journal, so the journal never disagrees with the data.
See :mod:`geodata.stores.gpkg_write` for how rows get into the file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import sqlite3
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.dataset import Dataset, empty_frame
from geodata.editing import Edit, apply_to_dataset, journal_frame
from geodata.errors import StoreError
from geodata.messages import N_, Message
from geodata.schema import (
    JOURNAL,
    METADATA_KEYS,
    SCHEMA_VERSION,
    SCHEMAS,
    STORAGE_CRS,
    conform,
    schema_for,
)
from geodata.stores import gpkg_changes as gc
from geodata.stores import gpkg_read as gr
from geodata.stores import gpkg_write as gw
from geodata.stores.base import storable_frame
from geodata.stores.gpkg_readings import Reading, file_identity, latest_reading, reading_of, remember, row_fids

METADATA_LAYER = "metadata"
JOURNAL_LAYER = JOURNAL.name


class StaleLayerError(StoreError):
    """A layer changed (another desk or program saved) after it was read; nothing was written."""


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
        self._thread = threading.local()  # per thread: layer -> version when last read
        self.rows_read: dict[str, int] = {}  # per layer, the rows the last read took from the file
        if not self.path.exists():
            if not create:
                raise StoreError(Message(N_("{path}: no such file"), path=self.path))
            self.write({}, metadata={"schema_version": SCHEMA_VERSION})
        elif self.path.is_dir():
            raise StoreError(Message(N_("{path}: is a folder, not a GeoPackage file"), path=self.path))
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
        with gr.snapshot(self.path) as db:
            return self._read(db, name)

    def read_all(self) -> Dataset:
        """Every known layer and table, and the metadata, as the file held them at one moment."""
        file = file_identity(self.path)  # before the file is opened: see _refresh
        with gr.snapshot(self.path) as db:
            dataset, reading = self._refresh(db, None, file)
        remember(reading)
        return dataset

    def refresh(self, dataset: Dataset | None = None) -> Dataset:
        """The dataset as the file holds it now, read from ``dataset``: one a GeoPackage store
        of this process read from this file (:meth:`read_all`, :meth:`refresh`,
        :meth:`apply_edits`), never changed in place; ``None``: the last one read that is
        still held. A layer whose version did not move keeps its frame (the same object); a
        layer whose change log tells which rows changed gets a new frame with those rows read
        again; any other layer, or all of them for a dataset not known or a file replaced by
        another, is read whole (see :mod:`geodata.stores.gpkg_changes`)."""
        base = latest_reading(self.path) if dataset is None else reading_of(dataset)
        file = file_identity(self.path)
        with gr.snapshot(self.path) as db:
            fresh, reading = self._refresh(db, base, file)
        remember(reading)
        return fresh

    def metadata(self) -> dict[str, str]:
        with gr.snapshot(self.path) as db:
            return _metadata(db)

    def unchanged_since_read(self, dataset: Dataset) -> bool:
        """Whether the file still holds ``dataset``, read through this store on this thread:
        every layer at the version it was read at and the same metadata. False when it cannot
        tell (a layer no store of ours has written has no version). A window that has just
        read a million households need not read them again to start watching the file."""
        seen = self._seen()
        with gr.snapshot(self.path) as db:
            present = set(gr.layer_names(db))
            for name in SCHEMAS:
                if name in present and (seen.get(name) is None or gw.layer_version(db, name) != seen[name]):
                    return False
                if name not in present and name in dataset.frames:
                    return False
            return _metadata(db, present) == dict(dataset.metadata)

    def keep_change_log(self, timeout: float = 2.0) -> bool:
        """Make the file log which rows change, for :meth:`refresh` to read only those (a
        file an earlier version wrote counts changes without saying which rows), and prune
        a log another program's many changes have grown. A change of the file's schema only,
        made once; False when it could not be made now (the file read-only, or another
        program writing for over ``timeout`` seconds)."""
        with gr.snapshot(self.path) as db:
            missing = [name for name in gr.layer_names(db) if name in SCHEMAS and not gc.has_log(db, name)]
            overgrown = gc.overgrown(db)
        if not missing and not overgrown:
            return True
        try:
            with gw.transaction(self.path, timeout=timeout) as db:
                for name in missing:
                    gc.track(db, name)
                for name in overgrown:
                    gc.prune(db, name)
        except StoreError:
            return False
        return True

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
        with gr.snapshot(self.path) as db:
            if JOURNAL_LAYER not in gr.layer_names(db):
                return JOURNAL.empty()
            return conform(JOURNAL, gr.read_table(db, JOURNAL_LAYER, geometry=False))

    def _refresh(
        self, db: sqlite3.Connection, base: tuple[Dataset, Reading] | None, file: tuple[int, int]
    ) -> tuple[Dataset, Reading]:
        """Every layer through ``db``, from ``base`` where the change log allows. ``file``:
        the file's identity taken before ``db`` was opened, so a file renamed over it in
        between makes the next reader read whole rather than go on from the wrong file."""
        present = set(gr.layer_names(db))
        if base is not None and base[1].file != file:
            base = None
        frames: dict[str, pd.DataFrame] = {}
        versions: dict[str, int | None] = {}
        fids: dict[str, np.ndarray] = {}
        self.rows_read = {}
        for name in SCHEMAS:
            if name not in present:
                self._seen()[name] = versions[name] = gw.layer_version(db, name)
                continue
            known = base is not None and name in base[1].fids and name in base[0].frames
            patch = self._patched_layer(db, name, present, base) if base is not None and known else None
            if patch is None:
                frames[name] = self._read(db, name, present)
                fids[name] = row_fids(db, name, len(frames[name]))
                versions[name] = self._seen()[name]
                self.rows_read[name] = len(frames[name])
            else:
                frames[name], fids[name], versions[name], self.rows_read[name] = patch
                self._seen()[name] = versions[name]
        dataset = Dataset(frames, _metadata(db, present))
        return dataset, Reading(weakref.ref(dataset), file, versions, fids)

    def _patched_layer(
        self, db: sqlite3.Connection, name: str, present: set[str], base: tuple[Dataset, Reading]
    ) -> tuple[pd.DataFrame, np.ndarray, int, int] | None:
        """Layer ``name`` from ``base`` and the rows changed since (frame, fids, version, rows
        read); ``None`` when the change log cannot tell: read it whole."""
        changes = gc.changes_since(db, name, base[1].versions.get(name))
        if changes is None:
            return None
        old, old_fids = base[0].frames[name], base[1].fids[name]
        if not len(changes.fids):
            return old, old_fids, changes.version, 0
        rows = self._read(db, name, present, rowids=changes.fids)
        patch = gc.patched(old, old_fids, changes.fids, rows, row_fids(db, name, len(rows), changes.fids))
        if patch is None:
            return None  # the table's columns changed
        return patch[0], patch[1], changes.version, len(rows)

    def _read(
        self,
        db: sqlite3.Connection,
        name: str,
        present: set[str] | None = None,
        rowids: np.ndarray | None = None,
    ) -> pd.DataFrame:
        """Layer ``name`` through ``db``; ``present``: the file's tables when the caller has
        listed them already (a whole dataset is read in one go); ``rowids``: only those rows
        (the version is then the caller's to note)."""
        schema = schema_for(name)
        if rowids is None:
            # The version of the rows read: if the layer changes after this, a write based on
            # these rows is refused.
            self._seen()[name] = gw.layer_version(db, name)
        if name not in (present if present is not None else gr.layer_names(db)):
            return empty_frame(name)
        try:
            frame = gr.read_table(db, name, geometry=schema.is_spatial, rowids=rowids)
        except (ValueError, shapely.errors.GEOSException) as exc:
            raise StoreError(
                Message(
                    N_("{path}: cannot read layer '{layer}': {reason}"), path=self.path, layer=name, reason=str(exc)
                )
            ) from exc
        if schema.is_spatial:
            if not isinstance(frame, gpd.GeoDataFrame):
                raise StoreError(
                    Message(N_("{path}: layer '{layer}' has no geometry column"), path=self.path, layer=name)
                )
            if frame.crs is None:
                frame = frame.set_crs(STORAGE_CRS)
            elif not frame.crs.equals(STORAGE_CRS):
                frame = frame.to_crs(STORAGE_CRS)
        return conform(schema, frame)

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
                raise StoreError(Message(N_("unknown metadata key(s): {keys}"), keys=", ".join(unknown)))
        metadata = {k: str(v) for k, v in (metadata or {}).items()}
        if not self.path.exists():
            self._create_file()
        with gw.scratch_file(self.path) as scratch:
            for name, frame in prepared.items():
                _write_layer(scratch, name, frame)
            journal_rows = None if journal is None else journal[list(JOURNAL.field_names)]
            if journal_rows is not None and len(journal_rows):
                _append_journal(scratch, journal_rows, append=False)
            if metadata:
                _write_metadata(scratch, {"schema_version": SCHEMA_VERSION, **metadata})
            gw.report_phase("prepared")
            written: dict[str, int | None] = {}
            with gw.transaction(self.path) as db:
                if prepared or (journal_rows is not None and len(journal_rows)) or metadata:
                    gw.attach(db, scratch)
                self._refuse_if_changed(db, prepared)
                gw.report_phase("checked")
                for name in prepared:
                    gw.replace_layer(db, name)
                    gc.replaced(db, name)
                    written[name] = gw.layer_version(db, name)
                if journal_rows is not None:
                    if len(journal_rows):
                        gw.replace_layer(db, JOURNAL_LAYER)
                    elif gw.has_table(db, "main", JOURNAL_LAYER):
                        db.execute(f"DELETE FROM main.{gw.quoted(JOURNAL_LAYER)}")
                if metadata:
                    _merge_metadata(db, metadata)
                gw.report_phase("copied")
            self._seen().update(written)

    def write_dataset(self, dataset: Dataset, *, journal: pd.DataFrame | None = None) -> None:
        """Write every frame and all metadata of ``dataset`` (and ``journal``, when given) in
        one transaction."""
        self.write(dataset.frames, metadata=dataset.metadata, journal=journal)

    def apply_edits(self, edits: Sequence[Edit], *, who: str, describe: Callable[[str], str] = str) -> Dataset:
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
        describe
            Writes an edit's description in the saving desk's language for the journal.

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
            raise StoreError(Message(N_("say who is saving the edits (a person or desk name) for the journal")))
        if not edits:
            return apply_to_dataset(self.read_all(), edits)
        edited = list(dict.fromkeys(edit.layer for edit in edits))
        base = latest_reading(self.path)
        file = file_identity(self.path)
        with gw.scratch_file(self.path) as scratch, gw.transaction(self.path) as db:
            # Read inside the transaction: no one else can commit until it ends, so the
            # edits are checked against exactly the data they will be written over. Only
            # what changed since this store's last reading is read (a million households
            # are not read again to save one).
            current, _reading = self._refresh(db, base, file)
            # The edits are checked and applied on the edited features' rows alone: a copy
            # of a million-row layer per save is not needed to find one row.
            rows, found = _edited_rows(current, _reading, edits)
            updated = apply_to_dataset(rows, edits)
            gw.report_phase("checked")
            finals = _final_records(edits)
            for name in edited:
                _write_layer(scratch, name, _prepare(name, _changed_rows(name, updated[name], finals[name])))
            _append_journal(scratch, journal_frame(edits, who=who, time=_now(), describe=describe), append=False)
            gw.attach(db, scratch)
            for name in edited:
                whole = functools.partial(_whole_layer, current, name, edits)
                self._save_rows(db, name, whole, finals[name], found.get(name))
            if gw.has_table(db, "main", JOURNAL_LAYER):
                gw.append_rows(db, JOURNAL_LAYER)
            else:
                gw.copy_layer(db, JOURNAL_LAYER)
            gw.report_phase("copied")
            # What the file holds now, as it stores it (a mix of Polygons and
            # MultiPolygons comes back as MultiPolygons), for the next edit to compare with.
            saved, reading = self._refresh(db, (current, _reading), file)
        # Known only once committed: a rolled-back write must not be taken as read.
        remember(reading)
        return saved

    def _save_rows(
        self,
        db: sqlite3.Connection,
        name: str,
        layer: Callable[[], pd.DataFrame],
        finals: dict,
        found: dict[str, list[int]] | None,
    ) -> None:
        """Write the edited features of ``name``: row by row where the file's table fits
        (``found``: the fids holding each edited id, when known), else (a layer of several
        geometry types, an older table) the whole edited ``layer``."""
        schema = schema_for(name)
        fits = (
            len(schema.geometry_types) <= 1
            and gw.has_table(db, "main", name)
            and set(gw.columns(db, "scratch", name)) <= set(gw.columns(db, "main", name))
            and _geometry_type(db, "main", name) == _geometry_type(db, "scratch", name)
        )
        if fits and schema.id_field is not None:  # edited layers always have an id field
            gc.track(db, name)
            deleted = [fid for fid, record in finals.items() if record is None]
            gw.upsert_rows(db, name, schema.id_field, deleted, found)
            gc.prune(db, name)
            return
        alias = f"whole_{name}"
        # Removed at the end of this block; the attached copy stays readable until the commit.
        with gw.scratch_file(self.path) as whole:
            _write_layer(whole, name, _prepare(name, layer()))
            gw.attach(db, whole, alias)
            gw.replace_layer(db, name, alias)
        gc.replaced(db, name)

    # -- internals -------------------------------------------------------------------------

    def _file_layers(self) -> list[str]:
        with gr.snapshot(self.path) as db:
            return gr.layer_names(db)

    def _check_readable(self) -> None:
        try:
            with contextlib.closing(sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)) as db:
                db.execute("SELECT count(*) FROM gpkg_contents").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(_why_unreadable(self.path, exc)) from None

    def _seen(self) -> dict[str, int | None]:
        seen = getattr(self._thread, "versions", None)
        if seen is None:
            seen = self._thread.versions = {}
        return seen

    def _refuse_if_changed(self, db: sqlite3.Connection, frames: Mapping[str, pd.DataFrame]) -> None:
        seen = self._seen()
        for name in frames:
            if name in seen and gw.layer_version(db, name) != seen[name]:
                raise StaleLayerError(
                    Message(
                        N_(
                            "{path}: {layer} has changed since it was read (another desk or "
                            "program saved); nothing was written, read the file again"
                        ),
                        path=self.path,
                        layer=name,
                    )
                )

    def _create_file(self) -> None:
        """Make the file with its metadata table, atomically: a complete file or none."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with gw.scratch_file(self.path) as scratch:
            _write_metadata(scratch, {"schema_version": SCHEMA_VERSION})
            with contextlib.suppress(FileExistsError):
                os.link(scratch, self.path)  # never replaces a file another writer just made


def lock_path_of(path: Path) -> Path:
    """The advisory lock file earlier versions kept beside ``path`` (no longer made: SQLite's
    own lock queues writers now); callers tidying a folder may remove it."""
    return path.with_name(f".{path.name}.lock")


def _prepare(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    schema = schema_for(name)
    frame = storable_frame(name, frame)
    # Dates go to the file as calendar days (GeoPackage DATE), which needs Arrow's date type.
    for f in schema.fields:
        if f.type == "date":
            frame[f.name] = frame[f.name].dt.date.astype("date32[pyarrow]")
    return frame


def _metadata(db: sqlite3.Connection, present: set[str] | None = None) -> dict[str, str]:
    if METADATA_LAYER not in (present if present is not None else gr.layer_names(db)):
        return {}
    table = gr.read_table(db, METADATA_LAYER, geometry=False)
    return {str(k): "" if pd.isna(v) else str(v) for k, v in zip(table["key"], table["value"], strict=False)}


def _append_journal(scratch: Path, rows: pd.DataFrame, *, append: bool) -> None:
    import pyogrio

    pyogrio.write_dataframe(rows, scratch, layer=JOURNAL_LAYER, driver="GPKG", append=append)


def _write_metadata(scratch: Path, values: Mapping[str, str]) -> None:
    table = pd.DataFrame({"key": list(values), "value": list(values.values())})
    import pyogrio

    pyogrio.write_dataframe(table, scratch, layer=METADATA_LAYER, driver="GPKG")


def _merge_metadata(db: sqlite3.Connection, values: Mapping[str, str]) -> None:
    """Set ``values`` in the live metadata table (made from the scratch copy when missing)."""
    if not gw.has_table(db, "main", METADATA_LAYER):
        gw.copy_layer(db, METADATA_LAYER)
        return
    table = gw.quoted(METADATA_LAYER)
    for key, value in values.items():
        db.execute(f"DELETE FROM main.{table} WHERE key = ?", (key,))
        db.execute(f"INSERT INTO main.{table} (key, value) VALUES (?, ?)", (key, value))
    if db.execute(f"SELECT 1 FROM main.{table} WHERE key = 'schema_version'").fetchone() is None:
        db.execute(f"INSERT INTO main.{table} (key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,))


def _final_records(edits: Sequence[Edit]) -> dict[str, dict[str, object]]:
    """Layer -> feature id -> its record after all ``edits`` (``None``: deleted)."""
    finals: dict[str, dict[str, object]] = {}
    for edit in edits:
        finals.setdefault(edit.layer, {})[str(edit.feature_id)] = edit.after
    return finals


def _edited_rows(
    dataset: Dataset, reading: Reading, edits: Sequence[Edit]
) -> tuple[Dataset, dict[str, dict[str, list[int]]]]:
    """The rows of ``dataset`` the ``edits`` are about (every row with an edited id), and per
    layer the fids of the rows holding each edited id (absent: a layer whose fids are not known)."""
    frames: dict[str, pd.DataFrame] = {}
    found: dict[str, dict[str, list[int]]] = {}
    for name in dict.fromkeys(edit.layer for edit in edits):
        frame, id_field = dataset[name], schema_for(name).id_field
        ids = {str(edit.feature_id) for edit in edits if edit.layer == name}
        if id_field in frame.columns:
            positions = np.flatnonzero(frame[id_field].isin(ids).to_numpy(bool))
            fids = reading.fids.get(name)
            if fids is not None and len(fids) == len(frame):
                found[name] = {key: [] for key in ids}
                for key, fid in zip(frame[id_field].iloc[positions].astype(str), fids[positions], strict=True):
                    found[name][key].append(int(fid))
            frame = frame.iloc[positions]
        frames[name] = frame
    return Dataset(frames, dict(dataset.metadata)), found


def _whole_layer(dataset: Dataset, name: str, edits: Sequence[Edit]) -> pd.DataFrame:
    return apply_to_dataset(Dataset({name: dataset[name]}), [e for e in edits if e.layer == name])[name]


def _changed_rows(name: str, layer: pd.DataFrame, finals: Mapping[str, object]) -> pd.DataFrame:
    id_field = schema_for(name).id_field
    kept = [fid for fid, record in finals.items() if record is not None]
    return layer[layer[id_field].astype(str).isin(kept)]


def _geometry_type(db: sqlite3.Connection, schema: str, name: str) -> str | None:
    if not gw.has_table(db, schema, "gpkg_geometry_columns"):
        return None
    row = db.execute(
        f"SELECT upper(geometry_type_name) FROM {schema}.gpkg_geometry_columns WHERE lower(table_name) = lower(?)",
        (name,),
    ).fetchone()
    return None if row is None else row[0]


def _now() -> dt.datetime:
    """The local time to the millisecond, the precision the store keeps."""
    now = dt.datetime.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _write_layer(scratch: Path, name: str, frame: pd.DataFrame) -> None:
    # pyogrio (GDAL) is loaded by writers only, here and in the two writers above: a command
    # that only reads the file (map) starts 20 ms sooner.
    import pyogrio

    schema = schema_for(name)
    options = {}
    if schema.is_spatial and frame.empty:
        options["geometry_type"] = schema.geometry_types[0]
    # Otherwise pyogrio takes the type from the data; a mix of Polygons and MultiPolygons is
    # stored as MultiPolygons, a layer of Polygons stays Polygons.
    pyogrio.write_dataframe(frame, scratch, layer=name, driver="GPKG", use_arrow=True, **options)


def _why_unreadable(path: Path, exc: sqlite3.DatabaseError) -> Message:
    """What an SQLite error on opening means to the person at the desk: a file another
    program is writing is not "not a GeoPackage", nor is a damaged one. SQLite's own words
    ("file is not a database") are left out where ours say the same in the desk's language."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return Message(
            N_("{path}: another program is writing to the file and holds it locked; try again in a moment"), path=path
        )
    if "malformed" in text:
        return Message(N_("{path}: the file is damaged; restore it from a backup or a copy"), path=path)
    if "no such table" in text or "not a database" in text:
        return Message(N_("{path}: not a GeoPackage file"), path=path)
    return Message(N_("{path}: cannot be read as a GeoPackage ({reason})"), path=path, reason=text)
