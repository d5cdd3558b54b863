"""MapState: one plain, immutable value for what the map shows.

The window edits a MapState, and the web map, the wall display and the briefing all render
from one. Saved as JSON it is a *view preset*; the command line takes it as a file. The JSON
carries a format ``version`` so that presets saved today still open after the format changes:
an older file is upgraded step by step through ``_MIGRATIONS``, and a file from a newer
application is refused with a message saying so.

Every value is checked when it is built, so a MapState that exists is valid; problems raise
:class:`MapStateError` naming the key path (``filters.checkpoint_tiers``) and the bad value.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from geodata.schema import (
    CHECKPOINT_STATUSES,
    CHECKPOINT_TIERS,
    HOUSEHOLD_REASONS,
    HOUSEHOLD_STATUSES,
    LAYERS,
    OBSERVATION_DAYS,
    ROAD_CLASSES,
)

MAPSTATE_VERSION = 1

# Format version n -> a function turning a version-n dict (without its "version" key) into a
# version n+1 dict. Empty while 1 is the only version; the first change to the format adds
# the entry for 1 here.
_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

DEFAULT_VISIBLE_LAYERS = ("villages", "roads", "checkpoints", "households", "disinfection_points")
AUDIENCES = ("public", "internal")
VILLAGE_FILLS = ("households_under_observation", "none")
MAX_ZOOM = 30.0

_AS_OF_FORMAT = "YYYY-MM-DDTHH:MM:SS"
_PROVIDER_KEY = re.compile(r"[A-Za-z0-9_.\-]+")


class MapStateError(ValueError):
    """A map state (or a saved view preset) holds a value it cannot hold."""


@dataclass(frozen=True)
class Filters:
    """Which features of each layer are shown.

    ``None`` means "no filter" (everything); an empty tuple means "none". Lists given to the
    constructor are stored as tuples.

    Attributes
    ----------
    villages : tuple of str or None
        Village division codes. Filters the villages layer and every point layer (by its
        ``village`` field); roads are not filtered by village.
    checkpoint_tiers : tuple of str or None
        Checkpoint tiers shown: district, village, natural_village, compound.
    checkpoint_statuses : tuple of str or None
        Checkpoint statuses *on the as-of day* shown: active, closed, proposed.
    household_reasons : tuple of str or None
        Reasons for observation shown (hubei_return, wuhan_return, ...).
    household_statuses : tuple of str or None
        Household statuses *on the as-of day* shown: observing, released, escalated.
    observation_days : (int, int) or None
        Inclusive range of observation days, each in 1..14. When set, only households under
        observation on the as-of day, on a day in the range, are shown.
    overdue_only : bool
        Show only the disinfection points overdue at the as-of time.
    """

    villages: tuple[str, ...] | None = None
    checkpoint_tiers: tuple[str, ...] | None = None
    checkpoint_statuses: tuple[str, ...] | None = None
    household_reasons: tuple[str, ...] | None = None
    household_statuses: tuple[str, ...] | None = None
    observation_days: tuple[int, int] | None = None
    overdue_only: bool = False

    def __post_init__(self):
        _set(self, "villages", _texts("filters.villages", self.villages))
        _set(self, "checkpoint_tiers", _choices("filters.checkpoint_tiers", self.checkpoint_tiers, CHECKPOINT_TIERS))
        _set(
            self,
            "checkpoint_statuses",
            _choices("filters.checkpoint_statuses", self.checkpoint_statuses, CHECKPOINT_STATUSES),
        )
        _set(
            self, "household_reasons", _choices("filters.household_reasons", self.household_reasons, HOUSEHOLD_REASONS)
        )
        _set(
            self,
            "household_statuses",
            _choices("filters.household_statuses", self.household_statuses, HOUSEHOLD_STATUSES),
        )
        _set(self, "observation_days", _day_range("filters.observation_days", self.observation_days))
        _check_bool("filters.overdue_only", self.overdue_only)


@dataclass(frozen=True)
class View:
    """The part of the map in view, in WGS-84 degrees.

    A renderer fits ``bounds`` when they are given, and otherwise uses ``center`` and
    ``zoom``; all ``None`` lets it fit the data.

    Attributes
    ----------
    bounds : (west, south, east, north) or None
        Longitude and latitude of the edges; west < east and south < north.
    center : (latitude, longitude) or None
        Latitude first, as Leaflet takes it.
    zoom : float or None
        Web-map zoom level, 0 to 30, fractional allowed.
    """

    bounds: tuple[float, float, float, float] | None = None
    center: tuple[float, float] | None = None
    zoom: float | None = None

    def __post_init__(self):
        _set(self, "bounds", _bounds("view.bounds", self.bounds))
        _set(self, "center", _center("view.center", self.center))
        if self.zoom is not None:
            _set(self, "zoom", _number("view.zoom", self.zoom, 0.0, MAX_ZOOM))


@dataclass(frozen=True)
class PlannedSite:
    """A checkpoint site the planning shows: a proposal or a what-if.

    Attributes
    ----------
    longitude, latitude : float
        WGS-84 degrees.
    label : str
        Shown beside the site ("P1", "W2", ...).
    gain : float or None
        Entry weight the site adds, when known.
    """

    longitude: float
    latitude: float
    label: str = ""
    gain: float | None = None

    def __post_init__(self):
        _set(self, "longitude", _number("planning.site.longitude", self.longitude, -180.0, 180.0))
        _set(self, "latitude", _number("planning.site.latitude", self.latitude, -90.0, 90.0))
        _check_text("planning.site.label", self.label)
        if self.gain is not None:
            _set(self, "gain", _number("planning.site.gain", self.gain, 0.0, math.inf))


@dataclass(frozen=True)
class Planning:
    """The planning part of a map: coverage circles, gaps and proposed or what-if sites.

    A MapState without it (``None``, the default and every version 1 file) shows no planning.

    Attributes
    ----------
    radius_m : float
        Coverage radius in metres (above 0).
    along_roads : bool
        Coverage measured along the roads instead of in a straight line.
    weights : tuple of (road class, weight) or None
        Road-class weights; None: the defaults.
    show_gaps : bool
        Mark the uncovered road entries and draw the coverage circles.
    proposed : tuple of PlannedSite
        Sites a siting run proposed.
    what_if : tuple of PlannedSite
        Sites the user dropped to see what they would cover.
    """

    radius_m: float = 300.0
    along_roads: bool = False
    weights: tuple[tuple[str, float], ...] | None = None
    show_gaps: bool = True
    proposed: tuple[PlannedSite, ...] = ()
    what_if: tuple[PlannedSite, ...] = ()

    def __post_init__(self):
        radius = _number("planning.radius_m", self.radius_m, 0.0, 100_000.0)
        if radius <= 0:
            raise MapStateError(f"planning.radius_m: must be above 0, got {self.radius_m!r}")
        _set(self, "radius_m", radius)
        _check_bool("planning.along_roads", self.along_roads)
        _check_bool("planning.show_gaps", self.show_gaps)
        _set(self, "weights", _road_weights("planning.weights", self.weights))
        for name in ("proposed", "what_if"):
            _set(self, name, _planned_sites(f"planning.{name}", getattr(self, name)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "radius_m": self.radius_m,
            "along_roads": self.along_roads,
            "weights": None if self.weights is None else dict(self.weights),
            "show_gaps": self.show_gaps,
            "proposed": [dataclasses.asdict(s) for s in self.proposed],
            "what_if": [dataclasses.asdict(s) for s in self.what_if],
        }


@dataclass(frozen=True)
class MapState:
    """Everything that decides what the map shows.

    Attributes
    ----------
    title : str
        Shown above the map and on the briefing.
    as_of : datetime or None
        The moment whose situation is shown, naive local time (China Standard Time), held to
        the second. ``None`` means the dataset's ``metadata["as_of"]``. ISO text is read too.
    visible_layers : tuple of str
        Layers drawn, bottom first; names from :data:`geodata.schema.LAYERS`.
    filters : Filters
        Which features of the visible layers are shown.
    view : View
        The part of the map in view.
    basemap : str
        ``"none"``, ``"local:<folder holding {z}/{x}/{y}.png tiles>"`` or an online provider
        key such as ``"osm"``.
    labels : bool
        Whether features carry name labels.
    audience : str
        ``"public"`` (no personal fields: the default, so privacy needs no action) or
        ``"internal"``.
    village_fill : str
        What colours the village polygons: ``"households_under_observation"`` or ``"none"``.
    planning : Planning or None
        Coverage and proposed checkpoints drawn over the map; None (the default) draws none.
    """

    title: str = ""
    as_of: datetime | None = None
    visible_layers: tuple[str, ...] = DEFAULT_VISIBLE_LAYERS
    filters: Filters = field(default_factory=Filters)
    view: View = field(default_factory=View)
    basemap: str = "none"
    labels: bool = True
    audience: str = "public"
    village_fill: str = "households_under_observation"
    planning: Planning | None = None

    def __post_init__(self):
        _check_text("title", self.title)
        _set(self, "as_of", _as_of("as_of", self.as_of))
        _set(self, "visible_layers", _layer_names("visible_layers", self.visible_layers))
        _check_instance("filters", self.filters, Filters)
        _check_instance("view", self.view, View)
        _check_basemap("basemap", self.basemap)
        _check_bool("labels", self.labels)
        _check_choice("audience", self.audience, AUDIENCES)
        _check_choice("village_fill", self.village_fill, VILLAGE_FILLS)
        if self.planning is not None:
            _check_instance("planning", self.planning, Planning)

    # -- changing --------------------------------------------------------------------------

    def replace(self, **changes: Any) -> MapState:
        """A copy with ``changes`` applied (checked like the constructor).

        Examples
        --------
        >>> MapState().replace(audience="internal").audience
        'internal'
        """
        _check_known_keys(changes, MapState, "")
        return dataclasses.replace(self, **changes)

    def with_filters(self, **changes: Any) -> MapState:
        """A copy whose filters have ``changes`` applied.

        Examples
        --------
        >>> MapState().with_filters(overdue_only=True).filters.overdue_only
        True
        """
        _check_known_keys(changes, Filters, "filters")
        return dataclasses.replace(self, filters=dataclasses.replace(self.filters, **changes))

    # -- JSON ------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ``version`` first, tuples as lists, ``as_of`` as ISO text or None."""
        data: dict[str, Any] = {"version": MAPSTATE_VERSION}
        data.update(_plain_fields(self))
        data["as_of"] = None if self.as_of is None else self.as_of.isoformat(timespec="seconds")
        data["filters"] = _plain_fields(self.filters)
        data["view"] = _plain_fields(self.view)
        # Left out when unused, so that a state without planning is the same JSON as before.
        if self.planning is None:
            del data["planning"]
        else:
            data["planning"] = self.planning.to_dict()
        return data

    def to_json(self) -> str:
        """Pretty JSON text; Chinese is kept as written, not ``\\u`` escaped."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MapState:
        """The MapState a :meth:`to_dict` dict (of this or an older version) describes.

        Keys left out take their defaults; a missing ``version`` is read as 1.

        Raises
        ------
        MapStateError
            For an unknown key, a value of the wrong type or out of range, or a version newer
            than this application reads.
        """
        if not isinstance(data, dict):
            raise MapStateError(f"a map state must be a JSON object, got {_describe(data)}")
        data = _upgraded(data)
        _check_known_keys(data, cls, "")
        if "filters" in data:
            data["filters"] = _from_section(Filters, data["filters"], "filters")
        if "view" in data:
            data["view"] = _from_section(View, data["view"], "view")
        if data.get("planning") is not None:
            data["planning"] = _planning_from_dict(data["planning"])
        return cls(**data)

    @classmethod
    def from_json(cls, text: str) -> MapState:
        """The MapState in JSON ``text`` (see :meth:`from_dict`)."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MapStateError(f"not valid JSON: {exc}") from None
        return cls.from_dict(data)

    def save(self, path: str | os.PathLike) -> None:
        """Write this state to ``path`` as UTF-8 JSON.

        The text goes to a file beside ``path`` that is then renamed over it, so an
        interrupted save leaves the previous preset whole.
        """
        target = Path(path)
        staging = target.with_name(f".{target.name}.saving")
        try:
            staging.write_text(self.to_json() + "\n", encoding="utf-8")
            os.replace(staging, target)
        except OSError as exc:
            staging.unlink(missing_ok=True)
            raise MapStateError(f"{target}: cannot save the view preset ({exc.strerror or exc})") from None

    @classmethod
    def load(cls, path: str | os.PathLike) -> MapState:
        """The MapState saved in ``path``; any problem is reported with the file's name."""
        source = Path(path)
        try:
            text = source.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise MapStateError(f"{source}: not UTF-8 text") from None
        except OSError as exc:
            raise MapStateError(f"{source}: cannot read the view preset ({exc.strerror or exc})") from None
        try:
            return cls.from_json(text)
        except MapStateError as exc:
            raise MapStateError(f"{source}: {exc}") from None


