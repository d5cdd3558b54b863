"""Validation of one frame's columns, values, ids and dates (geodata/validation/_frame_checks.py).

Each test breaks one thing in the township of validation_township.py.
"""

from __future__ import annotations

import pandas as pd
import pytest

from geodata.schema import schema_for
from geodata.validation import Problem, validate_frame
from tests.geodata.validation_township import (
    checkpoints_frame,
    clean_township,
    households_frame,
    roads_frame,
    supplies_frame,
    where,
    with_cell,
)

# --- 1. columns ----------------------------------------------------------------------------


def test_unknown_column_is_a_warning_suggesting_the_field_meant():
    frame = checkpoints_frame().rename(columns={"staff_on_shift": "staff_on_shfit"})
    problems = validate_frame("checkpoints", frame)
    assert where(problems) == [("warning", "checkpoints", None, "staff_on_shfit")]
    assert "did you mean 'staff_on_shift'" in problems[0].message


def test_each_missing_required_column_is_one_error_for_the_whole_layer():
    frame = checkpoints_frame().drop(columns=["tier", "opened"])
    problems = validate_frame("checkpoints", frame)
    assert where(problems) == [
        ("error", "checkpoints", None, "tier"),
        ("error", "checkpoints", None, "opened"),
    ]
    assert "add a column named 'tier'" in problems[0].message


def test_missing_optional_column_is_fine():
    assert validate_frame("checkpoints", checkpoints_frame().drop(columns=["note", "closed"])) == [
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
    frame = pd.concat([supplies_frame(), supplies_frame()[["item"]]], axis=1)
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
    frame = with_cell(roads_frame(), 0, "road_class", "x" * 500)
    (problem,) = validate_frame("roads", frame)
    assert "x" * 39 + "…'" in problem.message
    assert len(problem.message) < 200


def test_feature_without_id_is_named_by_its_row():
    frame = with_cell(checkpoints_frame(), 2, "id", None)
    problems = validate_frame("checkpoints", frame)
    assert where(problems) == [("error", "checkpoints", "row 3", "id")]
    assert "give every feature an id" in problems[0].message


def test_text_in_number_columns_as_read_from_a_csv_is_fine():
    frame = households_frame().astype({"persons": str, "observation_days": str})
    assert validate_frame("households", frame) == []


# --- 4. ids --------------------------------------------------------------------------------


def test_duplicate_id_is_one_error_naming_the_id_and_its_rows():
    frame = with_cell(with_cell(households_frame(), 1, "id", "H001"), 2, "id", "H001")
    problems = validate_frame("households", frame)
    assert where(problems) == [("error", "households", "H001", "id")]
    assert "'H001' is used by 3 features (rows 1, 2, 3)" in problems[0].message


def test_each_duplicated_id_is_reported_once():
    frame = pd.concat([checkpoints_frame(), checkpoints_frame()], ignore_index=True)
    problems = validate_frame("checkpoints", frame)
    assert where(problems) == [
        ("error", "checkpoints", "CP01", "id"),
        ("error", "checkpoints", "CP02", "id"),
        ("error", "checkpoints", "CP03", "id"),
    ]


def test_tables_have_no_ids_to_repeat():
    assert validate_frame("supplies", pd.concat([supplies_frame(), supplies_frame()])) == []


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
    frame = with_cell(households_frame(), 1, "status_date", "2020-02-30")
    problems = validate_frame("households", frame)
    assert where(problems) == [("error", "households", "H002", "status_date")]
