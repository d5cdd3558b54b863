"""The checks every MapState value passes when it is built.

Each ``checked_*`` function returns the value as stored (lists become tuples, numbers
floats) or raises :class:`MapStateError` naming the key path and the bad value; each
``check_*`` function only raises.
"""

from __future__ import annotations

import dataclasses
import math
import re
from datetime import date, datetime
from typing import Any

from geodata.messages import N_, Message
from geodata.schema import LAYERS, OBSERVATION_DAYS, ROAD_CLASSES

_AS_OF_FORMAT = "YYYY-MM-DDTHH:MM:SS"
_PROVIDER_KEY = re.compile(r"[A-Za-z0-9_.\-]+")


class MapStateError(ValueError):
    """A map state (or a saved view preset) holds a value it cannot hold.

    Raised with a :class:`~geodata.messages.Message`: English text (what logs and tests read)
    that the window and the command line show in their language (``desktop/os_errors.py``)."""


def check_known_keys(data: dict[str, Any], cls: type, path: str) -> None:
    known = [f.name for f in dataclasses.fields(cls)]
    for key in data:
        if key not in known:
            raise MapStateError(
                Message(N_("{key}: unknown key; known keys: {known}"), key=join_path(path, key), known=", ".join(known))
            )


def join_path(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


def checked_road_weights(path: str, value) -> tuple[tuple[str, float], ...] | None:
    pairs = checked_sequence(path, value)
    if pairs is None:
        return None
    checked = []
    for pair in pairs:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise MapStateError(
                Message(N_("{key}: expected (road class, weight) pairs, got {value}"), key=path, value=describe(pair))
            )
        check_choice(path, pair[0], ROAD_CLASSES)
        checked.append((pair[0], checked_number(f"{path}.{pair[0]}", pair[1], 0.0, math.inf)))
    return tuple(checked)


def set_checked(instance, name: str, value) -> None:
    # The dataclasses are frozen; __post_init__ is the one place that stores normalised values.
    object.__setattr__(instance, name, value)


def describe(value) -> str:
    return f"{type(value).__name__} {value!r}"


def checked_sequence(path: str, value) -> tuple | None:
    if value is None:
        return None
    if not isinstance(value, (list, tuple)):
        raise MapStateError(Message(N_("{key}: expected a list or null, got {value}"), key=path, value=describe(value)))
    return tuple(value)


def checked_texts(path: str, value) -> tuple[str, ...] | None:
    items = checked_sequence(path, value)
    for item in items or ():
        if not isinstance(item, str) or not item:
            raise MapStateError(
                Message(N_("{key}: expected non-empty text items, got {value}"), key=path, value=describe(item))
            )
    return items


def checked_choices(path: str, value, allowed: tuple[str, ...]) -> tuple[str, ...] | None:
    items = checked_texts(path, value)
    for item in items or ():
        check_choice(path, item, allowed)
    return items


def checked_layer_names(path: str, value) -> tuple[str, ...]:
    if value is None:
        raise MapStateError(Message(N_("{key}: expected a list of layer names, got None"), key=path))
    names = checked_choices(path, value, tuple(LAYERS)) or ()
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise MapStateError(
            Message(N_("{key}: {names} listed more than once"), key=path, names=", ".join(map(repr, duplicates)))
        )
    return names


def check_choice(path: str, value, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise MapStateError(
            Message(
                N_("{key}: {value} is not one of {allowed}"), key=path, value=repr(value), allowed=", ".join(allowed)
            )
        )


def check_text(path: str, value) -> None:
    if not isinstance(value, str):
        raise MapStateError(Message(N_("{key}: expected text, got {value}"), key=path, value=describe(value)))


def check_bool(path: str, value) -> None:
    if not isinstance(value, bool):
        raise MapStateError(Message(N_("{key}: expected true or false, got {value}"), key=path, value=describe(value)))


def check_instance(path: str, value, cls: type) -> None:
    if not isinstance(value, cls):
        raise MapStateError(
            Message(N_("{key}: expected a {kind}, got {value}"), key=path, kind=cls.__name__, value=describe(value))
        )


def checked_whole_number(path: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MapStateError(Message(N_("{key}: expected a whole number, got {value}"), key=path, value=describe(value)))
    return value


def checked_number(path: str, value, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise MapStateError(Message(N_("{key}: expected a number, got {value}"), key=path, value=describe(value)))
    if not low <= value <= high:
        raise MapStateError(
            Message(
                N_("{key}: {value} is outside {low}..{high}"),
                key=path,
                value=repr(value),
                low=f"{low:g}",
                high=f"{high:g}",
            )
        )
    return float(value)


def checked_day_range(path: str, value) -> tuple[int, int] | None:
    days = checked_sequence(path, value)
    if days is None:
        return None
    if len(days) != 2:
        raise MapStateError(
            Message(N_("{key}: expected [first day, last day], got {value}"), key=path, value=repr(list(days)))
        )
    first, last = (checked_whole_number(path, day) for day in days)
    if not (1 <= first <= OBSERVATION_DAYS and 1 <= last <= OBSERVATION_DAYS):
        raise MapStateError(
            Message(
                N_("{key}: days must be within 1..{days}, got {value}"),
                key=path,
                days=OBSERVATION_DAYS,
                value=repr(list(days)),
            )
        )
    if first > last:
        raise MapStateError(
            Message(N_("{key}: first day {first} is after last day {last}"), key=path, first=first, last=last)
        )
    return (first, last)


def checked_bounds(path: str, value) -> tuple[float, float, float, float] | None:
    edges = checked_sequence(path, value)
    if edges is None:
        return None
    if len(edges) != 4:
        raise MapStateError(
            Message(N_("{key}: expected [west, south, east, north], got {value}"), key=path, value=repr(list(edges)))
        )
    west, east = (checked_number(path, edge, -180.0, 180.0) for edge in (edges[0], edges[2]))
    south, north = (checked_number(path, edge, -90.0, 90.0) for edge in (edges[1], edges[3]))
    if not west < east:
        raise MapStateError(
            Message(N_("{key}: west {west} must be less than east {east}"), key=path, west=repr(west), east=repr(east))
        )
    if not south < north:
        raise MapStateError(
            Message(
                N_("{key}: south {south} must be less than north {north}"),
                key=path,
                south=repr(south),
                north=repr(north),
            )
        )
    return (west, south, east, north)


def checked_center(path: str, value) -> tuple[float, float] | None:
    point = checked_sequence(path, value)
    if point is None:
        return None
    if len(point) != 2:
        raise MapStateError(
            Message(N_("{key}: expected [latitude, longitude], got {value}"), key=path, value=repr(list(point)))
        )
    return (checked_number(path, point[0], -90.0, 90.0), checked_number(path, point[1], -180.0, 180.0))


def checked_as_of(path: str, value) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise MapStateError(
                Message(
                    N_("{key}: {value} is not a date and time ({format})"),
                    key=path,
                    value=repr(value),
                    format=_AS_OF_FORMAT,
                )
            ) from None
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    elif not isinstance(value, datetime):
        raise MapStateError(
            Message(
                N_("{key}: expected a date and time ({format}) or null, got {value}"),
                key=path,
                format=_AS_OF_FORMAT,
                value=describe(value),
            )
        )
    if value.tzinfo is not None:
        raise MapStateError(
            Message(
                N_("{key}: expected local time without a time zone, got {value}"),
                key=path,
                value=repr(value.isoformat()),
            )
        )
    # A plain datetime to the second, whatever subclass came in (pandas.Timestamp), so that
    # the JSON text (to the second) reads back to an equal state.
    return datetime(*value.timetuple()[:6])


def check_basemap(path: str, value) -> None:
    check_text(path, value)
    if value == "none":
        return
    if value.startswith("local:"):
        if not value[len("local:") :].strip():
            raise MapStateError(Message(N_("{key}: 'local:' must be followed by a tile folder"), key=path))
        return
    if value.startswith("mbtiles:"):
        if not value[len("mbtiles:") :].strip():
            raise MapStateError(
                Message(N_("{key}: 'mbtiles:' must be followed by the path of an .mbtiles file"), key=path)
            )
        return
    if not _PROVIDER_KEY.fullmatch(value):
        raise MapStateError(
            Message(
                N_("{key}: {value} is not 'none', 'local:<folder>', 'mbtiles:<file>' or a provider key such as 'osm'"),
                key=path,
                value=repr(value),
            )
        )
