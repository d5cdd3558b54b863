"""shown_features / shown_ids: what the map shows for a MapState.

The dataset is written out row by row below; each test works out what should be shown from
those rows in plain Python (with the rules as stated in ``test_situation``) and compares.
"""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, box

from geodata.dataset import Dataset
from layers.filters import AsOfError, shown_features, shown_ids
from layers.map_state import Filters, MapState
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
def test_shown_features_are_the_shown_ids(dataset, state):
    features = shown_features(dataset, state)
    expected = expected_ids(state)
    assert list(features) == list(state.visible_layers)
    for layer, frame in features.items():
        id_field = "code" if layer == "villages" else "id"
        assert set(frame[id_field]) == expected[layer], layer
        assert len(frame) == len(expected[layer]), layer
        assert isinstance(frame, gpd.GeoDataFrame) and frame.crs == "EPSG:4326", layer


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
    assert list(shown_features(dataset, state)) == ["disinfection_points", "villages"]
    assert list(shown_ids(dataset, state)) == ["disinfection_points", "villages"]


def test_roads_are_not_filtered_by_village(dataset):
    state = MapState(filters=Filters(villages=(WEST,)))
    assert shown_ids(dataset, state)["roads"] == {"R1", "R2"}


def test_public_audience_gets_no_personal_fields(dataset):
    public = shown_features(dataset, MapState())["households"]
    assert not {"head_name", "phone", "note"} & set(public.columns)
    internal = shown_features(dataset, MapState(audience="internal"))["households"]
    assert set(internal["head_name"]) == {PERSONAL["head_name"]}
    assert set(internal["note"]) == {PERSONAL["note"]}


def test_situation_columns_are_joined(dataset):
    features = shown_features(dataset, MapState(audience="internal"))
    households = features["households"].set_index("id")
    assert households.loc["H1", "stage"] == "releasing" and households.loc["H1", "observation_day"] == 14
    assert households.loc["H2", "stage"] == "new"
    assert households.loc["H4", "status_on_day"] == "escalated"
    assert households.loc["H5", "release_date"].date() == feb(25)
    checkpoints = features["checkpoints"].set_index("id")
    assert checkpoints.loc["C5", "status_on_day"] == "active" and bool(checkpoints.loc["C5", "active"])
    points = features["disinfection_points"].set_index("id")
    assert points.loc["D1", "freshness"] == "due"
    assert points.loc["D2", "hours_overdue"] == pytest.approx(9.0)
    assert points.loc["D4", "due_at"] == dt.datetime(2020, 2, 21, 7, 0)


def test_rows_keep_their_stored_fields(dataset):
    households = shown_features(dataset, MapState())["households"].set_index("id")
    assert households.loc["H7", "reason"] == "wuhan_return" and households.loc["H7", "village"] == EAST
    assert households.loc["H7", "geometry"].equals(dataset.households.set_index("id").loc["H7", "geometry"])


def test_dataset_is_left_as_it_was(dataset):
    before = {name: frame.copy() for name, frame in dataset.frames.items()}
    del dataset.frames["roads"]
    del before["roads"]
    shown = shown_features(dataset, MapState())
    assert len(shown["roads"]) == 0 and "road_class" in shown["roads"].columns
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
