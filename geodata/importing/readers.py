"""Reading a file as it came: CSV, XLSX, GeoJSON, Shapefile or GeoPackage, into a Source.

A reader does not interpret anything: every cell is kept as the file holds it (text from CSV,
numbers and dates from Excel, properties from GeoJSON), so the mapping step can say exactly
which cell of which row it could not use. Reading problems (an unknown encoding, a broken
file, a missing sheet) raise :class:`~geodata.importing.problems.ImportFailure` naming the file.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from geodata.feedback import Cancelled, Feedback, as_feedback
from geodata.importing.encoding import detect_encoding, normalise_encoding
from geodata.importing.problems import ImportFailure
from geodata.importing.shapefile_zip import read_shapefile_zip
from geodata.importing.source import (
    MAX_CELL_CHARACTERS,
    MAX_COLUMNS,
    MAX_EMPTY_ROWS,
    MAX_LINE_CHARACTERS,
    MAX_ROWS,
    Progress,
    Source,
    failure,
    short_reason,
)
from geodata.importing.vector_readers import read_geojson, read_gpkg, read_shapefile
from geodata.messages import N_, Message

KINDS = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".geojson": "geojson",
    ".json": "geojson",
    ".shp": "shapefile",
    ".zip": "zip",
    ".gpkg": "gpkg",
}
PREVIEW_ROWS = 20


def read_source(
    path,
    *,
    encoding: str | None = None,
    sheet: str | None = None,
    layer_hint: str | None = None,
    feedback: Feedback | None = None,
) -> Source:
    """Read ``path`` by its extension.

    Parameters
    ----------
    path
        A ``.csv``/``.txt``, ``.xlsx``, ``.geojson``/``.json``, ``.shp`` or ``.gpkg`` file.
    encoding
        The text encoding of a CSV or of a Shapefile without ``.cpg``; detected when None.
    sheet
        The sheet of a workbook or the layer of a GeoPackage; the first when None (for a
        GeoPackage, the layer called ``layer_hint`` if there is one).
    layer_hint
        The layer being imported into, to pick the GeoPackage layer of the same name.
    feedback
        Told how far the reading is (fraction done, what is happening); cancelling it stops
        the reading at its next report.

    Raises
    ------
    ImportFailure
        The file cannot be read; the message names it and says what to do.
    Cancelled
        The feedback was cancelled.
    """
    path = Path(path)
    report = as_feedback(feedback).report
    if not path.exists():
        raise failure(path, Message(N_("the file does not exist")))
    if path.is_dir():
        raise failure(path, Message(N_("this is a folder; choose a file")))
    kind = KINDS.get(path.suffix.lower())
    if kind is None:
        if path.suffix:
            raise failure(
                path,
                Message(
                    N_(
                        "cannot import {suffix}; "
                        "give a .csv, .xlsx, .geojson, .shp, .zip (a zipped shapefile) or .gpkg file"
                    ),
                    suffix=path.suffix,
                ),
            )
        raise failure(
            path,
            Message(
                N_(
                    "cannot import files without an extension; "
                    "give a .csv, .xlsx, .geojson, .shp, .zip (a zipped shapefile) or .gpkg file"
                )
            ),
        )
    if encoding is not None:
        try:
            encoding = normalise_encoding(encoding)
        except ValueError as exc:
            raise failure(path, str(exc)) from None
    report(0.0, "reading the file")
    reader = {
        "csv": _read_csv,
        "xlsx": _read_xlsx,
        "geojson": read_geojson,
        "shapefile": read_shapefile,
        "zip": read_shapefile_zip,
        "gpkg": read_gpkg,
    }[kind]
    try:
        if kind == "gpkg" and sheet is None:
            sheet = layer_hint
            source = read_gpkg(path, encoding=encoding, sheet=sheet, report=report, fallback=True)
        else:
            source = reader(path, encoding=encoding, sheet=sheet, report=report)
    except (ImportFailure, Cancelled):  # a cancel is no broken file
        raise
    except (OSError, ValueError, KeyError, TypeError, IndexError, zipfile.BadZipFile, csv.Error) as exc:
        raise failure(
            path, Message(N_("cannot be read as {kind} ({reason})"), kind=kind.upper(), reason=short_reason(exc))
        ) from None
    except Exception as exc:  # GDAL, openpyxl and pandas raise many types on broken files
        raise failure(
            path,
            Message(
                N_("cannot be read as {kind} ({reason})"),
                kind=kind.upper(),
                reason=f"{type(exc).__name__}: {short_reason(exc)}",
            ),
        ) from None
    source.frame = source.frame.reset_index(drop=True)
    source.frame.columns = _unique([_column_name(c, i) for i, c in enumerate(source.frame.columns)])
    report(1.0, "file read")
    return source


def _unique(names: list[str]) -> list[str]:
    """Headers made unique (``编号``, ``编号 (2)``), so a repeated one is reported, not lost."""
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return result


def _column_name(name, position: int) -> str:
    text = "" if name is None or (isinstance(name, float) and np.isnan(name)) else str(name).strip()
    return text or f"column {position + 1}"


# --- text tables --------------------------------------------------------------------------


def _read_csv(path: Path, *, encoding: str | None, sheet: str | None, report: Progress) -> Source:
    raw = path.read_bytes()
    if not raw.strip():
        raise failure(path, Message(N_("the file is empty")))
    if encoding is None:
        encoding = detect_encoding(raw)
        if not encoding:
            raise failure(
                path, Message(N_("the text is neither UTF-8 nor GBK/GB18030; save it as UTF-8 or give --encoding"))
            )
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise failure(
            path,
            Message(
                N_("line {line} cannot be read as {encoding}; give the right --encoding (utf-8, gbk or gb18030)"),
                line=line,
                encoding=encoding,
            ),
        ) from None
    text = text.lstrip("\ufeff")
    _check_lines(path, text)
    delimiter = _delimiter(text)
    columns = text.split("\n", 1)[0].count(delimiter) + 1
    if columns > MAX_COLUMNS:
        raise failure(
            path,
            Message(
                N_("the header has {count} columns, more than {limit}: this is not a table of features"),
                count=columns,
                limit=MAX_COLUMNS,
            ),
        )
    report(0.3, "reading the table")
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, skip_blank_lines=True, engine="c"
        )
    except pd.errors.ParserError as exc:
        raise failure(
            path,
            Message(
                N_("the table is broken: {reason}; every row needs as many cells as the header"),
                reason=short_reason(exc),
            ),
        ) from None
    except pd.errors.EmptyDataError:
        raise failure(path, Message(N_("the file has no header row"))) from None
    if len(frame) > MAX_ROWS:
        raise failure(
            path,
            Message(N_("the file has {count} rows, more than {limit}; split it"), count=len(frame), limit=MAX_ROWS),
        )
    frame = frame.replace("", None)
    _check_cells(path, frame, header_row=1)
    return Source(path, "csv", frame, encoding=encoding)


def _check_lines(path: Path, text: str) -> None:
    """Refuse a text whose lines are far longer than any table's, naming the first such line."""
    if len(text) <= MAX_LINE_CHARACTERS:
        return  # no line can be too long: the common case costs nothing
    lengths = [len(line) for line in text.split("\n")]
    for number, length in enumerate(lengths, start=1):
        if length > MAX_LINE_CHARACTERS:
            raise failure(
                path,
                Message(
                    N_("line {line} is {count} characters long, more than {limit}: this is not a table"),
                    line=number,
                    count=length,
                    limit=MAX_LINE_CHARACTERS,
                ),
            )


