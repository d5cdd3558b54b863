"""Fixtures for the window's tests."""

import pytest

from desktop.session import Session
from geodata.store import GeoPackageStore
from layers import i18n
from layers.map_state import MapState


@pytest.fixture
def session(sample_copy, qapp):
    """A Session on a private copy of the sample, internal audience, as the window opens it."""
    store = GeoPackageStore(sample_copy)
    return Session(store, store.read_all(), MapState(audience="internal"), who="test-desk")


@pytest.fixture(params=["zh", "en"])
def language(request):
    """Run a test once in Chinese and once in English."""
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language("en")
