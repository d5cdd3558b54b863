"""The figures of the situation on a day: village_table, township_figures, figures_with_change.

Two kinds of expectation, neither computed by the code under test: a small township written
out row by row below, with every figure worked out by hand in the comments; and, for the
bundled sample and a seeded random township, the figures counted row by row in plain Python
with the as-of rules as stated in ``test_situation`` (``expected_*``).
"""

from __future__ import annotations

import datetime as dt
import shutil
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geodata.dataset import Dataset
from geodata.sample.bundled import bundled_sample_path
from geodata.schema import CHECKPOINT_TIERS, HOUSEHOLD_REASONS, conform, schema_for
from geodata.stores import GeoPackageStore
from layers.situation import AsOfError
from layers.statistics import (
    FIGURE_DESCRIPTIONS,
    FIGURE_LABELS,
    FIGURES,
    UNMATCHED_VILLAGE_NAME,
    figures_with_change,
    layer_counts,
    supplies_and_publicity,
    township_figures,
    village_table,
)
from tests.layers.test_situation import expected_checkpoint_status, expected_household, expected_overdue

WEST, EAST, NORTH = "999999000201", "999999000202", "999999000203"
UNKNOWN = "999999000299"  # a village code that no village has
AS_OF = dt.datetime(2020, 2, 19, 18, 0)
SAMPLE_AS_OF = dt.datetime(2020, 2, 19, 18, 0)


def feb(day: int, hour: int | None = None) -> dt.date | dt.datetime:
    return dt.date(2020, 2, day) if hour is None else dt.datetime(2020, 2, day, hour)


def rows(columns: str, *values: tuple) -> list[dict]:
    return [dict(zip(columns.split(), row, strict=False)) for row in values]


def layer(name: str, records: list[dict]) -> gpd.GeoDataFrame:
    """Rows of layer ``name`` typed as the stores type them (points at a dummy place)."""
    frame = gpd.GeoDataFrame(records, geometry=[Point(114.0, 33.0)] * len(records), crs="EPSG:4326")
    return conform(schema_for(name), frame)


# -- a township worked out by hand (the situation at 18:00 on 19 February in comments) ------

VILLAGES = [
    {
        "code": WEST,
        "name": "西村",
        "party_branches": 2,
        "volunteers": 15,
        "geometry": box(114.00, 33.00, 114.01, 33.01),
    },
    {"code": EAST, "name": "东村", "party_branches": 1, "volunteers": 9, "geometry": box(114.01, 33.00, 114.02, 33.01)},
    {"code": NORTH, "name": "北村", "geometry": box(114.00, 33.01, 114.01, 33.02)},  # nothing in it, no records
]
CHECKPOINTS = rows(
    "id  name  tier             village  status      opened   closed",
    ("C1", "一", "district", WEST, "active", feb(1), None),  # active
    ("C2", "二", "village", WEST, "closed", feb(1), feb(10)),  # closed
    ("C3", "三", "natural_village", EAST, "active", feb(20), None),  # not opened yet
    ("C4", "四", "compound", EAST, "proposed", feb(1), None),  # proposed
    ("C5", "五", "village", EAST, "closed", feb(3), feb(25)),  # active: closes later
    ("C6", "六", "natural_village", WEST, "closed", feb(2), None),  # closed, no date
    ("C7", "七", "compound", UNKNOWN, "active", feb(1), None),  # active, unmatched
)
HOUSEHOLDS = rows(
    "id  village  reason  persons  observation_start  observation_days  status  status_date",
    ("H1", WEST, "wuhan_return", 3, feb(6), 14, "observing", None),  # last day today
    ("H2", WEST, "hubei_return", 2, feb(19), 14, "observing", None),  # new today
    ("H3", EAST, "close_contact", 4, feb(1), 14, "observing", None),  # released: days over
    ("H4", EAST, "fever", 1, feb(10), 14, "escalated", feb(12)),  # escalated
    ("H5", EAST, "other_province_return", 2, feb(12), None, "released", feb(18)),  # released early
    ("H6", WEST, "close_contact", 6, feb(20), 14, "observing", None),  # not started yet
    ("H7", EAST, "wuhan_return", 5, feb(14), 14, "observing", None),  # day 6
    ("H8", WEST, "fever", 2, feb(13), 7, "observing", None),  # last day today
    ("H9", EAST, "close_contact", 1, feb(19), 14, "escalated", feb(19)),  # new and escalated
    ("H10", None, "hubei_return", 2, feb(15), 14, "observing", None),  # no village: unmatched
    ("H11", EAST, "wuhan_return", 3, feb(6), 14, "released", feb(19)),  # released today, early
)
POINTS = rows(
    "id  name  kind  village  interval_hours  last_disinfected",
    ("D1", "甲", "checkpoint", WEST, 12.0, feb(19, 8)),  # due at 20:00: due, not overdue
    ("D2", "乙", "residential", WEST, 6.0, feb(19, 6)),  # due at 12:00: overdue
    ("D3", "丙", "public", EAST, 24.0, None),  # never disinfected: overdue
    ("D4", "丁", "work_area", EAST, 12.0, feb(19, 20)),  # recorded after 18:00: done
    ("D5", "戊", "public", UNKNOWN, 8.0, feb(18, 9)),  # overdue, unmatched
)

