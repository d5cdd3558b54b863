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

from PyQt6.QtCore import QSettings
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

from desktop.background import BackgroundJob
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
        self._job: BackgroundJob | None = None
        self._progress: QProgressDialog | None = None

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
        job = BackgroundJob(lambda feedback: _open_and_read(text, password, feedback), name="connect", owner=self)
        job.finished.connect(lambda result, j=job: self._connected(j, result))
        job.failed.connect(lambda exc, j=job: self._refused(j, exc))
        self._job = job
        job.start()

    def _cancel(self) -> None:
        # The connection attempt cannot be interrupted: the job closes what it opened.
        if self._job is not None:
            self._job.cancel()
        self._job = None

    def _connected(self, job: BackgroundJob, result) -> None:
        store, dataset = result
        if job is not self._job:  # cancelled after the job's last look
            store.close()
            return
        self._ended()
        remember(self._shown)
        self.accept()
        self.window_.store_opened.emit(store, dataset)

    def _refused(self, job: BackgroundJob, exc: Exception) -> None:
        if job is not self._job:
            return
        self._ended()
        if not isinstance(exc, GeodataError):
            log.error("connecting to a database failed", exc_info=exc)
        else:
            log.warning("cannot connect to a database: %s", type(exc).__name__)
        from desktop.os_errors import error_text

        self.window_.show_error(_("Cannot open the data: {reason}").format(reason=error_text(exc)))

    def _ended(self) -> None:
        self._job = None
        if self._progress is not None:
            self._progress.reset()


def _open_and_read(location: str, password: str, feedback):
    """On the job's thread: the store and its data, or Cancelled (the store closed) when the
    user gave up while it connected."""
    from geodata.stores.postgis.store import PostGISStore

    store = PostGISStore(location, password=password)
    try:
        dataset = store.read_all()
        feedback.raise_if_cancelled()
    except BaseException:
        store.close()
        raise
    return store, dataset


def recent_locations() -> list[str]:
    value = QSettings().value(RECENT_KEY, [])
    return [value] if isinstance(value, str) else list(value or [])


def remember(location: str) -> None:
    safe = without_password(location)
    recent = [safe] + [item for item in recent_locations() if item != safe]
    QSettings().setValue(RECENT_KEY, recent[:RECENT_LIMIT])
