"""File → Connect to database…, and the shared-store behaviour of every window.

The dialog takes a database location (``postgresql://user@host/db`` or ``service=NAME``)
and, if the desk has no ``~/.pgpass`` entry, a password used for this connection only:
it is never saved, and the location kept in the recent list and the settings has none.
Connecting and reading run on a worker thread behind a cancellable progress dialog.

:func:`install` also gives the window live updates (other desks' changes drawn as they
are committed) and the reload-or-overwrite question when a save meets another desk's change.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor

from PyQt6.QtCore import QSettings, QTimer
from PyQt6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressDialog,
    QVBoxLayout,
)

from desktop.shared_store import conflict_dialog
from desktop.shared_store.live_updates import LiveUpdates
from geodata.errors import GeodataError
from geodata.stores.postgis.location import is_database_location, without_password
from layers.i18n import _

log = logging.getLogger(__name__)

RECENT_KEY = "database/recent"
RECENT_LIMIT = 8


def install(window) -> LiveUpdates:
    """File → Connect to database…, the conflict question, and live updates (started; the
    window keeps them)."""
    window.add_file_action(_("Connect to &database…"), lambda: ConnectDialog(window).open(), "Ctrl+Shift+D")
    conflict_dialog.install(window)
    live_updates = LiveUpdates(window)
    live_updates.start()
    return live_updates


class ConnectDialog(QDialog):
    """Ask for a database; on OK, hand it to ``window`` (``store_opened``) to be opened in a new
    window that replaces it."""

    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle(_("Connect to database"))
        self.location = QComboBox()
        self.location.setEditable(True)
        self.location.addItems(recent_locations())
        self.location.setMinimumWidth(420)
        self.location.lineEdit().setPlaceholderText("postgresql://user@host/db  ·  service=NAME")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(_("only if ~/.pgpass has none; not saved"))
        hint = QLabel(
            _(
                "The database is shared by every desk of the command centre. Passwords are "
                "best kept in ~/.pgpass or a service file (~/.pg_service.conf), never in the "
                "settings."
            )
        )
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Database:"), self.location)
        form.addRow(_("Password:"), self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.connect_now)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="connect")
        self._future: Future | None = None
        self._progress: QProgressDialog | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._collect)

    def connect_now(self) -> None:
        text = self.location.currentText().strip()
        if not is_database_location(text):
            self.window_.show_error(_("Give a database as postgresql://user@host/db or service=NAME"))
            return
        self._shown = without_password(text)
        password = self.password.text()
        self.password.clear()
        self._progress = QProgressDialog(
            _("Connecting to {location}…").format(location=self._shown), _("Cancel"), 0, 0, self
        )
        self._progress.setMinimumDuration(300)
        self._progress.canceled.connect(self._cancel)
        self._future = self._executor.submit(_open_and_read, text, password)
        self._timer.start()

    def _cancel(self) -> None:
        # The connection attempt cannot be interrupted: its result is closed when it comes.
        if self._future is not None:
            self._future.add_done_callback(_close_store)
        self._future = None
        self._timer.stop()

    def _collect(self) -> None:
        future = self._future
        if future is None or not future.done():
            return
        self._timer.stop()
        self._future = None
        if self._progress is not None:
            self._progress.reset()
        try:
            store, dataset = future.result()
        except GeodataError as exc:
            log.warning("cannot connect to a database: %s", type(exc).__name__)
            self.window_.show_error(_("Cannot open the data: {reason}").format(reason=exc))
            return
        remember(self._shown)
        self.accept()
        self.window_.store_opened.emit(store, dataset)


def _open_and_read(location: str, password: str):
    from geodata.stores.postgis.store import PostGISStore

    store = PostGISStore(location, password=password)
    return store, store.read_all()


def _close_store(future: Future) -> None:
    try:
        store, _dataset = future.result()
    except Exception:
        return
    store.close()


def recent_locations() -> list[str]:
    value = QSettings().value(RECENT_KEY, [])
    return [value] if isinstance(value, str) else list(value or [])


def remember(location: str) -> None:
    safe = without_password(location)
    recent = [safe] + [item for item in recent_locations() if item != safe]
    QSettings().setValue(RECENT_KEY, recent[:RECENT_LIMIT])
