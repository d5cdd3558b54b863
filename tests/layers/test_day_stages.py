"""A household's stage worked out once as steps over the days is, on every day, the stage the
day's situation gives: before its observation, on each of its days, after its release, before
and after each status change reported, on the dataset's own day and on days far from any."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from layers.day_stages import household_day
from layers.situation import household_situation
from tests.layers.test_history import feb, layer, table, township

COLUMNS = ["status_on_day", "under_observation", "observation_day", "stage"]
PAST_EVENING = pd.Timestamp("2020-02-14 18:00")


def moments(first="2020-01-10", last="2020-03-10"):
    days = pd.date_range(first, last, freq="D")
    # Midnight, the evening and the minute before the records' own time (18:00 on the 19th).
    return [*days, *(days + pd.Timedelta(hours=18)), pd.Timestamp("2020-02-19 17:59"), pd.Timestamp("2020-02-19 18:00")]


def assert_same_days(dataset, when=None):
    for as_of in when or moments():
        expected = household_situation(dataset.households, as_of, dataset)[COLUMNS]
        got = household_day(dataset.households, as_of, dataset)
        pd.testing.assert_frame_equal(got, expected, obj=str(as_of))


def test_the_township_with_its_events_reads_the_same_every_day():
    assert_same_days(township())


def test_without_events_the_records_read_the_same_every_day():
    dataset = township(events=False)
    for as_of in moments():
        expected = household_situation(dataset.households, as_of)[COLUMNS]
        pd.testing.assert_frame_equal(household_day(dataset.households, as_of), expected, obj=str(as_of))


def test_a_change_entered_on_the_record_and_shorter_observations_read_the_same():
    dataset = township()
    households = dataset.households.copy()
    households.loc[households["id"] == "H4", ["status", "status_date"]] = ["released", pd.Timestamp(feb(18))]
    households.loc[households["id"] == "H3", "observation_days"] = 3
    households.loc[households["id"] == "H1", "observation_start"] = pd.NaT
    dataset["households"] = households
    assert_same_days(dataset)


@pytest.mark.parametrize("seed", range(4))
def test_random_households_and_status_changes_read_the_same(seed):
    rng = np.random.default_rng(seed)
    statuses = np.array(["observing", "released", "escalated"])
    count = 60
    starts = pd.Timestamp("2020-01-20") + pd.to_timedelta(rng.integers(0, 30, count), unit="D")
    records = [
        {
            # A few ids twice, and one household without an id: its changes are nobody's.
            "id": None if i == 0 else f"H{i % 50}",
            "village": "999999000201",
            "reason": "close_contact",
            "persons": 1,
            "observation_start": None if i % 17 == 0 else starts[i].date(),
            "observation_days": int(rng.choice([1, 2, 3, 7, 14])),
            "status": str(rng.choice(statuses)),
            "status_date": None if i % 3 else (starts[i] + pd.Timedelta(days=int(rng.integers(0, 20)))).date(),
        }
        for i in range(count)
    ]
    changes = [
        {
            "household": f"H{rng.integers(0, 55)}",  # some name no household
            "day": (pd.Timestamp("2020-01-18") + pd.Timedelta(days=int(rng.integers(0, 40)))).date(),
            "status": str(rng.choice(statuses)),
        }
        for _ in range(120)
    ]
    dataset = township()
    dataset["households"] = layer("households", records)
    dataset["status_changes"] = table("status_changes", changes)
    assert_same_days(dataset)


def test_changes_at_an_hour_of_the_day_count_from_the_next_midnight():
    # The day of a status change is a date; a time in it (from a database) is read as
    # history reads it: known on a day whose midnight is not before it.
    dataset = township()
    changes = dataset["status_changes"].copy()
    changes["day"] = changes["day"] + pd.to_timedelta([0, 5, 12, 0, 23], unit="h")
    dataset["status_changes"] = changes
    assert_same_days(dataset)


def test_the_last_day_is_kept_for_the_next_caller_and_an_edited_frame_is_read_anew(monkeypatch):
    # The map and the statistics panel ask for the same day in turn: one answer serves both,
    # and an edit (a new frame) is never answered from the old one.
    import layers.day_stages as day_stages

    worked_out = []
    original = day_stages.day_stage_codes
    monkeypatch.setattr(day_stages, "day_stage_codes", lambda *a: worked_out.append(1) or original(*a))
    dataset = township()
    first = household_day(dataset.households, PAST_EVENING, dataset)
    again = household_day(dataset.households, PAST_EVENING, dataset)
    assert len(worked_out) == 1
    pd.testing.assert_frame_equal(again, first)
    edited = dataset.households.copy()
    edited.loc[edited["id"] == "H3", "observation_start"] = pd.NaT
    dataset["households"] = edited
    assert pd.isna(household_day(dataset.households, PAST_EVENING, dataset)["stage"].iloc[2])  # H3
    assert len(worked_out) == 2
    assert first["stage"].iloc[2] == "observing"