def _check_cells(path: Path, frame: pd.DataFrame, *, header_row: int) -> None:
    """Refuse a cell longer than a spreadsheet can hold, naming its row and column."""
    for column in frame.columns:
        # Vectorised: a cell that is no text has no length (NaN), so it is never too long.
        try:
            lengths = frame[column].astype(object).str.len().fillna(0)
        except AttributeError:  # no text in the column at all (numbers, dates)
            continue
        too_long = np.flatnonzero(lengths.to_numpy(dtype="float64") > MAX_CELL_CHARACTERS)
        if len(too_long):
            raise failure(
                path,
                Message(
                    N_("row {row}, column {column}: the cell holds {count} characters, more than {limit}"),
                    row=header_row + 1 + int(too_long[0]),
                    column=str(column),
                    count=int(lengths.iloc[too_long[0]]),
                    limit=MAX_CELL_CHARACTERS,
                ),
            )


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _read_xlsx(path: Path, *, encoding: str | None, sheet: str | None, report: Progress) -> Source:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        names = tuple(book.sheetnames)
        if sheet is None:
            chosen = names[0]
        elif sheet in names:
            chosen = sheet
        else:
            raise failure(
                path,
                Message(
                    N_("there is no sheet {sheet}; the sheets are: {names}"), sheet=repr(sheet), names=", ".join(names)
                ),
            )
        rows, header_at = _sheet_rows(path, book[chosen], chosen, report)
        uncalculated = _formulas_without_values(path, getattr(book[chosen], "_worksheet_path", None))
    finally:
        book.close()
    if header_at is None:
        raise failure(path, Message(N_("sheet {sheet} is empty"), sheet=repr(chosen)))
    notes: list[str] = []
    if uncalculated:
        more = " …" if len(uncalculated) == _FORMULAS_LISTED else ""
        notes.append(
            Message(
                N_(
                    "cells {cells}{more} hold formulas that were never calculated and "
                    "read as empty: open the file in Excel or WPS, save it, and import it again"
                ),
                cells=", ".join(uncalculated),
                more=more,
            )
        )
    title = _title_row(rows)
    if title is not None:
        # A sheet that opens with its title (often merged across the columns) above the header.
        skipped = title + 1
        notes.append(
            Message(
                N_("row {row} is a title ({title}): the header is row {header}"),
                row=header_at + 1,
                title=short_reason(str(_filled(rows[0])[0]))[:40],
                header=header_at + 1 + skipped,
            )
        )
        rows, header_at = rows[skipped:], header_at + skipped
    header = rows[0]
    width = max(len(row) for row in rows)
    header = header + [None] * (width - len(header))
    body = [row + [None] * (width - len(row)) for row in rows[1:]]
    frame = pd.DataFrame(body, columns=[_column_name(c, i) for i, c in enumerate(header)], dtype=object)
    frame = frame.map(lambda cell: None if _blank(cell) else cell)
    _check_cells(path, frame, header_row=header_at + 1)
    return Source(path, "xlsx", frame, sheet=chosen, sheets=names, header_row=header_at + 1, notes=notes)