# Figures in the order of FIGURES:
#   district village natural_village compound active | households persons new releasing
#   escalated released | disinfection_points overdue | party_branches volunteers (village records)
HAND_TABLE = [
    (WEST, "西村", 1, 0, 0, 0, 1, 3, 7, 1, 2, 0, 0, 2, 1, 2, 15),  # C1; H1 H2 H8 (H1 H8 last day); D1 D2
    (EAST, "东村", 0, 1, 0, 0, 1, 1, 5, 1, 0, 2, 3, 2, 1, 1, 9),  # C5; H7; new H9; esc H4 H9; rel H3 H5 H11; D3 D4
    (NORTH, "北村", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),  # missing records count 0
    ("", UNMATCHED_VILLAGE_NAME, 0, 0, 0, 1, 1, 1, 2, 0, 0, 0, 0, 1, 1, 0, 0),  # C7; H10; D5
]


def hand_built(**replaced: list[dict]) -> Dataset:
    records = {
        "villages": VILLAGES,
        "checkpoints": CHECKPOINTS,
        "households": HOUSEHOLDS,
        "disinfection_points": POINTS,
        **replaced,
    }
    return Dataset({name: layer(name, layer_rows) for name, layer_rows in records.items()})


# -- the same figures, counted row by row ---------------------------------------------------


def plain_rows(frame: pd.DataFrame, days: tuple[str, ...] = (), times: tuple[str, ...] = ()) -> list[dict]:
    """The frame's rows as dicts of plain Python values: dates, datetimes, None for missing."""
    result = []
    for record in frame.drop(columns="geometry", errors="ignore").to_dict("records"):
        row = {key: None if (np.ndim(value) == 0 and pd.isna(value)) else value for key, value in record.items()}
        for key in days:
            row[key] = None if row[key] is None else row[key].date()
        for key in times:
            row[key] = None if row[key] is None else row[key].to_pydatetime()
        result.append(row)
    return result


class PlainTownship(NamedTuple):
    """A dataset's rows as plain Python values, read once for many days."""

    village_codes: set[str]
    village_count: int
    villages: list[dict]
    checkpoints: list[dict]
    households: list[dict]
    points: list[dict]
    rounds: dict[str, list[dt.datetime]]  # point id -> its disinfection rounds, when it has any


