"""The bundled Guanwangmiao sample: real names and figures, and geometry and records that hang
together the way a command centre would check them on the map.

Expected names, codes and totals are typed in from the township's published figures (README, About the sample), not
taken from the generator; everything else is measured on the built data, in metres
(EPSG:4547) where distances and areas matter.
"""

from __future__ import annotations

import itertools
import math
import re

import pandas as pd
import pytest
import shapely
from pandas.testing import assert_frame_equal

from geodata.sample import build_sample, history, write_sample
from geodata.schema import METADATA_KEYS, SCHEMA_VERSION, SCHEMAS, STORAGE_CRS
from geodata.stores import GeoPackageStore
from geodata.validation import validate

METRIC = "EPSG:4547"
AS_OF = pd.Timestamp("2020-02-19 18:00")
TODAY = AS_OF.normalize()
SEAT_VILLAGE = "411771360200"

REAL_VILLAGES = {
    "411771360200": "关王庙村",
    "411771360201": "孙吴庄村",
    "411771360202": "熊楼村",
    "411771360203": "何庄村",
    "411771360205": "荒坡陆村",
    "411771360206": "杨楼村",
    "411771360207": "洪堂村",
    "411771360208": "杨桥村",
    "411771360209": "杜庄村",
    "411771360211": "余庄村",
}


@pytest.fixture(scope="module")
def sample():
    return build_sample()


@pytest.fixture(scope="module")
def metric(sample):
    """Every layer of the sample in metres."""
    return {name: sample[name].to_crs(METRIC) for name, schema in SCHEMAS.items() if schema.is_spatial}


@pytest.fixture(scope="module")
def township(metric):
    return shapely.union_all(metric["villages"].geometry.values)


def village_polygon(metric, code):
    villages = metric["villages"]
    return villages.geometry[villages["code"] == code].item()


# -- villages ------------------------------------------------------------------------------


def test_the_ten_real_villages_with_their_division_codes(sample):
    villages = sample.villages
    assert dict(zip(villages["code"], villages["name"], strict=False)) == REAL_VILLAGES
    assert villages["code"].is_unique


def test_village_figures_add_up_to_the_published_totals(sample):
    villages = sample.villages
    assert villages["party_branches"].sum() == 26
    assert villages["volunteers"].sum() > 500  # "500+ party-member volunteers on 24-hour shifts"
    assert (villages["volunteers"] > 0).all()
    assert 27_000 <= villages["population"].sum() <= 29_000
    assert (villages["households"] < villages["population"]).all()
    assert (villages["groups"] >= 1).all()
    for name, work_group in zip(villages["name"], villages["work_group"], strict=False):
        assert work_group == f"{name}工作组"


def test_villages_tile_the_township_without_gaps_or_overlaps(metric, township):
    polygons = list(metric["villages"].geometry)
    assert all(polygon.is_valid and polygon.geom_type == "Polygon" for polygon in polygons)
    total = sum(polygon.area for polygon in polygons)
    assert township.area == pytest.approx(total, rel=1e-3)
    assert 60e6 <= township.area <= 80e6
    assert township.geom_type == "Polygon" and not township.interiors  # one piece, no holes
    for a, b in itertools.combinations(polygons, 2):
        assert a.intersection(b).area < 1.0


def test_township_outline_is_irregular_and_villages_are_not_slivers(metric, township):
    # A rectangle fills its bounding box; a real outline does not.
    minx, miny, maxx, maxy = township.bounds
    assert township.area < 0.9 * (maxx - minx) * (maxy - miny)
    for polygon in metric["villages"].geometry:
        assert polygon.area > 3e6
        compactness = 4 * math.pi * polygon.area / polygon.length**2  # 1 for a circle
        assert compactness > 0.4


# -- roads and checkpoints -----------------------------------------------------------------


def test_national_and_provincial_roads_cross_the_township_and_run_on_beyond_it(metric, township):
    roads = metric["roads"]
    for road_class in ("national", "provincial"):
        lines = roads.geometry[roads["road_class"] == road_class]
        assert len(lines) >= 1
        for line in lines:
            start, end = shapely.get_point(line, 0), shapely.get_point(line, -1)
            assert not township.contains(start) and not township.contains(end)
            assert line.intersection(township).length > 3000
    assert set(roads["road_class"]) >= {"county", "village"}
    assert roads["id"].is_unique


