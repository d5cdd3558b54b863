"""Fixtures for the window's tests."""

import shutil

import pytest
from PyQt6.QtCore import QSettings

from desktop.window.session import Session
from geodata.sample.bundled import bundled_sample_path
from geodata.stores import GeoPackageStore
from layers import i18n
from layers.map_state import MapState


@pytest.fixture(autouse=True)
def private_settings(tmp_path, qapp):
    """QSettings (window layout, recent files, last view) in a folder of the test's own."""
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    qapp.setOrganizationName("situation-map-tests")
    qapp.setApplicationName("situation-map-tests")
    yield


@pytest.fixture
def session(sample_copy, qapp):
    """A Session on a private copy of the sample, internal audience, as the window opens it."""
    store = GeoPackageStore(sample_copy)
    return Session(store, store.read_all(), MapState(audience="internal"), who="test-desk")


@pytest.fixture
def emitted(session):
    """Every state the session announces, in order."""
    states = []
    session.state_changed.connect(states.append)
    return states


@pytest.fixture(params=["zh", "en"])
def language(request):
    """Run a test once in Chinese and once in English."""
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language("en")


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory):
    """A copy of the bundled sample shared by one module's tests, which only read it."""
    target = tmp_path_factory.mktemp("data") / "sample.gpkg"
    shutil.copyfile(bundled_sample_path(), target)
    return target
