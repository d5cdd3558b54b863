"""The daily series equals what plain loops over the sample's event rows count."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import numpy as np
import pandas as pd
import pytest

from geodata.sample.bundled import bundled_sample_path
from geodata.stores import GeoPackageStore
from layers.history import FEVER_CELSIUS
from layers.situation import household_situation
from layers.trend import COLUMNS, DEFAULT_DAYS, TrendError, daily_series
from tests.bench.bench_trend import with_events
from tests.bench.synthetic import with_households

DAYS = (date(2020, 1, 25), date(2020, 2, 1), date(2020, 2, 8), date(2020, 2, 13), date(2020, 2, 18))


@pytest.fixture(scope="module")
def sample():
    return GeoPackageStore(bundled_sample_path()).read_all()


def rows(frame):
    return frame.to_dict("records")


def in_village(row, village):
    return village is None or row["village"] == village


def day_of(value):
    return pd.Timestamp(value).date()


def expected(dataset, day: date, village: str | None) -> dict:
    """The series' row for ``day``, counted row by row from the events alone."""
    end = datetime.combine(day, time(23, 59))
    counts = dict.fromkeys(COLUMNS[1:], 0)
    for row in rows(dataset["followups"]):
        if in_village(row, village) and day_of(row["time"]) == day:
            counts["followups"] += 1
            fever = not pd.isna(row["temperature"]) and row["temperature"] >= FEVER_CELSIUS
            counts["abnormal_temperature"] += int(fever or row["result"] == "abnormal")
    for row in rows(dataset["disinfection_rounds"]):
        if in_village(row, village) and day_of(row["time"]) == day:
            counts["disinfection_rounds"] += 1
    changes_of: dict[str, list] = {}
    for row in rows(dataset["status_changes"]):
        changes_of.setdefault(row["household"], []).append(row)
        if in_village(row, village) and day_of(row["day"]) == day and row["status"] in ("released", "escalated"):
            counts[row["status"]] += 1
    for household in rows(dataset["households"]):
        if not in_village(household, village):
            continue
        known = sorted(
            (c for c in changes_of.get(household["id"], []) if day_of(c["day"]) <= day), key=lambda c: c["day"]
        )
        if not known:
            continue
        began = day_of(known[0]["day"])
        last_day = began + timedelta(days=int(household["observation_days"]) - 1)
        counts["new"] += int(began == day)
        counts["under_observation"] += int(known[-1]["status"] == "observing" and day <= last_day)
    for point in rows(dataset["disinfection_points"]):
        if not in_village(point, village):
            continue
        done = [
            r["time"] for r in rows(dataset["disinfection_rounds"]) if r["point"] == point["id"] and r["time"] <= end
        ]
        due = max(done) + timedelta(hours=float(point["interval_hours"])) if done else None
        counts["disinfection_overdue"] += int(due is None or due < end)
    for checkpoint in rows(dataset["checkpoints"]):
        if not in_village(checkpoint, village):
            continue
        known = [c for c in rows(dataset["checkpoint_changes"]) if c["checkpoint"] == checkpoint["id"]]
        known = sorted((c for c in known if c["time"] <= end), key=lambda c: c["time"])
        states = [c["change"] for c in known if c["change"] in ("opened", "closed")]
        if not known or (states and states[-1] == "closed"):
            continue
        counts["checkpoints_active"] += 1
        staffed = [c["staff_on_shift"] for c in known if not pd.isna(c["staff_on_shift"])]
        counts["staff_on_shift"] += int(staffed[-1]) if staffed else 0
    return counts


@pytest.mark.parametrize("village", [None, "411771360200", "411771360205"])
def test_the_series_equals_counts_from_the_events(sample, village):
    assert village is None or village in set(sample.villages["code"])
    series = daily_series(sample, "2020-01-20", "2020-02-18", village=village).set_index("date")
    for day in DAYS:
        assert series.loc[day].to_dict() == expected(sample, day, village), (day, village)


def test_the_columns_and_the_default_range(sample):
    series = daily_series(sample)
    assert tuple(series.columns) == COLUMNS
    assert len(series) == DEFAULT_DAYS
    assert series["date"].iloc[-1] == date(2020, 2, 19)
    assert series["date"].iloc[0] == date(2020, 2, 6)
    assert all(series[name].dtype == np.int64 for name in COLUMNS[1:])


def test_the_range_filter(sample):
    series = daily_series(sample, "2020-02-01", "2020-02-03")
    assert list(series["date"]) == [date(2020, 2, 1), date(2020, 2, 2), date(2020, 2, 3)]
    whole = daily_series(sample, "2020-01-20", "2020-02-19").set_index("date")
    assert series.set_index("date").equals(whole.loc[date(2020, 2, 1) : date(2020, 2, 3)])
    with pytest.raises(TrendError):
        daily_series(sample, "2020-02-03", "2020-02-01")