def test_29_checkpoints_in_the_published_tiers(sample):
    checkpoints = sample.checkpoints
    assert len(checkpoints) == 29
    assert checkpoints["tier"].value_counts().to_dict() == {
        "natural_village": 16,
        "village": 8,
        "compound": 3,
        "district": 2,
    }
    assert checkpoints["id"].is_unique
    assert all(re.fullmatch(r"CP\d\d", value) for value in checkpoints["id"])
    assert (checkpoints["status"] == "active").all()
    assert checkpoints["staffed_24h"].all()
    assert checkpoints["staff_on_shift"].between(2, 6).all()
    assert checkpoints["opened"].between("2020-01-25", "2020-01-28").all()
    assert checkpoints["closed"].isna().all()
    assert all(name.endswith("卡点") for name in checkpoints["name"])


def test_every_checkpoint_is_on_a_road(metric):
    roads = shapely.union_all(metric["roads"].geometry.values)
    distances = metric["checkpoints"].distance(roads)
    assert (distances < 1.0).all(), distances.max()


def test_every_point_lies_inside_its_own_village(metric):
    for layer in ("checkpoints", "households", "disinfection_points"):
        for row in metric[layer].itertuples():
            assert village_polygon(metric, row.village).contains(row.geometry), (layer, row.id)


def test_district_checkpoints_stand_where_the_main_roads_enter_the_township(metric, township):
    roads = metric["roads"]
    checkpoints = metric["checkpoints"]
    district = checkpoints[checkpoints["tier"] == "district"]
    on_roads = set()
    for point in district.geometry:
        assert point.distance(township.exterior) < 300
        assert township.contains(point)
        distances = roads.distance(point)
        nearest = roads.loc[distances.idxmin()]
        assert distances.min() < 1.0
        on_roads.add(nearest["road_class"])
    assert on_roads == {"national", "provincial"}


def test_compound_checkpoints_are_in_the_seat_village(sample):
    checkpoints = sample.checkpoints
    assert (checkpoints.loc[checkpoints["tier"] == "compound", "village"] == SEAT_VILLAGE).all()


# -- households ----------------------------------------------------------------------------


def test_households_cover_every_reason_and_status(sample):
    households = sample.households
    assert 40 <= len(households) <= 60
    assert households["id"].is_unique
    assert all(re.fullmatch(r"HH\d{3}", value) for value in households["id"])
    assert set(households["reason"]) == set(SCHEMAS["households"].field("reason").choices)
    assert set(households["status"]) == {"observing", "released", "escalated"}
    assert households["observation_start"].between("2020-01-24", "2020-02-19").all()
    assert (households["observation_days"] == 14).all()
    assert (households["persons"] >= 1).all()


def test_household_statuses_follow_from_their_dates_as_of_the_evening_of_19_february(sample):
    households = sample.households
    end = households["observation_start"] + pd.Timedelta(days=14)
    released = households["status"] == "released"
    escalated = households["status"] == "escalated"
    observing = households["status"] == "observing"
    assert (households.loc[released, "status_date"] == end[released]).all()
    assert (end[released] <= TODAY).all()
    assert (end[observing] > TODAY).all()
    assert households.loc[observing, "status_date"].isna().all()
    escalated_on = households.loc[escalated, "status_date"]
    assert (escalated_on > households.loc[escalated, "observation_start"]).all()
    assert (escalated_on <= TODAY).all()
    assert (households.loc[observing, "last_check"].dt.normalize() == TODAY).all()
    assert (households["last_check"].dropna() <= AS_OF).all()


def test_households_include_new_ones_and_releases_due_today_and_tomorrow(sample):
    households = sample.households
    end = households["observation_start"] + pd.Timedelta(days=14)
    assert (households["observation_start"] >= TODAY - pd.Timedelta(days=2)).sum() >= 2
    assert end.isin([TODAY, TODAY + pd.Timedelta(days=1)]).sum() >= 2


