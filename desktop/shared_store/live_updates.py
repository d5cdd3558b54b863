"""Other desks' changes reach an open window: the store is watched and what changed is drawn.

A :class:`~desktop.shared_store.store_watcher.StoreWatcher` reads through the window's own store (for a
database: on LISTEN/NOTIFY, within a second or so; for a GeoPackage: when the file changes)
and the session takes the new dataset, which redraws only the changed features through the
page's update API. A read that began before this window's own save finished is dropped (it
shows the data before the save); the next check reads again.
"""

from __future__ import annotations

import contextlib
import time

from desktop.shared_store.store_watcher import StoreWatcher, stat_key
from geodata.errors import GeodataError

FILE_INTERVAL_MS = 3000
# With notifications the counter poll is only the fallback for a missed one.
DATABASE_INTERVAL_MS = 15000


class LiveUpdates:
    """The window's watcher on its own store, feeding :meth:`Session.take_external`."""

    def __init__(self, window):
        self.session = window.session
        store = self.session.store
        self.watcher = StoreWatcher(store.path, interval_ms=FILE_INTERVAL_MS, parent=window, store=store)
        if self.watcher.is_database:
            self.watcher.set_interval(DATABASE_INTERVAL_MS)
        self._last_save = 0.0
        self._taking = False  # a live update is being shown: not a save of ours
        self.watcher.loaded.connect(self._take)
        self.session.dataset_changed.connect(self._note_own_change)
        window.destroyed.connect(lambda _obj=None: self.watcher.close())

    def start(self) -> None:
        store = self.session.store
        if hasattr(store, "keep_change_log"):
            # A file an earlier version wrote: from now on it says which rows each change
            # touched, so neither this window's saves nor its watcher read it whole again.
            with contextlib.suppress(GeodataError, OSError):
                store.keep_change_log(timeout=0.25)
        if not self.watcher.is_database and hasattr(store, "unchanged_since_read"):
            key = stat_key(store.path)  # before the check: a change after it shows at a poll
            with contextlib.suppress(GeodataError, OSError):
                if store.unchanged_since_read(self.session.dataset):
                    self.watcher.assume_read(key, self.session.dataset)
        self.watcher.start()

    def _note_own_change(self, _changed) -> None:
        if not self._taking:
            self._last_save = time.monotonic()

    def _take(self, dataset) -> None:
        if self.watcher.read_started < self._last_save:
            self.watcher.check_now()  # read before our own save ended: read again
            return
        self._taking = True
        try:
            self.session.take_external(dataset)
        finally:
            self._taking = False