def test_the_villages_add_up_to_the_township(sample):
    township = daily_series(sample, "2020-01-24", "2020-02-19").drop(columns="date")
    villages = [
        daily_series(sample, "2020-01-24", "2020-02-19", village=code).drop(columns="date")
        for code in sample.villages["code"]
    ]
    assert sum(villages).equals(township)
    assert daily_series(sample, village="no such village").drop(columns="date").to_numpy().sum() == 0


def test_days_before_any_event_count_nothing_but_the_points_never_disinfected(sample):
    series = daily_series(sample, "2020-01-10", "2020-01-23")
    assert series.drop(columns=["date", "disinfection_overdue"]).to_numpy().sum() == 0
    # Never disinfected is overdue by the situation rules, as the map shows it that day.
    assert (series["disinfection_overdue"] == len(sample["disinfection_points"])).all()


def test_the_dataset_day_reads_the_records_as_they_stand(sample):
    last = daily_series(sample, "2020-02-19", "2020-02-19").iloc[0]
    situation = household_situation(sample["households"], sample.metadata["as_of"], events=sample)
    assert last["under_observation"] == situation["under_observation"].sum()


def test_households_read_at_once_equal_the_rules_day_by_day(sample):
    """Status changes, record edits without an event (a release entered by hand), missing
    starts and shorter periods: the column-wise reading agrees with household_situation."""
    rng = np.random.default_rng(5)
    dataset = with_events(with_households(sample, 2000))
    households = dataset["households"].copy()
    picked = rng.random(len(households)) < 0.2
    households.loc[picked, "status"] = rng.choice(["released", "escalated", "observing"], picked.sum())
    households.loc[picked, "status_date"] = pd.Timestamp("2020-01-24") + pd.to_timedelta(
        rng.integers(0, 30, picked.sum()), unit="D"
    )
    households.loc[rng.random(len(households)) < 0.05, "observation_start"] = pd.NaT
    households.loc[rng.random(len(households)) < 0.05, "observation_days"] = 7
    dataset["households"] = households
    changes = dataset["status_changes"]
    dataset["status_changes"] = changes[rng.random(len(changes)) < 0.8].reset_index(drop=True)
    series = daily_series(dataset, "2020-01-15", "2020-02-18")
    for day, observing in zip(series["date"], series["under_observation"], strict=True):
        moment = datetime.combine(day, time(23, 59))
        assert observing == household_situation(households, moment, events=dataset)["under_observation"].sum(), day


def test_the_chart_draws_one_line_per_drawn_column_in_the_style_colours(sample):
    from layers.styles import DISINFECTION_STYLE
    from layers.trend_chart import LINES, trend_svg

    chart = trend_svg(daily_series(sample))
    assert chart.count("<polyline") == len(LINES)
    assert DISINFECTION_STYLE.symbol("overdue").fill in chart
    one_day = trend_svg(daily_series(sample, "2020-01-01", "2020-01-01"))  # a single day, all zeros
    assert ">01-01<" in one_day and "nan" not in one_day


@pytest.mark.parametrize("font_size", [10, 13])
def test_a_citys_figures_fit_left_of_the_value_axis(sample, font_size):
    """A million households under observation: the axis's largest number is drawn wholly
    inside the chart (it was cut at the left edge)."""
    import re

    from layers.trend_chart import _text_width, trend_svg

    series = daily_series(sample)
    series["under_observation"] = series["under_observation"] * 0 + 1_000_000
    chart = trend_svg(series, 700, 120, compact=True, font_size=font_size)
    labels = re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="end" [^>]*>(\d+)</text>', chart)
    assert labels, "no value-axis labels found"
    for right_edge, text in labels:
        assert float(right_edge) - _text_width(text, font_size) >= 0, text


@pytest.mark.parametrize("width", [450, 560, 700, 1200])
def test_day_labels_never_touch_however_narrow_the_chart(sample, width):
    """A docked chart 450 px wide drew its 14 day labels over each other."""
    import re

    from layers.trend_chart import _text_width, trend_svg

    chart = trend_svg(daily_series(sample, "2020-02-06", "2020-02-19"), width, 180)
    day_label = r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle"[^>]*>\d\d-\d\d<'
    positions = [float(x) for x in re.findall(day_label, chart)]
    assert len(positions) >= 2
    assert ">02-19<" in chart  # the last day is always named
    widest = _text_width("00-00")
    assert all(b - a >= widest for a, b in zip(positions, positions[1:], strict=False)), positions


def test_a_citys_value_axis_has_round_steps_between_zero_and_the_top(sample):
    """Half a million under observation: the axis showed 0 and nothing else."""
    import re

    from layers.trend_chart import trend_svg

    series = daily_series(sample)
    series["under_observation"] = series["under_observation"] * 0 + 520_000
    chart = trend_svg(series, 700, 240)
    values = [int(v) for v in re.findall(r'text-anchor="end" [^>]*>(\d+)</text>', chart)]
    assert values == list(range(0, 600_001, 100_000))
