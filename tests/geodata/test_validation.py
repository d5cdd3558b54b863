"""Validation finds what is wrong, says where, and never leaks personal data.

Every test builds a small township in code: two square villages side by side around
114.0 E 33.0 N (about 930 m by 1,110 m each), a few checkpoints, households and disinfection
points, and tables of supplies and publicity. Each test breaks one thing and checks that the
user is told about it at the right layer, feature, field and severity, and about nothing else.
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

TOWNSHIP = "411771360"
SEAT = "411771360200"  # 关王庙村, the western village
EAST = "411771360201"  # 孙吴庄村, the eastern village
WEST_BOX = (114.00, 33.00, 114.01, 33.01)
EAST_BOX = (114.01, 33.00, 114.02, 33.01)
# One metre east-west at 33 N, in degrees of longitude.
METRE_LON = 1 / (111_320 * np.cos(np.radians(33.0)))


# --- a clean township ----------------------------------------------------------------------


def _villages() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": [SEAT, EAST],
            "name": ["关王庙村", "孙吴庄村"],
            "population": [3100, 2400],
            "households": [820, 610],
            "groups": [9, 7],
            "work_group": ["第一工作组", "第二工作组"],
            "party_branches": [3, 2],
        },
        geometry=[box(*WEST_BOX), box(*EAST_BOX)],
        crs="EPSG:4326",
    )


def _checkpoints() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": ["CP01", "CP02", "CP03"],
            "name": ["关王庙路口", "孙吴庄东口", "孙吴庄北口"],
            "tier": ["district", "village", "natural_village"],
            "village": [SEAT, EAST, EAST],
            "status": ["active", "closed", "active"],
            "staffed_24h": [True, False, "是"],
            "staff_on_shift": [4, 0, "2"],
            "opened": ["2020-01-25", "2020-01-26", "2020-01-27"],
            "closed": [None, "2020-03-01", None],
            "note": [None, "已撤除", ""],
        },
        geometry=[Point(114.005, 33.005), Point(114.015, 33.005), Point(114.015, 33.009)],
        crs="EPSG:4326",
    )


def _households() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": ["H001", "H002", "H003"],
            "village": [SEAT, EAST, EAST],
            "villager_group": [1, 3, None],
            "reason": ["wuhan_return", "close_contact", "fever"],
            "persons": [3, 2, 1],
            "observation_start": ["2020-01-28", "2020-01-30", "2020-02-02"],
            "observation_days": [14, 14, 14],
            "status": ["observing", "released", "escalated"],
            "status_date": [None, "2020-02-13", "2020-02-03"],
            "last_check": ["2020-02-05 08:30", "2020-02-05 09:00", None],
            "abnormal_temperature": [False, False, True],
            "head_name": ["张三丰SECRET", "李四SECRET", None],
            "phone": ["13912345678", "13887654321", None],
            "note": ["SECRETNOTE 返乡", None, None],
        },
        geometry=[Point(114.003, 33.002), Point(114.012, 33.004), Point(114.018, 33.008)],
        crs="EPSG:4326",
    )


def _disinfection_points() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": ["D01", "D02"],
            "name": ["关王庙路口消毒点", "村委会"],
            "kind": ["checkpoint", "public"],
            "village": [SEAT, EAST],
            "checkpoint": ["CP01", None],
            "interval_hours": [4, 12.0],
            "last_disinfected": ["2020-02-05 06:00", None],
            "note": [None, None],
        },
        geometry=[Point(114.005, 33.005), Point(114.016, 33.006)],
        crs="EPSG:4326",
    )


def _roads() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["R1"], "name": ["关王庙路"], "road_class": ["county"]},
        geometry=[LineString([(113.99, 33.005), (114.03, 33.005)])],
        crs="EPSG:4326",
    )


def _supplies() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "scope": [TOWNSHIP, SEAT],
            "date": ["2020-02-05", "2020-02-05"],
            "item": ["masks", "thermometers"],
            "quantity": [22284, 60],
        }
    )


def _publicity() -> pd.DataFrame:
    return pd.DataFrame({"scope": [EAST], "date": ["2020-02-05"], "item": ["banners"], "quantity": ["120"]})


def clean_township() -> Dataset:
    """A dataset with nothing wrong in it, its frames as a user's files would give them."""
    frames = {
        "villages": _villages(),
        "checkpoints": _checkpoints(),
        "households": _households(),
        "disinfection_points": _disinfection_points(),
        "roads": _roads(),
        "supplies": _supplies(),
        "publicity": _publicity(),
    }
    return Dataset(frames, {"township_code": TOWNSHIP, "township_name": "关王庙乡"})


