"""File → Connect to database…: a one-off password connects and is kept nowhere."""

from pathlib import Path

import pytest
from PyQt6.QtCore import QSettings
from PyQt6.QtWidgets import QApplication

from desktop.app import show_window
from desktop.shared_store import connect_dialog
from desktop.shared_store.connect_dialog import ConnectDialog, recent_locations
from desktop.window.main_window import MainWindow
from geodata.feedback import Cancelled, Feedback
from geodata.stores import GeoPackageStore
from geodata.stores.postgis.store import PostGISStore
from tests.desktop.pagetools import PAGE_TIMEOUT_MS

SECRET = "writer-secret-7"


def database_window():
    """The window the application opened on the database, once it has."""
    windows = QApplication.topLevelWidgets()
    return next((w for w in windows if isinstance(w, MainWindow) and isinstance(w.session.store, PostGISStore)), None)


def test_connecting_opens_the_database_and_keeps_no_password(qtbot, pushed, sample_copy, monkeypatch, tmp_path):
    monkeypatch.delenv("PGPASSFILE")  # only the dialog's password field can get us in
    store = GeoPackageStore(sample_copy)
    first = show_window(store, store.read_all())  # wired as the application wires it
    dialog = ConnectDialog(first)
    dialog.location.setEditText(pushed)
    dialog.password.setText(SECRET)
    dialog.connect_now()
    assert dialog.password.text() == ""
    qtbot.waitUntil(lambda: database_window() is not None, timeout=PAGE_TIMEOUT_MS)
    window = database_window()  # deletes itself when closed, as the first did when it was replaced
    assert isinstance(window.session.store, PostGISStore)
    assert len(window.session.dataset.households) > 0
    assert SECRET not in window.windowTitle()
    assert recent_locations() == [pushed]
    with qtbot.waitSignal(window.destroyed, timeout=PAGE_TIMEOUT_MS):
        window.close()
    settings = QSettings()
    settings.sync()
    assert settings.value("last_dataset") == pushed
    saved = Path(settings.fileName()).read_text(encoding="utf-8", errors="replace")
    assert pushed.split("@")[1] in saved and SECRET not in saved


def test_a_refused_connection_is_told_and_changes_nothing(qtbot, pushed, sample_copy, monkeypatch):
    monkeypatch.delenv("PGPASSFILE")
    store = GeoPackageStore(sample_copy)
    first = MainWindow(store, store.read_all())
    qtbot.addWidget(first)
    first.show()
    errors = []
    first.show_error = errors.append
    opened = []
    first.store_opened.connect(lambda *store_and_dataset: opened.append(store_and_dataset))
    dialog = ConnectDialog(first)
    dialog.location.setEditText(pushed)
    dialog.password.setText("wrong-guess")
    dialog.connect_now()
    qtbot.waitUntil(lambda: bool(errors), timeout=PAGE_TIMEOUT_MS)
    assert "refused the user name or password" in errors[0] and "wrong-guess" not in errors[0]
    assert opened == [] and first.isVisible()


def test_a_connection_given_up_while_it_was_made_is_closed_not_kept(pushed, monkeypatch):
    closed = []
    close = PostGISStore.close
    monkeypatch.setattr(PostGISStore, "close", lambda store: (closed.append(store), close(store)))
    feedback = Feedback()
    feedback.cancel()  # the user pressed Cancel while the server was being reached
    with pytest.raises(Cancelled):
        connect_dialog._open_and_read(pushed, "", feedback)
    assert len(closed) == 1
