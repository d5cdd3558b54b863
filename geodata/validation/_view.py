"""An untrusted frame read through its layer's schema, without ever raising on its contents.

The checks never touch the raw frame. They ask a :class:`FrameView` for a column's values
parsed the way :func:`geodata.schema.conform` would parse them, with every value conform
could not read set aside together with the reason, so a bad cell becomes a problem to report
instead of an exception.
"""

from __future__ import annotations

import numbers
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely

# The validator must accept exactly the yes/no words conform accepts, so it uses conform's own
# reader rather than a copy of its word list.
from geodata.messages import N_, Message, Template
from geodata.schema import Field, LayerSchema, to_bool
from geodata.validation._problem import Finding, Problem, shorten

_DATE_HINT = Message(N_("write dates as YYYY-MM-DD"))
_DATETIME_HINT = Message(N_("write times as YYYY-MM-DD HH:MM"))
_NOT_YES_NO = Template(N_("{value} is not yes/no; write yes or no (是/否 and 1/0 also work)"))


@dataclass(frozen=True)
class Parsed:
    """A column's values in the field's type, and what could not be read.

    Attributes
    ----------
    values
        One value per row on a 0..n-1 index: ``str``/``None`` for text, ``float64`` for
        numbers, ``bool`` for yes/no, ``datetime64`` for dates and times; missing (None, NaN,
        NaT) where the cell is empty or unreadable.
    missing
        True where the cell is empty: nothing, NaN or "" (and, in a text field, only spaces,
        which conform cannot read as a number or a date).
    unreadable
        Row position → message template for cells that hold something the field's type
        cannot hold; ``{value}`` in the template stands for the cell as the user may see it.
    """

    values: pd.Series
    missing: np.ndarray
    unreadable: dict[int, Template]


class FrameView:
    """One frame of one layer, seen through the layer's schema.

    Columns are taken by position, the first of any duplicated name, on a fresh 0..n-1 index,
    so row position ``i`` is the ``i + 1``-th row the user sees in the file.

    Parameters
    ----------
    schema
        The layer's schema.
    frame
        The frame as read, with any columns and any values.
    """

    def __init__(self, schema: LayerSchema, frame: pd.DataFrame):
        self.schema = schema
        self.n_rows = len(frame)
        self.column_counts: dict[str, int] = {}
        self._columns: dict[str, pd.Series] = {}
        for position, name in enumerate(frame.columns):
            key = str(name)
            self.column_counts[key] = self.column_counts.get(key, 0) + 1
            if key not in self._columns:
                self._columns[key] = frame.iloc[:, position].reset_index(drop=True)
        self.geometry_name = _active_geometry_name(frame)
        self.crs = getattr(frame, "crs", None) if self.geometry_name else None
        self._parsed: dict[str, Parsed] = {}
        self._cells: dict[str, list] = {}
        self._ids: list | None = None
        self._geometries: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def name(self) -> str:
        return self.schema.name

    def has(self, field_name: str) -> bool:
        """Whether the frame has a column called ``field_name``."""
        return field_name in self._columns

    def cell(self, column_name: str, row: int):
        """One cell as read (from the first column of that name)."""
        # Problems are made one by one, possibly tens of thousands: a list beats Series.iloc.
        if column_name not in self._cells:
            self._cells[column_name] = self._columns[column_name].tolist()
        return self._cells[column_name][row]

    def finding(self, severity: str, row: int | None, field: str | None, message: str) -> Finding:
        """A problem of this layer at row position ``row`` (``None``: the whole layer)."""
        feature = None if row is None else self.feature(row)
        return Finding(Problem(severity, self.name, feature, field, message), row)

    def parsed(self, field_name: str) -> Parsed:
        """The schema field's column read in its type (all missing when the column is absent)."""
        if field_name not in self._parsed:
            field = self.schema.field(field_name)
            column = self._columns.get(field_name)
            if column is None:
                column = pd.Series([None] * self.n_rows, dtype=object)
            self._parsed[field_name] = parse(column, field)
        return self._parsed[field_name]

    def feature(self, row: int) -> str:
        """How a row is named in a problem: its id when it has one, else ``row N``."""
        if self._ids is None:
            id_field = self.schema.id_field
            if id_field is not None and self.has(id_field):
                self._ids = self.parsed(id_field).values.tolist()
            else:
                self._ids = [None] * self.n_rows
        feature_id = self._ids[row]
        return f"row {row + 1}" if feature_id is None else shorten(feature_id)

    def geometries(self) -> tuple[np.ndarray, np.ndarray]:
        """The shapes as an object array (``None`` where absent), and where a cell held
        something other than a shape (text, a number)."""
        if self._geometries is None:
            if self.geometry_name is None:
                cells = np.full(self.n_rows, None, dtype=object)
            else:
                cells = np.asarray(self._columns[self.geometry_name], dtype=object)
            is_shape = shapely.is_geometry(cells)
            not_shape = ~is_shape & ~pd.isna(pd.Series(cells, dtype=object)).to_numpy(bool)
            shapes = np.where(is_shape, cells, np.array(None, dtype=object))
            self._geometries = (shapes, not_shape)
        return self._geometries


