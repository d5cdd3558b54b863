"""The MapState value and its parts (filters, view, planning), and their JSON form."""

from __future__ import annotations

import dataclasses
import json
import math
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from geodata.messages import N_, Message
from geodata.schema import CHECKPOINT_STATUSES, CHECKPOINT_TIERS, HOUSEHOLD_REASONS, HOUSEHOLD_STATUSES
from layers.map_state import migrations
from layers.map_state.checks import (
    MapStateError,
    check_basemap,
    check_bool,
    check_choice,
    check_instance,
    check_known_keys,
    check_text,
    checked_as_of,
    checked_bounds,
    checked_center,
    checked_choices,
    checked_day_range,
    checked_layer_names,
    checked_number,
    checked_road_weights,
    checked_sequence,
    checked_texts,
    describe,
    set_checked,
)

DEFAULT_VISIBLE_LAYERS = ("villages", "roads", "checkpoints", "households", "disinfection_points")
AUDIENCES = ("public", "internal")
VILLAGE_FILLS = ("households_under_observation", "none")
# The datum of the basemap's tiles: "auto" is what the basemap file says (layers/webmap.py).
BASEMAP_DATUMS = ("auto", "wgs84", "gcj02")
MAX_ZOOM = 30.0


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
        set_checked(self, "villages", checked_texts("filters.villages", self.villages))
        set_checked(
            self,
            "checkpoint_tiers",
            checked_choices("filters.checkpoint_tiers", self.checkpoint_tiers, CHECKPOINT_TIERS),
        )
        set_checked(
            self,
            "checkpoint_statuses",
            checked_choices("filters.checkpoint_statuses", self.checkpoint_statuses, CHECKPOINT_STATUSES),
        )
        set_checked(
            self,
            "household_reasons",
            checked_choices("filters.household_reasons", self.household_reasons, HOUSEHOLD_REASONS),
        )
        set_checked(
            self,
            "household_statuses",
            checked_choices("filters.household_statuses", self.household_statuses, HOUSEHOLD_STATUSES),
        )
        set_checked(self, "observation_days", checked_day_range("filters.observation_days", self.observation_days))
        check_bool("filters.overdue_only", self.overdue_only)


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
        set_checked(self, "bounds", checked_bounds("view.bounds", self.bounds))
        set_checked(self, "center", checked_center("view.center", self.center))
        if self.zoom is not None:
            set_checked(self, "zoom", checked_number("view.zoom", self.zoom, 0.0, MAX_ZOOM))


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
        set_checked(self, "longitude", checked_number("planning.site.longitude", self.longitude, -180.0, 180.0))
        set_checked(self, "latitude", checked_number("planning.site.latitude", self.latitude, -90.0, 90.0))
        check_text("planning.site.label", self.label)
        if self.gain is not None:
            set_checked(self, "gain", checked_number("planning.site.gain", self.gain, 0.0, math.inf))


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
        radius = checked_number("planning.radius_m", self.radius_m, 0.0, 100_000.0)
        if radius <= 0:
            raise MapStateError(
                Message(N_("planning.radius_m: must be above 0, got {value}"), value=repr(self.radius_m))
            )
        set_checked(self, "radius_m", radius)
        check_bool("planning.along_roads", self.along_roads)
        check_bool("planning.show_gaps", self.show_gaps)
        set_checked(self, "weights", checked_road_weights("planning.weights", self.weights))
        for name in ("proposed", "what_if"):
            set_checked(self, name, _planned_sites(f"planning.{name}", getattr(self, name)))

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
        ``"none"``, ``"local:<folder holding {z}/{x}/{y}.png tiles>"``,
        ``"mbtiles:<path of a raster .mbtiles file>"`` or an online provider key such as
        ``"osm"``.
    labels : bool
        Whether features carry name labels.
    audience : str
        ``"public"`` (no personal fields: the default, so privacy needs no action) or
        ``"internal"``.
    village_fill : str
        What colours the village polygons: ``"households_under_observation"`` or ``"none"``.
    planning : Planning or None
        Coverage and proposed checkpoints drawn over the map; None (the default) draws none.
    basemap_datum : str
        The datum the basemap's tiles are drawn in: ``"auto"`` (what an MBTiles file's metadata
        says, else WGS-84), ``"wgs84"`` (also Tianditu's CGCS2000) or ``"gcj02"`` (Gaode,
        Tencent: the overlays are shifted onto it for display).
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
    basemap_datum: str = "auto"

    def __post_init__(self):
        check_text("title", self.title)
        set_checked(self, "as_of", checked_as_of("as_of", self.as_of))
        set_checked(self, "visible_layers", checked_layer_names("visible_layers", self.visible_layers))
        check_instance("filters", self.filters, Filters)
        check_instance("view", self.view, View)
        check_basemap("basemap", self.basemap)
        check_bool("labels", self.labels)
        check_choice("audience", self.audience, AUDIENCES)
        check_choice("village_fill", self.village_fill, VILLAGE_FILLS)
        if self.planning is not None:
            check_instance("planning", self.planning, Planning)
        check_choice("basemap_datum", self.basemap_datum, BASEMAP_DATUMS)

    # -- changing --------------------------------------------------------------------------

    def replace(self, **changes: Any) -> MapState:
        """A copy with ``changes`` applied (checked like the constructor).

        Examples
        --------
        >>> MapState().replace(audience="internal").audience
        'internal'
        """
        check_known_keys(changes, MapState, "")
        return dataclasses.replace(self, **changes)

    def with_filters(self, **changes: Any) -> MapState:
        """A copy whose filters have ``changes`` applied.

        Examples
        --------
        >>> MapState().with_filters(overdue_only=True).filters.overdue_only
        True
        """
        check_known_keys(changes, Filters, "filters")
        return dataclasses.replace(self, filters=dataclasses.replace(self.filters, **changes))

    # -- JSON ------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: ``version`` first, tuples as lists, ``as_of`` as ISO text or None."""
        data: dict[str, Any] = {"version": migrations.MAPSTATE_VERSION}
        data.update(_plain_fields(self))
        data["as_of"] = None if self.as_of is None else self.as_of.isoformat(timespec="seconds")
        data["filters"] = _plain_fields(self.filters)
        data["view"] = _plain_fields(self.view)
        # Left out when unused, so that a state without planning is the same JSON as before.
        if self.planning is None:
            del data["planning"]
        else:
            data["planning"] = self.planning.to_dict()
        if self.basemap_datum == "auto":
            del data["basemap_datum"]
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
            raise MapStateError(Message(N_("a map state must be a JSON object, got {value}"), value=describe(data)))
        data = migrations.upgraded(data)
        check_known_keys(data, cls, "")
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
            raise MapStateError(
                Message(N_("not valid JSON: line {line}, column {column}"), line=exc.lineno, column=exc.colno)
            ) from None
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
            raise MapStateError(
                Message(N_("{path}: cannot save the view preset ({reason})"), path=target, reason=exc.strerror or exc)
            ) from None

    @classmethod
    def load(cls, path: str | os.PathLike) -> MapState:
        """The MapState saved in ``path``; any problem is reported with the file's name."""
        source = Path(path)
        try:
            text = source.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise MapStateError(Message(N_("{path}: not UTF-8 text"), path=source)) from None
        except OSError as exc:
            raise MapStateError(
                Message(N_("{path}: cannot read the view preset ({reason})"), path=source, reason=exc.strerror or exc)
            ) from None
        try:
            return cls.from_json(text)
        except MapStateError as exc:
            raise MapStateError(Message(N_("{path}: {problem}"), path=source, problem=exc.args[0])) from None


