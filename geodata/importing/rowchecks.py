"""The schema's rules (geodata.validation) applied to imported rows, said with the file's rows.

The validation package names a problem by feature id; an import names it by the row the user
finds in the file. So the per-row findings are taken before they are sorted and named, and
their row positions turned into the file's row numbers.
"""

from __future__ import annotations

import pandas as pd

from geodata.importing.problems import ImportProblem
from geodata.importing.source import Source
from geodata.messages import N_, Message
from geodata.schema import schema_for

# The findings carry the row position validate_frame() drops; this is the one place that
# reaches past the validation package's public functions, and only to read.
from geodata.validation import _check_frame

# Checks whose subject the importer already handles in its own words.
_SKIPPED_LAYER_FIELDS = {"geometry"}

_EMPTY = "required, but empty; fill it in"
# An empty day or time: the person filling the sheet in needs to know how to write one.
_EMPTY_TIME = {
    "date": N_("required, but empty; write the day, e.g. 2020-02-19 or 2020年2月19日"),
    "datetime": N_("required, but empty; write the day and time, e.g. 2020-02-19 08:30"),
}


def validation_problems(
    source: Source, layer: str, rows: pd.DataFrame, *, skip: set, skip_rows: set
) -> list[ImportProblem]:
    """Problems the schema's rules find in ``rows`` (file order), except on the cells in
    ``skip`` ((row, field) pairs already reported, (None, field) for whole columns) and the
    rows in ``skip_rows`` (not imported)."""
    _, findings = _check_frame(layer, rows.reset_index(drop=True))
    schema = schema_for(layer)
    problems = []
    for finding in findings:
        problem, row = finding.problem, finding.row
        if row is None:
            if problem.field in _SKIPPED_LAYER_FIELDS or (None, problem.field) in skip:
                continue
            if problem.severity == "warning" and "has no field" in problem.message:
                continue  # columns are matched by the importer, which reports its own
        elif row in skip_rows or (row, problem.field) in skip:
            continue
        problems.append(source.problem(problem.severity, row, problem.field, _said(schema, problem)))
    return problems


def _said(schema, problem):
    if getattr(problem.message, "template", None) == _EMPTY and problem.field in schema.field_names:
        kind = schema.field(problem.field).type
        if kind in _EMPTY_TIME:
            return Message(_EMPTY_TIME[kind])
    return problem.message
