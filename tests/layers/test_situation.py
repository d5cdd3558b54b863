"""The as-of situation: households, checkpoints and disinfection points on a given day.

The hand-written cases sit on each boundary of the product's rules; the property tests check
the rules' consequences, and the vectorised functions against a row-by-row statement of the
rules in plain Python (the ``expected_*`` functions, also used by the filter tests).
"""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.dataset import Dataset
from geodata.schema import HOUSEHOLD_STATUSES
from layers.filters import (
    AsOfError,
    checkpoint_situation,
    disinfection_situation,
    household_situation,
    resolve_as_of,
)
from layers.map_state import MapState

START = dt.date(2020, 2, 1)  # with 14 days, the last day of observation is 15 February


# -- the rules, one row at a time ----------------------------------------------------------


def expected_household(row: dict, day: dt.date) -> dict:
    """A household's situation on ``day``, from the rules as the product states them."""
    start, status, status_date = row["observation_start"], row["status"], row.get("status_date")
    days = row.get("observation_days") or 14
    if start is None or start > day:
        return {"status_on_day": None, "observation_day": None, "stage": None}
    last_day = start + dt.timedelta(days=days - 1)
    if status == "escalated" and status_date is not None and status_date <= day:
        status_on_day = "escalated"
    elif (status == "released" and status_date is not None and status_date <= day) or day > last_day:
        status_on_day = "released"
    else:
        status_on_day = "observing"
    if status_on_day != "observing":
        return {"status_on_day": status_on_day, "observation_day": None, "stage": status_on_day}
    observation_day = (day - start).days + 1
    if observation_day >= days - 1:
        stage = "releasing"
    elif observation_day <= 3:
        stage = "new"
    else:
        stage = "observing"
    return {"status_on_day": "observing", "observation_day": observation_day, "stage": stage}


def expected_checkpoint_status(row: dict, day: dt.date) -> str | None:
    opened, closed = row["opened"], row.get("closed")
    if opened is None or opened > day:
        return None
    if row["status"] == "proposed":
        return "proposed"
    if (closed is not None and closed <= day) or (row["status"] == "closed" and closed is None):
        return "closed"
    return "active"


def expected_overdue(row: dict, as_of: dt.datetime) -> bool:
    last = row.get("last_disinfected")
    if last is None:
        return True
    return last <= as_of and last + dt.timedelta(hours=row["interval_hours"]) < as_of


# -- helpers -------------------------------------------------------------------------------


def households_frame(rows: list[dict]) -> pd.DataFrame:
    """The household columns the situation reads, typed as the data model types them."""
    return pd.DataFrame(
        {
            "observation_start": day_column([r["observation_start"] for r in rows]),
            "observation_days": pd.array([r.get("observation_days") for r in rows], dtype="Int64"),
            "status": pd.array([r["status"] for r in rows], dtype="str"),
            "status_date": day_column([r.get("status_date") for r in rows]),
        }
    )


def day_column(values: list) -> pd.Series:
    return pd.Series(pd.to_datetime(values), dtype="datetime64[ms]")


def household_on(day: dt.date, **row) -> dict:
    """The situation of one household on ``day``, as plain Python values."""
    row.setdefault("observation_start", START)
    row.setdefault("status", "observing")
    result = household_situation(households_frame([row]), day).iloc[0]
    return {
        "status_on_day": None if pd.isna(result["status_on_day"]) else result["status_on_day"],
        "under_observation": bool(result["under_observation"]),
        "observation_day": None if pd.isna(result["observation_day"]) else int(result["observation_day"]),
        "release_date": result["release_date"].date(),
        "stage": None if pd.isna(result["stage"]) else result["stage"],
    }


def feb(day: int) -> dt.date:
    return dt.date(2020, 2, day)


# -- households, at the boundaries ---------------------------------------------------------


