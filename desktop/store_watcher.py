"""Reread the GeoPackage when another program writes it, for the wall display.

The store replaces its file by renaming a finished copy over it, so a change shows up in
``os.stat`` as a new inode, size or modification time. A timer polls that (cheap) stat and
only reads the file (about 0.2 s for the sample) when it differs from the last good read,
on a worker thread, so the display never blocks. A missing, locked or corrupt file is
reported with the time of the last good read and retried at every poll; the display keeps
showing the last good dataset meanwhile.
"""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from geodata.dataset import Dataset
from geodata.store import GeoPackageStore

# How often the Qt thread looks whether the worker's read has finished. Polling a future
# from a QTimer needs no cross-thread signal plumbing and costs nothing between reads
# (the timer only runs while a read is in flight).
_RESULT_POLL_MS = 50
# Keep failure reasons short enough for a status line.
_MAX_REASON = 200

_StatKey = tuple[int, int, int]


class StoreWatcher(QObject):
    """Watch one GeoPackage file and announce each new content as a :class:`Dataset`.

    Parameters
    ----------
    path
        The ``.gpkg`` file to watch. It may be missing at first (reported as a failure).
    interval_ms
        How often to look at the file's stat, in milliseconds.
    parent
        The owning QObject, if any.

    Signals
    -------
    loaded(object)
        A :class:`geodata.dataset.Dataset` read from the file, after its stat changed since
        the last good read (and after every recovery).
    failed(str, object)
        A short reason the file could not be read, and the :class:`datetime.datetime` of the
        last good read (``None`` if none yet): the data shown is stale since then. Emitted
        at every poll while the failure lasts.
    recovered()
        Emitted once, right before ``loaded``, when a read succeeds after failures.
    """

    loaded = pyqtSignal(object)
    failed = pyqtSignal(str, object)
    recovered = pyqtSignal()

    def __init__(self, path: str | os.PathLike, interval_ms: int = 30000, parent: QObject | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self._poll = QTimer(self)
        self._poll.setInterval(int(interval_ms))
        self._poll.timeout.connect(self.check_now)
        self._result_poll = QTimer(self)
        self._result_poll.setInterval(min(_RESULT_POLL_MS, int(interval_ms)))
        self._result_poll.timeout.connect(self._collect)
        # One worker: reads are serialised even if a stopped watcher's read still runs.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store-watcher")
        self._future: Future | None = None
        self._future_key: _StatKey | None = None  # the stat the read in flight was started on
        self._last_key: _StatKey | None = None
        self._last_good: dt.datetime | None = None
        self._dataset: Dataset | None = None  # only the last good one: memory stays flat
        self._failing = False

    # -- public API --------------------------------------------------------------------

    @property
    def dataset(self) -> Dataset | None:
        """The last dataset read successfully, or ``None``."""
        return self._dataset

    @property
    def last_good_read(self) -> dt.datetime | None:
        """When the file was last read successfully (local time), or ``None``."""
        return self._last_good

    def is_active(self) -> bool:
        """Whether the watcher is polling."""
        return self._poll.isActive()

    def start(self) -> None:
        """Check the file now, then every ``interval_ms``."""
        self._poll.start()
        self.check_now()

    def stop(self) -> None:
        """Stop polling; a read in flight is abandoned and emits nothing."""
        self._poll.stop()
        self._result_poll.stop()
        if self._future is not None:
            self._future.cancel()  # harmless if it already runs: its result is dropped
            self._future = None

    def check_now(self) -> None:
        """Look at the file's stat and start a read if it changed (or the last read failed).

        Returns at once; the outcome arrives later as a signal. Does nothing while a read
        is in flight.
        """
        if self._future is not None:
            return
        try:
            key = _stat_key(self.path)
        except OSError as exc:
            self._fail(f"file missing or inaccessible: {exc.strerror or exc}")
            return
        if key == self._last_key and not self._failing:
            return
        self._future = self._executor.submit(_read, self.path)
        self._future_key = key
        self._result_poll.start()

    def close(self) -> None:
        """Stop and release the worker thread (without waiting for a read in flight)."""
        self.stop()
        self._executor.shutdown(wait=False, cancel_futures=True)

    # -- internals -----------------------------------------------------------------------

    def _collect(self) -> None:
        """On the Qt thread: take the worker's result once it is ready."""
        future = self._future
        if future is None:
            self._result_poll.stop()
            return
        if not future.done():
            return
        self._future = None
        self._result_poll.stop()
        try:
            dataset = future.result()
        except Exception as exc:  # any reader error (StoreError, GDAL, sqlite) is a failure
            self._fail(f"cannot read the file: {exc}")
            return
        # The stat is taken before the read: if the file was replaced in between, the next
        # poll sees a different stat and reads again, so no change is ever missed.
        was_failing = self._failing
        self._failing = False
        self._last_key = self._future_key
        self._last_good = dt.datetime.now()
        self._dataset = dataset
        if was_failing:
            self.recovered.emit()
        self.loaded.emit(dataset)

    def _fail(self, reason: str) -> None:
        self._failing = True
        if len(reason) > _MAX_REASON:
            reason = reason[: _MAX_REASON - 1] + "…"
        self.failed.emit(reason, self._last_good)


def _stat_key(path: Path) -> _StatKey:
    """What changes when a writer renames a new file in or rewrites it in place."""
    st = os.stat(path)
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _read(path: Path) -> Dataset:
    """Worker thread: the whole dataset (raises on a missing or corrupt file)."""
    return GeoPackageStore(path).read_all()
