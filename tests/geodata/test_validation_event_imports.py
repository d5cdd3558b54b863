"""Daily reports imported as events (`situation-map import --layer followups`): appended with
row-numbered problems, all or nothing, and a report imported twice is not counted twice."""

from __future__ import annotations

import pytest

from geodata.importing import ImportFailure, import_file
from geodata.stores import GeoPackageStore
from tests.geodata.factories import EAST, WEST
from tests.geodata.import_helpers import write_csv
from tests.geodata.test_store_events import township_with_events


@pytest.fixture
def store(tmp_path):
    store = GeoPackageStore(tmp_path / "township.gpkg", create=True)
    store.write_dataset(township_with_events())
    return store


def followup(number: int, **changes) -> dict:
    row = {
        "id": f"FU{number}",
        "household": "HH1",
        "village": EAST,
        "time": f"2020-02-{10 + number:02d} 09:00",
        "temperature": "36.7",
        "symptoms": "否",
        "result": "normal",
        "reported_by": "第二工作组",
        "note": "SECRETNOTE 已随访",
    }
    return {**row, **changes}


def where(plan) -> list[tuple[str, str | None, str | None]]:
    return [(p.severity, p.where, p.field) for p in plan.problems]


def test_a_report_of_new_followups_is_appended(store, tmp_path):
    report = write_csv(tmp_path / "followups.csv", [followup(3), followup(4, result="abnormal", temperature="38.1")])
    plan = import_file(store, report, "followups")
    assert plan.problems == []
    followups = store.read("followups")
    assert followups["id"].tolist() == ["FU1", "FU2", "FU3", "FU4"]
    assert followups.loc[3, "temperature"] == 38.1 and followups.loc[3, "symptoms"] == False  # noqa: E712


def test_the_same_report_imported_again_is_recognised_and_not_counted_twice(store, tmp_path):
    report = write_csv(tmp_path / "followups.csv", [followup(3), followup(4)])
    import_file(store, report, "followups")
    again = write_csv(tmp_path / "followups_again.csv", [followup(3), followup(4), followup(5)])
    plan = import_file(store, again, "followups")  # no warning to accept: a note
    assert where(plan) == [("note", "row 2", "id"), ("note", "row 3", "id")]
    assert "'FU3' is already in followups: imported before" in plan.problems[0].message
    assert plan.counts["skipped"] == 2 and plan.counts["added"] == 1
    assert store.read("followups")["id"].tolist() == ["FU1", "FU2", "FU3", "FU4", "FU5"]


def test_a_report_with_an_error_writes_nothing_and_names_the_row(store, tmp_path):
    before = store.path.read_bytes()
    report = write_csv(tmp_path / "followups.csv", [followup(3), followup(4, result="normel"), followup(5)])
    with pytest.raises(ImportFailure):
        import_file(store, report, "followups")
    assert store.path.read_bytes() == before
    plan = import_file(store, report, "followups", dry_run=True)
    assert where(plan) == [("error", "row 3", "result")]


def test_a_report_row_naming_an_unknown_household_another_village_or_a_later_day_is_warned(store, tmp_path):
    report = write_csv(
        tmp_path / "followups.csv",
        [
            followup(3, household="HH9"),
            followup(4, village=WEST),
            followup(5, time="2020-02-25 09:00"),  # the dataset is as of 19 February
            followup(6),
        ],
    )
    plan = import_file(store, report, "followups", dry_run=True)
    assert where(plan) == [
        ("warning", "row 2", "household"),
        ("warning", "row 3", "village"),
        ("warning", "row 4", "time"),
    ]
    assert not any("SECRETNOTE" in str(problem) for problem in plan.problems)
    with pytest.raises(ImportFailure):
        import_file(store, report, "followups")
    assert len(store.read("followups")) == 2
    import_file(store, report, "followups", accept_warnings=True)
    assert len(store.read("followups")) == 6


def test_a_disinfection_report_is_appended_and_its_points_checked(store, tmp_path):
    rows = [
        {"id": "DR3", "point": "DP1", "village": WEST, "time": "2020-02-19 12:30", "agent": "84消毒液"},
        {"id": "DR4", "point": "DP9", "village": WEST, "time": "2020-02-19 12:40", "agent": "84消毒液"},
    ]
    report = write_csv(tmp_path / "rounds.csv", rows)
    plan = import_file(store, report, "disinfection_rounds", dry_run=True)
    assert where(plan) == [("warning", "row 3", "point")]
    assert "no disinfection point has the id 'DP9'" in plan.problems[0].message
    report = write_csv(tmp_path / "rounds.csv", rows[:1])
    import_file(store, report, "disinfection_rounds")
    assert store.read("disinfection_rounds")["id"].tolist() == ["DR1", "DR2", "DR3"]


def test_a_stored_id_in_a_layer_is_still_a_warning(store, tmp_path):
    # Features are changed by update; only events, never changed, are simply recognised.
    households = store.read("households")
    row = {"id": "HH1", "village": EAST, "reason": "fever", "persons": "2", "observation_start": "2020-02-10"}
    row |= {"longitude": "114.015", "latitude": "33.005"}
    plan = import_file(store, write_csv(tmp_path / "households.csv", [row]), "households", dry_run=True)
    assert ("warning", "row 2", "id") in where(plan)
    assert len(households) == 1