def plain(dataset: Dataset) -> PlainTownship:
    rounds: dict[str, list[dt.datetime]] = {}
    for row in plain_rows(dataset["disinfection_rounds"], times=("time",)):
        rounds.setdefault(row["point"], []).append(row["time"])
    return PlainTownship(
        set(dataset.villages["code"]),
        len(dataset.villages),
        plain_rows(dataset.villages),
        plain_rows(dataset.checkpoints, days=("opened", "closed")),
        plain_rows(dataset.households, days=("observation_start", "status_date")),
        plain_rows(dataset.disinfection_points, times=("last_disinfected",)),
        rounds,
    )


def point_as_of(township: PlainTownship, row: dict, as_of: dt.datetime) -> dict:
    """A point as known at ``as_of``: a point with rounds was last done at its latest round up
    to then (never, before its first); one without keeps its recorded time."""
    if row["id"] not in township.rounds:
        return row
    done = [time for time in township.rounds[row["id"]] if time <= as_of]
    return {**row, "last_disinfected": max(done, default=None)}


def expected_figures(township: PlainTownship, as_of: dt.datetime) -> dict[str, dict[str, int]]:
    """Village code (``""`` for no village) -> figure -> value, one row at a time."""
    day = as_of.date()
    table: dict[str, dict[str, int]] = {}

    def add(village, figure, amount=1):
        village = village if village in township.village_codes else ""
        counts = table.setdefault(village, dict.fromkeys(FIGURES, 0))
        counts[figure] += amount

    for row in township.villages:
        for figure in ("party_branches", "volunteers"):
            if row[figure]:
                add(row["code"], figure, row[figure])
    for row in township.checkpoints:
        if expected_checkpoint_status(row, day) == "active":
            add(row["village"], f"checkpoints_{row['tier']}")
            add(row["village"], "checkpoints_active")
    for row in township.households:
        situation = expected_household(row, day)
        if situation["status_on_day"] == "observing":
            add(row["village"], "households_under_observation")
            add(row["village"], "persons_under_observation", row["persons"])
            last_day = row["observation_start"] + dt.timedelta(days=(row["observation_days"] or 14) - 1)
            if last_day == day:
                add(row["village"], "releasing_today")
        if row["observation_start"] == day:
            add(row["village"], "new_today")
        if situation["status_on_day"] in ("escalated", "released"):
            add(row["village"], situation["status_on_day"])
    for row in township.points:
        add(row["village"], "disinfection_points")
        if expected_overdue(point_as_of(township, row, as_of), as_of):
            add(row["village"], "disinfection_overdue")
    return table


def expected_totals(township: PlainTownship, as_of: dt.datetime) -> dict[str, int]:
    per_village = expected_figures(township, as_of).values()
    return {
        "villages": township.village_count,
        **{figure: sum(counts[figure] for counts in per_village) for figure in FIGURES},
    }


def table_by_code(table: pd.DataFrame) -> dict[str, dict[str, int]]:
    """village_table's rows that count anything, in the shape of expected_figures."""
    return {
        row["code"]: {figure: row[figure] for figure in FIGURES}
        for row in table.to_dict("records")
        if any(row[figure] for figure in FIGURES)
    }


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Dataset:
    """The bundled sample, read once from a private copy."""
    path = tmp_path_factory.mktemp("sample") / "sample.gpkg"
    shutil.copyfile(bundled_sample_path(), path)
    return GeoPackageStore(path).read_all()


# -- the hand-built township ---------------------------------------------------------------


def test_hand_built_township_gives_the_hand_computed_table():
    table = village_table(hand_built(), AS_OF)
    expected = pd.DataFrame(HAND_TABLE, columns=["code", "name", *FIGURES])
    assert table.astype({"code": object, "name": object}).to_dict("records") == expected.to_dict("records")
    assert list(table.index) == [0, 1, 2, 3]
    assert all(table[figure].dtype == np.int64 for figure in FIGURES)


def test_hand_built_township_agrees_with_the_row_by_row_count():
    dataset = hand_built()
    assert table_by_code(village_table(dataset, AS_OF)) == expected_figures(plain(dataset), AS_OF)


