"""Validation: everything wrong with a layer or a whole dataset, as a list of problems.

Nothing here raises on bad data, and nothing changes the data: the caller shows the list
and decides. Errors mean the data cannot be used as it is; warnings mean it can, but
something looks wrong.

>>> problems = validate_frame("checkpoints", frame)        # doctest: +SKIP
>>> for problem in problems:                               # doctest: +SKIP
...     print(problem)
error   checkpoints  CP07  tier: 'county' is not one of district, village, ...

Values are quoted so the user can find them, except those of personal fields (household
head's name, phone, notes), which never appear in a message (docs/architecture.md, Privacy).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from geodata.dataset import Dataset
from geodata.messages import N_, Message
from geodata.schema import EVENTS, SCHEMAS
from geodata.validation import _frame_checks, _geometry_checks
from geodata.validation._cross_checks import cross_layer_findings, event_findings
from geodata.validation._problem import (
    ERROR,
    WARNING,
    Finding,
    Problem,
    listed,
    quote,
    sort_problems,
)
from geodata.validation._view import FrameView

__all__ = ["ERROR", "WARNING", "Problem", "validate", "validate_frame", "validate_events", "has_errors"]

# The single-layer checks, in the order their problems are listed when they tie.
_FRAME_CHECKS = (
    _frame_checks.check_duplicate_columns,
    _frame_checks.check_missing_columns,
    _frame_checks.check_unknown_columns,
    _geometry_checks.check_geometry_column,
    _geometry_checks.check_crs,
    _frame_checks.check_required_values,
    _frame_checks.check_types,
    _frame_checks.check_choices,
    _frame_checks.check_minimums,
    _frame_checks.check_day_range,
    _frame_checks.check_duplicate_ids,
    _frame_checks.check_date_order,
    _frame_checks.check_status_dates,
    _geometry_checks.check_geometry_present,
    _geometry_checks.check_geometry_type,
    _geometry_checks.check_geometry_valid,
    _geometry_checks.check_degrees,
)


def validate(dataset: Dataset) -> list[Problem]:
    """Check every layer and table of ``dataset``, and how they fit together.

    Runs the single-layer checks of :func:`validate_frame` on every frame the dataset holds,
    then the checks across layers: points (checkpoints, households, disinfection points)
    inside the township and inside the village they name, village codes and checkpoint ids
    that exist, villages that do not overlap, supplies and publicity scoped to the
    township or one of its villages, and events (disinfection rounds, follow-ups, status and
    checkpoint changes) naming a feature that exists in the event's village, on a day from
    2019 up to the dataset's ``as_of``.

    Parameters
    ----------
    dataset
        The dataset; its frames may hold anything (raw columns, wrong types). It is not
        changed, and layers it does not hold are not created.

    Returns
    -------
    list of Problem
        Ordered by layer in schema order, then row, then field; empty when all is well.
    """
    findings: list[Finding] = []
    views: dict[str, FrameView] = {}
    for name, frame in dataset.frames.items():
        view, layer_findings = _check_frame(name, frame)
        findings += layer_findings
        if view is not None:
            views[name] = view
    findings += cross_layer_findings(views, dataset.metadata)
    return sort_problems(findings)


def validate_frame(name: str, frame: pd.DataFrame) -> list[Problem]:
    """Check one untrusted layer or table on its own, e.g. a file just read for import.

    Checks columns (missing required ones, unknown ones), values (empty required cells,
    values the field's type cannot hold, values outside a field's choices or below its
    minimum), ids (missing, repeated), dates (an end before its start, a status that
    disagrees with its date) and, for spatial layers, shapes (missing, empty, invalid, of
    the wrong kind, not in degrees) and the coordinate system (absent: WGS-84 is assumed).

    Parameters
    ----------
    name
        The layer or table name, e.g. ``"households"``.
    frame
        The frame as read: any columns, any values (text in number columns, for instance).

    Returns
    -------
    list of Problem
        Ordered by row, then field; empty when the frame is fine. A frame without errors
        can be given to :func:`geodata.schema.conform`.
    """
    _, findings = _check_frame(name, frame)
    return sort_problems(findings)


def validate_events(name: str, frame: pd.DataFrame, dataset: Dataset) -> list[tuple[int, Problem]]:
    """Check untrusted event rows (e.g. a report being imported) against a dataset.

    The checks across layers that :func:`validate` makes of events: the feature each row
    names exists in ``dataset``, in the row's village, and the row's day lies from 2019 to
    the dataset's ``as_of``. The single-table checks are :func:`validate_frame`'s.

    Parameters
    ----------
    name
        An event table, e.g. ``"followups"``.
    frame
        The rows, with any values (those a field cannot hold are left to validate_frame).
    dataset
        The dataset the rows are to join; its villages and the layer the events name.

    Returns
    -------
    list of (int, Problem)
        The 0-based row position in ``frame`` and the problem, ordered by row.
    """
    if name not in EVENTS:
        raise ValueError(f"{name} is not an event table; events are {listed(EVENTS)}")
    views = {name: FrameView(SCHEMAS[name], frame)}
    for layer in ("villages", "checkpoints", "households", "disinfection_points"):
        if layer in dataset.frames:
            views[layer] = FrameView(SCHEMAS[layer], dataset.frames[layer])
    rows = [(f.row, f.problem) for f in event_findings(views, dataset.metadata) if f.row is not None]
    return sorted(rows, key=lambda pair: pair[0])


def has_errors(problems: Iterable[Problem]) -> bool:
    """Whether any of ``problems`` is an error (warnings alone do not stop an import).

    Parameters
    ----------
    problems
        Problems as returned by :func:`validate` or :func:`validate_frame`.

    Returns
    -------
    bool
    """
    return any(problem.severity == ERROR for problem in problems)


def _check_frame(name: str, frame) -> tuple[FrameView | None, list[Finding]]:
    """A view of the frame for cross-layer checks (None if it cannot be read) and its problems."""
    schema = SCHEMAS.get(name)
    if schema is None:
        message = Message(
            N_("there is no layer or table called {name}; known are {known}"), name=quote(name), known=listed(SCHEMAS)
        )
        return None, [Finding(Problem(ERROR, str(name), None, None, message), None)]
    if not isinstance(frame, pd.DataFrame):
        message = Message(N_("this is not a table of rows and columns; it cannot be read"))
        return None, [Finding(Problem(ERROR, name, None, None, message), None)]
    view = FrameView(schema, frame)
    return view, [finding for check in _FRAME_CHECKS for finding in check(view)]
