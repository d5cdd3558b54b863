"""Checks of one layer or table on its own: columns, values, ids and dates."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import cast

import numpy as np
import pandas as pd

from geodata.messages import N_, Message
from geodata.schema import EARLIEST_DAY, LATEST_DAY, Field
from geodata.validation._problem import ERROR, WARNING, Finding, listed, quote, shown
from geodata.validation._view import FrameView

# --- columns -------------------------------------------------------------------------------


def check_duplicate_columns(view: FrameView) -> Iterator[Finding]:
    """A column name used twice: only the first is read, and conform cannot cope."""
    for name, count in view.column_counts.items():
        if count > 1:
            message = Message(
                N_("the column appears {count} times; keep one and rename or remove the others"), count=count
            )
            yield view.finding(ERROR, None, name, message)


def check_unknown_columns(view: FrameView) -> Iterator[Finding]:
    """Columns the schema does not know: kept, but no part of the program reads them."""
    known = view.schema.field_names
    for name in view.column_counts:
        if name in known or (name == view.geometry_name and view.schema.is_spatial):
            continue
        close = difflib.get_close_matches(name, known, n=1)
        if close:
            message = Message(
                N_("{layer} has no field {column}; the column will not be used (did you mean {close}?)"),
                layer=view.name,
                column=quote(name),
                close=quote(close[0]),
            )
        else:
            message = Message(
                N_("{layer} has no field {column}; the column will not be used"), layer=view.name, column=quote(name)
            )
        yield view.finding(WARNING, None, name, message)


def check_missing_columns(view: FrameView) -> Iterator[Finding]:
    """Required fields without a column at all: one problem per column, not per row."""
    for field in view.schema.fields:
        if field.required and not view.has(field.name):
            message = Message(
                N_("this required column is missing; add a column named {column}"), column=quote(field.name)
            )
            yield view.finding(ERROR, None, field.name, message)


# --- values --------------------------------------------------------------------------------


def check_required_values(view: FrameView) -> Iterator[Finding]:
    """Empty cells in required fields (columns that are absent altogether are reported once)."""
    for field in _present_fields(view):
        if not field.required:
            continue
        if field.name == view.schema.id_field:
            message = Message(N_("the feature has no {field}; give every feature an id of its own"), field=field.name)
        else:
            message = Message(N_("required, but empty; fill it in"))
        for row in np.flatnonzero(view.parsed(field.name).missing):
            yield view.finding(ERROR, int(row), field.name, message)


def check_types(view: FrameView) -> Iterator[Finding]:
    """Cells that cannot be read as the field's type: 'abc' or 1.5 in a whole-number field,
    '2020-13-45' in a date field, 'maybe' in a yes/no field."""
    for field in _present_fields(view):
        for row, template in view.parsed(field.name).unreadable.items():
            message = template.format(value=shown(field, view.cell(field.name, row)))
            yield view.finding(ERROR, row, field.name, message)


def check_choices(view: FrameView) -> Iterator[Finding]:
    """Enumerated fields holding something other than one of their allowed values."""
    for field in _present_fields(view):
        if field.choices is None:
            continue
        values = view.parsed(field.name).values
        outside = values.notna() & ~values.isin(field.choices)
        for row in np.flatnonzero(outside.to_numpy(bool)).tolist():
            message = _choice_message(field, cast(str, values.iat[row]))  # a field with choices parses to text
            yield view.finding(ERROR, int(row), field.name, message)


def _choice_message(field: Field, value: str) -> str:
    choices = listed(field.choices)
    # "Active" or " closed " is an easy slip: say exactly what to write instead.
    tidy = value.strip().lower().replace(" ", "_").replace("-", "_")
    if tidy in (field.choices or ()) and not field.personal:
        return Message(
            N_("{value} is not one of {choices}; write it as {tidy}"),
            value=shown(field, value),
            choices=choices,
            tidy=quote(tidy),
        )
    return Message(N_("{value} is not one of {choices}"), value=shown(field, value), choices=choices)


def check_minimums(view: FrameView) -> Iterator[Finding]:
    """Numbers outside the field's range: below its minimum (a negative count, a zero-person
    household) or above its maximum (1e18 observation days)."""
    for field in _present_fields(view):
        if field.type not in ("int", "float") or (field.minimum is None and field.maximum is None):
            continue
        numbers = view.parsed(field.name).values
        if field.minimum is not None:
            minimum = _plain_number(field.minimum)
            for row in np.flatnonzero((numbers < field.minimum).to_numpy(bool)).tolist():
                message = Message(
                    N_("{value} is below the minimum of {minimum}"),
                    value=shown(field, view.cell(field.name, row)),
                    minimum=minimum,
                )
                yield view.finding(ERROR, int(row), field.name, message)
        if field.maximum is not None:
            maximum = _plain_number(field.maximum)
            for row in np.flatnonzero((numbers > field.maximum).to_numpy(bool)).tolist():
                message = Message(
                    N_("{value} is above the maximum of {maximum}"),
                    value=shown(field, view.cell(field.name, row)),
                    maximum=maximum,
                )
                yield view.finding(ERROR, int(row), field.name, message)


def check_day_range(view: FrameView) -> Iterator[Finding]:
    """Days and times outside the years a record can be about (0001-01-01, 9999-12-31)."""
    for field in _present_fields(view):
        if field.type not in ("date", "datetime"):
            continue
        times = view.parsed(field.name).values
        outside = ((times < EARLIEST_DAY) | (times > LATEST_DAY)).to_numpy(bool)
        for row in np.flatnonzero(outside).tolist():
            message = Message(
                N_("{value} is not a day this work can be about (write a day from {first} to {last})"),
                value=shown(field, view.cell(field.name, row)),
                first=f"{EARLIEST_DAY:%Y-%m-%d}",
                last=f"{LATEST_DAY:%Y-%m-%d}",
            )
            yield view.finding(ERROR, int(row), field.name, message)


def _plain_number(value: float) -> str:
    return f"{value:g}"


def _present_fields(view: FrameView) -> Iterator[Field]:
    return (field for field in view.schema.fields if view.has(field.name))


# --- ids -----------------------------------------------------------------------------------

_ROWS_LISTED = 5


def check_duplicate_ids(view: FrameView) -> Iterator[Finding]:
    """Ids used by more than one feature: one problem per id, at its first row, listing all."""
    id_field = view.schema.id_field
    if id_field is None or not view.has(id_field):
        return
    ids = view.parsed(id_field).values
    given = ids[ids.notna()]
    repeated = given[given.duplicated(keep=False)]
    for feature_id, rows in repeated.groupby(repeated, sort=False).groups.items():
        shown_id = shown(view.schema.field(id_field), feature_id)
        row_numbers = _some_rows(rows)
        message = Message(
            N_("id {id} is used by {count} features (rows {rows}); give each feature an id of its own"),
            id=shown_id,
            count=len(rows),
            rows=row_numbers,
        )
        yield view.finding(ERROR, int(rows[0]), id_field, message)


def _some_rows(rows) -> str:
    """``1, 4, 9`` — or the first few and how many more, so one id used 10,000 times still
    reads as one line."""
    numbers = [str(int(row) + 1) for row in rows[:_ROWS_LISTED]]
    more = len(rows) - len(numbers)
    if more:
        return Message(N_("{rows} and {more} more"), rows=listed(numbers), more=f"{more:,}")
    return listed(numbers)


# --- dates ---------------------------------------------------------------------------------

# Layer → (start field, end field): the end may not come before the start.
_DATE_ORDER = {
    "checkpoints": ("opened", "closed"),
    "households": ("observation_start", "status_date"),
}

# (layer, status, date field, whether that status needs the date, what to tell the user)
_STATUS_DATE_RULES = (
    (
        "checkpoints",
        "closed",
        "closed",
        True,
        N_("the status is 'closed' but there is no closed date; enter the day it closed"),
    ),
    (
        "households",
        "released",
        "status_date",
        True,
        N_("the status is 'released' but there is no status_date; enter the day observation ended"),
    ),
    (
        "households",
        "escalated",
        "status_date",
        True,
        N_("the status is 'escalated' but there is no status_date; enter the day it was referred"),
    ),
    (
        "households",
        "observing",
        "status_date",
        False,
        N_("the status is 'observing' but a status_date is set; clear the date or correct the status"),
    ),
)


def check_date_order(view: FrameView) -> Iterator[Finding]:
    """An end before its start: a checkpoint closed before it opened, a household released
    or escalated before its observation began."""
    if view.name not in _DATE_ORDER:
        return
    start_field, end_field = _DATE_ORDER[view.name]
    if not (view.has(start_field) and view.has(end_field)):
        return
    starts = view.parsed(start_field).values
    ends = view.parsed(end_field).values
    for row in np.flatnonzero((ends < starts).to_numpy(bool)):
        message = Message(
            N_("{end_field} {end} is before {start_field} {start}; correct one of the two dates"),
            end_field=end_field,
            end=_day(ends.iloc[row]),
            start_field=start_field,
            start=_day(starts.iloc[row]),
        )
        yield view.finding(ERROR, int(row), end_field, message)


def check_status_dates(view: FrameView) -> Iterator[Finding]:
    """A status that disagrees with its date: released or escalated with no date, still
    observing with one, a checkpoint closed without a closing date."""
    rules = [rule for rule in _STATUS_DATE_RULES if rule[0] == view.name]
    if not rules or not view.has("status"):
        return
    statuses = view.parsed("status").values.to_numpy(object)
    for _, status, date_field, date_needed, message in rules:
        # An unreadable date counts as given: it is reported as unreadable, not as absent.
        dated = ~view.parsed(date_field).missing
        wrong = (statuses == status) & (~dated if date_needed else dated)
        for row in np.flatnonzero(wrong):
            yield view.finding(WARNING, int(row), date_field, Message(message))


def _day(value: pd.Timestamp) -> str:
    return value.strftime("%Y-%m-%d")