def test_closed_proposed_and_unopened_checkpoints_are_not_counted():
    only_inactive = [row for row in CHECKPOINTS if row["id"] in ("C2", "C3", "C4", "C6")]
    table = village_table(hand_built(checkpoints=only_inactive), AS_OF)
    assert table["checkpoints_active"].sum() == 0


def test_household_starting_after_the_day_counts_from_its_first_day():
    later = [row for row in HOUSEHOLDS if row["id"] == "H6"]  # starts 20 February in WEST
    dataset = hand_built(households=later)
    assert township_figures(dataset, AS_OF)["households_under_observation"] == 0
    next_day = village_table(dataset, AS_OF + dt.timedelta(days=1)).set_index("code")
    figures = ["households_under_observation", "persons_under_observation", "new_today"]
    assert next_day.loc[WEST, figures].tolist() == [1, 6, 1]


def test_no_unmatched_row_when_every_point_matches_a_village():
    matched = hand_built(
        checkpoints=[row for row in CHECKPOINTS if row["village"] != UNKNOWN],
        households=[row for row in HOUSEHOLDS if row["village"] is not None],
        disinfection_points=[row for row in POINTS if row["village"] != UNKNOWN],
    )
    table = village_table(matched, AS_OF)
    assert table["code"].tolist() == [WEST, EAST, NORTH]


def test_unmatched_point_that_counts_nothing_adds_no_row():
    not_yet_open = {**CHECKPOINTS[0], "id": "C9", "village": UNKNOWN, "opened": feb(25)}
    dataset = hand_built(checkpoints=[not_yet_open], households=[], disinfection_points=[])
    assert village_table(dataset, AS_OF)["code"].tolist() == [WEST, EAST, NORTH]


def test_rows_follow_the_villages_layer_order():
    dataset = hand_built(villages=list(reversed(VILLAGES)))
    table = village_table(dataset, AS_OF)
    assert table["code"].tolist() == [NORTH, EAST, WEST, ""]
    assert table["name"].tolist() == ["北村", "东村", "西村", UNMATCHED_VILLAGE_NAME]
    assert list(table.index) == [0, 1, 2, 3]


def test_duplicated_village_code_counts_its_points_once():
    twice = [*VILLAGES, {**VILLAGES[0], "name": "西村(重复)"}]
    table = village_table(hand_built(villages=twice), AS_OF)
    assert table.loc[3, list(FIGURES)].sum() == 0  # the second WEST counts nothing
    assert township_figures(hand_built(villages=twice), AS_OF) == {
        **township_figures(hand_built(), AS_OF),
        "villages": 4,
    }


def test_disinfection_reads_the_hour_of_as_of():
    # D1 falls due at 20:00 on the 19th: not overdue at 18:00, overdue at 21:00.
    dataset = hand_built(disinfection_points=[POINTS[0]])
    assert township_figures(dataset, feb(19, 18))["disinfection_overdue"] == 0
    assert township_figures(dataset, feb(19, 21))["disinfection_overdue"] == 1


def test_township_figures_of_hand_built_township():
    assert township_figures(hand_built(), AS_OF) == {
        "villages": 3,
        "checkpoints_district": 1,
        "checkpoints_village": 1,
        "checkpoints_natural_village": 0,
        "checkpoints_compound": 1,
        "checkpoints_active": 3,
        "households_under_observation": 5,
        "persons_under_observation": 14,
        "new_today": 2,
        "releasing_today": 2,
        "escalated": 2,
        "released": 3,
        "disinfection_points": 5,
        "disinfection_overdue": 3,
        "party_branches": 3,
        "volunteers": 24,
    }


def test_figures_with_change_of_hand_built_township():
    # On the 18th at 18:00: H2 and H9 not started yet, H11 still observing (released on the
    # 19th), H1 H7 H8 H10 observing, H4 escalated, H3 and H5 released; D1 D2 D4 (last
    # disinfected on the 19th) read as done, D3 and D5 are overdue.
    figures = figures_with_change(hand_built(), AS_OF)
    assert figures["households_under_observation"] == (5, 5 - 5)  # H2 in, H11 out
    assert figures["new_today"] == (2, 2 - 0)
    assert figures["escalated"] == (2, 2 - 1)
    assert figures["released"] == (3, 3 - 2)
    assert figures["persons_under_observation"] == (14, 14 - 15)
    assert figures["disinfection_overdue"] == (3, 3 - 2)
    assert figures["villages"] == (3, 0)