# -- building from dicts and back ----------------------------------------------------------


def _from_section(cls: type, data: Any, path: str):
    if not isinstance(data, dict):
        raise MapStateError(Message(N_("{key}: expected a JSON object, got {value}"), key=path, value=describe(data)))
    check_known_keys(data, cls, path)
    return cls(**data)


def _planning_from_dict(data: Any) -> Planning:
    if not isinstance(data, dict):
        raise MapStateError(
            Message(N_("{key}: expected a JSON object, got {value}"), key="planning", value=describe(data))
        )
    check_known_keys(data, Planning, "planning")
    data = dict(data)
    weights = data.get("weights")
    if weights is not None:
        if not isinstance(weights, dict):
            raise MapStateError(
                Message(
                    N_("planning.weights: expected an object of road class to weight, got {value}"),
                    value=describe(weights),
                )
            )
        data["weights"] = tuple(weights.items())
    for name in ("proposed", "what_if"):
        sites = checked_sequence(f"planning.{name}", data.get(name, ()))
        parsed = []
        for site in sites or ():
            if not isinstance(site, dict):
                raise MapStateError(
                    Message(
                        N_("{key}: expected site objects, got {value}"), key=f"planning.{name}", value=describe(site)
                    )
                )
            check_known_keys(site, PlannedSite, f"planning.{name}")
            parsed.append(PlannedSite(**site))
        data[name] = tuple(parsed)
    return Planning(**data)


def _planned_sites(path: str, value) -> tuple[PlannedSite, ...]:
    sites = checked_sequence(path, value) or ()
    for site in sites:
        check_instance(path, site, PlannedSite)
    return sites


def _plain_fields(value) -> dict[str, Any]:
    """The fields of a dataclass value, tuples as lists (JSON has no tuples)."""
    return {f.name: list(v) if isinstance(v := getattr(value, f.name), tuple) else v for f in dataclasses.fields(value)}