def test_first_day_of_observation_is_day_one_and_new():
    assert household_on(START) == {
        "status_on_day": "observing",
        "under_observation": True,
        "observation_day": 1,
        "release_date": feb(14),
        "stage": "new",
    }


@pytest.mark.parametrize(
    "day, observation_day, stage",
    [(3, 3, "new"), (4, 4, "observing"), (12, 12, "observing"), (13, 13, "releasing"), (14, 14, "releasing")],
)
def test_stage_follows_the_observation_day(day, observation_day, stage):
    situation = household_on(feb(day))
    assert (situation["observation_day"], situation["stage"]) == (observation_day, stage)
    assert situation["under_observation"]


def test_release_date_is_the_last_day_under_observation():
    assert household_on(feb(14))["status_on_day"] == "observing"
    assert household_on(feb(15)) == {
        "status_on_day": "released",
        "under_observation": False,
        "observation_day": None,
        "release_date": feb(14),
        "stage": "released",
    }


def test_recorded_status_does_not_prolong_observation_after_the_last_day():
    assert household_on(feb(20), status="observing")["status_on_day"] == "released"


def test_household_not_started_is_not_shown():
    situation = household_on(feb(1), observation_start=feb(2))
    assert situation["status_on_day"] is None and situation["stage"] is None
    assert not situation["under_observation"] and situation["observation_day"] is None


def test_released_early_ends_on_its_status_date():
    released_on_5th = {"status": "released", "status_date": feb(5)}
    assert household_on(feb(4), **released_on_5th)["observation_day"] == 4
    assert household_on(feb(5), **released_on_5th)["status_on_day"] == "released"
    assert not household_on(feb(5), **released_on_5th)["under_observation"]


def test_escalated_from_its_status_date_and_for_good():
    escalated_on_5th = {"status": "escalated", "status_date": feb(5)}
    assert household_on(feb(4), **escalated_on_5th)["stage"] == "observing"
    assert household_on(feb(5), **escalated_on_5th)["stage"] == "escalated"
    assert household_on(feb(25), **escalated_on_5th)["status_on_day"] == "escalated"


def test_escalated_after_the_days_are_over_is_released_until_then():
    escalated_on_20th = {"status": "escalated", "status_date": feb(20)}
    assert household_on(feb(16), **escalated_on_20th)["status_on_day"] == "released"
    assert household_on(feb(20), **escalated_on_20th)["status_on_day"] == "escalated"


def test_status_without_a_date_does_not_end_observation_early():
    assert household_on(feb(5), status="released")["status_on_day"] == "observing"


def test_missing_observation_days_means_fourteen():
    assert household_on(feb(14), observation_days=None)["observation_day"] == 14
    assert household_on(feb(15), observation_days=None)["status_on_day"] == "released"


def test_shorter_observation_releases_on_its_own_last_day():
    assert household_on(feb(6), observation_days=7)["stage"] == "releasing"
    assert household_on(feb(7), observation_days=7)["release_date"] == feb(7)
    assert household_on(feb(8), observation_days=7)["status_on_day"] == "released"


def test_only_the_calendar_day_of_as_of_counts():
    late_evening = dt.datetime(2020, 2, 3, 23, 59)
    frame = households_frame([{"observation_start": START, "status": "observing"}])
    assert household_situation(frame, late_evening)["observation_day"].iloc[0] == 3


def test_household_situation_keeps_the_index():
    frame = households_frame([{"observation_start": START, "status": "observing"}] * 2)
    frame.index = ["a", "b"]
    assert list(household_situation(frame, START).index) == ["a", "b"]


# -- checkpoints ---------------------------------------------------------------------------


def checkpoint_on(day: dt.date, **row) -> tuple[str | None, bool]:
    row.setdefault("opened", feb(1))
    row.setdefault("status", "active")
    frame = pd.DataFrame({name: [value] for name, value in row.items()})
    result = checkpoint_situation(frame, day).iloc[0]
    return (None if pd.isna(result["status_on_day"]) else result["status_on_day"], bool(result["active"]))


