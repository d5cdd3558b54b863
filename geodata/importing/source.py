"""What a reader gives: a file's table as read (:class:`Source`), and how readers fail.

Shared by the readers of text tables (:mod:`geodata.importing.readers`) and of files with
geometries (:mod:`geodata.importing.vector_readers`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geodata.feedback import ProgressReport
from geodata.importing.problems import ERROR, ImportFailure, ImportProblem
from geodata.messages import N_, Message

Progress = ProgressReport  # what a reader reports to: Feedback.report of the read

# Bounds on what a table may be, so that a hostile or broken file is refused in seconds with a
# message rather than read into gigabytes: a city's household list fits well inside them.
MAX_ROWS = 2_000_000
MAX_COLUMNS = 500
MAX_LINE_CHARACTERS = 1_000_000  # one CSV line (a 16 MB single-line file hung the reader)
MAX_CELL_CHARACTERS = 32_767  # Excel's own limit for one cell
MAX_EMPTY_ROWS = 10_000  # empty rows between data: a stray far cell, not a table


@dataclass
class Source:
    """A file's table as read, before any mapping to a layer.

    Attributes
    ----------
    path
        The file.
    kind
        ``csv``, ``xlsx``, ``geojson``, ``shapefile`` or ``gpkg``.
    frame
        The attribute table: one column per header, cells as read, index 0..n-1.
    geometries
        For GeoJSON, Shapefile and GeoPackage: one shapely geometry (or None) per row.
    crs
        The coordinate system the file declares (any pyproj input), None when it declares none.
    encoding
        The text encoding used (detected or given); None for formats that carry their own.
    sheet
        The sheet (XLSX) or layer (GeoPackage) read; ``sheets`` lists all of them.
    header_row
        The spreadsheet row number of the header (CSV and XLSX): data row ``i`` is row
        ``header_row + 1 + i`` as the user sees it.
    """

    path: Path
    kind: str
    frame: pd.DataFrame
    geometries: np.ndarray | None = None
    crs: object = None
    encoding: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    header_row: int = 1
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    def where(self, row: int) -> str:
        """How the user finds row position ``row`` in the file."""
        if self.kind in ("csv", "xlsx"):
            return f"row {self.header_row + 1 + row}"
        return f"feature {row + 1}"

    def problem(self, severity: str, row: int | None, field_name: str | None, message: str) -> ImportProblem:
        where = None if row is None else self.where(row)
        return ImportProblem(severity, self.name, where, field_name, message, row)


def failure(path: Path, message: str) -> ImportFailure:
    problem = ImportProblem(ERROR, path.name, None, None, message)
    return ImportFailure(Message(N_("{file}: {problem}"), file=path.name, problem=message), [problem])


def short_reason(exc: Exception | str) -> str:
    text = " ".join(str(exc).split())
    return text[:200]