def _active_geometry_name(frame: pd.DataFrame) -> str | None:
    """The geometry column: a GeoDataFrame's active one, else a column called ``geometry``."""
    try:
        name = frame.geometry.name  # raises when a GeoDataFrame has no active geometry
    except AttributeError:
        name = None
    if name is not None and name in frame.columns:
        return str(name)
    return "geometry" if "geometry" in frame.columns else None


def parse(column: pd.Series, field: Field) -> Parsed:
    """Read ``column`` as ``field``'s type, the way :func:`geodata.schema.conform` does."""
    cells = column.tolist()  # one conversion; plain lists are quick to walk
    missing, spaces_only = _missing(column, cells)
    if field.type == "str":
        missing |= spaces_only  # a name of blanks is no name
        values = [None if absent else str(cell) for cell, absent in zip(cells, missing, strict=False)]
        return Parsed(pd.Series(values, dtype=object), missing, {})
    if field.type == "bool":
        return _parse_bools(cells, missing | spaces_only)
    # conform cannot read a cell of spaces as a number or a date, so it is no empty cell here.
    unreadable = _templates(spaces_only, Template(N_("the cell holds only spaces; clear it")))
    if field.type in ("int", "float"):
        parsed = _parse_numbers(column, cells, missing | spaces_only, whole=field.type == "int")
    else:
        parsed = _parse_times(cells, missing | spaces_only, date_only=field.type == "date")
    return Parsed(parsed.values, missing, {**unreadable, **parsed.unreadable})


def _missing(column: pd.Series, cells: list) -> tuple[np.ndarray, np.ndarray]:
    """Where a cell is empty (nothing, NaN, ""), and where it holds only spaces."""
    absent = pd.isna(column).to_numpy(bool)
    empty_text = np.fromiter(
        (cell == "" if isinstance(cell, str) else False for cell in cells), dtype=bool, count=len(cells)
    )
    spaces = np.fromiter(
        (isinstance(cell, str) and cell != "" and not cell.strip() for cell in cells),
        dtype=bool,
        count=len(cells),
    )
    return absent | empty_text, spaces


def _parse_numbers(column: pd.Series, cells: list, skipped: np.ndarray, *, whole: bool) -> Parsed:
    """Numbers as float64; ``skipped`` cells (empty, or reported otherwise) are not read."""
    numbers = _to_floats(column, cells)
    given = ~skipped
    not_number = given & np.isnan(numbers)
    not_finite = given & np.isinf(numbers)
    unreadable = _templates(not_number, Template(N_("{value} is not a number")))
    unreadable |= _templates(not_finite, Template(N_("{value} is not a finite number")))
    bad = not_number | not_finite
    if whole:
        with np.errstate(invalid="ignore"):
            fractional = given & ~bad & (numbers % 1 != 0)
        unreadable |= _templates(fractional, Template(N_("{value} is not a whole number")))
        bad |= fractional
    numbers[bad | skipped] = np.nan
    return Parsed(pd.Series(numbers, dtype="float64"), skipped, unreadable)


