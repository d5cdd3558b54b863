"""A household without a place (no geometry, or an empty one) in the middle of the layer, on the
GeoJSON page (under the columnar threshold): it is not drawn, and every other household is drawn
at its own place with its own popup, not its neighbour's."""

from __future__ import annotations

import json

import pytest
import shapely

from geodata.stores import GeoPackageStore
from layers import page_columns
from layers.map_state import MapState
from layers.page_columns import COLUMNAR_AT
from layers.page_model import page_model
from layers.webmap import feature_collection
from tests.desktop.pagetools import evaluate, open_map, wait_applied

INTERNAL = MapState(audience="internal")


@pytest.fixture
def placeless(sample_copy):
    dataset = GeoPackageStore(sample_copy).read_all()
    households = dataset.households.copy()
    assert 10 < len(households) < COLUMNAR_AT
    households.loc[10, "geometry"] = shapely.Point()  # an empty point
    households.loc[len(households) // 2, "geometry"] = None
    dataset["households"] = households
    return dataset


def test_each_feature_has_its_own_households_place(placeless):
    model = page_model(placeless, INTERNAL, "zh")
    features = feature_collection(placeless, "households", model, "internal")["features"]
    households = placeless.households
    places = {
        row.id: [round(row.geometry.x, 6), round(row.geometry.y, 6)]
        for row in households.itertuples()
        if row.geometry is not None and not row.geometry.is_empty
    }
    assert {f["id"]: f["geometry"]["coordinates"] for f in features} == places
    for feature in features:
        assert feature["properties"]["id"] == feature["id"]


def test_the_page_draws_the_others_at_their_own_places_with_their_own_popups(qtbot, tmp_path, placeless):
    view = open_map(qtbot, tmp_path, placeless, INTERNAL)
    households = placeless.households
    without = {households.loc[10, "id"], households.loc[len(households) // 2, "id"]}
    shown = evaluate(qtbot, view, "SituationMap.state().ids.households")
    assert shown == sorted(i for i in view.model.shown_ids("households") if i not in without)
    for row in households.itertuples():
        if row.id in without:
            assert evaluate(qtbot, view, f"SituationMap.position('households', {row.id!r})") is None
            continue
        position = evaluate(qtbot, view, f"SituationMap.position('households', {row.id!r})")
        assert position == pytest.approx([row.geometry.x, row.geometry.y], abs=1e-6), row.id
        if row.id in shown:
            popup = evaluate(qtbot, view, f"SituationMap.openPopup('households', {row.id!r}).popup")
            assert row.id in popup


def test_an_internal_briefing_prints_the_others_at_their_own_places(placeless, tmp_path):
    from layers.briefing.document import write_briefing_document
    from layers.briefing.options import BriefingOptions

    document = write_briefing_document(placeless, INTERNAL, BriefingOptions(lang="zh"), tmp_path / "doc")
    text = (tmp_path / "doc" / "briefing-map-0.data.js").read_text(encoding="utf-8")
    data = json.loads(text[text.index("] = ") + 4 : text.rstrip().rindex(";")])
    drawn = {f["id"]: f["geometry"]["coordinates"] for f in data["layers"]["households"]["features"]}
    households = placeless.households
    for row in households.itertuples():
        if row.geometry is None or row.geometry.is_empty:
            assert row.id not in drawn
        elif row.id in drawn:
            assert drawn[row.id] == [round(row.geometry.x, 6), round(row.geometry.y, 6)]
    assert document.map_count == 1 and len(drawn) > 10


@pytest.mark.parametrize("as_columns", [False, True], ids=["geojson", "columns"])
def test_an_edit_that_takes_a_households_place_away_takes_its_marker_away(
    qtbot, tmp_path, sample_copy, monkeypatch, as_columns
):
    """The page upserted only features with a place: the household's old marker stayed."""
    if as_columns:
        monkeypatch.setattr(page_columns, "COLUMNAR_AT", 0)
    dataset = GeoPackageStore(sample_copy).read_all()
    view = open_map(qtbot, tmp_path, dataset, INTERNAL)
    households = dataset.households
    target = next(i for i in view.model.shown_ids("households"))
    assert evaluate(qtbot, view, f"SituationMap.position('households', {target!r})") is not None
    edited = dataset.copy()
    placeless_households = households.copy()
    placeless_households.loc[placeless_households["id"] == target, "geometry"] = None
    edited["households"] = placeless_households
    wait_applied(qtbot, view, lambda: view.apply_dataset(edited, {"households": [target]}))
    assert evaluate(qtbot, view, f"SituationMap.position('households', {target!r})") is None
    assert target not in evaluate(qtbot, view, "SituationMap.state().ids.households")
    # Given a place again, it is drawn there.
    back = edited.copy()
    back["households"] = households
    wait_applied(qtbot, view, lambda: view.apply_dataset(back, {"households": [target]}))
    place = households.loc[households["id"] == target, "geometry"].iloc[0]
    position = evaluate(qtbot, view, f"SituationMap.position('households', {target!r})")
    assert position == pytest.approx([place.x, place.y], abs=1e-6)
