"""What an import assumes for a value a file leaves out, and how it says so.

A village's household list often has no status column: everyone on it is under observation.
Nor does it say how long observation lasts: the usual 14 days. These values are filled in for
new rows (append, replace), never in an update, where an empty cell keeps what the feature
has; each default becomes one problem of the import (a warning when the guess may be wrong
and needs the user's consent, a note otherwise), so the summary says what was assumed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from geodata.importing.problems import NOTE, WARNING
from geodata.messages import N_, Message, Named
from geodata.schema import OBSERVATION_DAYS, choice_label
from geodata.validation._cross_checks import _EVENT_SUBJECTS as EVENT_SUBJECTS


@dataclass(frozen=True)
class Default:
    """The value a field takes when the file has no column for it or leaves a cell empty."""

    value: object
    severity: str
    no_column: str  # template with {count} and {value}
    empty_cells: str  # template with {rows} and {value}


DEFAULTS: dict[str, dict[str, Default]] = {
    "households": {
        "status": Default(
            "observing",
            WARNING,
            N_(
                "no status column: the {count} households are taken as {value}; "
                "add a column 状态 if some of them are released or escalated"
            ),
            N_("{rows} give no status: taken as {value}"),
        ),
        "observation_days": Default(
            OBSERVATION_DAYS,
            NOTE,
            N_("no observation days column: the {count} households are observed for {value} days"),
            N_("{rows} give no observation days: {value} days taken"),
        ),
    }
}

_ROWS_NAMED = 10

# The feature each event happened to (event table -> its field, the layer of the feature), as
# the check of a dataset reads it.
_EVENT_SUBJECTS = {layer: (field_name, other) for layer, field_name, other, _called in EVENT_SUBJECTS}


def defaulted_fields(layer: str, mode: str) -> set[str]:
    """The fields an import of ``mode`` into ``layer`` fills in when the file lacks them."""
    return set() if mode == "update" else set(DEFAULTS.get(layer, {}))


def apply_defaults(layer: str, mode: str, values: dict, rows: int, source, add) -> dict[str, tuple[object, int]]:
    """Fill the defaults into ``values`` (field -> Series of the rows) and report each with
    ``add(severity, row, field, message)``; returns field -> (value, rows given it)."""
    applied: dict[str, tuple[object, int]] = {}
    for name in sorted(defaulted_fields(layer, mode)):
        default = DEFAULTS[layer][name]
        shown = _shown(layer, name, default.value)
        column = values.get(name)
        if column is None:
            if rows:
                values[name] = pd.Series([default.value] * rows, dtype=object)
                add(default.severity, None, name, Message(default.no_column, count=rows, value=shown))
                applied[name] = (default.value, rows)
            continue
        empty = [int(i) for i in column.index[column.isna()]]
        if not empty:
            continue
        values[name] = column.where(column.notna(), default.value)
        add(default.severity, None, name, Message(default.empty_cells, rows=rows_text(source, empty), value=shown))
        applied[name] = (default.value, len(empty))
    return applied


def _shown(layer: str, name: str, value) -> object:
    if isinstance(value, str):
        return Named(choice_label(layer, name, value, "en").lower(), choice_label(layer, name, value, "zh"))
    return value


def subject_villages(layer: str, values: dict, dataset) -> list[str | None] | None:
    """For an event table: the village of each row's feature (a follow-up's household, a
    round's disinfection point), None where the feature is unknown; None for other layers."""
    subject = _EVENT_SUBJECTS.get(layer)
    if subject is None or subject[1] not in dataset:
        return None
    field_name, other = subject
    features = dataset[other]
    by_id = dict(zip(features["id"].astype(str), features["village"].astype(str), strict=False))
    ids = values.get(field_name)
    if ids is None:
        return None
    return [None if pd.isna(given) else by_id.get(str(given)) for given in ids]


def rows_text(source, positions: list[int]) -> Message:
    """``rows 3, 4`` as the user finds them in the file (``features 3, 4`` of a GeoJSON)."""
    spreadsheet = source.kind in ("csv", "xlsx")
    numbers = [source.header_row + 1 + p if spreadsheet else p + 1 for p in positions[:_ROWS_NAMED]]
    text = ", ".join(map(str, numbers)) + (" …" if len(positions) > _ROWS_NAMED else "")
    if spreadsheet:
        return Message(N_("rows {numbers}"), numbers=text)
    return Message(N_("features {numbers}"), numbers=text)
