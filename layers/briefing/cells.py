"""Every value printed in a briefing table goes through :func:`cell_text`.

Records come from GeoPackages and PostGIS as numpy and pandas scalars: ``numpy.bool_``
(``is True`` is False for it), ``pd.NA`` (truthiness raises), ``NaN``/``NaT`` (print as
"nan"/"NaT"), ``Int64`` integers. One function that knows them all keeps a stray "nan", a
"否" for a true flag or a crash on a missing quantity out of the paper.
"""

from __future__ import annotations

import math
import numbers
import unicodedata
from datetime import date, datetime

import numpy as np
import pandas as pd

ELLIPSIS = "…"


def is_missing(value) -> bool:
    """True for None, NaN, NaT and pd.NA (and only for them: not for "", 0 or False)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, (float, np.floating)):
        return math.isnan(value)
    if isinstance(value, (np.datetime64, np.timedelta64)):
        return bool(np.isnat(value))
    return False


def cell_text(value, *, yes: str = "yes", no: str = "no", decimals: int = 1) -> str:
    """``value`` as it is printed in a table cell.

    Missing values print as an empty cell; booleans (Python or numpy) as ``yes``/``no``;
    whole numbers with thousands separators; other numbers with ``decimals`` decimals;
    timestamps and dates as YYYY-MM-DD; anything else as its text.

    Examples
    --------
    >>> cell_text(np.bool_(True), yes="是", no="否")
    '是'
    >>> cell_text(pd.NA), cell_text(float("nan")), cell_text(np.int64(12345)), cell_text(6116.5)
    ('', '', '12,345', '6,116.5')
    """
    if is_missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return yes if bool(value) else no
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isinf(number):
            return "∞" if number > 0 else "-∞"
        return f"{int(number):,}" if number.is_integer() else f"{number:,.{decimals}f}"
    if isinstance(value, (pd.Timestamp, datetime, date, np.datetime64)):
        return f"{pd.Timestamp(value):%Y-%m-%d}"
    return str(value)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospaced reckoning: CJK (wide) characters count two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def clipped(text: str, limit: int | None) -> str | None:
    """``text`` cut to ``limit`` display columns with an ellipsis, or None when it fits.

    Line breaks and runs of spaces (a message pasted from a chat) become single spaces in
    the cut text; the whole text is printed elsewhere.
    """
    # Most cells (ids, dates, names) are plainly short enough: no width reckoned per character.
    if limit is None or 2 * len(text) <= limit or (text.isascii() and len(text) <= limit):
        return None
    if display_width(text) <= limit:
        return None
    flat = " ".join(text.split())
    kept, width = [], display_width(ELLIPSIS)
    for char in flat:
        width += display_width(char)
        if width > limit:
            break
        kept.append(char)
    return "".join(kept).rstrip() + ELLIPSIS