# -- the bundled sample --------------------------------------------------------------------


def test_sample_has_the_published_checkpoints_by_tier(sample):
    table = village_table(sample, SAMPLE_AS_OF)
    by_tier = {tier: int(table[f"checkpoints_{tier}"].sum()) for tier in CHECKPOINT_TIERS}
    assert by_tier == {"district": 2, "village": 8, "natural_village": 16, "compound": 3}
    assert int(table["checkpoints_active"].sum()) == 29
    assert len(table) == 10  # every point of the sample names one of its ten villages


def test_sample_agrees_with_the_row_by_row_count(sample):
    table = village_table(sample, SAMPLE_AS_OF)
    expected = expected_figures(plain(sample), SAMPLE_AS_OF)
    under_observation = sum(
        expected_household(row, SAMPLE_AS_OF.date())["status_on_day"] == "observing"
        for row in plain_rows(sample.households, days=("observation_start", "status_date"))
    )
    assert int(table["households_under_observation"].sum()) == under_observation > 0
    assert table_by_code(table) == expected
    assert table["code"].tolist() == sample.villages["code"].tolist()


def test_sample_totals_are_the_sums_of_the_village_rows(sample):
    table = village_table(sample, SAMPLE_AS_OF)
    totals = township_figures(sample, SAMPLE_AS_OF)
    assert totals == {"villages": 10, **{figure: int(table[figure].sum()) for figure in FIGURES}}
    assert totals == expected_totals(plain(sample), SAMPLE_AS_OF)


@pytest.mark.parametrize("as_of", [SAMPLE_AS_OF, dt.datetime(2020, 2, 10, 7, 30), dt.datetime(2020, 3, 1, 0, 0)])
def test_sample_change_since_the_day_before(sample, as_of):
    township = plain(sample)
    today = expected_totals(township, as_of)
    yesterday = expected_totals(township, as_of - dt.timedelta(days=1))
    assert figures_with_change(sample, as_of) == {
        figure: (today[figure], today[figure] - yesterday[figure]) for figure in today
    }


def test_sample_change_is_not_all_zero(sample):
    # Guards the test above against a sample in which nothing happens from day to day.
    changes = [change for _, change in figures_with_change(sample, SAMPLE_AS_OF).values()]
    assert any(changes)


# -- a seeded random township, every day of the epidemic -----------------------------------


def random_township(seed: int = 7, households: int = 400) -> Dataset:
    rng = np.random.default_rng(seed)
    codes = [WEST, EAST, NORTH, UNKNOWN]  # UNKNOWN: about a quarter of the points match nothing

    def pick(values, size):
        return [values[i] for i in rng.integers(0, len(values), size)]

    def some_day(size, first=1, last=29, missing=0.0):
        days = [dt.date(2020, 2, 1) + dt.timedelta(days=int(d) - 1) for d in rng.integers(first, last + 1, size)]
        return [None if rng.random() < missing else day for day in days]

    checkpoints = [
        {
            "id": f"C{i}",
            "name": "卡点",
            "tier": tier,
            "village": village,
            "status": status,
            "opened": opened,
            "closed": closed,
        }
        for i, (tier, village, status, opened, closed) in enumerate(
            zip(
                pick(CHECKPOINT_TIERS, 60),
                pick(codes, 60),
                pick(("active", "closed", "proposed"), 60),
                some_day(60, 1, 20),
                some_day(60, 5, 29, missing=0.6),
                strict=False,
            )
        )
    ]
    homes = [
        {
            "id": f"H{i}",
            "village": village,
            "reason": reason,
            "persons": int(persons),
            "observation_start": start,
            "observation_days": days,
            "status": status,
            "status_date": status_date,
        }
        for i, (village, reason, persons, start, days, status, status_date) in enumerate(
            zip(
                pick(codes, households),
                pick(HOUSEHOLD_REASONS, households),
                rng.integers(1, 7, households),
                some_day(households, 1, 25),
                pick((14, 14, 7, None), households),
                pick(("observing", "observing", "released", "escalated"), households),
                some_day(households, 3, 29, missing=0.3),
                strict=False,
            )
        )
    ]
    points = [
        {
            "id": f"D{i}",
            "name": "消毒点",
            "kind": "public",
            "village": village,
            "interval_hours": float(hours),
            "last_disinfected": None
            if rng.random() < 0.1
            else dt.datetime(2020, 2, 1) + dt.timedelta(minutes=int(minutes)),
        }
        for i, (village, hours, minutes) in enumerate(
            zip(
                pick(codes, 80),
                rng.choice([4, 8, 12, 24], 80),
                rng.integers(0, 29 * 24 * 60, 80),
                strict=False,
            )
        )
    ]
    return hand_built(checkpoints=checkpoints, households=homes, disinfection_points=points)