def where(problems: list[Problem]) -> list[tuple[str, str, str | None, str | None]]:
    """What a user sees first of each problem: severity, layer, feature, field."""
    return [(p.severity, p.layer, p.feature, p.field) for p in problems]


def with_cell(frame: pd.DataFrame, row: int, field: str, value) -> pd.DataFrame:
    """A copy of ``frame`` with one attribute cell replaced by anything, as a file may hold."""
    changed = frame.copy()
    column = (
        changed[field].astype(object)
        if field in changed.columns
        else pd.Series([None] * len(changed), index=changed.index, dtype=object)
    )
    column.iloc[row] = value
    changed[field] = column
    return changed


def with_shape(frame: gpd.GeoDataFrame, row: int, shape) -> gpd.GeoDataFrame:
    """A copy of ``frame`` with one feature's shape replaced."""
    shapes = list(frame.geometry)
    shapes[row] = shape
    return frame.set_geometry(gpd.GeoSeries(shapes, index=frame.index, crs=frame.crs))


def township_with(name: str, frame: pd.DataFrame, **metadata) -> Dataset:
    """The clean township with one frame replaced (and metadata changed)."""
    dataset = clean_township()
    dataset.frames[name] = frame
    dataset.metadata.update(metadata)
    return dataset


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
    frame = with_cell(_checkpoints(), 0, "tier", "county")
    assert [str(p) for p in validate_frame("checkpoints", frame)] == [
        "error   checkpoints  CP01  tier: 'county' is not one of district, village, natural_village, compound"
    ]


# --- 1. columns ----------------------------------------------------------------------------


def test_unknown_column_is_a_warning_suggesting_the_field_meant():
    frame = _checkpoints().rename(columns={"staff_on_shift": "staff_on_shfit"})
    problems = validate_frame("checkpoints", frame)
    assert where(problems) == [("warning", "checkpoints", None, "staff_on_shfit")]
    assert "did you mean 'staff_on_shift'" in problems[0].message


def test_each_missing_required_column_is_one_error_for_the_whole_layer():
    frame = _checkpoints().drop(columns=["tier", "opened"])
    problems = validate_frame("checkpoints", frame)
    assert where(problems) == [
        ("error", "checkpoints", None, "tier"),
        ("error", "checkpoints", None, "opened"),
    ]
    assert "add a column named 'tier'" in problems[0].message


def test_missing_optional_column_is_fine():
    assert validate_frame("checkpoints", _checkpoints().drop(columns=["note", "closed"])) == [
        # without a closed column, the closed checkpoint has no closing date
        Problem(
            "warning",
            "checkpoints",
            "CP02",
            "closed",
            "the status is 'closed' but there is no closed date; enter the day it closed",
        ),
    ]


def test_column_given_twice_is_an_error():
    frame = pd.concat([_supplies(), _supplies()[["item"]]], axis=1)
    problems = validate_frame("supplies", frame)
    assert where(problems) == [("error", "supplies", None, "item")]
    assert "appears 2 times" in problems[0].message


# --- 2. values -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "layer, row, field, value, expected",
    [
        ("checkpoints", 1, "name", None, "required, but empty"),
        ("checkpoints", 1, "name", "   ", "required, but empty"),
        ("checkpoints", 0, "tier", "county", "'county' is not one of district, village"),
        ("checkpoints", 0, "status", "Active", "write it as 'active'"),
        ("checkpoints", 2, "staff_on_shift", "abc", "'abc' is not a number"),
        ("checkpoints", 2, "staff_on_shift", 1.5, "1.5 is not a whole number"),
        ("checkpoints", 2, "staff_on_shift", "2.5", "'2.5' is not a whole number"),
        ("checkpoints", 2, "staff_on_shift", -1, "-1 is below the minimum of 0"),
        ("checkpoints", 2, "staff_on_shift", "  ", "holds only spaces"),
        ("checkpoints", 0, "staffed_24h", "maybe", "'maybe' is not yes/no"),
        ("checkpoints", 0, "opened", "2020-13-45", "'2020-13-45' is not a date"),
        ("checkpoints", 0, "opened", 20200125, "20200125 is a number, not a date"),
        ("checkpoints", 1, "opened", "2020/1/26", "written differently from the other dates"),
        ("households", 0, "persons", 0, "0 is below the minimum of 1"),
        ("households", 0, "observation_days", "fourteen", "'fourteen' is not a number"),
        ("households", 0, "last_check", "yesterday", "'yesterday' is not a date and time"),
        ("households", 0, "reason", "unknown", "'unknown' is not one of hubei_return"),
        ("disinfection_points", 1, "interval_hours", 0.25, "0.25 is below the minimum of 0.5"),
        ("disinfection_points", 1, "interval_hours", float("inf"), "inf is not a finite number"),
        ("roads", 0, "road_class", "lane", "'lane' is not one of expressway"),
        ("supplies", 1, "quantity", "many", "'many' is not a number"),
        ("supplies", 1, "date", "Feb 31st", "'Feb 31st' is not a date"),
    ],
)
def test_bad_value_is_an_error_at_its_feature_and_field(layer, row, field, value, expected):
    frame = with_cell(clean_township().frames[layer], row, field, value)
    problems = validate_frame(layer, frame)
    id_field = schema_for(layer).id_field
    feature = frame[id_field].iloc[row] if id_field else f"row {row + 1}"
    assert where(problems) == [("error", layer, feature, field)]
    assert expected in problems[0].message


