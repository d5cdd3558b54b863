"""Validation of events: each names a feature that exists, in the event's own village, on a day
from 2019 up to the dataset's as-of time (geodata/validation/_cross_checks.py). Each is a
warning: an event that breaks one still tells what happened in its village.

Each test breaks one thing in the events of the township of validation_township.py.
"""

from __future__ import annotations

import pytest

from geodata.validation import validate
from tests.geodata.validation_township import (
    EAST,
    SEAT,
    checkpoint_changes_frame,
    clean_township,
    disinfection_rounds_frame,
    followups_frame,
    status_changes_frame,
    township_with,
    where,
    with_cell,
)

FRAMES = {
    "disinfection_rounds": disinfection_rounds_frame,
    "followups": followups_frame,
    "status_changes": status_changes_frame,
    "checkpoint_changes": checkpoint_changes_frame,
}
# The township's last event is a release on 13 February.
AS_OF = "2020-02-13T18:00"


def test_the_clean_events_have_no_problems_even_with_an_as_of_time():
    dataset = clean_township()
    dataset.metadata["as_of"] = "2020-02-13"  # a bare day: S3 on 13 Feb is known by its end
    assert validate(dataset) == []


@pytest.mark.parametrize(
    ("table", "field", "target", "feature"),
    [
        ("disinfection_rounds", "point", "disinfection point", "DR2"),
        ("followups", "household", "household", "F2"),
        ("status_changes", "household", "household", "S2"),
        ("checkpoint_changes", "checkpoint", "checkpoint", "C2"),
    ],
)
def test_an_event_naming_a_feature_that_does_not_exist_is_a_warning(table, field, target, feature):
    # A warning: the event still counts in its village, e.g. after the households were replaced.
    frame = with_cell(FRAMES[table](), 1, field, "X99")
    problems = validate(township_with(table, frame))
    assert where(problems) == [("warning", table, feature, field)]
    assert f"no {target} has the id 'X99'" in problems[0].message


def test_an_event_whose_feature_layer_is_absent_is_not_checked_against_it():
    dataset = clean_township()
    del dataset.frames["households"]
    assert [p for p in validate(dataset) if p.layer in ("followups", "status_changes")] == []


@pytest.mark.parametrize(
    ("table", "row", "feature", "other"),
    [
        ("disinfection_rounds", 0, "DR1", EAST),
        ("followups", 1, "F2", SEAT),
        ("status_changes", 0, "S1", EAST),
        ("checkpoint_changes", 3, "C4", EAST),
    ],
)
def test_an_event_in_another_village_than_its_feature_is_a_warning_naming_both(table, row, feature, other):
    frame = FRAMES[table]()
    own = frame.loc[row, "village"]
    problems = validate(township_with(table, with_cell(frame, row, "village", other)))
    assert where(problems) == [("warning", table, feature, "village")]
    assert f"belongs to village '{own}', not to '{other}'" in problems[0].message


def test_an_event_with_an_unknown_village_is_one_error_and_no_warning():
    problems = validate(township_with("followups", with_cell(followups_frame(), 0, "village", "411771360299")))
    assert where(problems) == [("error", "followups", "F1", "village")]
    assert "no village has the code '411771360299'" in problems[0].message


def test_an_event_id_used_twice_is_an_error():
    problems = validate(township_with("checkpoint_changes", with_cell(checkpoint_changes_frame(), 3, "id", "C1")))
    assert where(problems) == [("error", "checkpoint_changes", "C1", "id")]


@pytest.mark.parametrize(
    ("table", "field", "value", "feature"),
    [
        ("disinfection_rounds", "time", "2018-12-31 23:00", "DR2"),
        ("followups", "time", "2002-02-05 09:00", "F2"),
        ("status_changes", "day", "2002-01-30", "S2"),
        ("checkpoint_changes", "time", "1999-01-26 08:00", "C2"),
    ],
)
def test_an_event_before_2019_is_a_warning(table, field, value, feature):
    problems = validate(township_with(table, with_cell(FRAMES[table](), 1, field, value)))
    assert where(problems) == [("warning", table, feature, field)]
    assert f"'{value}' is before 2019-01-01" in problems[0].message


def test_an_event_outside_the_years_of_any_record_is_the_day_range_error_alone():
    problems = validate(township_with("followups", with_cell(followups_frame(), 1, "time", "1800-02-05 09:00")))
    assert where(problems) == [("error", "followups", "F2", "time")]


@pytest.mark.parametrize(
    ("table", "field", "value", "feature"),
    [
        ("disinfection_rounds", "time", "2020-02-13 18:01", "DR2"),
        ("followups", "time", "2020-02-14 09:00", "F2"),
        ("status_changes", "day", "2020-02-14", "S2"),
        ("checkpoint_changes", "time", "2020-03-01 08:00", "C2"),
    ],
)
def test_an_event_after_the_as_of_time_is_a_warning(table, field, value, feature):
    problems = validate(township_with(table, with_cell(FRAMES[table](), 1, field, value), as_of=AS_OF))
    assert where(problems) == [("warning", table, feature, field)]
    assert f"'{value}' is after the dataset's as-of time 2020-02-13 18:00" in problems[0].message


def test_an_event_on_the_as_of_day_itself_is_known_and_without_as_of_nothing_is_late():
    on_the_day = with_cell(followups_frame(), 1, "time", "2020-02-13 18:00")
    assert validate(township_with("followups", on_the_day, as_of=AS_OF)) == []
    late = with_cell(followups_frame(), 1, "time", "2029-02-05 09:00")
    assert validate(township_with("followups", late)) == []


def test_an_unreadable_as_of_time_is_not_used():
    late = with_cell(followups_frame(), 1, "time", "2029-02-05 09:00")
    assert validate(township_with("followups", late, as_of="soon")) == []


def test_problems_of_events_never_quote_their_personal_notes():
    followups = with_cell(followups_frame(), 0, "household", "X99")
    followups = with_cell(followups, 0, "time", "2002-02-05 08:30")
    followups = with_cell(followups, 0, "village", EAST)
    changes = with_cell(status_changes_frame(), 2, "village", SEAT)
    dataset = township_with("followups", followups, as_of=AS_OF)
    dataset.frames["status_changes"] = changes
    problems = validate(dataset)
    assert {p.layer for p in problems} == {"followups", "status_changes"}
    assert not any("SECRET" in str(problem) for problem in problems)