def test_random_township_agrees_with_the_row_by_row_count_every_day():
    dataset = random_township()
    township = plain(dataset)
    for day in range(1, 30):
        as_of = dt.datetime(2020, 2, day, 9, 15)
        table = village_table(dataset, as_of)
        assert table_by_code(table) == expected_figures(township, as_of), as_of
        assert len(table) in (3, 4) and all(table[figure].dtype == np.int64 for figure in FIGURES)


# -- an empty dataset, as_of, labels -------------------------------------------------------


def test_empty_dataset_gives_zeros():
    table = village_table(Dataset(), AS_OF)
    assert table.empty and list(table.columns) == ["code", "name", *FIGURES]
    assert township_figures(Dataset(), AS_OF) == {"villages": 0, **dict.fromkeys(FIGURES, 0)}
    assert figures_with_change(Dataset(), AS_OF) == {"villages": (0, 0), **dict.fromkeys(FIGURES, (0, 0))}


@pytest.mark.parametrize("as_of", [None, "not a date"])
def test_missing_or_unreadable_as_of_is_refused(as_of):
    with pytest.raises(AsOfError):
        village_table(hand_built(), as_of)
    with pytest.raises(AsOfError):
        figures_with_change(hand_built(), as_of)


def test_as_of_may_be_text_or_a_date():
    by_datetime = township_figures(hand_built(), dt.datetime(2020, 2, 19, 0, 0))
    assert township_figures(hand_built(), "2020-02-19") == by_datetime
    assert township_figures(hand_built(), dt.date(2020, 2, 19)) == by_datetime


def test_every_figure_has_a_chinese_and_an_english_label():
    assert set(FIGURE_LABELS) == set(township_figures(Dataset(), AS_OF))
    assert all(zh and en for zh, en in FIGURE_LABELS.values())
    assert FIGURE_LABELS["households_under_observation"] == ("居家观察户", "Households under observation")
    assert FIGURE_LABELS["new_today"] == ("今日新增", "New today")
    assert FIGURE_LABELS["releasing_today"] == ("今日解除", "Released today")
    assert FIGURE_LABELS["disinfection_overdue"] == ("消毒超时", "Disinfection overdue")
    assert FIGURE_LABELS["checkpoints_district"][0] == "区级卡点"
    assert set(FIGURE_DESCRIPTIONS) == set(FIGURE_LABELS)
    assert all(zh and en for zh, en in FIGURE_DESCRIPTIONS.values())


def test_what_the_household_figures_count_is_said(sample):
    # 16 under observation beside a list of 18 (2 escalated): the descriptions say why.
    zh, en = FIGURE_DESCRIPTIONS["households_under_observation"]
    assert "已转诊" in zh and "escalated" in en


