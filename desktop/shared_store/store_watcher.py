"""Reread the dataset when another program or desk changes it (wall display, main window).

Two kinds of store, one watcher:

* A GeoPackage file is written in place (or replaced by renaming a copy over it), so a change
  shows up in ``os.stat`` of the file or its ``-wal`` as a new inode, size or modification
  time. The system says at once when either is written (:class:`QFileSystemWatcher`), and a
  timer polls that cheap stat in case it did not (a network share).
* A PostGIS database tells: every committed write sends a NOTIFY (see
  :mod:`geodata.stores.postgis.notifications`), which a listener thread hears at once and turns into a
  check. The timer still polls the database's change counter (one row) in case a
  notification was missed while the connection was down.

Either way the dataset is only read when its key (stat or counter) differs from the last good
read, in a :class:`~desktop.background.BackgroundJob`, so the display never blocks. A GeoPackage
is read from the last dataset read: only the rows the file's change log names are read again,
and the new dataset shares every unchanged frame with the last
(:meth:`geodata.stores.gpkg.GeoPackageStore.refresh`); one household changed among a million
is read in milliseconds, where the whole file took seconds.
A missing, locked or corrupt file or an unreachable server is reported with the time of the
last good read and retried at every poll; the last good dataset stays shown meanwhile.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
import time
from pathlib import Path

from PyQt6.QtCore import QFileSystemWatcher, QObject, QTimer, pyqtSignal

from desktop.background import BackgroundJob
from geodata.dataset import Dataset
from geodata.stores import GeoPackageStore
from geodata.stores.postgis.location import is_database_location

log = logging.getLogger(__name__)

# Keep failure reasons short enough for a status line.
_MAX_REASON = 200
# A commit writes the file several times in a row: check once they are done.
_SETTLE_MS = 20

_StatKey = tuple[int, int, int, tuple[int, int] | None]  # the file, then its -wal if any


class StoreWatcher(QObject):
    """Watch one dataset (GeoPackage file or PostGIS database) and announce each new content.

    Parameters
    ----------
    location
        The ``.gpkg`` file (it may be missing at first: reported as a failure), or a database
        location (``postgresql://…``, ``service=…``), opened read-only.
    interval_ms
        How often to look at the file's stat or the database's change counter.
    parent
        The owning QObject, if any.
    store
        A store to read through instead of opening ``location`` (the main window passes its
        own, so what it reads and what it saves agree). A database store is listened to.

    Signals
    -------
    loaded(object)
        A :class:`geodata.dataset.Dataset` read after a change since the last good read
        (and after every recovery).
    failed(str, object)
        A short reason the data could not be read, and the :class:`datetime.datetime` of the
        last good read (``None`` if none yet). Emitted at every poll while the failure lasts.
    recovered()
        Emitted once, right before ``loaded``, when a read succeeds after failures.
    """

    loaded = pyqtSignal(object)
    failed = pyqtSignal(str, object)
    recovered = pyqtSignal()
    _poked = pyqtSignal()  # from the listener thread: a change was committed

    def __init__(self, location, interval_ms: int = 30000, parent: QObject | None = None, store=None):
        super().__init__(parent)
        self.is_database = is_database_location(location if store is None else store.path)
        self.path = None if self.is_database else Path(location if store is None else store.path)
        self.location = location if store is None else store.path
        self._store = store
        self._listener = None
        self._poll = QTimer(self)
        self._poll.setInterval(int(interval_ms))
        self._poll.timeout.connect(self.check_now)
        self._poked.connect(self.check_now)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(_SETTLE_MS)
        self._soon.timeout.connect(self.check_now)
        self._files: QFileSystemWatcher | None = None
        # Reads are serialised even if a stopped watcher's read still runs: they share a store.
        self._read_lock = threading.Lock()
        self._job: BackgroundJob | None = None
        self._last_key: _StatKey | None = None
        self._last_good: dt.datetime | None = None
        self._dataset: Dataset | None = None  # only the last good one: memory stays flat
        self._failing = False
        self._check_again = False
        self._read_started = self._loaded_read_started = 0.0

    # -- public API --------------------------------------------------------------------

    @property
    def dataset(self) -> Dataset | None:
        """The last dataset read successfully, or ``None``."""
        return self._dataset

    @property
    def last_good_read(self) -> dt.datetime | None:
        """When the data was last read successfully (local time), or ``None``."""
        return self._last_good

    def is_active(self) -> bool:
        """Whether the watcher is polling."""
        return self._poll.isActive()

    @property
    def read_started(self) -> float:
        """When (``time.monotonic()``) the read that gave the last ``loaded`` dataset began."""
        return self._loaded_read_started

    def set_interval(self, interval_ms: int) -> None:
        self._poll.setInterval(int(interval_ms))

    def start(self) -> None:
        """Check now, then every ``interval_ms`` (and at every notification of a database)."""
        self._poll.start()
        if self.path is not None and self._files is None:
            self._files = QFileSystemWatcher(self)
            self._files.fileChanged.connect(lambda _path: self._soon.start())
        self.check_now()

    def assume_read(self, key: _StatKey, dataset: Dataset) -> None:
        """Take ``dataset`` as the last good read of the file at ``key`` (:func:`stat_key`,
        taken before the caller made sure the file still holds it): the window read the file
        itself, and a second read of a million households cost seconds at its start."""
        self._last_key, self._dataset, self._last_good = key, dataset, dt.datetime.now()

    def stop(self) -> None:
        """Stop polling and listening; a read in flight is abandoned and emits nothing."""
        self._poll.stop()
        self._soon.stop()
        if self._files is not None:
            self._files.fileChanged.disconnect()
            self._files.deleteLater()
            self._files = None
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
        if self._job is not None:
            self._job.cancel()  # a read reports nothing, so it runs on: its result is dropped
            self._job = None

    def check_now(self) -> None:
        """Start a read if the data changed (or the last read failed).

        Returns at once; the outcome arrives later as a signal. While a read is in flight
        the check is made again when it ends, so a change during a read is never missed.
        """
        if self._job is not None:
            self._check_again = True
            return
        self._read_started = time.monotonic()
        if self.is_database:
            last_key, failing = self._last_key, self._failing
            self._start_read(lambda: self._read_database(last_key, failing))
        else:
            self._watch_files()
            try:
                key = stat_key(self.path)
            except OSError as exc:
                self._fail(f"file missing or inaccessible: {exc.strerror or exc}")
                return
            if key == self._last_key and not self._failing:
                return
            self._start_read(self._read_file_changes)

    def close(self) -> None:
        """Stop (without waiting for a read in flight)."""
        self.stop()

    # -- internals -----------------------------------------------------------------------

    def _start_read(self, read) -> None:
        def work(feedback):
            with self._read_lock:
                feedback.raise_if_cancelled()  # stopped while an earlier read held the store
                return read()

        job = BackgroundJob(work, name="store-watcher", owner=self)
        job.finished.connect(lambda result, j=job: self._collect(j, result))
        job.failed.connect(lambda exc, j=job: self._read_failed(j, exc))
        self._job = job
        job.start()

    def _watch_files(self) -> None:
        """Watch the file and its ``-wal`` (again: a file renamed over drops the watch)."""
        if self._files is None or self.path is None:
            return
        wanted = [str(self.path), str(self.path.with_name(self.path.name + "-wal"))]
        missing = [p for p in wanted if p not in self._files.files() and os.path.exists(p)]
        if missing:
            self._files.addPaths(missing)

    def _read_file_changes(self) -> tuple[_StatKey, Dataset]:
        """Worker thread: (stat, dataset), the stat taken before the read (raises on a
        missing or corrupt file)."""
        path = self.path
        assert path is not None  # a file watcher
        if self._store is None:
            self._store = GeoPackageStore(path)
        store = self._store
        # A file an earlier version wrote, which logs no changed rows, is read whole at each
        # change until a desk's window opens it and makes it log them: a watcher only reads
        # (the wall has no write path; the window's live updates ask the file themselves).
        key = stat_key(path)  # before the read
        return key, _read_file(path, store)

    def _read_database(self, last_key, failing: bool):
        """Worker thread: (counter, dataset), the dataset ``None`` when nothing changed."""
        if self._store is None:
            from geodata.stores import open_store

            self._store = open_store(self.location, read_only=True)
        # Counter first: a write between the two shows as a new counter at the next check.
        key = self._store.change_serial()
        if key == last_key and not failing:
            return key, None
        return key, self._store.read_all()

    def _read_failed(self, job: BackgroundJob, exc: Exception) -> None:
        """On the Qt thread: any reader error (StoreError, GDAL, sqlite) is a failure."""
        if job is not self._job:
            return  # a stopped watcher's read
        self._job = None
        what = "the database" if self.is_database else "the file"
        self._fail(f"cannot read {what}: {exc}")

    def _collect(self, job: BackgroundJob, result) -> None:
        """On the Qt thread: take the read's result."""
        if job is not self._job:
            return  # a stopped watcher's read
        self._job = None
        key, dataset = result
        if self.is_database:
            self._start_listening()
        # The key is taken before the read: if the data changed in between, the next check
        # sees a different key and reads again, so no change is ever missed.
        if dataset is not None:
            was_failing = self._failing
            self._failing = False
            self._last_key = key
            self._last_good = dt.datetime.now()
            self._dataset = dataset
            self._loaded_read_started = self._read_started
            if was_failing:
                self.recovered.emit()
            self.loaded.emit(dataset)
        if self._check_again:
            self._check_again = False
            self.check_now()

    def _start_listening(self) -> None:
        if self._listener is None and self._poll.isActive():
            # Emitting a signal from the listener's thread queues the check on the Qt thread.
            self._listener = self._store.listener(on_change=lambda _tables: self._poked.emit())
            self._listener.start()

    def _fail(self, reason: str) -> None:
        self._failing = True
        if len(reason) > _MAX_REASON:
            reason = reason[: _MAX_REASON - 1] + "…"
        self.failed.emit(reason, self._last_good)


def stat_key(path: Path) -> _StatKey:
    """What changes when a writer renames a new file in or rewrites it in place. In WAL mode
    a commit lands in ``-wal`` beside the file and reaches the file only at a checkpoint,
    which another program's open read can hold off: the ``-wal`` counts too."""
    st = os.stat(path)
    try:
        wal = os.stat(path.with_name(path.name + "-wal"))
        wal_key = (wal.st_mtime_ns, wal.st_size)
    except FileNotFoundError:
        wal_key = None
    return (st.st_mtime_ns, st.st_size, st.st_ino, wal_key)


def _read_file(path: Path, store=None) -> Dataset:
    """Worker thread: the dataset, read from the last one read where the file can tell what
    changed (raises on a missing or corrupt file)."""
    store = store or GeoPackageStore(path)
    return store.refresh() if hasattr(store, "refresh") else store.read_all()
