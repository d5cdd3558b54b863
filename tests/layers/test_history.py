"""A past day uses only what was known by then: the situation, the page and the figures of a
day read each feature with events as its events up to that day tell it.

A small township whose records hold the latest values (as on 19 February) and whose events
say how it got there; on 14 February none of the later values may show. Every expected value
below is worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geodata.dataset import Dataset
from geodata.schema import conform, schema_for
from layers.history import EVENT_FIELDS
from layers.map_state import MapState
from layers.page_model import dynamic_properties, page_model
from layers.situation import checkpoint_situation, disinfection_situation, household_situation
from layers.statistics import village_table
from layers.webmap import feature_collection

VILLAGE = "999999000201"
PAST = pd.Timestamp("2020-02-14 18:00")
PLANNED = ["release_date", "due_at"]  # days still to come, planned on the day: not later facts
LATEST = pd.Timestamp("2020-02-19 18:00")  # the time the records describe (the metadata's as_of)
LAST_MINUTE = LATEST - pd.Timedelta(minutes=1)  # the last moment read from the events
EVENT_TABLES = ("status_changes", "followups", "checkpoint_changes", "disinfection_rounds")


def feb(day: int, hour: int | None = None, minute: int = 0) -> dt.date | dt.datetime:
    return dt.date(2020, 2, day) if hour is None else dt.datetime(2020, 2, day, hour, minute)


def rows(columns: str, *values: tuple) -> list[dict]:
    return [dict(zip(columns.split(), row, strict=False)) for row in values]


def layer(name: str, records: list[dict]) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(records, geometry=[Point(114.005, 33.005)] * len(records), crs="EPSG:4326")
    return conform(schema_for(name), frame)


def table(name: str, records: list[dict]) -> pd.DataFrame:
    records = [{"id": f"{name}-{i}", "village": VILLAGE, **r} for i, r in enumerate(records)]
    return conform(schema_for(name), pd.DataFrame(records, columns=[f.name for f in schema_for(name).fields]))


HOUSEHOLDS = rows(
    "id  village  reason  persons  observation_start  status  status_date  last_check  abnormal_temperature",
    # released on the 15th: on the 14th still observing, last checked on the 10th
    ("H1", VILLAGE, "close_contact", 2, feb(1), "released", feb(15), feb(15, 9), False),
    # escalated on the 16th after a fever then: on the 14th observing, temperature normal
    ("H2", VILLAGE, "fever", 1, feb(8), "escalated", feb(16), feb(16, 10), True),
    # no events: read from its record, as before (its check of the 19th shows)
    ("H3", VILLAGE, "hubei_return", 3, feb(5), "observing", None, feb(19, 8), False),
    # first reported on the 17th: not under observation yet on the 14th
    ("H4", VILLAGE, "other_province_return", 4, feb(17), "observing", None, feb(18, 9), False),
)
STATUS_CHANGES = rows(
    "household  day  status",
    ("H1", feb(1), "observing"),
    ("H2", feb(8), "observing"),
    ("H1", feb(15), "released"),
    ("H2", feb(16), "escalated"),
    ("H4", feb(17), "observing"),
)
FOLLOWUPS = rows(
    "household  time  temperature  symptoms  result",
    ("H1", feb(5, 9), 37.5, False, "abnormal"),
    ("H2", feb(9, 9), 36.8, False, "normal"),
    ("H1", feb(10, 9), 36.6, False, "normal"),
    ("H1", feb(15, 9), 36.5, False, "normal"),
    ("H2", feb(16, 10), 38.2, True, "referred"),
    ("H4", feb(18, 9), 36.4, False, "normal"),
)
CHECKPOINTS = rows(
    "id  name  tier  village  status  staffed_24h  staff_on_shift  opened  closed",
    # closed on the 16th: on the 14th active with the 4 on shift since the 12th
    ("C1", "一", "village", VILLAGE, "closed", True, 0, feb(1), feb(16)),
    # no events: as before
    ("C2", "二", "village", VILLAGE, "active", True, 2, feb(1), None),
    # opened on the 18th: not there yet on the 14th
    ("C3", "三", "village", VILLAGE, "active", True, 2, feb(18), None),
)
CHECKPOINT_CHANGES = rows(
    "checkpoint  time  change  staff_on_shift",
    ("C1", feb(1, 8), "opened", 3),
    ("C1", feb(12, 8), "staffing", 4),
    ("C1", feb(16, 12), "closed", 0),
    ("C3", feb(18, 9), "opened", 2),
)
POINTS = rows(
    "id  name  kind  village  interval_hours  last_disinfected",
    # daily rounds at 9:00 and a last one at 16:40 on the 19th: on the 14th done at 9:00
    ("P1", "一", "public_place", VILLAGE, 24.0, feb(19, 16, 40)),
    # rounds only from the 17th: never disinfected by the 14th, so overdue
    ("P2", "二", "public_place", VILLAGE, 24.0, feb(19, 10)),
    # no rounds: as before (a disinfection recorded after the day counts as done)
    ("P3", "三", "public_place", VILLAGE, 24.0, feb(19, 10)),
)
ROUNDS = [{"point": "P1", "time": feb(day, 9)} for day in range(13, 20)] + [
    {"point": "P1", "time": feb(19, 16, 40)},
    {"point": "P2", "time": feb(17, 10)},
    {"point": "P2", "time": feb(19, 10)},
]
EVENTS = {
    "status_changes": STATUS_CHANGES,
    "followups": FOLLOWUPS,
    "checkpoint_changes": CHECKPOINT_CHANGES,
    "disinfection_rounds": ROUNDS,
}
WITH_EVENTS = {"households": {"H1", "H2", "H4"}, "checkpoints": {"C1", "C3"}, "disinfection_points": {"P1", "P2"}}


def township(events: bool = True, empty_events: bool = False) -> Dataset:
    frames = {
        "villages": conform(
            schema_for("villages"),
            gpd.GeoDataFrame(
                [{"code": VILLAGE, "name": "西村", "geometry": box(114.0, 33.0, 114.01, 33.01)}], crs="EPSG:4326"
            ),
        ),
        "households": layer("households", HOUSEHOLDS),
        "checkpoints": layer("checkpoints", CHECKPOINTS),
        "disinfection_points": layer("disinfection_points", POINTS),
    }
    if events or empty_events:
        frames |= {name: table(name, [] if empty_events else records) for name, records in EVENTS.items()}
    return Dataset(frames, {"as_of": "2020-02-19T18:00"})


def situations(dataset: Dataset, as_of, events: bool = True) -> dict[str, pd.DataFrame]:
    given = dataset if events else None
    return {
        "households": household_situation(dataset.households, as_of, given).set_axis(dataset.households["id"]),
        "checkpoints": checkpoint_situation(dataset.checkpoints, as_of, given).set_axis(dataset.checkpoints["id"]),
        "disinfection_points": disinfection_situation(dataset.disinfection_points, as_of, given).set_axis(
            dataset.disinfection_points["id"]
        ),
    }


def plain(value):
    return None if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)) else value


def values_of(series: pd.Series) -> dict:
    return {key: plain(value) for key, value in series.astype(object).items()}


def dates_in(values) -> list[dt.date]:
    """Every date written in ``values`` (timestamps, or text as the page writes it)."""
    found = []
    for value in values:
        if isinstance(value, (pd.Timestamp, dt.date)) and not pd.isna(value):
            found.append(pd.Timestamp(value).date())
        elif isinstance(value, str):
            found += [dt.date.fromisoformat(d) for d in re.findall(r"\d{4}-\d{2}-\d{2}", value)]
    return found


# -- the situation ---------------------------------------------------------------------------


def test_a_past_day_reads_each_feature_with_events_as_known_then():
    found = situations(township(), PAST)
    people, checkpoints, points = found["households"], found["checkpoints"], found["disinfection_points"]

    assert values_of(people["status_on_day"]) == {
        "H1": "observing",
        "H2": "observing",
        "H3": "observing",
        "H4": None,  # its observation was not known yet
    }
    assert people.loc["H1", "last_check"] == pd.Timestamp(feb(10, 9))
    assert people.loc["H2", "last_check"] == pd.Timestamp(feb(9, 9))
    assert people.loc["H1", "abnormal_temperature"] == False  # noqa: E712 (a pandas boolean)
    assert people["status_date"].loc[["H1", "H2", "H4"]].isna().all()
    assert pd.isna(people.loc["H4", "observation_start"]) and pd.isna(people.loc["H4", "last_check"])

    assert values_of(checkpoints["status_on_day"]) == {
        "C1": "active",
        "C2": "active",
        "C3": None,
    }
    assert checkpoints.loc["C1", "staff_on_shift"] == 4 and pd.isna(checkpoints.loc["C1", "closed"])
    assert checkpoints.loc["C1", "opened"] == pd.Timestamp(feb(1))

    assert points.loc["P1", "last_disinfected"] == pd.Timestamp(feb(14, 9))
    assert points.loc["P1", "due_at"] == pd.Timestamp(feb(15, 9))
    assert points["freshness"].astype(object).to_dict() == {"P1": "done", "P2": "overdue", "P3": "done"}
    assert pd.isna(points.loc["P2", "last_disinfected"]) and np.isnan(points.loc["P2", "hours_overdue"])


def test_earlier_follow_ups_tell_a_fever_and_a_later_status_change_the_day():
    found = situations(township(), pd.Timestamp("2020-02-05 12:00"))["households"]
    assert found.loc["H1", "abnormal_temperature"] == True  # noqa: E712 (37.5 °C on the 5th)
    later = situations(township(), pd.Timestamp("2020-02-16 12:00"))
    assert later["households"].loc["H2", "status_on_day"] == "escalated"
    assert later["households"].loc["H2", "status_date"] == pd.Timestamp(feb(16))
    assert later["checkpoints"].loc["C1", "status_on_day"] == "closed"
    assert later["checkpoints"].loc["C1", "closed"] == pd.Timestamp(feb(16))


def test_no_situation_of_a_past_day_holds_a_later_date():
    for name, situation in situations(township(), PAST).items():
        evented = situation.loc[sorted(WITH_EVENTS[name]), list(EVENT_FIELDS[name])]
        later = [d for d in dates_in(evented.to_numpy().ravel()) if d > PAST.date()]
        assert later == [], name


def test_on_the_latest_day_the_events_give_the_recorded_fields():
    dataset = township()
    for name, situation in situations(dataset, LAST_MINUTE).items():
        records = dataset[name].set_index("id")
        for field in EVENT_FIELDS[name]:
            assert values_of(situation[field]) == values_of(records[field]), (name, field)


def test_features_without_events_read_as_before():
    dataset = township()
    for as_of in (PAST, LATEST, pd.Timestamp("2020-01-20")):
        with_events = situations(dataset, as_of)
        without = situations(dataset, as_of, events=False)
        for name, situation in with_events.items():
            others = sorted(set(situation.index) - WITH_EVENTS[name])
            pd.testing.assert_frame_equal(situation.loc[others, list(without[name].columns)], without[name].loc[others])


@pytest.mark.parametrize("dataset", [township(events=False), township(empty_events=True)], ids=["absent", "empty"])
def test_without_event_rows_the_situation_is_the_records(dataset):
    for as_of in (PAST, LATEST):
        with_dataset = situations(dataset, as_of)
        for name, situation in situations(dataset, as_of, events=False).items():
            pd.testing.assert_frame_equal(with_dataset[name], situation)
    assert "followups" not in dataset.frames or dataset.frames["followups"].empty


# -- the page --------------------------------------------------------------------------------


def test_the_page_of_a_past_day_shows_no_later_date():
    dataset = township()
    state = MapState(audience="internal", as_of=PAST.to_pydatetime())
    model = page_model(dataset, state)
    for name in ("households", "checkpoints", "disinfection_points"):
        props = model.props[name].set_axis(model.ids[name])
        evented = props.loc[sorted(WITH_EVENTS[name])].drop(columns=PLANNED, errors="ignore")
        assert [d for d in dates_in(evented.to_numpy().ravel()) if d > PAST.date()] == [], name
        features = feature_collection(dataset, name, model, "internal")["features"]
        for feature in features:
            if feature["id"] in WITH_EVENTS[name]:
                values = [v for k, v in feature["properties"].items() if k not in PLANNED]
                assert [d for d in dates_in(values) if d > PAST.date()] == [], (name, feature["id"])
    popup = {
        f["id"]: f["properties"]
        for f in feature_collection(dataset, "disinfection_points", model, "internal")["features"]
    }
    assert popup["P1"]["last_disinfected"] == "2020-02-14 09:00" and popup["P2"]["last_disinfected"] is None
    people = {
        f["id"]: f["properties"] for f in feature_collection(dataset, "households", model, "internal")["features"]
    }
    assert people["H1"]["last_check"] == "2020-02-10 09:00" and people["H1"]["status"] == "observing"


def test_the_page_of_the_latest_day_shows_the_recorded_fields():
    dataset = township()
    props = dynamic_properties(dataset, LAST_MINUTE, "observing_households")
    for name in ("households", "checkpoints", "disinfection_points"):
        records = dataset[name]
        for field in EVENT_FIELDS[name]:
            got = list(values_of(props[name][field]).values())
            assert got == list(values_of(records[field]).values()), (name, field)


def test_a_closed_checkpoint_of_the_past_is_no_alert_while_it_was_staffed():
    dataset = township()
    model = page_model(dataset, MapState(audience="internal", as_of=PAST.to_pydatetime()))
    alerts = dict(zip(model.ids["checkpoints"], model.props["checkpoints"]["alert"], strict=False))
    assert alerts["C1"] == False  # noqa: E712 (closed on the 16th with nobody on shift; staffed on the 14th)
    latest = page_model(dataset, MapState(audience="internal", as_of=LATEST.to_pydatetime()))
    assert dict(zip(latest.ids["checkpoints"], latest.props["checkpoints"]["alert"], strict=False))["C1"] == True  # noqa: E712


def test_without_events_the_page_props_are_as_before():
    with_empty, without = township(empty_events=True), township(events=False)
    for as_of in (PAST, LATEST):
        a = dynamic_properties(with_empty, as_of, "observing_households")
        b = dynamic_properties(without, as_of, "observing_households")
        for name in b:
            pd.testing.assert_frame_equal(a[name], b[name])
        assert "last_disinfected" not in b["disinfection_points"].columns


# -- the figures -----------------------------------------------------------------------------


def test_the_figures_of_a_past_day_count_what_was_known_then():
    figures = village_table(township(), PAST).iloc[0]
    assert figures["households_under_observation"] == 3  # H1, H2, H3; H4 not yet
    assert figures["persons_under_observation"] == 6
    assert figures["released"] == 0 and figures["escalated"] == 0
    assert figures["checkpoints_active"] == 2  # C1 and C2
    assert figures["disinfection_overdue"] == 1  # P2: no round yet
    # From the records alone, P2's disinfection of the 19th would count as done.
    assert village_table(township(events=False), PAST).iloc[0]["disinfection_overdue"] == 0


def test_a_household_is_new_on_the_day_its_first_change_reports_it():
    assert village_table(township(), pd.Timestamp("2020-02-17 18:00")).iloc[0]["new_today"] == 1  # H4
    figures = village_table(township(), LATEST).iloc[0]
    # H1 by its change, H3 by its days (the 18th was its last); H2 escalated; C1 closed, C3 opened.
    assert figures["released"] == 2 and figures["escalated"] == 1 and figures["checkpoints_active"] == 2


# -- the event tables as they come -----------------------------------------------------------


def test_the_order_of_the_event_rows_does_not_matter_and_a_new_event_is_seen():
    dataset = township()
    expected = situations(dataset, PAST)
    shuffled = Dataset(
        {**dataset.frames, **{n: dataset.frames[n].sample(frac=1, random_state=3) for n in EVENT_TABLES}},
        dataset.metadata,
    )
    for name, situation in situations(shuffled, PAST).items():
        pd.testing.assert_frame_equal(situation, expected[name])

    # A round reported later makes a new table (events are appended, never changed in place).
    dataset["disinfection_rounds"] = pd.concat(
        [dataset["disinfection_rounds"], table("disinfection_rounds", [{"point": "P2", "time": feb(14, 12)}])],
        ignore_index=True,
    )
    points = situations(dataset, PAST)["disinfection_points"]
    assert points.loc["P2", "last_disinfected"] == pd.Timestamp(feb(14, 12))
    assert points.loc["P2", "freshness"] == "done"


def test_of_two_events_at_the_same_time_the_later_row_counts():
    dataset = township()
    dataset["status_changes"] = pd.concat(
        [
            dataset["status_changes"],
            table(
                "status_changes",
                [
                    {"household": "H4", "day": feb(18), "status": "escalated"},
                    {"household": "H4", "day": feb(18), "status": "released"},
                ],
            ),
        ],
        ignore_index=True,
    )
    assert situations(dataset, LAST_MINUTE)["households"].loc["H4", "status_on_day"] == "released"


@pytest.mark.parametrize("seed", range(5))
def test_the_latest_event_is_the_one_a_plain_search_finds(seed):
    rng = np.random.default_rng(seed)
    points = [{**POINTS[0], "id": f"P{i}", "last_disinfected": feb(19, 16)} for i in range(12)] + [
        {**POINTS[0], "id": None, "last_disinfected": None}
    ]
    stamps = pd.Timestamp("2020-02-01") + pd.to_timedelta(rng.integers(0, 19 * 24, 80), unit="h")
    rounds = [{"point": f"P{rng.integers(0, 14)}", "time": t.to_pydatetime()} for t in stamps]
    dataset = township()
    dataset["disinfection_points"] = layer("disinfection_points", points)
    dataset["disinfection_rounds"] = table("disinfection_rounds", rounds)
    for as_of in pd.Timestamp("2020-02-01") + pd.to_timedelta(rng.integers(0, 20 * 24, 6), unit="h"):
        got = disinfection_situation(dataset.disinfection_points, as_of, dataset)["last_disinfected"].tolist()
        for point, value in zip(points, got, strict=True):
            mine = [r["time"] for r in rounds if r["point"] == point["id"]]
            expected = max((t for t in mine if t <= as_of), default=None) if mine else point["last_disinfected"]
            assert plain(value) == (None if expected is None else pd.Timestamp(expected)), (point["id"], as_of)


# -- the records and the events together -----------------------------------------------------


def test_from_the_time_the_records_describe_they_stand_with_every_edit():
    dataset = township()
    dataset["checkpoints"] = dataset.checkpoints.assign(staff_on_shift=pd.array([5, 2, 2], dtype="Int64"))  # by hand
    assert situations(dataset, LATEST)["checkpoints"].equals(situations(dataset, LATEST, events=False)["checkpoints"])
    assert "staff_on_shift" not in dynamic_properties(dataset, LATEST, "observing_households")["checkpoints"]
    assert situations(dataset, LAST_MINUTE)["checkpoints"].loc["C1", "staff_on_shift"] == 0  # the closing's count


def test_a_change_entered_on_the_record_counts_from_its_own_date():
    dataset = township()
    households = dataset.households.copy()  # H4 released by hand on the 18th, no event for it
    households.loc[households["id"] == "H4", ["status", "status_date"]] = ["released", pd.Timestamp(feb(18))]
    points = dataset.disinfection_points.copy()  # P2 "disinfected now" at 12:00 on the 14th
    points.loc[points["id"] == "P2", "last_disinfected"] = pd.Timestamp(feb(14, 12))
    dataset["households"], dataset["disinfection_points"] = households, points
    assert situations(dataset, pd.Timestamp("2020-02-17 18:00"))["households"].loc["H4", "status_on_day"] == "observing"
    on_the_18th = situations(dataset, pd.Timestamp("2020-02-18 18:00"))["households"]
    assert on_the_18th.loc["H4", "status_on_day"] == "released"
    assert on_the_18th.loc["H4", "status_date"] == pd.Timestamp(feb(18))
    assert situations(dataset, PAST)["disinfection_points"].loc["P2", "last_disinfected"] == pd.Timestamp(feb(14, 12))
    # Rounds after it count again: P2's round of the 17th.
    later = situations(dataset, pd.Timestamp("2020-02-17 18:00"))["disinfection_points"]
    assert later.loc["P2", "last_disinfected"] == pd.Timestamp(feb(17, 10))


def test_the_coded_statuses_are_the_statuses_the_facts_carry():
    # The situation compares the few distinct statuses, not each household's text: the codes
    # must name, household by household, the status the facts carry, on every day.
    from layers.history import household_facts_coded

    dataset = township()
    for as_of in (pd.Timestamp("2020-01-20"), pd.Timestamp("2020-02-05 12:00"), PAST, LAST_MINUTE):
        facts, coded = household_facts_coded(dataset.households, dataset, as_of)
        codes, values = coded
        assert [plain(v) for v in values[codes]] == [plain(v) for v in facts["status"]], as_of


def test_the_records_are_read_once_for_every_day_and_again_after_an_edit(monkeypatch):
    # Every change of day read the same records again: a third of the facts at a million.
    import layers.history as history

    read = []
    real = history._codes
    monkeypatch.setattr(history, "_codes", lambda column, missing: read.append(column.name) or real(column, missing))
    dataset = township()
    for as_of in (PAST, pd.Timestamp("2020-02-16 12:00"), PAST):
        situations(dataset, as_of)
    assert read.count("status") == 2  # the records' once, the status changes' once (with their timeline)

    edited = dataset.copy()
    households = dataset.households.copy()  # an edit: a new frame; H3 has no events
    households.loc[households["id"] == "H3", ["status", "status_date"]] = ["escalated", pd.Timestamp(feb(12))]
    edited["households"] = households
    assert situations(edited, PAST)["households"].loc["H3", "status_on_day"] == "escalated"
    assert situations(dataset, PAST)["households"].loc["H3", "status_on_day"] == "observing"


def test_the_households_ids_are_numbered_once_for_every_event_table():
    # The status changes and the follow-ups each make a timeline over the same ids: numbering
    # a million of them twice took most of the first past day's time.
    from layers.history import _feature_ids

    dataset = township()
    situations(dataset, PAST)
    numbered, ids = _feature_ids(dataset.households)
    situations(dataset, pd.Timestamp("2020-02-16 12:00"))
    assert _feature_ids(dataset.households)[0] is numbered
    renamed = dataset.households.assign(id=[f"X{n}" for n in range(len(dataset.households))])  # an edit
    assert list(_feature_ids(renamed)[1]) == list(renamed["id"]) != list(ids)


@pytest.mark.parametrize("count", [3, 40])
def test_ids_are_placed_among_the_features_ids_as_an_index_places_them(count):
    # A few events among many households hash the events' ids, not the households': the
    # positions found must be those the households' index gives, missing and unknown ids too.
    from layers.history import positions_among

    rng = np.random.default_rng(count)
    distinct = pd.Index([f"H{i}" for i in range(20)], dtype=object)
    ids = np.array([rng.choice([*distinct, "nobody", None, np.nan]) for _ in range(count)], dtype=object)
    assert positions_among(distinct, ids).tolist() == distinct.get_indexer(pd.Index(ids)).tolist()
