"""What is wrong with a file being imported, said with the file, row and field."""

from __future__ import annotations

from dataclasses import dataclass

from geodata.errors import GeodataError
from geodata.feedback import Cancelled

ERROR = "error"
WARNING = "warning"
NOTE = "note"  # said for information; never stops an import

SEVERITIES = (ERROR, WARNING, NOTE)


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with a file being imported.

    Attributes
    ----------
    severity
        ``"error"`` (nothing is imported until it is fixed), ``"warning"`` (imported only
        when the user accepts warnings) or ``"note"`` (information).
    file
        The file's name, as the user knows it.
    where
        ``"row 5"`` (the row number a spreadsheet shows, header = row 1), ``"feature 3"``
        for a GeoJSON, Shapefile or GeoPackage, or ``None`` for the whole file.
    field
        The layer field (or the file's column, when it maps to no field), ``None`` for the
        whole row or file.
    message
        What is wrong and what to do, in English: a ``geodata.messages.Message`` (a ``str``)
        that layers.messages shows in the window's language. Never holds a personal value
        (name, phone, note).
    row
        The 0-based position of the row in the file's table, for sorting and for the
        window's problem table; ``None`` for the whole file.
    """

    severity: str
    file: str
    where: str | None
    field: str | None
    message: str
    row: int | None = None

    def __str__(self) -> str:
        parts = [f"{self.severity:<7}", self.file]
        if self.where:
            parts.append(self.where)
        text = f"{self.field}: {self.message}" if self.field else self.message
        return "  ".join(parts + [text])


def sort_key(problem: ImportProblem):
    """Whole-file problems first, then by row; errors before warnings within a row."""
    row = -1 if problem.row is None else problem.row
    return (row, SEVERITIES.index(problem.severity) if problem.severity in SEVERITIES else 9)


class ImportFailure(GeodataError):  # noqa: N818  (a public name the command line and dialogs catch)
    """A file cannot be imported; ``problems`` says why (also when read fails)."""

    def __init__(self, message: str, problems: list[ImportProblem] | None = None):
        super().__init__(message)
        self.problems = list(problems or [])


# The name importing's callers knew: one cancel for every long job, raised by Feedback.report.
ImportCancelled = Cancelled