# -- versions ------------------------------------------------------------------------------


def _upgraded(data: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``data``, without its ``version`` key, brought to the current version."""
    data = dict(data)
    version = data.pop("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise MapStateError(f"version: expected a whole number from 1, got {_describe(version)}")
    if version > MAPSTATE_VERSION:
        raise MapStateError(
            f"version: this view preset has format version {version}, written by a newer "
            f"application; this one reads up to version {MAPSTATE_VERSION}"
        )
    while version < MAPSTATE_VERSION:
        data = _MIGRATIONS[version](data)
        version += 1
    return data


# -- building from dicts and back ----------------------------------------------------------


def _from_section(cls: type, data: Any, path: str):
    if not isinstance(data, dict):
        raise MapStateError(f"{path}: expected a JSON object, got {_describe(data)}")
    _check_known_keys(data, cls, path)
    return cls(**data)


def _planning_from_dict(data: Any) -> Planning:
    if not isinstance(data, dict):
        raise MapStateError(f"planning: expected a JSON object, got {_describe(data)}")
    _check_known_keys(data, Planning, "planning")
    data = dict(data)
    weights = data.get("weights")
    if weights is not None:
        if not isinstance(weights, dict):
            raise MapStateError(
                f"planning.weights: expected an object of road class to weight, got {_describe(weights)}"
            )
        data["weights"] = tuple(weights.items())
    for name in ("proposed", "what_if"):
        sites = _sequence(f"planning.{name}", data.get(name, ()))
        parsed = []
        for site in sites or ():
            if not isinstance(site, dict):
                raise MapStateError(f"planning.{name}: expected site objects, got {_describe(site)}")
            _check_known_keys(site, PlannedSite, f"planning.{name}")
            parsed.append(PlannedSite(**site))
        data[name] = tuple(parsed)
    return Planning(**data)


def _road_weights(path: str, value) -> tuple[tuple[str, float], ...] | None:
    pairs = _sequence(path, value)
    if pairs is None:
        return None
    checked = []
    for pair in pairs:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise MapStateError(f"{path}: expected (road class, weight) pairs, got {_describe(pair)}")
        _check_choice(path, pair[0], ROAD_CLASSES)
        checked.append((pair[0], _number(f"{path}.{pair[0]}", pair[1], 0.0, math.inf)))
    return tuple(checked)


def _planned_sites(path: str, value) -> tuple[PlannedSite, ...]:
    sites = _sequence(path, value) or ()
    for site in sites:
        _check_instance(path, site, PlannedSite)
    return sites


def _plain_fields(value) -> dict[str, Any]:
    """The fields of a dataclass value, tuples as lists (JSON has no tuples)."""
    return {f.name: list(v) if isinstance(v := getattr(value, f.name), tuple) else v for f in dataclasses.fields(value)}


def _check_known_keys(data: dict[str, Any], cls: type, path: str) -> None:
    known = [f.name for f in dataclasses.fields(cls)]
    for key in data:
        if key not in known:
            raise MapStateError(f"{_join(path, key)}: unknown key; known keys: {', '.join(known)}")


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


# -- value checks: each returns the value as stored (lists become tuples) or raises ---------


def _set(instance, name: str, value) -> None:
    # The dataclasses are frozen; __post_init__ is the one place that stores normalised values.
    object.__setattr__(instance, name, value)


def _describe(value) -> str:
    return f"{type(value).__name__} {value!r}"


def _sequence(path: str, value) -> tuple | None:
    if value is None:
        return None
    if not isinstance(value, (list, tuple)):
        raise MapStateError(f"{path}: expected a list or null, got {_describe(value)}")
    return tuple(value)


def _texts(path: str, value) -> tuple[str, ...] | None:
    items = _sequence(path, value)
    for item in items or ():
        if not isinstance(item, str) or not item:
            raise MapStateError(f"{path}: expected non-empty text items, got {_describe(item)}")
    return items


def _choices(path: str, value, allowed: tuple[str, ...]) -> tuple[str, ...] | None:
    items = _texts(path, value)
    for item in items or ():
        _check_choice(path, item, allowed)
    return items


def _layer_names(path: str, value) -> tuple[str, ...]:
    if value is None:
        raise MapStateError(f"{path}: expected a list of layer names, got None")
    names = _choices(path, value, tuple(LAYERS)) or ()
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise MapStateError(f"{path}: {', '.join(map(repr, duplicates))} listed more than once")
    return names


def _check_choice(path: str, value, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise MapStateError(f"{path}: {value!r} is not one of {', '.join(allowed)}")


def _check_text(path: str, value) -> None:
    if not isinstance(value, str):
        raise MapStateError(f"{path}: expected text, got {_describe(value)}")


def _check_bool(path: str, value) -> None:
    if not isinstance(value, bool):
        raise MapStateError(f"{path}: expected true or false, got {_describe(value)}")


def _check_instance(path: str, value, cls: type) -> None:
    if not isinstance(value, cls):
        raise MapStateError(f"{path}: expected a {cls.__name__}, got {_describe(value)}")


def _whole_number(path: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MapStateError(f"{path}: expected a whole number, got {_describe(value)}")
    return value


def _number(path: str, value, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise MapStateError(f"{path}: expected a number, got {_describe(value)}")
    if not low <= value <= high:
        raise MapStateError(f"{path}: {value!r} is outside {low:g}..{high:g}")
    return float(value)


def _day_range(path: str, value) -> tuple[int, int] | None:
    days = _sequence(path, value)
    if days is None:
        return None
    if len(days) != 2:
        raise MapStateError(f"{path}: expected [first day, last day], got {list(days)!r}")
    first, last = (_whole_number(path, day) for day in days)
    if not (1 <= first <= OBSERVATION_DAYS and 1 <= last <= OBSERVATION_DAYS):
        raise MapStateError(f"{path}: days must be within 1..{OBSERVATION_DAYS}, got {list(days)!r}")
    if first > last:
        raise MapStateError(f"{path}: first day {first} is after last day {last}")
    return (first, last)


def _bounds(path: str, value) -> tuple[float, float, float, float] | None:
    edges = _sequence(path, value)
    if edges is None:
        return None
    if len(edges) != 4:
        raise MapStateError(f"{path}: expected [west, south, east, north], got {list(edges)!r}")
    west, east = (_number(path, edge, -180.0, 180.0) for edge in (edges[0], edges[2]))
    south, north = (_number(path, edge, -90.0, 90.0) for edge in (edges[1], edges[3]))
    if not west < east:
        raise MapStateError(f"{path}: west {west!r} must be less than east {east!r}")
    if not south < north:
        raise MapStateError(f"{path}: south {south!r} must be less than north {north!r}")
    return (west, south, east, north)


def _center(path: str, value) -> tuple[float, float] | None:
    point = _sequence(path, value)
    if point is None:
        return None
    if len(point) != 2:
        raise MapStateError(f"{path}: expected [latitude, longitude], got {list(point)!r}")
    return (_number(path, point[0], -90.0, 90.0), _number(path, point[1], -180.0, 180.0))


def _as_of(path: str, value) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise MapStateError(f"{path}: {value!r} is not a date and time ({_AS_OF_FORMAT})") from None
    elif isinstance(value, date) and not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    elif not isinstance(value, datetime):
        raise MapStateError(f"{path}: expected a date and time ({_AS_OF_FORMAT}) or null, got {_describe(value)}")
    if value.tzinfo is not None:
        raise MapStateError(f"{path}: expected local time without a time zone, got {value.isoformat()!r}")
    # A plain datetime to the second, whatever subclass came in (pandas.Timestamp), so that
    # the JSON text (to the second) reads back to an equal state.
    return datetime(*value.timetuple()[:6])


def _check_basemap(path: str, value) -> None:
    _check_text(path, value)
    if value == "none":
        return
    if value.startswith("local:"):
        if not value[len("local:") :].strip():
            raise MapStateError(f"{path}: 'local:' must be followed by a tile folder")
        return
    if not _PROVIDER_KEY.fullmatch(value):
        raise MapStateError(f"{path}: {value!r} is not 'none', 'local:<folder>' or a provider key such as 'osm'")