_FORMULAS_LISTED = 5
# A cell with a formula and no calculated value: <c r="B2"><f>A2*2</f><v/></c> (files written
# by programs, not by Excel, often have none; reading values only, they come out empty).
_UNCALCULATED = re.compile(rb'<c r="([A-Z]+[0-9]+)"[^>]*>\s*<f[^>]*?(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>')


def _formulas_without_values(path: Path, part: str | None) -> list[str]:
    """The first few cells of the sheet holding a formula but no value, read from its XML in
    pieces (a large sheet is never held whole)."""
    if not part:
        return []
    found: list[str] = []
    with zipfile.ZipFile(path) as archive, archive.open(part.lstrip("/")) as xml:
        tail = b""
        while len(found) < _FORMULAS_LISTED:
            chunk = xml.read(1 << 22)
            if not chunk:
                break
            text = tail + chunk
            cut = text.rfind(b"</c>") + 4  # search whole cells only; the rest waits for the next piece
            for match in _UNCALCULATED.finditer(text, 0, cut if cut > 3 else 0):
                if len(found) < _FORMULAS_LISTED:
                    found.append(match.group(1).decode())
            tail = text[cut:] if cut > 3 else text[-65536:]
    return found


def _filled(row: list) -> list:
    return [cell for cell in row if not _blank(cell)]


def _title_row(rows: list[list]) -> int | None:
    """How many rows above the header are a title: the first row when it holds one cell and
    the next row holding anything holds several (a header). None when there is no title."""
    if len(_filled(rows[0])) != 1:
        return None
    following = next((i for i in range(1, len(rows)) if _filled(rows[i])), None)
    if following is None or len(_filled(rows[following])) < 2:
        return None
    return following - 1


def _sheet_rows(path: Path, worksheet, name: str, report: Progress) -> tuple[list[list], int | None]:
    """The sheet's rows from its header down to its last row holding data, streamed.

    The sheet's declared size is only an estimate for progress: one far cell can declare a
    million rows and sixteen thousand columns, so rows are never padded to it. Empty rows are
    counted, not kept, until data follows them; a long run of them before more data is a stray
    cell and refused.
    """
    declared = worksheet.max_row or 0  # from the file's own <dimension>: a guess, never a size
    report(0.05, "reading the sheet")
    worksheet.reset_dimensions()  # rows as stored, not padded to the declared width
    rows: list[list] = []
    header_at = None
    empty_run = 0
    for number, row in enumerate(worksheet.iter_rows(values_only=True)):
        if number and number % 20_000 == 0:
            # Against the declared size when the sheet has one, else a fraction that keeps
            # moving; the text says how far it really is.
            share = number / declared if declared > number else number / (number + 50_000)
            report(0.05 + 0.9 * share, f"reading the sheet: {number:,} rows")
        if len(row) > MAX_COLUMNS and any(not _blank(cell) for cell in row[MAX_COLUMNS:]):
            raise failure(
                path,
                Message(
                    N_("sheet {sheet}, row {row}: data beyond column {limit}: this is not a table of features"),
                    sheet=repr(name),
                    row=number + 1,
                    limit=MAX_COLUMNS,
                ),
            )
        cells = list(row[:MAX_COLUMNS])
        while cells and _blank(cells[-1]):
            cells.pop()
        if not cells:
            empty_run += 1
            continue
        if header_at is None:
            header_at, empty_run = number, 0
        elif empty_run:
            if empty_run > MAX_EMPTY_ROWS:
                raise failure(
                    path,
                    Message(
                        N_(
                            "sheet {sheet}: {count} empty rows before row {row}, which holds data; delete the "
                            "stray cells at row {row} (or the empty rows) and import again"
                        ),
                        sheet=repr(name),
                        count=empty_run,
                        row=number + 1,
                    ),
                )
            rows.extend([] for _ in range(empty_run))  # kept, so row numbers stay the sheet's
            empty_run = 0
        rows.append(cells)
        if len(rows) > MAX_ROWS + 1:
            raise failure(
                path,
                Message(N_("sheet {sheet} has more than {limit} rows; split it"), sheet=repr(name), limit=MAX_ROWS),
            )
    return rows, header_at


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())
