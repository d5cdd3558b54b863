"""What the map shows for a MapState: the filters' selection and the page built on it.

The dataset is written out row by row below; each test works out what should be shown from
those rows in plain Python (with the rules as stated in ``test_situation``) and compares it
with :func:`layers.filters.select_layers`, the page model and the page's feature collections.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, box

from geodata.dataset import Dataset
from geodata.schema import LAYERS
from layers.filters import AsOfError, select_layers
from layers.map_state import Filters, MapState
from layers.page_model import page_model
from layers.page_text import popup_fields
from layers.webmap import feature_collection
from tests.layers.test_situation import expected_checkpoint_status, expected_household, expected_overdue

WEST, EAST = "999999000201", "999999000202"
AS_OF = dt.datetime(2020, 2, 19, 18, 0)


def feb(day: int) -> dt.date:
    return dt.date(2020, 2, day)


VILLAGES = [
    {"code": WEST, "name": "西村", "population": 1200, "geometry": box(114.00, 33.00, 114.01, 33.01)},
    {"code": EAST, "name": "东村", "population": 800, "geometry": box(114.01, 33.00, 114.02, 33.01)},
]


def rows(columns: str, *values: tuple) -> list[dict]:
    return [dict(zip(columns.split(), row, strict=False)) for row in values]


# The situation at 18:00 on 19 February (AS_OF) in the comments.
CHECKPOINTS = rows(
    "id  tier             village  status      opened   closed",
    ("C1", "district", WEST, "active", feb(1), None),  # active
    ("C2", "village", WEST, "closed", feb(1), feb(10)),  # closed
    ("C3", "natural_village", EAST, "active", feb(20), None),  # not opened yet
    ("C4", "compound", EAST, "proposed", feb(1), None),  # proposed
    ("C5", "village", EAST, "closed", feb(3), feb(25)),  # active: closes later
    ("C6", "natural_village", WEST, "closed", feb(2), None),  # closed, no date
)
HOUSEHOLDS = rows(
    "id  village  reason  observation_start  observation_days  status  status_date",
    ("H1", WEST, "wuhan_return", feb(6), 14, "observing", None),  # day 14: releasing
    ("H2", WEST, "hubei_return", feb(17), 14, "observing", None),  # day 3: new
    ("H3", EAST, "close_contact", feb(1), 14, "observing", None),  # released: days over
    ("H4", EAST, "fever", feb(10), 14, "escalated", feb(12)),  # escalated
    ("H5", EAST, "other_province_return", feb(12), None, "released", feb(18)),  # released early
    ("H6", WEST, "close_contact", feb(20), 14, "observing", None),  # not started yet
    ("H7", EAST, "wuhan_return", feb(14), 14, "observing", None),  # day 6
    ("H8", WEST, "fever", feb(16), 7, "observing", None),  # day 4
)
PERSONAL = {"head_name": "示例户主", "phone": "000-0000-0000", "note": "<script>alert(1)</script>"}
POINTS = rows(
    "id  kind  village  interval_hours  last_disinfected",
    ("D1", "checkpoint", WEST, 12.0, dt.datetime(2020, 2, 19, 8, 30)),  # due at 20:30: due
    ("D2", "residential", EAST, 24.0, dt.datetime(2020, 2, 18, 9, 0)),  # due at 09:00: 9 h overdue
    ("D3", "public", EAST, 24.0, None),  # never: overdue
    ("D4", "work_area", WEST, 48.0, dt.datetime(2020, 2, 19, 7, 0)),  # done
)
ROADS = [
    {"id": "R1", "road_class": "county", "geometry": LineString([(114.00, 33.005), (114.02, 33.005)])},
    {"id": "R2", "road_class": "village", "geometry": LineString([(114.015, 33.00), (114.015, 33.01)])},
]


def _points(rows: list[dict], extra: dict | None = None) -> gpd.GeoDataFrame:
    records = [{**row, **(extra or {})} for row in rows]
    geometry = [Point(114.0 + 0.001 * i, 33.005) for i in range(len(rows))]
    return gpd.GeoDataFrame(records, geometry=geometry, crs="EPSG:4326")


@pytest.fixture
def dataset() -> Dataset:
    return Dataset(
        {
            "villages": gpd.GeoDataFrame(VILLAGES, crs="EPSG:4326"),
            "checkpoints": _points(CHECKPOINTS, {"name": "卡点"}),
            "households": _points(HOUSEHOLDS, {"persons": 2, **PERSONAL}),
            "disinfection_points": _points(POINTS, {"name": "消毒点"}),
            "roads": gpd.GeoDataFrame(ROADS, crs="EPSG:4326"),
        },
        {"as_of": AS_OF.isoformat()},
    ).conformed()


def shown_ids(dataset: Dataset, state: MapState) -> dict[str, set[str]]:
    """The ids :func:`select_layers` keeps, per visible layer (villages by code)."""
    return {
        layer: set(selection.frame[LAYERS[layer].id_field].to_numpy()[selection.shown])
        for layer, selection in select_layers(dataset, state).items()
    }


def page_properties(dataset: Dataset, state: MapState, layer: str) -> dict[str, dict]:
    """Feature id -> the properties the page's GeoJSON gives it under ``state``."""
    model = page_model(dataset, state)
    collection = feature_collection(dataset, layer, model, state.audience)
    return {feature["id"]: feature["properties"] for feature in collection["features"]}


