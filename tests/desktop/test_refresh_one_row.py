"""After another program's one-row edit, read row by row, the map sends what a page written
anew from the whole file shows: the households' state bytes, the features shown, the texts and
the changed household as its popup lists it."""

from __future__ import annotations

import numpy as np
import pytest

import layers.page_columns as page_columns
from geodata.stores import GeoPackageStore
from geodata.stores import gpkg_write as gw
from geodata.stores.gpkg_changes import patch_of
from layers.dataset_diff import changed_features
from layers.map_state import MapState
from layers.page_model import packed_state, page_model, state_message
from layers.webmap import feature_collection
from tests.desktop.pagetools import PAGE_TIMEOUT_MS, open_map

INTERNAL = MapState(audience="internal")
EDITS = {
    "status changed": "UPDATE households SET status = 'escalated', status_date = '2020-02-12' WHERE fid = 3",
    "moved": "UPDATE households SET geom = (SELECT geom FROM households WHERE fid = 5) WHERE fid = 3",
    "added": "INSERT INTO households (id, geom, village, observation_start, observation_days, status) "
    "SELECT 'H-NEW', geom, village, observation_start, observation_days, status FROM households WHERE fid = 3",
    "deleted": "DELETE FROM households WHERE fid = 3",
}


@pytest.fixture(params=["columns", "geojson"])
def households_sent_as(request, monkeypatch):
    if request.param == "columns":
        monkeypatch.setattr(page_columns, "COLUMNAR_AT", 0)
    return request.param


@pytest.mark.parametrize("edit", EDITS)
def test_one_row_read_again_shows_what_a_full_rebuild_shows(qtbot, tmp_path, sample_copy, households_sent_as, edit):
    store = GeoPackageStore(sample_copy)
    assert store.keep_change_log()
    before = store.read_all()
    view = open_map(qtbot, tmp_path, before, INTERNAL)
    assert ("households" in view.columnar) == (households_sent_as == "columns")
    with gw.transaction(sample_copy) as db:
        db.execute(EDITS[edit])
    after = store.refresh(before)
    assert patch_of(before.households, after.households) is not None
    changed = changed_features(before, after)
    [household] = changed["households"]

    rebuilt = households_sent_as == "columns" and edit in ("added", "deleted")
    # A layer held as columns numbers its rows by position: a feature added or removed writes
    # the page again.
    with qtbot.waitSignal(view.drawn if rebuilt else view.applied, timeout=PAGE_TIMEOUT_MS):
        update = view.apply_dataset(after, changed)

    whole = GeoPackageStore(sample_copy).read_all()
    expected = page_model(whole, INTERNAL, "zh")
    for layer in expected.layers:
        assert view.model.shown_ids(layer) == expected.shown_ids(layer), layer
        np.testing.assert_array_equal(view.model.ids[layer], expected.ids[layer])
    assert view.model.texts == expected.texts
    if households_sent_as == "columns":
        np.testing.assert_array_equal(packed_state(view.model, "households"), packed_state(expected, "households"))
    if rebuilt:
        assert update == {}
        return
    sent = update["layers"]["households"]
    if edit == "deleted":
        assert sent["remove"] == [household]
        assert "upsert" not in sent
        return
    if households_sent_as == "columns" and edit == "status changed":
        assert sent["state"] == state_message("households", packed_state(expected, "households"))
    assert sent["upsert"] == feature_collection(whole, "households", expected, "internal", [household])["features"]
    assert sent["upsert"][0]["id"] == household