def test_long_value_is_cut_short_in_the_message():
    frame = with_cell(_roads(), 0, "road_class", "x" * 500)
    (problem,) = validate_frame("roads", frame)
    assert "x" * 39 + "…'" in problem.message
    assert len(problem.message) < 200


def test_feature_without_id_is_named_by_its_row():
    frame = with_cell(_checkpoints(), 2, "id", None)
    problems = validate_frame("checkpoints", frame)
    assert where(problems) == [("error", "checkpoints", "row 3", "id")]
    assert "give every feature an id" in problems[0].message


def test_text_in_number_columns_as_read_from_a_csv_is_fine():
    frame = _households().astype({"persons": str, "observation_days": str})
    assert validate_frame("households", frame) == []


# --- 3. geometry ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "layer, shape, expected",
    [
        ("checkpoints", None, "missing; the feature has no location"),
        ("checkpoints", Point(), "empty"),
        (
            "checkpoints",
            LineString([(114.0, 33.0), (114.01, 33.01)]),
            "the shape is a LineString, but checkpoints must be Point",
        ),
        ("villages", Point(114.005, 33.005), "must be Polygon or MultiPolygon"),
        (
            "villages",
            Polygon([(114.0, 33.0), (114.01, 33.01), (114.01, 33.0), (114.0, 33.01)]),
            "the shape is not valid (Self-intersection",
        ),
        ("households", Point(500_000, 3_650_000), "not longitude/latitude in degrees"),
    ],
)
def test_bad_shape_is_an_error_on_the_geometry(layer, shape, expected):
    frame = with_shape(clean_township().frames[layer], 0, shape)
    problems = validate_frame(layer, frame)
    feature = frame[schema_for(layer).id_field].iloc[0]
    assert where(problems) == [("error", layer, feature, "geometry")]
    assert expected in problems[0].message


def test_frame_without_coordinate_system_is_a_warning_that_wgs84_is_assumed():
    frame = _checkpoints().set_crs(None, allow_override=True)
    problems = validate_frame("checkpoints", frame)
    assert where(problems) == [("warning", "checkpoints", None, "geometry")]
    assert "WGS-84" in problems[0].message


def test_frames_in_another_coordinate_system_are_converted_not_reported():
    dataset = clean_township()
    for name in ("villages", "households", "checkpoints"):
        dataset.frames[name] = dataset.frames[name].to_crs("EPSG:4547")
    assert validate(dataset) == []


def test_spatial_layer_without_geometry_column_is_an_error():
    frame = pd.DataFrame(_checkpoints().drop(columns="geometry"))
    problems = validate_frame("checkpoints", frame)
    assert where(problems) == [("error", "checkpoints", None, "geometry")]


def test_text_in_the_geometry_column_is_an_error_not_a_crash():
    frame = pd.DataFrame(_checkpoints())
    frame["geometry"] = frame["geometry"].astype(object)
    frame.loc[1, "geometry"] = "POINT (114.015 33.005)"
    problems = validate_frame("checkpoints", frame)
    assert where(problems) == [
        ("warning", "checkpoints", None, "geometry"),  # a plain table has no CRS
        ("error", "checkpoints", "CP02", "geometry"),
    ]
    assert "not a shape" in problems[1].message


