"""Cells as people type them, read as the schema's values.

Chinese dates (2020年2月19日, 2020/2/19, 2020.2.19, 20200219, Excel serial days), counts with
their unit (3人), yes/no as 是/否, 有/无 or √/×, and enumerations by their Chinese or English
name (湖北返乡 -> hubei_return, 区级 -> district). A cell that cannot be read is left as it
was, so validation reports it with the field's own rule; a value outside an enumeration is
reported here, with the names the user can write instead.

Every conversion works on the distinct values of a column, not on its rows: 100,000 rows
usually hold a few dozen dates and five reasons.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from typing import SupportsFloat, cast

import numpy as np
import pandas as pd

from geodata.messages import N_, Template
from geodata.schema import CHOICE_LABELS, Field, to_bool

# Words beyond CHOICE_LABELS that work groups write: (layer, field) -> word -> value.
EXTRA_VALUE_ALIASES: dict[tuple[str, str], dict[str, str]] = {
    ("households", "reason"): {
        "湖北": "hubei_return",
        "湖北返乡人员": "hubei_return",
        "武汉": "wuhan_return",
        "武汉返乡人员": "wuhan_return",
        "外省": "other_province_return",
        "外省返乡人员": "other_province_return",
        "密接": "close_contact",
        "密切接触": "close_contact",
        "发热": "fever",
        "体温异常者": "fever",
    },
    ("households", "status"): {
        "观察": "observing",
        "居家观察": "observing",
        "隔离中": "observing",
        "解除": "released",
        "解除观察": "released",
        "已解除观察": "released",
        "转诊": "escalated",
        "送医": "escalated",
    },
    ("checkpoints", "tier"): {
        "区级卡点": "district",
        "村级卡点": "village",
        "自然村卡点": "natural_village",
        "小区卡点": "compound",
        "natural village": "natural_village",
    },
    ("checkpoints", "status"): {
        "值守": "active",
        "在用": "active",
        "撤除": "closed",
        "关闭": "closed",
        "拟设置": "proposed",
    },
    ("disinfection_points", "kind"): {
        "居民区域": "residential",
        "公共场所": "public",
        "工作场所": "work_area",
        "work area": "work_area",
    },
}

_YES_NO = {"有": True, "无": False, "√": True, "✓": True, "×": False, "✗": False, "x": False, "对": True, "没有": False}
_UNITS = "人户个组天名次小时升只副件张份条辆块"
_NUMBER = re.compile(rf"^\s*第?\s*([-+]?\d[\d,]*(?:\.\d+)?)\s*[{_UNITS}]?\s*$")
_DAY = re.compile(r"^(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*[日号]?")
_COMPACT_DAY = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TIME = re.compile(r"^\s*[T\s]?\s*(\d{1,2})\s*[:：时点]\s*(\d{1,2})?\s*(?:[:：分]\s*(\d{1,2}(?:\.\d+)?)?\s*秒?)?\s*$")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
# Serial days Excel might hold for dates of interest: 1954 to 2119.
_SERIAL_RANGE = (20000, 80000)


def choice_aliases(layer: str, field_name: str, choices: tuple[str, ...]) -> dict[str, str]:
    """Normalised word -> allowed value: the values, their Chinese and English names, extras."""
    table = {}
    labels = CHOICE_LABELS.get((layer, field_name), {})
    for value in choices:
        for word in (value, *labels.get(value, ())):
            table[_norm_word(word)] = value
    for word, value in EXTRA_VALUE_ALIASES.get((layer, field_name), {}).items():
        table.setdefault(_norm_word(word), value)
    return table


def _norm_word(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", str(text).strip().lower())


def convert_column(cells: pd.Series, field: Field, layer: str) -> tuple[pd.Series, dict[int, Template]]:
    """``cells`` read as ``field`` values, and row position -> message for the cells that
    are not one of an enumeration's values. Unreadable cells of other types stay as they were.
    """
    converter = _CONVERTERS[field.type]
    aliases = choice_aliases(layer, field.name, field.choices) if field.choices else None
    distinct: pd.Index | np.ndarray
    try:
        codes, distinct = pd.factorize(cells.astype(object), use_na_sentinel=True)
    except TypeError:  # unhashable cells (lists): one by one
        codes, distinct = np.arange(len(cells)), cells.astype(object).to_numpy()
    converted = [
        (None, None) if _empty(cell) else _convert_cell(cell, converter, aliases, field, layer)
        for cell in np.asarray(distinct, dtype=object)
    ]
    lookup = np.empty(len(converted) + 1, dtype=object)  # the last entry serves code -1 (empty)
    lookup[:-1] = [value for value, _message in converted]
    lookup[-1] = None
    values = pd.Series(lookup[codes], dtype=object)
    problems: dict[int, Template] = {}
    flagged = [i for i, (_value, message) in enumerate(converted) if message is not None]
    if flagged:
        for row in np.flatnonzero(np.isin(codes, flagged)):
            problems[int(row)] = converted[codes[row]][1]
    return values, problems


# Numbers no field can hold (a count of 10²² persons would overflow the store's integers).
_LARGEST_NUMBER = 1e12


def _convert_cell(cell, converter, aliases, field: Field, layer: str):
    try:
        value = converter(cell)
    except (ValueError, TypeError, OverflowError, ArithmeticError):
        value = None
    if field.type in ("int", "float") and value is not None and not (abs(value) <= _LARGEST_NUMBER):
        return cell, Template(N_("{value} is not a usable number (too large, or not finite)"))
    if field.type == "str" and isinstance(value, str) and "\x00" in value:
        # A NUL character ends the text in SQLite and in many programs: the name would be cut.
        return cell, Template(N_("{value} contains a NUL character; remove it from the file"))
    if value is None:
        value = cell  # left for validation to explain with the field's own rule
    if aliases is not None:
        word = _norm_word(value)
        if word in aliases:
            return aliases[word], None
        return value, _not_a_choice(field, layer)
    return value, None


def _not_a_choice(field: Field, layer: str) -> Template:
    labels = CHOICE_LABELS.get((layer, field.name), {})
    names = [f"{labels[v][0]} ({v})" if v in labels else v for v in field.choices or ()]
    return Template(N_("{value} is not one of the allowed values; write one of {choices}"), choices=", ".join(names))


def _empty(cell) -> bool:
    if cell is None:
        return True
    if isinstance(cell, float) and math.isnan(cell):
        return True
    if cell is pd.NaT:
        return True
    return isinstance(cell, str) and not cell.strip()


# --- one cell, one type --------------------------------------------------------------------


def _to_text(cell):
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # Excel holds the id 12 as 12.0
    if isinstance(cell, (dt.datetime, pd.Timestamp)):
        return cell.strftime("%Y-%m-%d") if _at_midnight(cell) else cell.strftime("%Y-%m-%d %H:%M")
    return str(cell).strip()


def _to_number(cell):
    if isinstance(cell, bool):
        return None
    if isinstance(cell, numbers.Number):
        return cell
    match = _NUMBER.match(str(cell))
    if match is None:
        return None
    return float(match.group(1).replace(",", ""))


def _to_whole(cell):
    number = _to_number(cell)
    if number is None:
        return None
    return int(number) if float(number).is_integer() else None


def _to_bool(cell):
    if isinstance(cell, str) and cell.strip().lower() in _YES_NO:
        return _YES_NO[cell.strip().lower()]
    return to_bool(cell)


def read_time(cell, *, date_only: bool) -> pd.Timestamp | None:
    """A cell as a local time (a day at midnight with ``date_only``), None if it is none."""
    if isinstance(cell, bool):
        return None
    time: pd.Timestamp | None
    if isinstance(cell, (dt.datetime, dt.date, pd.Timestamp)):
        time = pd.Timestamp(cell)
    elif isinstance(cell, numbers.Number):
        time = _from_serial(float(cast(SupportsFloat, cell)))
    else:
        time = _from_text(str(cell).strip())
    if time is None or pd.isna(time) or time.tzinfo is not None:
        return None
    return time.normalize() if date_only else time


def _from_serial(number: float) -> pd.Timestamp | None:
    if not (_SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]):
        return None
    return pd.Timestamp(_EXCEL_EPOCH + dt.timedelta(days=number)).round("s")


def _from_text(text: str) -> pd.Timestamp | None:
    match = _DAY.match(text) or _COMPACT_DAY.match(text)
    if match is not None:
        year, month, day = (int(g) for g in match.groups())
        try:
            day_value = pd.Timestamp(dt.datetime(year, month, day))
        except ValueError:  # 2020年13月1日, 2020-02-30
            return None
        rest = text[match.end() :]
        if not rest.strip():
            return day_value
        clock = _TIME.match(rest)
        if clock is None:
            return None
        hour, minute, second = clock.groups()
        if int(hour) > 23 or int(minute or 0) > 59 or float(second or 0) >= 60:
            return None
        return day_value + pd.Timedelta(hours=int(hour), minutes=int(minute or 0), seconds=float(second or 0))
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _from_serial(float(text))
    return None


def _at_midnight(time) -> bool:
    return time.hour == 0 and time.minute == 0 and time.second == 0


_CONVERTERS = {
    "str": _to_text,
    "int": _to_whole,
    "float": _to_number,
    "bool": _to_bool,
    "date": lambda cell: read_time(cell, date_only=True),
    "datetime": lambda cell: read_time(cell, date_only=False),
}
