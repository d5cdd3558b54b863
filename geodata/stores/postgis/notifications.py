"""Hearing other desks' changes: LISTEN on a connection of its own, on a thread of its own.

Every write to the dataset's tables fires a statement trigger that bumps the change counter
and sends ``NOTIFY situation_map, '<table>'`` (migration 3). PostgreSQL delivers it when the
writing transaction commits, and never for one rolled back. The listener waits on its
connection with a short timeout so that :meth:`ChangeListener.stop` is honoured quickly; when
the connection drops (server restart, network), it reports the failure and reconnects.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from geodata.stores.postgis.migrations import CHANNEL

log = logging.getLogger(__name__)

_WAIT_S = 0.5
_RETRY_S = 5.0


class ChangeListener:
    """Calls ``on_change(table_names)`` (on its own thread) after each committed change.

    Parameters
    ----------
    connect
        Makes a new autocommit connection (``PostGISStore.connect``), so the listener never
        sees the connection string.
    on_change
        Called with the set of tables a batch of notifications named.
    on_error
        Called with a short reason when the connection is lost (then it reconnects).
    """

    def __init__(
        self,
        connect: Callable,
        on_change: Callable[[set[str]], None],
        on_error: Callable[[str], None] | None = None,
        retry_s: float = _RETRY_S,
    ):
        self._connect = connect
        self._on_change = on_change
        self._on_error = on_error
        self._retry_s = retry_s
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="postgis-listener", daemon=True)
            self._thread.start()

    def stop(self, wait: bool = False) -> None:
        self._stop.set()
        if wait and self._thread is not None:
            self._thread.join(timeout=2 * _WAIT_S + 1)

    def wait_listening(self, timeout: float) -> bool:
        """Block until LISTEN is in effect (tests, benchmarks): changes after it are heard."""
        return self._listening.wait(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn = self._connect()
            except Exception as exc:  # StoreError: the server is away; try again later
                self._report(str(exc))
                self._stop.wait(self._retry_s)
                continue
            try:
                with conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    # Whatever was committed before LISTEN took effect (at start, or while
                    # the connection was down) is caught by one check of the counter.
                    self._on_change(set())
                    self._listening.set()
                    while not self._stop.is_set():
                        # Back at the first notification; then take any that came with it.
                        heard = list(conn.notifies(timeout=_WAIT_S, stop_after=1))
                        if heard:
                            heard += conn.notifies(timeout=0.01)
                        tables = {n.payload for n in heard}
                        if tables:
                            self._on_change(tables)
            except Exception as exc:  # psycopg.OperationalError: the connection was lost
                self._listening.clear()
                self._report(f"lost the connection: {type(exc).__name__}")
                self._stop.wait(self._retry_s)
        self._listening.clear()

    def _report(self, reason: str) -> None:
        log.info("change listener: %s", reason)
        if self._on_error is not None:
            self._on_error(reason)