def _to_floats(column: pd.Series, cells: list) -> np.ndarray:
    """The cells as numbers the way conform's ``pd.to_numeric`` reads them, NaN where it
    cannot."""
    try:
        return pd.to_numeric(column, errors="coerce").astype("float64").to_numpy(copy=True)
    except (TypeError, ValueError, OverflowError):
        # Cells holding lists, dicts or huge integers defeat the vectorised reader.
        return np.array([_float_or_nan(cell) for cell in cells], dtype="float64")


def _float_or_nan(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return np.nan


def _parse_bools(cells: list, missing: np.ndarray) -> Parsed:
    values = np.zeros(len(cells), dtype=bool)
    unreadable = {}
    for row, (cell, absent) in enumerate(zip(cells, missing, strict=False)):
        if absent:
            continue  # a missing yes/no reads as "no"
        try:
            values[row] = to_bool(cell)
        except (TypeError, ValueError):
            unreadable[row] = _NOT_YES_NO
    return Parsed(pd.Series(values, dtype=bool), missing, unreadable)


def _parse_times(cells: list, missing: np.ndarray, *, date_only: bool) -> Parsed:
    """Times as datetime64[ms] (dates at midnight); ``missing`` cells are not read."""
    hint = _DATE_HINT if date_only else _DATETIME_HINT
    what = Message(N_("a date")) if date_only else Message(N_("a date and time"))
    # pandas would read a number as nanoseconds since 1970: never what a user meant.
    is_number = (
        np.fromiter((isinstance(cell, numbers.Number) for cell in cells), dtype=bool, count=len(cells)) & ~missing
    )
    unreadable = _templates(is_number, Template(N_("{value} is a number, not {what}; {hint}"), what=what, hint=hint))
    skipped = missing | is_number
    candidates = [None if skip else cell for cell, skip in zip(cells, skipped, strict=False)]
    times = _to_times(pd.Series(candidates, dtype=object))
    reasons: dict = {}  # bad data repeats itself: explain each distinct value once
    for row in np.flatnonzero(~skipped & pd.isna(times).to_numpy(bool)):
        unreadable[int(row)] = _why_not_a_time(candidates[row], what, hint, reasons)
    values = times.astype("datetime64[ms]")
    return Parsed(values.dt.normalize() if date_only else values, missing, unreadable)


def _to_times(candidates: pd.Series) -> pd.Series:
    """Times, NaT where a cell cannot be read as conform reads the whole column."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "could not infer format" and the like
        try:
            times = pd.to_datetime(candidates, errors="coerce")
        except (TypeError, ValueError, OverflowError):
            # Mixed time zones or odd objects: conform would fail on the whole column, so
            # every cell is read alone and the odd ones reported one by one.
            alone = [_read_alone(value) for value in candidates]
            naive = [time if time is not None and time.tzinfo is None else None for time in alone]
            times = pd.to_datetime(pd.Series(naive, dtype=object), errors="coerce")
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        return pd.Series(pd.NaT, index=candidates.index, dtype="datetime64[ms]")
    return times


def _read_alone(value) -> pd.Timestamp | None:
    """``value`` read as a time on its own (perhaps with a time zone), or None."""
    if value is None:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            time = pd.Timestamp(value)
        except (TypeError, ValueError, OverflowError):
            return None
    return None if pd.isna(time) else time


def _why_not_a_time(value, what: Message, hint: Message, reasons: dict) -> Template:
    """Why a cell is no time: not one at all, in a time zone, or in another format than the
    rest of its column. ``reasons`` remembers the answer for each distinct value."""
    try:
        reason = reasons.get(value)
    except TypeError:  # an unhashable cell, a list say
        return _reason_not_a_time(value, what, hint)
    if reason is None:
        reason = reasons[value] = _reason_not_a_time(value, what, hint)
    return reason


def _reason_not_a_time(value, what: Message, hint: Message) -> Template:
    alone = _read_alone(value)
    if alone is None:
        return Template(N_("{value} is not {what}; {hint}"), what=what, hint=hint)
    if alone.tzinfo is not None:
        return Template(N_("{value} carries a time zone; write local China Standard Time without one"))
    return Template(N_("{value} is written differently from the other dates in this column; {hint}"), hint=hint)


def _templates(mask: np.ndarray, template: Template) -> dict[int, Template]:
    return {int(row): template for row in np.flatnonzero(mask)}