# -- what should be shown, worked out row by row ---------------------------------------------


def expected_ids(state: MapState) -> dict[str, set[str]]:
    as_of = state.as_of or AS_OF
    day = as_of.date()
    f = state.filters

    def allowed(choices, value):
        return choices is None or value in choices

    def households(row):
        situation = expected_household(row, day)
        if situation["status_on_day"] is None:
            return False
        in_days = f.observation_days is None or (
            situation["observation_day"] is not None
            and f.observation_days[0] <= situation["observation_day"] <= f.observation_days[1]
        )
        return (
            allowed(f.household_reasons, row["reason"])
            and allowed(f.household_statuses, situation["status_on_day"])
            and in_days
        )

    def checkpoints(row):
        status = expected_checkpoint_status(row, day)
        return (
            status is not None and allowed(f.checkpoint_tiers, row["tier"]) and allowed(f.checkpoint_statuses, status)
        )

    def points(row):
        return not f.overdue_only or expected_overdue(row, as_of)

    everything = {
        "villages": {row["code"] for row in VILLAGES if allowed(f.villages, row["code"])},
        "roads": {row["id"] for row in ROADS},
        "checkpoints": {r["id"] for r in CHECKPOINTS if allowed(f.villages, r["village"]) and checkpoints(r)},
        "households": {r["id"] for r in HOUSEHOLDS if allowed(f.villages, r["village"]) and households(r)},
        "disinfection_points": {r["id"] for r in POINTS if allowed(f.villages, r["village"]) and points(r)},
    }
    return {layer: everything[layer] for layer in state.visible_layers}


STATES = {
    "everything": MapState(),
    "west village": MapState(filters=Filters(villages=(WEST,))),
    "no village": MapState(filters=Filters(villages=())),
    "village and compound checkpoints": MapState(filters=Filters(checkpoint_tiers=("village", "compound"))),
    "active checkpoints": MapState(filters=Filters(checkpoint_statuses=("active",))),
    "no checkpoint tier": MapState(filters=Filters(checkpoint_tiers=())),
    "fever and close contacts": MapState(filters=Filters(household_reasons=("fever", "close_contact"))),
    "observing households": MapState(filters=Filters(household_statuses=("observing",))),
    "released or escalated": MapState(filters=Filters(household_statuses=("released", "escalated"))),
    "first four days": MapState(filters=Filters(observation_days=(1, 4))),
    "last two days": MapState(filters=Filters(observation_days=(13, 14))),
    "overdue points": MapState(filters=Filters(overdue_only=True)),
    "ten days earlier": MapState(as_of=dt.datetime(2020, 2, 9, 8, 0)),
    "east, observing, overdue": MapState(
        filters=Filters(villages=(EAST,), household_statuses=("observing",), overdue_only=True)
    ),
    "only households": MapState(visible_layers=("households",)),
}


@pytest.mark.parametrize("state", STATES.values(), ids=STATES.keys())
def test_shown_ids_follow_the_rules(dataset, state):
    assert shown_ids(dataset, state) == expected_ids(state)