def test_checkpoint_opened_after_the_day_is_not_shown():
    assert checkpoint_on(feb(1), opened=feb(2)) == (None, False)
    assert checkpoint_on(feb(2), opened=feb(2)) == ("active", True)


def test_checkpoint_without_an_opening_date_is_not_shown():
    assert checkpoint_on(feb(10), opened=None) == (None, False)


def test_checkpoint_closed_on_the_day_is_closed():
    assert checkpoint_on(feb(9), status="closed", closed=feb(10)) == ("active", True)
    assert checkpoint_on(feb(10), status="closed", closed=feb(10)) == ("closed", False)


def test_checkpoint_closing_date_counts_whatever_the_status():
    assert checkpoint_on(feb(10), status="active", closed=feb(10)) == ("closed", False)


def test_checkpoint_closed_without_a_date_is_closed():
    assert checkpoint_on(feb(10), status="closed", closed=None) == ("closed", False)


def test_proposed_checkpoint_is_proposed():
    assert checkpoint_on(feb(10), status="proposed") == ("proposed", False)


# -- disinfection points -------------------------------------------------------------------

AS_OF = dt.datetime(2020, 2, 19, 18, 0)


def point_at(last_disinfected, interval_hours=12.0, as_of=AS_OF) -> dict:
    frame = pd.DataFrame({"interval_hours": [interval_hours], "last_disinfected": [last_disinfected]})
    result = disinfection_situation(frame, as_of).iloc[0]
    return {
        "freshness": result["freshness"],
        "overdue": bool(result["overdue"]),
        "hours_overdue": float(result["hours_overdue"]),
        "due_at": None if pd.isna(result["due_at"]) else result["due_at"].to_pydatetime(),
    }


def test_point_due_exactly_now_is_due_not_overdue():
    situation = point_at(dt.datetime(2020, 2, 19, 6, 0))
    assert situation == {"freshness": "due", "overdue": False, "hours_overdue": 0.0, "due_at": AS_OF}


def test_point_due_in_six_hours_is_due_and_a_minute_more_is_done():
    assert point_at(dt.datetime(2020, 2, 19, 12, 0))["freshness"] == "due"
    assert point_at(dt.datetime(2020, 2, 19, 12, 1))["freshness"] == "done"


def test_point_past_due_is_overdue_by_the_hours_since():
    situation = point_at(dt.datetime(2020, 2, 19, 0, 0))
    assert situation["freshness"] == "overdue" and situation["overdue"]
    assert situation["hours_overdue"] == pytest.approx(6.0)
    assert point_at(dt.datetime(2020, 2, 19, 5, 59))["hours_overdue"] == pytest.approx(1 / 60)


def test_point_never_disinfected_is_overdue_by_unknown_hours():
    situation = point_at(None)
    assert situation["freshness"] == "overdue" and situation["due_at"] is None
    assert math.isnan(situation["hours_overdue"])


def test_point_disinfected_after_as_of_counts_as_done():
    # Due at 23:00, within six hours of as_of: "due" but for the later disinfection.
    situation = point_at(dt.datetime(2020, 2, 19, 19, 0), interval_hours=4, as_of=AS_OF)
    assert situation["freshness"] == "done" and not situation["overdue"]
    assert point_at(dt.datetime(2020, 2, 19, 19, 0), interval_hours=None)["freshness"] == "done"


def test_point_hours_count_not_only_days():
    last = dt.datetime(2020, 2, 19, 8, 0)
    assert point_at(last, interval_hours=4, as_of=dt.datetime(2020, 2, 19, 11, 0))["freshness"] == "due"
    assert point_at(last, interval_hours=4, as_of=dt.datetime(2020, 2, 19, 12, 30))["freshness"] == "overdue"


# -- the as-of time ------------------------------------------------------------------------