def test_sample_village_records_add_up_to_the_published_figures(sample):
    totals = township_figures(sample, SAMPLE_AS_OF)
    assert totals["party_branches"] == 26  # 26 temporary party branches
    assert totals["volunteers"] > 500  # 500+ party-member volunteers
    table = village_table(sample, SAMPLE_AS_OF).set_index("code")
    for village in plain_rows(sample.villages):
        assert table.loc[village["code"], "volunteers"] == village["volunteers"]
        assert table.loc[village["code"], "party_branches"] == village["party_branches"]


def supply_rows(*records: tuple) -> pd.DataFrame:
    return conform(schema_for("supplies"), pd.DataFrame(records, columns=["scope", "date", "item", "quantity"]))


def test_supplies_count_the_latest_record_of_each_scope_known_by_the_day():
    supplies = supply_rows(
        ("999999000", feb(10), "masks", 1000.0),
        ("999999000", feb(15), "masks", 1500.0),  # replaces the record of the 10th
        (WEST, feb(12), "masks", 200.0),  # another scope: adds
        ("999999000", feb(20), "masks", 9999.0),  # the day after: not known on the 19th
        ("999999000", feb(20), "goggles", 5.0),  # the day after: no row at all
    )
    figures = supplies_and_publicity(Dataset({"supplies": supplies}), AS_OF)
    assert figures.to_dict("records") == [{"table": "supplies", "item": "masks", "quantity": 1700.0}]
    later = supplies_and_publicity(Dataset({"supplies": supplies}), dt.datetime(2020, 2, 20, 8, 0))
    assert dict(zip(later["item"], later["quantity"], strict=False)) == {"masks": 10199.0, "goggles": 5.0}


def test_sample_supplies_and_publicity_are_the_published_figures(sample):
    figures = supplies_and_publicity(sample, SAMPLE_AS_OF)
    quantities = dict(zip(figures["item"], figures["quantity"], strict=False))
    assert quantities["masks"] == 22284 and quantities["disinfectant_litres"] == 6116.5
    assert quantities["leaflets"] == 67600 and quantities["boards"] == 202


def test_layer_counts_still_counts_stored_features_by_tier(sample):
    counts = layer_counts(sample).set_index("layer")["count"]
    assert counts["checkpoints"] == 29 and counts["households"] == len(sample.households)
    assert [counts[f"checkpoints.{tier}"] for tier in CHECKPOINT_TIERS] == [2, 8, 16, 3]


def test_each_households_village_is_looked_up_once_for_every_day_and_again_after_an_edit(monkeypatch):
    # The table is counted again at every change of day: at a million households the
    # lookups of the same records cost more than the day's counts.
    import layers.statistics as statistics

    looked_up = []
    real = statistics._VillageSlots.of
    monkeypatch.setattr(
        statistics._VillageSlots, "of", lambda self, column: looked_up.append(len(column)) or real(self, column)
    )
    dataset = hand_built()
    people = len(dataset.households)
    first = village_table(dataset, AS_OF)
    village_table(dataset, AS_OF + dt.timedelta(days=1))
    assert looked_up.count(people) == 1

    moved = dataset.copy()
    households = dataset.households.copy()
    households["village"] = households["village"].iloc[0]  # an edit: a new frame, every household in one village
    moved["households"] = households
    edited = village_table(moved, AS_OF)
    assert looked_up.count(people) == 2
    assert edited["households_under_observation"].max() == first["households_under_observation"].sum()


def test_flags_counted_in_one_pass_are_each_flags_own_count():
    from layers.statistics import _count, _count_flags

    rng = np.random.default_rng(17)
    slots = rng.integers(0, 5, 1000)  # slot 4: the unmatched points
    flags = {f"figure {k}": rng.random(1000) < 0.3 for k in range(5)}
    counted = _count_flags(slots, 4, flags)
    for figure, where in flags.items():
        np.testing.assert_array_equal(counted[figure], _count(slots, 4, where), err_msg=figure)