def test_household_groups_and_temperatures_fit_their_villages(sample):
    households = sample.households
    groups = dict(zip(sample.villages["code"], sample.villages["groups"], strict=False))
    for row in households.itertuples():
        assert 1 <= row.villager_group <= groups[row.village]
    fever = households["reason"] == "fever"
    assert households.loc[fever, "abnormal_temperature"].all()


def test_personal_fields_are_obviously_fictitious(sample):
    households = sample.households
    assert households["phone"].str.startswith("000").all()
    assert households["head_name"].str.startswith("示例").all()
    assert households["note"].dropna().str.startswith("示例").all()


# -- disinfection points -------------------------------------------------------------------


def test_one_disinfection_point_beside_each_checkpoint(metric):
    points = metric["disinfection_points"]
    checkpoints = metric["checkpoints"].set_index("id")
    at_checkpoints = points[points["kind"] == "checkpoint"]
    assert sorted(at_checkpoints["checkpoint"]) == sorted(checkpoints.index)
    for row in at_checkpoints.itertuples():
        assert row.geometry.distance(checkpoints.geometry[row.checkpoint]) < 10
        assert row.village == checkpoints.loc[row.checkpoint, "village"]


def test_disinfection_points_of_every_kind_some_overdue_some_due_soon(sample):
    points = sample.disinfection_points
    counts = points["kind"].value_counts()
    for kind in ("residential", "public", "work_area"):
        assert counts[kind] >= 3
    assert points["id"].is_unique
    next_due = points["last_disinfected"] + pd.to_timedelta(points["interval_hours"], unit="h")
    assert (points["last_disinfected"] <= AS_OF).all()
    overdue = next_due < AS_OF
    due_soon = (next_due >= AS_OF) & (next_due <= AS_OF + pd.Timedelta(hours=6))
    assert 1 <= overdue.sum() < len(points) / 4
    assert due_soon.sum() >= 1
    assert (~overdue & ~due_soon).sum() > len(points) / 2  # most were done recently


# -- tables, metadata, determinism, storage ------------------------------------------------


def test_supplies_and_publicity_hold_the_published_township_totals(sample):
    for name, expected in (
        (
            "supplies",
            {
                "masks": 22284,
                "thermometers": 596,
                "disinfectant_litres": 6116.5,
                "latex_glove_pairs": 1106,
                "goggles": 222,
                "isolation_gowns": 32,
            },
        ),
        ("publicity", {"vehicles": 10, "boards": 202, "banners": 1220, "leaflets": 67600}),
    ):
        table = sample[name]
        assert dict(zip(table["item"], table["quantity"], strict=False)) == expected
        assert (table["scope"] == "411771360").all()
        assert (table["date"] == pd.Timestamp("2020-02-19")).all()


def test_metadata_names_the_township_and_says_the_data_is_illustrative(sample):
    meta = sample.metadata
    assert set(meta) == set(METADATA_KEYS)
    assert all(isinstance(value, str) for value in meta.values())
    assert meta["township_name"] == "关王庙乡"
    assert meta["township_code"] == "411771360"
    assert meta["as_of"] == "2020-02-19T18:00"
    assert meta["illustrative"] == "true"
    assert meta["schema_version"] == SCHEMA_VERSION
    assert "示例" in meta["disclaimer"] and "Illustrative" in meta["disclaimer"]


def test_layers_are_in_their_schema_and_the_storage_crs(sample):
    for name, frame in sample.frames.items():
        fields = list(SCHEMAS[name].field_names)
        assert list(frame.columns)[: len(fields)] == fields
        if SCHEMAS[name].is_spatial:
            assert frame.crs.equals(STORAGE_CRS)
            assert frame.geometry.is_valid.all()


def test_every_build_gives_the_same_dataset(sample):
    again = build_sample()
    assert again.metadata == sample.metadata
    assert set(again.frames) == set(sample.frames)
    for name, frame in sample.frames.items():
        assert_frame_equal(again[name], frame, check_exact=True)