def test_as_of_from_the_state_wins():
    dataset = Dataset(metadata={"as_of": "2020-02-19T18:00"})
    state = MapState(as_of=dt.datetime(2020, 2, 10, 9, 30))
    assert resolve_as_of(state, dataset) == pd.Timestamp("2020-02-10 09:30")


def test_as_of_from_the_dataset_metadata():
    dataset = Dataset(metadata={"as_of": "2020-02-19T18:00"})
    assert resolve_as_of(MapState(), dataset) == pd.Timestamp("2020-02-19 18:00")


def test_as_of_with_a_time_zone_is_read_as_china_time():
    dataset = Dataset(metadata={"as_of": "2020-02-19T10:00+00:00"})
    assert resolve_as_of(MapState(), dataset) == pd.Timestamp("2020-02-19 18:00")


def test_as_of_falls_back_to_the_latest_date_in_the_data():
    dataset = Dataset()
    dataset["households"] = households_frame(
        [
            {"observation_start": feb(3), "status": "released", "status_date": feb(12)},
            {"observation_start": feb(9), "status": "observing"},
        ]
    )
    dataset["disinfection_points"] = pd.DataFrame(
        {"interval_hours": [12.0], "last_disinfected": [dt.datetime(2020, 2, 11, 7, 45)]}
    )
    assert resolve_as_of(MapState(), dataset) == pd.Timestamp("2020-02-12")


def test_unreadable_metadata_as_of_is_named():
    with pytest.raises(AsOfError, match=r"metadata as_of: 'next Tuesday'"):
        resolve_as_of(MapState(), Dataset(metadata={"as_of": "next Tuesday"}))


def test_no_as_of_anywhere_is_a_clear_error():
    with pytest.raises(AsOfError, match="no as-of time"):
        resolve_as_of(MapState(), Dataset())


# -- properties ----------------------------------------------------------------------------

# Starts within three days and status dates around the observation, so that a window of
# days from before the first start to after the last possible change covers every change.
FIRST_START, LAST_START = feb(1), feb(3)
MAX_DAYS, STATUS_OFFSETS = 15, (-2, 17)
WINDOW = [FIRST_START + dt.timedelta(days=n) for n in range(-1, (LAST_START - FIRST_START).days + 19)]


@st.composite
def household_rows(draw) -> dict:
    start = draw(st.dates(min_value=FIRST_START, max_value=LAST_START))
    offset = draw(st.none() | st.integers(*STATUS_OFFSETS))
    return {
        "observation_start": start,
        "observation_days": draw(st.none() | st.integers(min_value=1, max_value=MAX_DAYS)),
        "status": draw(st.sampled_from(HOUSEHOLD_STATUSES)),
        "status_date": None if offset is None else start + dt.timedelta(days=offset),
    }


def timelines(rows: list[dict]) -> list[list[dict]]:
    """For each household, its situation on each day of WINDOW, as plain values."""
    frame = households_frame(rows)
    columns = ("status_on_day", "under_observation", "observation_day")
    by_day = []
    for day in WINDOW:
        situation = household_situation(frame, day)
        by_day.append({column: plain(situation[column]) for column in columns})
    return [
        [
            {"day": day, **{column: values[column][i] for column in columns}}
            for day, values in zip(WINDOW, by_day, strict=False)
        ]
        for i in range(len(rows))
    ]


def plain(column: pd.Series) -> list:
    """The column's values as Python values, None where missing."""
    return [None if pd.isna(value) else value for value in column.tolist()]


# Each example follows up to twenty households through every day of WINDOW: a call costs about
# the same for one row as for twenty, so few examples cover many timelines, and the suite
# stays fast.
household_lists = st.lists(household_rows(), min_size=5, max_size=20)
timeline_settings = settings(max_examples=6, deadline=None)