# --- 4. ids --------------------------------------------------------------------------------


def test_duplicate_id_is_one_error_naming_the_id_and_its_rows():
    frame = with_cell(with_cell(_households(), 1, "id", "H001"), 2, "id", "H001")
    problems = validate_frame("households", frame)
    assert where(problems) == [("error", "households", "H001", "id")]
    assert "'H001' is used by 3 features (rows 1, 2, 3)" in problems[0].message


def test_each_duplicated_id_is_reported_once():
    frame = pd.concat([_checkpoints(), _checkpoints()], ignore_index=True)
    problems = validate_frame("checkpoints", frame)
    assert where(problems) == [
        ("error", "checkpoints", "CP01", "id"),
        ("error", "checkpoints", "CP02", "id"),
        ("error", "checkpoints", "CP03", "id"),
    ]


def test_tables_have_no_ids_to_repeat():
    assert validate_frame("supplies", pd.concat([_supplies(), _supplies()])) == []


# --- 5. across layers ----------------------------------------------------------------------


def test_point_outside_the_township_is_an_error():
    households = with_shape(_households(), 1, Point(114.05, 33.005))  # 2.8 km east
    problems = validate(township_with("households", households))
    assert where(problems) == [("error", "households", "H002", "geometry")]
    assert "lies 2,8" in problems[0].message  # metres, measured in CGCS2000 / GK CM 114E
    assert "m outside the township" in problems[0].message


def test_point_a_few_metres_outside_the_border_counts_as_inside():
    checkpoints = with_shape(_checkpoints(), 0, Point(114.0 - 3 * METRE_LON, 33.005))
    assert validate(township_with("checkpoints", checkpoints)) == []


def test_point_in_another_village_than_it_names_is_a_warning_naming_both():
    checkpoints = with_cell(_checkpoints(), 2, "village", SEAT)  # it stands in the east
    problems = validate(township_with("checkpoints", checkpoints))
    assert where(problems) == [("warning", "checkpoints", "CP03", "village")]
    message = problems[0].message
    assert f"lies in village {EAST} (孙吴庄村), not in {SEAT} (关王庙村)" in message


def test_point_on_the_border_between_villages_belongs_to_both():
    households = with_shape(_households(), 0, Point(114.01 + 2 * METRE_LON, 33.005))
    assert validate(township_with("households", households)) == []


@pytest.mark.parametrize("layer", ["checkpoints", "households", "disinfection_points"])
def test_village_code_that_names_no_village_is_an_error(layer):
    frame = with_cell(clean_township().frames[layer], 0, "village", "411771360299")
    problems = validate(township_with(layer, frame))
    assert where(problems) == [("error", layer, frame["id"].iloc[0], "village")]
    assert "no village has the code '411771360299'" in problems[0].message


def test_disinfection_point_at_a_checkpoint_that_does_not_exist_is_an_error():
    points = with_cell(_disinfection_points(), 1, "checkpoint", "CP99")
    problems = validate(township_with("disinfection_points", points))
    assert where(problems) == [("error", "disinfection_points", "D02", "checkpoint")]
    assert "no checkpoint has the id 'CP99'" in problems[0].message


def test_overlapping_villages_are_an_error_naming_both_and_the_area():
    # The eastern village drawn 0.001 degrees (about 93 m) too far west.
    villages = with_shape(_villages(), 1, box(114.009, 33.00, 114.02, 33.01))
    problems = validate(township_with("villages", villages))
    assert where(problems) == [("error", "villages", SEAT, "geometry")]
    message = problems[0].message
    assert SEAT in message and EAST in message
    assert "overlap by 103," in message and "m²" in message


def test_villages_that_only_share_a_border_do_not_overlap():
    villages = with_shape(_villages(), 1, box(114.01 - 1e-9, 33.00, 114.02, 33.01))  # a sliver
    assert validate(township_with("villages", villages)) == []


@pytest.mark.parametrize("table", ["supplies", "publicity"])
def test_scope_that_is_neither_township_nor_village_is_an_error(table):
    frame = with_cell(clean_township().frames[table], 0, "scope", "411771")
    problems = validate(township_with(table, frame))
    assert where(problems) == [("error", table, "row 1", "scope")]
    assert f"neither the township code {TOWNSHIP} nor the code of a village" in problems[0].message


def test_scope_is_not_checked_without_township_code_or_villages():
    dataset = Dataset({"supplies": with_cell(_supplies(), 0, "scope", "anything")})
    assert validate(dataset) == []