@pytest.mark.parametrize("state", STATES.values(), ids=STATES.keys())
def test_the_page_model_shows_the_shown_ids(dataset, state):
    model = page_model(dataset, state.replace(audience="internal"))
    expected = expected_ids(state)
    assert model.visible == frozenset(state.visible_layers)
    for layer in model.layers:  # every layer the page holds; hidden ones show nothing
        shown = model.shown_ids(layer)
        assert set(shown) == expected.get(layer, set()), layer
        assert len(shown) == len(expected.get(layer, ())), layer


def test_the_rules_keep_something_out_in_every_layer_filter(dataset):
    # Guards the parametrized cases above against a dataset where no filter bites.
    everything = expected_ids(MapState())
    assert everything["households"] == {"H1", "H2", "H3", "H4", "H5", "H7", "H8"}
    assert everything["checkpoints"] == {"C1", "C2", "C4", "C5", "C6"}
    assert expected_ids(STATES["first four days"])["households"] == {"H2", "H8"}
    assert expected_ids(STATES["overdue points"])["disinfection_points"] == {"D2", "D3"}
    assert expected_ids(STATES["active checkpoints"])["checkpoints"] == {"C1", "C5"}


def test_hidden_layers_are_absent_and_order_follows_the_state(dataset):
    state = MapState(visible_layers=("disinfection_points", "villages"))
    assert list(select_layers(dataset, state)) == ["disinfection_points", "villages"]
    assert page_model(dataset, state).visible == {"disinfection_points", "villages"}


def test_roads_are_not_filtered_by_village(dataset):
    state = MapState(filters=Filters(villages=(WEST,)))
    assert shown_ids(dataset, state)["roads"] == {"R1", "R2"}


def test_public_audience_gets_no_personal_fields(dataset):
    # A public page holds no household points at all, and its popups list no personal field.
    assert "households" not in page_model(dataset, MapState()).layers
    personal = {"head_name", "phone", "note"}
    assert not personal & {name for name, _label in popup_fields(("households",), "public", "zh")["households"]}
    internal = page_properties(dataset, MapState(audience="internal"), "households")
    assert {record["head_name"] for record in internal.values()} == {PERSONAL["head_name"]}
    assert {record["note"] for record in internal.values()} == {PERSONAL["note"]}


def test_situation_columns_are_joined(dataset):
    state = MapState(audience="internal")
    households = page_properties(dataset, state, "households")
    assert households["H1"]["stage"] == "releasing" and households["H1"]["observation_day"] == 14
    assert households["H2"]["stage"] == "new"
    assert households["H4"]["status_on_day"] == "escalated"
    assert households["H5"]["release_date"] == "2020-02-25"
    checkpoints = page_properties(dataset, state, "checkpoints")
    assert checkpoints["C5"]["status_on_day"] == "active"
    points = page_properties(dataset, state, "disinfection_points")
    assert points["D1"]["freshness"] == "due"
    assert points["D2"]["hours_overdue"] == pytest.approx(9.0)
    assert points["D4"]["due_at"] == "2020-02-21 07:00"


def test_rows_keep_their_stored_fields(dataset):
    households = page_properties(dataset, MapState(audience="internal"), "households")
    assert households["H7"]["reason"] == "wuhan_return" and households["H7"]["village"] == EAST
    assert households["H7"]["village_name"] == "东村"
    selected = select_layers(dataset, MapState())["households"].frame.set_index("id")
    assert selected.loc["H7", "geometry"].equals(dataset.households.set_index("id").loc["H7", "geometry"])


def test_dataset_is_left_as_it_was(dataset):
    before = {name: frame.copy() for name, frame in dataset.frames.items()}
    del dataset.frames["roads"]
    del before["roads"]
    selections = select_layers(dataset, MapState())
    assert len(selections["roads"].frame) == 0 and "road_class" in selections["roads"].frame.columns
    assert set(dataset.frames) == set(before)  # a missing layer is not added to the dataset
    for name, frame in dataset.frames.items():
        assert frame.equals(before[name]), name


def test_no_as_of_is_an_error_only_when_a_layer_needs_one():
    dataset = Dataset({"villages": gpd.GeoDataFrame(VILLAGES, crs="EPSG:4326")}).conformed()
    assert shown_ids(dataset, MapState(visible_layers=("villages", "roads"))) == {
        "villages": {WEST, EAST},
        "roads": set(),
    }
    with pytest.raises(AsOfError):
        shown_ids(dataset, MapState(visible_layers=("villages", "households")))
