"""Test-wide setup: offscreen Qt, Chromium's sandbox as root, and a private user folder."""

import os
import shutil

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if hasattr(os, "geteuid") and os.geteuid() == 0:
    # Chromium will not start as root inside its sandbox (docs/architecture.md, System libraries).
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import PyQt6.QtWebEngineWidgets  # noqa: E402,F401  (must be loaded before the QApplication)

import desktop.page_scheme  # noqa: E402,F401  (registers the pages' URL scheme before the QApplication)


@pytest.fixture(autouse=True)
def private_user_folder(tmp_path_factory, monkeypatch):
    """Keep every test away from the real user data folder."""
    monkeypatch.setenv("SITUATION_MAP_HOME", str(tmp_path_factory.mktemp("user-data")))


@pytest.fixture(autouse=True)
def english_after_each_test():
    """Commands run in-process set the language for the process; start every test from English."""
    yield
    from layers import i18n

    i18n.set_language("en")


@pytest.fixture
def sample_copy(tmp_path):
    """A private copy of the bundled sample GeoPackage."""
    from geodata.sample.bundled import bundled_sample_path

    target = tmp_path / "sample.gpkg"
    shutil.copyfile(bundled_sample_path(), target)
    return target


@pytest.fixture(scope="session", autouse=True)
def delete_pages_before_their_profile(qapp):
    """Delete every widget (and so every web page) before the application and its web profile
    go, as Qt WebEngine requires."""
    yield
    from PyQt6.QtCore import QCoreApplication, QEvent

    for widget in qapp.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    QCoreApplication.processEvents()