@given(household_lists, st.sampled_from(WINDOW))
@settings(max_examples=40, deadline=None)
def test_household_situation_matches_the_rules_row_by_row(rows, day):
    situation = household_situation(households_frame(rows), day)
    expected = [expected_household(row, day) for row in rows]
    for column in ("status_on_day", "observation_day", "stage"):
        assert plain(situation[column]) == [e[column] for e in expected], column
    assert situation["under_observation"].tolist() == [e["status_on_day"] == "observing" for e in expected]


@given(household_lists)
@timeline_settings
def test_status_is_missing_exactly_before_the_start(rows):
    for row, timeline in zip(rows, timelines(rows), strict=False):
        for entry in timeline:
            assert (entry["status_on_day"] is None) == (row["observation_start"] > entry["day"])


@given(household_lists)
@timeline_settings
def test_observation_day_stays_within_the_observation(rows):
    for row, timeline in zip(rows, timelines(rows), strict=False):
        days = row["observation_days"] or 14
        for entry in timeline:
            if entry["under_observation"]:
                assert 1 <= entry["observation_day"] <= days
            else:
                assert entry["observation_day"] is None


@given(household_lists)
@timeline_settings
def test_observation_day_advances_by_one_each_day(rows):
    for timeline in timelines(rows):
        for today, tomorrow in zip(timeline, timeline[1:], strict=False):
            if today["under_observation"] and tomorrow["under_observation"]:
                assert tomorrow["observation_day"] == today["observation_day"] + 1


@given(household_lists)
@timeline_settings
def test_once_released_or_escalated_never_observed_again(rows):
    for timeline in timelines(rows):
        ended = False
        for entry in timeline:
            ended = ended or entry["status_on_day"] in ("released", "escalated")
            if ended:
                assert entry["status_on_day"] in ("released", "escalated")


@given(household_lists)
@timeline_settings
def test_days_under_observation_are_at_most_the_observation_days(rows):
    for row, timeline in zip(rows, timelines(rows), strict=False):
        assert sum(entry["under_observation"] for entry in timeline) <= (row["observation_days"] or 14)


def test_the_same_day_of_the_same_households_is_worked_out_once(monkeypatch):
    # The map and the statistics panel each ask at every change of day: at a million
    # households each answer cost about 100 ms.
    import layers.situation as situation_module

    worked = []
    real = situation_module._household_situation
    monkeypatch.setattr(situation_module, "_household_situation", lambda *a: worked.append(a) or real(*a))
    frame = pd.DataFrame(
        {
            "observation_start": [pd.Timestamp("2020-02-06")],
            "observation_days": [14],
            "status": ["observing"],
            "status_date": [pd.NaT],
        }
    )
    first = household_situation(frame, "2020-02-19")
    first["stage"] = None  # a caller's change of its answer is its own
    again = household_situation(frame, "2020-02-19 00:00")
    assert len(worked) == 1 and again.loc[0, "stage"] == "releasing"

    edited = frame.assign(status=["released"], status_date=[pd.Timestamp("2020-02-10")])  # an edit: a new frame
    assert household_situation(edited, "2020-02-19").loc[0, "stage"] == "released"
    assert household_situation(frame, "2020-02-18").loc[0, "observation_day"] == 13
    assert len(worked) == 3


def test_an_edited_length_of_observation_is_read_from_the_new_frame():
    # The days of observation are kept per frame (the same on every day): an edit is a new frame.
    frame = pd.DataFrame(
        {"observation_start": [pd.Timestamp("2020-02-06")], "observation_days": [14], "status": ["observing"]}
    )
    assert household_situation(frame, "2020-02-12").loc[0, "release_date"] == pd.Timestamp("2020-02-19")
    assert household_situation(frame, "2020-02-13").loc[0, "stage"] == "observing"
    shorter = frame.assign(observation_days=[7])
    assert household_situation(shorter, "2020-02-12").loc[0, "release_date"] == pd.Timestamp("2020-02-12")
    assert household_situation(shorter, "2020-02-13").loc[0, "stage"] == "released"
