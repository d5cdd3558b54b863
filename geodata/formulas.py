"""Text that a spreadsheet would run as a formula, made inert and back (formula injection).

Excel, LibreOffice and WPS take a CSV cell, and a typed XLSX cell, beginning with ``=``, ``+``,
``-`` or ``@`` (or a tab or carriage return before one) as a formula: a note such as
``=HYPERLINK("http://…"&B2, "详情")`` sends other cells away when clicked. As OWASP advises,
such a text gets a leading single quote, which every spreadsheet shows as text.

The quote is added to a text that already starts with quotes before such a character too, so
:func:`from_spreadsheet` can take exactly one quote off and give back the text as it was.
Numbers are never text here: ``-3`` stays the number -3.
"""

from __future__ import annotations

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _looks_like_formula(text: str) -> bool:
    core = text.lstrip("'")
    return core.startswith(_FORMULA_STARTS) or core.lstrip(" \n").startswith(_FORMULA_STARTS[:4])


def to_spreadsheet(value):
    """``value`` as a spreadsheet cell may hold it: a text that would be a formula quoted."""
    if isinstance(value, str) and _looks_like_formula(value):
        return "'" + value
    return value


def from_spreadsheet(value):
    """The text :func:`to_spreadsheet` was given: its protective quote taken off."""
    if isinstance(value, str) and value.startswith("'") and _looks_like_formula(value):
        return value[1:]
    return value