def test_written_sample_reads_back_the_same(tmp_path, sample):
    path = tmp_path / "guanwangmiao.gpkg"
    write_sample(path)
    stored = GeoPackageStore(path).read_all()
    assert stored.metadata == sample.metadata
    assert set(stored.frames) == set(sample.frames)
    for name, frame in sample.frames.items():
        attributes = stored[name].drop(columns="geometry", errors="ignore")
        assert_frame_equal(attributes, frame.drop(columns="geometry", errors="ignore"))
        if SCHEMAS[name].is_spatial:
            assert stored[name].geom_equals_exact(frame.geometry, tolerance=1e-9).all(), name


# -- history: the events behind the current records ----------------------------------------
#
# The current fields are recomputed from the events here, in plain Python and without the
# generator's code, so the test shows that the two say the same as of the sample's evening.

EVENT_FEATURES = {
    "disinfection_rounds": ("point", "disinfection_points", r"DR-(DP\d\d)-\d{4}"),
    "followups": ("household", "households", r"FU-(HH\d{3})-\d{4}"),
    "status_changes": ("household", "households", r"SC-(HH\d{3})-\d"),
    "checkpoint_changes": ("checkpoint", "checkpoints", r"CC-(CP\d\d)-\d{3}"),
}
EVENT_TIME = {"disinfection_rounds": "time", "followups": "time", "status_changes": "day", "checkpoint_changes": "time"}


def events_by(frame, key, time):
    """The events of each feature, oldest first, as lists of row dicts."""
    grouped: dict[str, list[dict]] = {}
    for row in sorted(frame.to_dict("records"), key=lambda row: (row[time], row["id"])):
        grouped.setdefault(row[key], []).append(row)
    return grouped


def test_the_sample_holds_every_event_table_with_a_history(sample):
    for name in EVENT_FEATURES:
        assert name in sample.frames and len(sample[name]) > 0, name
        assert sample[name]["id"].is_unique, name


def test_no_event_is_after_the_evening_of_19_february_or_before_the_first_household(sample):
    for name, column in EVENT_TIME.items():
        times = sample[name][column]
        assert times.notna().all(), name
        assert times.max() <= AS_OF, name
        assert times.min() >= pd.Timestamp("2020-01-24"), name
    assert sample["disinfection_rounds"]["time"].min() >= pd.Timestamp("2020-01-25")
    assert sample["checkpoint_changes"]["time"].min() >= pd.Timestamp("2020-01-25")


def test_every_event_names_an_existing_feature_its_village_and_its_work_group(sample):
    work_groups = dict(zip(sample.villages["code"], sample.villages["work_group"], strict=False))
    for name, (key, layer, pattern) in EVENT_FEATURES.items():
        features = dict(zip(sample[layer]["id"], sample[layer]["village"], strict=False))
        for row in sample[name].itertuples():
            feature = getattr(row, key)
            assert feature in features, (name, row.id)
            assert row.village == features[feature], (name, row.id)
            assert row.reported_by == work_groups[row.village], (name, row.id)
            match = re.fullmatch(pattern, row.id)
            assert match and match.group(1) == feature, (name, row.id)


def test_households_as_of_the_evening_are_what_their_events_say(sample):
    changes = events_by(sample["status_changes"], "household", "day")
    visits = events_by(sample["followups"], "household", "time")
    for row in sample.households.itertuples():
        own = changes[row.id]
        assert own[0]["status"] == "observing" and own[0]["day"] == row.observation_start, row.id
        assert row.status == own[-1]["status"], row.id
        if row.status == "observing":
            assert len(own) == 1 and pd.isna(row.status_date), row.id
        else:
            assert row.status_date == own[-1]["day"], row.id
        last = visits[row.id][-1]
        assert row.last_check == last["time"], row.id
        assert row.abnormal_temperature == (last["temperature"] >= 37.3), row.id


def test_disinfection_points_were_last_done_when_their_last_round_says(sample):
    rounds = events_by(sample["disinfection_rounds"], "point", "time")
    for row in sample.disinfection_points.itertuples():
        assert row.last_disinfected == rounds[row.id][-1]["time"], row.id


