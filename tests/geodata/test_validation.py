"""Validation finds what is wrong, says where, and never leaks personal data.

Here: a clean dataset, the Problem itself, the order problems are listed in, privacy, robustness
and speed. The checks of one frame's columns, values, ids and dates are in
test_validation_frames.py, of shapes in test_validation_geometry.py, across layers in
test_validation_cross.py; the township they all break is in validation_township.py.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, Polygon, box

from geodata import schema
from geodata.dataset import Dataset
from geodata.schema import Field, LayerSchema, conform, schema_for
from geodata.validation import Problem, has_errors, validate, validate_frame
from tests.geodata.validation_township import (
    EAST,
    SEAT,
    TOWNSHIP,
    WEST_BOX,
    checkpoints_frame,
    clean_township,
    households_frame,
    supplies_frame,
    township_with,
    villages_frame,
    where,
    with_cell,
    with_shape,
)

# --- a clean dataset -----------------------------------------------------------------------


def test_clean_township_has_no_problems():
    assert validate(clean_township()) == []


def test_clean_township_has_no_problems_once_conformed_to_the_schema_types():
    assert validate(clean_township().conformed()) == []


def test_empty_dataset_has_no_problems():
    assert validate(Dataset()) == []


def test_validate_does_not_change_or_add_to_the_dataset():
    dataset = clean_township()
    del dataset.frames["roads"]
    before = {name: frame.copy() for name, frame in dataset.frames.items()}
    validate(dataset)
    assert set(dataset.frames) == set(before)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(dataset.frames[name], frame)


@pytest.mark.parametrize("name", list(schema.SCHEMAS))
def test_each_clean_frame_on_its_own_has_no_problems(name):
    assert validate_frame(name, clean_township().frames[name]) == []


# --- the Problem itself --------------------------------------------------------------------


def test_problem_reads_as_one_aligned_line():
    problem = Problem(
        "error", "checkpoints", "CP07", "tier", "'county' is not one of district, village, natural_village, compound"
    )
    assert str(problem) == (
        "error   checkpoints  CP07  tier: 'county' is not one of district, village, natural_village, compound"
    )


def test_layer_wide_problem_reads_without_feature_or_field():
    problem = Problem("warning", "roads", None, None, "something about all roads")
    assert str(problem) == "warning roads  something about all roads"


def test_has_errors_ignores_warnings():
    warning = Problem("warning", "roads", None, "geometry", "no coordinate system")
    error = Problem("error", "roads", "R1", "road_class", "'lane' is not one of ...")
    assert not has_errors([])
    assert not has_errors([warning])
    assert has_errors([warning, error])
    assert has_errors(iter([error]))


def test_choice_message_matches_the_documented_example():
    frame = with_cell(checkpoints_frame(), 0, "tier", "county")
    assert [str(p) for p in validate_frame("checkpoints", frame)] == [
        "error   checkpoints  CP01  tier: 'county' is not one of district, village, natural_village, compound"
    ]


# --- order ---------------------------------------------------------------------------------


def test_problems_are_listed_by_layer_in_schema_order_then_by_row():
    dataset = clean_township()
    dataset.frames = {  # the dataset lists its frames in another order
        "supplies": with_cell(supplies_frame(), 1, "item", "soap"),
        "households": with_cell(with_cell(households_frame(), 2, "persons", 0), 0, "reason", "x"),
        "checkpoints": with_cell(checkpoints_frame(), 1, "tier", "county").set_crs(None, allow_override=True),
        "villages": villages_frame(),
    }
    assert where(validate(dataset)) == [
        ("warning", "checkpoints", None, "geometry"),
        ("error", "checkpoints", "CP02", "tier"),
        ("error", "households", "H001", "reason"),
        ("error", "households", "H003", "persons"),
        ("error", "supplies", "row 2", "item"),
    ]


def test_problems_of_one_row_are_listed_in_field_order():
    frame = with_cell(with_cell(checkpoints_frame(), 0, "status", "open"), 0, "tier", "county")
    frame = with_shape(frame, 0, None)
    fields = [p.field for p in validate_frame("checkpoints", frame)]
    assert fields == ["tier", "status", "geometry"]


# --- privacy -------------------------------------------------------------------------------

SECRETS = ("张三丰SECRET", "李四SECRET", "13912345678", "13887654321", "SECRETNOTE")


def test_personal_values_never_appear_in_any_problem():
    households = households_frame()
    households = pd.concat([households, households], ignore_index=True)  # duplicate ids
    households = with_cell(households, 0, "persons", "three")
    households = with_cell(households, 1, "village", "411771360299")
    households = with_cell(households, 3, "status", "closed")
    households = with_shape(households, 4, Point(114.2, 33.2))
    households["head_name"] = households["head_name"].astype(object)
    households.loc[5, "head_name"] = "张三丰SECRET" * 10
    households["unexpected"] = households["phone"]  # a personal column the schema does not know
    problems = validate(township_with("households", households))
    assert len(problems) >= 6
    text = "\n".join(str(p) for p in problems)
    for secret in SECRETS:
        assert secret not in text


def test_bad_value_of_a_personal_field_is_described_without_quoting_it(monkeypatch):
    # The household schema's personal fields are free text, which no check can find wrong; a
    # schema whose personal fields have types, choices and minimums proves the rule holds
    # for every check, not just for the ones personal fields happen to meet today.
    secret_schema = LayerSchema(
        name="secret_test",
        id_field="id",
        fields=(
            Field("id", "str", required=True),
            Field("age", "int", personal=True, minimum=0),
            Field("sex", "str", personal=True, choices=("m", "f")),
            Field("born", "date", personal=True),
            Field("sick", "bool", personal=True),
            Field("name", "str", personal=True, required=True),
        ),
    )
    monkeypatch.setitem(schema.SCHEMAS, "secret_test", secret_schema)
    frame = pd.DataFrame(
        {
            "id": ["A", "B", "C"],
            "age": ["SECRET-AGE", 77.5, -4],
            "sex": ["SECRET-SEX", "m", "Female"],
            "born": ["SECRET-1950", 1950, "1950-01-01"],
            "sick": ["SECRET-YES", True, False],
            "name": [None, "SECRET-NAME", "SECRET-NAME"],
        }
    )
    problems = validate_frame("secret_test", frame)
    assert where(problems) == [
        ("error", "secret_test", "A", "age"),
        ("error", "secret_test", "A", "sex"),
        ("error", "secret_test", "A", "born"),
        ("error", "secret_test", "A", "sick"),
        ("error", "secret_test", "A", "name"),
        ("error", "secret_test", "B", "age"),
        ("error", "secret_test", "B", "born"),
        ("error", "secret_test", "C", "age"),
        ("error", "secret_test", "C", "sex"),
    ]
    text = "\n".join(str(p) for p in problems)
    for secret in ("SECRET", "77.5", "-4", "1950", "Female"):
        assert secret not in text
    assert "the value is not a number" in text


# --- robustness ----------------------------------------------------------------------------


def test_unknown_layer_is_reported_not_raised():
    problems = validate_frame("hospitals", pd.DataFrame({"a": [1]}))
    assert where(problems) == [("error", "hospitals", None, None)]
    assert "known are villages, checkpoints" in problems[0].message


def test_something_that_is_not_a_frame_is_reported_not_raised():
    assert where(validate_frame("roads", None)) == [("error", "roads", None, None)]


def test_times_in_mixed_time_zones_are_reported_per_row():
    frame = with_cell(households_frame(), 0, "last_check", "2020-02-05T08:30+08:00")
    frame = with_cell(frame, 1, "last_check", "2020-02-05T08:30+09:00")
    problems = validate_frame("households", frame)
    assert where(problems) == [
        ("error", "households", "H001", "last_check"),
        ("error", "households", "H002", "last_check"),
    ]
    assert "carries a time zone" in problems[0].message


def test_odd_objects_in_cells_are_reported_not_raised():
    frame = supplies_frame().astype(object)
    frame.at[0, "quantity"] = [1, 2]
    frame.at[1, "date"] = {"day": 5}
    frame.at[0, "scope"] = 10**30
    frame.at[1, "item"] = b"masks"
    problems = validate_frame("supplies", frame)
    assert where(problems) == [
        ("error", "supplies", "row 1", "quantity"),
        ("error", "supplies", "row 2", "date"),
        ("error", "supplies", "row 2", "item"),
    ]


# Cells a spreadsheet, a CSV or a careless script may put anywhere.
_ANY_CELL = st.one_of(
    st.none(),
    st.just(np.nan),
    st.sampled_from(
        [
            "",
            "  ",
            "abc",
            "2020-02-05",
            "2020/2/5",
            "2020-13-45",
            "3",
            "1.5",
            "-2",
            "yes",
            "否",
            "nan",
            "inf",
            "2020-02-05T08:00+08:00",
            "active",
            "CP01",
            SEAT,
            TOWNSHIP,
            "masks",
        ]
    ),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.just(pd.Timestamp("2020-02-05")),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=st.sampled_from(list(schema.SCHEMAS)),
    rows=st.lists(
        st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "code",
                    "name",
                    "village",
                    "tier",
                    "status",
                    "persons",
                    "opened",
                    "closed",
                    "staffed_24h",
                    "observation_start",
                    "status_date",
                    "last_check",
                    "interval_hours",
                    "checkpoint",
                    "scope",
                    "date",
                    "item",
                    "quantity",
                    "road_class",
                    "extra",
                ]
            ),
            _ANY_CELL,
        ),
        min_size=0,
        max_size=6,
    ),
)
def test_any_table_of_cells_gives_problems_never_an_exception(name, rows):
    frame = pd.DataFrame(rows)
    problems = validate_frame(name, frame)
    assert all(isinstance(p, Problem) for p in problems)
    if not has_errors(problems):
        # What validation lets through, the schema can read.
        conform(schema_for(name), frame)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    shapes=st.lists(
        st.one_of(
            st.none(),
            st.builds(Point, st.floats(113.9, 114.1), st.floats(32.9, 33.1)),
            st.builds(Point, st.floats(-1e7, 1e7), st.floats(-1e7, 1e7)),
            st.just(Point()),
            st.just(LineString([(114.0, 33.0), (114.0, 33.0)])),
            st.just(Polygon([(114.0, 33.0), (114.01, 33.01), (114.01, 33.0), (114.0, 33.01)])),
        ),
        min_size=1,
        max_size=6,
    ),
    village_shapes=st.lists(
        st.one_of(
            st.just(box(*WEST_BOX)),
            st.just(Polygon([(114.0, 33.0), (114.01, 33.01), (114.01, 33.0), (114.0, 33.01)])),
            st.just(Point(1e7, 1e7)),
            st.none(),
        ),
        min_size=0,
        max_size=3,
    ),
)
def test_any_shapes_give_problems_never_an_exception(shapes, village_shapes):
    dataset = clean_township()
    villages = villages_frame().iloc[:0].reindex(range(len(village_shapes)))
    villages["code"] = [f"4117713602{i:02d}" for i in range(len(village_shapes))]
    dataset.frames["villages"] = villages.set_geometry(
        gpd.GeoSeries(village_shapes, index=villages.index, crs="EPSG:4326")
    )
    households = households_frame().iloc[[0] * len(shapes)].reset_index(drop=True)
    dataset.frames["households"] = with_cell(households, 0, "id", "H000").set_geometry(
        gpd.GeoSeries(shapes, crs="EPSG:4326")
    )
    assert all(isinstance(p, Problem) for p in validate(dataset))


# --- performance ---------------------------------------------------------------------------


def test_ten_thousand_households_are_checked_in_one_go():
    rng = np.random.default_rng(2020)
    count = 10_000
    in_east = rng.random(count) < 0.5
    lon = rng.uniform(114.0001, 114.0099, count) + np.where(in_east, 0.01, 0.0)
    lat = rng.uniform(33.0001, 33.0099, count)
    households = gpd.GeoDataFrame(
        {
            "id": [f"H{i:05d}" for i in range(count)],
            "village": np.where(in_east, EAST, SEAT),
            "villager_group": rng.integers(1, 10, count),
            "reason": rng.choice(schema.HOUSEHOLD_REASONS, count),
            "persons": rng.integers(1, 6, count),
            "observation_start": "2020-02-01",
            "observation_days": 14,
            "status": "observing",
            "status_date": None,
            "last_check": "2020-02-05 08:00",
            "abnormal_temperature": False,
            "head_name": "某某",
            "phone": "13900000000",
        },
        geometry=gpd.points_from_xy(lon, lat),
        crs="EPSG:4326",
    )
    followups = pd.DataFrame(
        {
            "id": [f"F{i:05d}" for i in range(count)],
            "household": households["id"],
            "village": households["village"],
            "time": "2020-02-05 08:00",
            "temperature": 36.6,
            "symptoms": False,
            "result": "normal",
        }
    )
    households.loc[7, "village"] = SEAT if in_east[7] else EAST  # one in the wrong village
    followups.loc[7, "village"] = households.loc[7, "village"]
    dataset = township_with("households", households)
    dataset.frames["followups"] = followups
    del dataset.frames["status_changes"]
    problems = validate(dataset)
    assert where(problems) == [("warning", "households", "H00007", "village")]