def test_cross_layer_checks_skip_shapes_already_reported_as_broken():
    households = with_shape(_households(), 0, None)
    problems = validate(township_with("households", households))
    assert where(problems) == [("error", "households", "H001", "geometry")]


# --- 6. dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "layer, row, changes, severity, field, expected",
    [
        (
            "checkpoints",
            1,
            {"closed": "2020-01-20"},
            "error",
            "closed",
            "closed 2020-01-20 is before opened 2020-01-26",
        ),
        (
            "households",
            1,
            {"status_date": "2020-01-29"},
            "error",
            "status_date",
            "status_date 2020-01-29 is before observation_start 2020-01-30",
        ),
        (
            "households",
            1,
            {"status_date": None},
            "warning",
            "status_date",
            "the status is 'released' but there is no status_date",
        ),
        (
            "households",
            2,
            {"status_date": None},
            "warning",
            "status_date",
            "the status is 'escalated' but there is no status_date",
        ),
        (
            "households",
            0,
            {"status_date": "2020-02-05"},
            "warning",
            "status_date",
            "the status is 'observing' but a status_date is set",
        ),
        ("checkpoints", 1, {"closed": None}, "warning", "closed", "the status is 'closed' but there is no closed date"),
    ],
)
def test_dates_that_disagree_are_reported(layer, row, changes, severity, field, expected):
    frame = clean_township().frames[layer]
    for name, value in changes.items():
        frame = with_cell(frame, row, name, value)
    problems = validate_frame(layer, frame)
    assert where(problems) == [(severity, layer, frame["id"].iloc[row], field)]
    assert expected in problems[0].message


def test_unreadable_status_date_is_reported_once_not_as_absent_too():
    frame = with_cell(_households(), 1, "status_date", "2020-02-30")
    problems = validate_frame("households", frame)
    assert where(problems) == [("error", "households", "H002", "status_date")]


# --- order ---------------------------------------------------------------------------------


def test_problems_are_listed_by_layer_in_schema_order_then_by_row():
    dataset = clean_township()
    dataset.frames = {  # the dataset lists its frames in another order
        "supplies": with_cell(_supplies(), 1, "item", "soap"),
        "households": with_cell(with_cell(_households(), 2, "persons", 0), 0, "reason", "x"),
        "checkpoints": with_cell(_checkpoints(), 1, "tier", "county").set_crs(None, allow_override=True),
        "villages": _villages(),
    }
    assert where(validate(dataset)) == [
        ("warning", "checkpoints", None, "geometry"),
        ("error", "checkpoints", "CP02", "tier"),
        ("error", "households", "H001", "reason"),
        ("error", "households", "H003", "persons"),
        ("error", "supplies", "row 2", "item"),
    ]


def test_problems_of_one_row_are_listed_in_field_order():
    frame = with_cell(with_cell(_checkpoints(), 0, "status", "open"), 0, "tier", "county")
    frame = with_shape(frame, 0, None)
    fields = [p.field for p in validate_frame("checkpoints", frame)]
    assert fields == ["tier", "status", "geometry"]


# --- privacy -------------------------------------------------------------------------------

SECRETS = ("张三丰SECRET", "李四SECRET", "13912345678", "13887654321", "SECRETNOTE")


def test_personal_values_never_appear_in_any_problem():
    households = _households()
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
    frame = with_cell(_households(), 0, "last_check", "2020-02-05T08:30+08:00")
    frame = with_cell(frame, 1, "last_check", "2020-02-05T08:30+09:00")
    problems = validate_frame("households", frame)
    assert where(problems) == [
        ("error", "households", "H001", "last_check"),
        ("error", "households", "H002", "last_check"),
    ]
    assert "carries a time zone" in problems[0].message


def test_odd_objects_in_cells_are_reported_not_raised():
    frame = _supplies().astype(object)
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
    villages = _villages().iloc[:0].reindex(range(len(village_shapes)))
    villages["code"] = [f"4117713602{i:02d}" for i in range(len(village_shapes))]
    dataset.frames["villages"] = villages.set_geometry(
        gpd.GeoSeries(village_shapes, index=villages.index, crs="EPSG:4326")
    )
    households = _households().iloc[[0] * len(shapes)].reset_index(drop=True)
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
    households.loc[7, "village"] = SEAT if in_east[7] else EAST  # one in the wrong village
    problems = validate(township_with("households", households))
    assert where(problems) == [("warning", "households", "H00007", "village")]