def test_checkpoints_as_of_the_evening_are_what_their_changes_say(sample):
    changes = events_by(sample["checkpoint_changes"], "checkpoint", "time")
    for row in sample.checkpoints.itertuples():
        own = changes[row.id]
        opened = [event for event in own if event["change"] == "opened"]
        closed = [event for event in own if event["change"] == "closed"]
        assert len(opened) == 1 and own[0] is opened[0], row.id
        assert row.opened == opened[0]["time"].normalize(), row.id
        assert row.status == ("closed" if closed else "active"), row.id
        if closed:
            assert row.closed == closed[-1]["time"].normalize(), row.id
        else:
            assert pd.isna(row.closed), row.id
        counts = [event["staff_on_shift"] for event in own if not pd.isna(event["staff_on_shift"])]
        assert row.staff_on_shift == counts[-1], row.id


def test_disinfection_rounds_keep_the_published_schedule(sample):
    rounds = events_by(sample["disinfection_rounds"], "point", "time")
    checkpoints = sample.checkpoints.set_index("id")
    for row in sample.disinfection_points.itertuples():
        times = pd.Series([event["time"] for event in rounds[row.id]])
        gaps_h = times.diff().dropna().dt.total_seconds() / 3600
        assert gaps_h.between(row.interval_hours - 1, row.interval_hours + 1).all(), row.id
        if isinstance(row.checkpoint, str):
            opened = checkpoints.loc[row.checkpoint, "opened"]
            assert times.iloc[0].normalize() - opened <= pd.Timedelta(days=1), row.id
        days_open = (times.iloc[-1] - times.iloc[0]).total_seconds() / 86400
        assert days_open >= 20, row.id  # every point has been done since late January
        expected = days_open * 24 / row.interval_hours + 1
        assert abs(len(times) - expected) <= 1, (row.id, len(times), expected)


def test_followups_twice_a_day_while_observed_with_plausible_temperatures(sample):
    followups = sample["followups"]
    visits = events_by(followups, "household", "time")
    for row in sample.households.itertuples():
        own = visits[row.id]
        days = (row.last_check.normalize() - row.observation_start).days + 1
        assert 2 * days - 1 <= len(own) <= 2 * days, row.id
        assert own[0]["time"].normalize() == row.observation_start, row.id
        per_day = pd.Series([event["time"].normalize() for event in own]).value_counts()
        assert per_day.max() <= 2, row.id
        if row.reason == "fever":
            assert own[0]["temperature"] >= 37.3, row.id  # the fever that put them under observation
        if row.status == "escalated":
            assert own[-1]["result"] == "referred", row.id
    hours = followups["time"].dt.hour + followups["time"].dt.minute / 60
    assert hours.between(7.5, 17.5).all()
    normal = followups["result"] == "normal"
    assert followups.loc[normal, "temperature"].between(36.2, 37.2).all()
    assert (followups.loc[followups["result"] == "abnormal", "temperature"] >= 37.3).all()
    assert (followups["symptoms"] == (followups["temperature"] >= 37.3)).all()
    assert 0 < (~normal).sum() < len(followups) / 20  # abnormal visits are the exception


def test_checkpoint_shifts_change_every_morning_since_opening(sample):
    changes = sample["checkpoint_changes"]
    staffing = changes[changes["change"] == "staffing"]
    assert (staffing["time"].dt.time == pd.Timestamp("08:00").time()).all()
    for row in sample.checkpoints.itertuples():
        own = staffing[staffing["checkpoint"] == row.id]
        assert len(own) == (TODAY - row.opened).days, row.id
        assert own["staff_on_shift"].between(2, 7).all(), row.id


def test_status_changes_release_after_14_days(sample):
    changes = sample["status_changes"]
    start = dict(zip(sample.households["id"], sample.households["observation_start"], strict=False))
    released = changes[changes["status"] == "released"]
    assert len(released) >= 20
    for row in released.itertuples():
        assert row.day - start[row.household] == pd.Timedelta(days=14), row.id
    assert changes["status"].value_counts()["observing"] == len(sample.households)


def test_history_is_the_same_on_every_build(sample):
    again = build_sample()
    for name in EVENT_FEATURES:
        assert_frame_equal(again[name], sample[name], check_exact=True)
    assert history.build_history([], [], []) == {name: [] for name in EVENT_FEATURES}


def test_the_sample_with_its_history_passes_validation(sample):
    assert validate(sample) == []
