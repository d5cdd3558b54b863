"""Checks across layers: points in the township and in their own village, references from
one layer to another, villages overlapping each other, the scope of table rows, and events that
name their feature, its village and a day the dataset can know of.

Shapes are compared in the metric CRS that fits the villages, so the tolerances below are in
metres, and every spatial test is one vectorised query on a spatial index, never a Python
loop over polygons: 10,000 households take a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geodata.coords import metric_crs_for
from geodata.messages import N_, Message
from geodata.schema import EARLIEST_DAY, EVENTS, LATEST_DAY, STORAGE_CRS, TABLES
from geodata.validation._geometry_checks import usable_shapes
from geodata.validation._problem import ERROR, WARNING, Finding, quote, shown
from geodata.validation._view import FrameView

# Digitising slack: a point this close to a village counts as inside it, so a checkpoint
# drawn on a border road is not reported for lying a metre across it.
TOLERANCE_M = 5.0
# Shared borders drawn twice never match exactly; slivers below this are not overlaps.
MIN_OVERLAP_M2 = 1.0

# A field holding the id of a feature of another layer:
# (layer, field, layer referred to, what one feature of it is called).
_ID_REFERENCES = (("disinfection_points", "checkpoint", "checkpoints", Message(N_("checkpoint"))),)
# The feature each event happened to: (event table, field, layer referred to, what one feature
# of it is called). Unlike the references above the field is required, so it cannot be left empty.
_EVENT_SUBJECTS = (
    ("disinfection_rounds", "point", "disinfection_points", Message(N_("disinfection point"))),
    ("followups", "household", "households", Message(N_("household"))),
    ("status_changes", "household", "households", Message(N_("household"))),
    ("checkpoint_changes", "checkpoint", "checkpoints", Message(N_("checkpoint"))),
)
# Events are about this work; a day before it is a typing slip (2002 for 2020, say), but a
# plausible one, so a warning rather than the error of a day outside 1900-2099.
FIRST_EVENT_DAY = pd.Timestamp("2019-01-01")


def cross_layer_findings(views: Mapping[str, FrameView], metadata: Mapping[str, str]) -> list[Finding]:
    """Every cross-layer problem of a dataset whose layers are read into ``views``."""
    villages = views.get("villages")
    codes = _village_codes(villages)
    findings = list(_check_scopes(views, codes, metadata))
    findings += _check_id_references(views)
    findings += _check_event_subjects(views, codes)
    findings += _check_event_days(views, metadata)
    if villages is None or villages.n_rows == 0:
        return findings  # nothing to check village codes or locations against
    findings += _check_village_references(views, codes)
    village_shapes = _metric_village_shapes(villages)
    if village_shapes is None:
        return findings
    findings += _check_village_overlaps(villages, village_shapes)
    for view in _point_layers(views):
        points = _metric_points(view, village_shapes.crs)
        near = _near_pairs(points, village_shapes)
        findings += _check_points_in_township(view, points, village_shapes, near)
        findings += _check_points_in_their_village(view, points, villages, village_shapes, codes, near)
    return findings


def event_findings(views: Mapping[str, FrameView], metadata: Mapping[str, str]) -> list[Finding]:
    """The checks of events alone: the feature each names, its village, its day."""
    codes = _village_codes(views.get("villages"))
    return [*_check_event_subjects(views, codes), *_check_event_days(views, metadata)]


# --- references ----------------------------------------------------------------------------


def _check_village_references(views, codes: dict[str, int]) -> Iterator[Finding]:
    """A checkpoint, household or disinfection point whose village code names no village."""
    for view in views.values():
        field_name = view.schema.village_field
        if field_name is None or not view.has(field_name):
            continue
        values = view.parsed(field_name).values
        unknown = values.notna() & ~values.isin(list(codes))
        for row in np.flatnonzero(unknown.to_numpy(bool)):
            value = shown(view.schema.field(field_name), values.iloc[row])
            message = Message(
                N_("no village has the code {value}; use the code of a village in the villages layer"), value=value
            )
            yield view.finding(ERROR, int(row), field_name, message)


def _check_id_references(views) -> Iterator[Finding]:
    """A disinfection point at a checkpoint that does not exist."""
    for layer, field_name, target_layer, target_noun in _ID_REFERENCES:
        view = views.get(layer)
        if view is None or not view.has(field_name):
            continue
        target = views.get(target_layer)
        target_ids = _ids(target) if target is not None else set()
        values = view.parsed(field_name).values
        unknown = values.notna() & ~values.isin(list(target_ids))
        for row in np.flatnonzero(unknown.to_numpy(bool)):
            value = shown(view.schema.field(field_name), values.iloc[row])
            message = Message(
                N_("no {target} has the id {value}; correct it or leave it empty"), target=target_noun, value=value
            )
            yield view.finding(ERROR, int(row), field_name, message)


def _check_event_subjects(views, codes: dict[str, int]) -> Iterator[Finding]:
    """An event naming a feature that does not exist, or one of another village than the
    event's own: warnings, since the event still counts in its village's history (a household
    list replaced by import keeps the follow-ups of those who left it)."""
    for layer, field_name, target_layer, target_noun in _EVENT_SUBJECTS:
        view = views.get(layer)
        target = views.get(target_layer)
        if view is None or target is None or not view.has(field_name):
            continue  # without the layer there is nothing to look the feature up in
        villages_of = _villages_by_id(target)
        subjects = view.parsed(field_name).values
        unknown = subjects.notna() & ~subjects.isin(list(villages_of))
        for row in np.flatnonzero(unknown.to_numpy(bool)):
            message = Message(
                N_("no {target} has the id {value}; an event must name one that exists"),
                target=target_noun,
                value=shown(view.schema.field(field_name), subjects.iloc[row]),
            )
            yield view.finding(WARNING, int(row), field_name, message)
        village_field = view.schema.village_field
        if village_field is None or not view.has(village_field):
            continue
        named = view.parsed(village_field).values
        actual = subjects.map(villages_of)
        known = list(codes)
        # An unknown code is already an error of its own, at the event or at the feature.
        differ = actual.isin(known) & named.isin(known) & (actual != named)
        for row in np.flatnonzero(differ.to_numpy(bool)):
            message = Message(
                N_("{target} {feature} belongs to village {actual}, not to {named}; correct the event's village"),
                target=target_noun,
                feature=shown(view.schema.field(field_name), subjects.iloc[row]),
                actual=quote(actual.iloc[row]),
                named=quote(named.iloc[row]),
            )
            yield view.finding(WARNING, int(row), village_field, message)


def _check_event_days(views, metadata: Mapping[str, str]) -> Iterator[Finding]:
    """An event dated before this work began or after the dataset's as-of time."""
    as_of = _as_of(metadata)
    for name in EVENTS:
        view = views.get(name)
        if view is None:
            continue
        for field in view.schema.fields:
            if field.type not in ("date", "datetime") or not view.has(field.name):
                continue
            times = view.parsed(field.name).values
            last = None if as_of is None else as_of.normalize() if field.type == "date" else as_of
            early = (times >= EARLIEST_DAY) & (times < FIRST_EVENT_DAY)
            late = (times > last) & (times <= LATEST_DAY) if last is not None else pd.Series(False, index=times.index)
            for row in np.flatnonzero(early.to_numpy(bool)):
                message = Message(
                    N_("{value} is before {first}, when this work began; check the year"),
                    value=shown(field, view.cell(field.name, int(row))),
                    first=f"{FIRST_EVENT_DAY:%Y-%m-%d}",
                )
                yield view.finding(WARNING, int(row), field.name, message)
            for row in np.flatnonzero(late.to_numpy(bool)):
                message = Message(
                    N_("{value} is after the dataset's as-of time {as_of}; check the day or the as-of time"),
                    value=shown(field, view.cell(field.name, int(row))),
                    as_of=f"{as_of:%Y-%m-%d %H:%M}",
                )
                yield view.finding(WARNING, int(row), field.name, message)


def _check_scopes(views, codes: dict[str, int], metadata: Mapping[str, str]) -> Iterator[Finding]:
    """Supplies and publicity rows whose scope is neither the township nor a village."""
    township = str((metadata or {}).get("township_code") or "").strip() or None
    if township is None and not codes:
        return  # nothing to check scopes against
    allowed = set(codes) | ({township} if township else set())
    for name in TABLES:
        view = views.get(name)
        if view is None or not view.has("scope"):
            continue
        values = view.parsed("scope").values
        outside = values.notna() & ~values.isin(list(allowed))
        for row in np.flatnonzero(outside.to_numpy(bool)):
            value = shown(view.schema.field("scope"), values.iloc[row])
            if township:
                message = Message(
                    N_("{value} is neither the township code {township} nor the code of a village"),
                    value=value,
                    township=township,
                )
            else:
                message = Message(N_("{value} is not the code of a village"), value=value)
            yield view.finding(ERROR, int(row), "scope", message)


# --- locations -----------------------------------------------------------------------------


def _check_village_overlaps(villages: FrameView, shapes: gpd.GeoSeries) -> Iterator[Finding]:
    """Villages covering the same ground, one problem per pair, at the first village."""
    first, second = shapes.sindex.query(shapes.values, predicate="intersects")
    pair = first < second  # each pair once, and not a village with itself
    first, second = first[pair], second[pair]
    areas = shapely.area(shapely.intersection(shapes.values[first], shapes.values[second]))
    for i, j, area in zip(first, second, areas, strict=False):
        if area <= MIN_OVERLAP_M2:
            continue  # a shared border, or a sliver of digitising noise
        row, other_row = int(shapes.index[i]), int(shapes.index[j])
        message = Message(
            N_("villages {first} and {second} overlap by {area}; correct their shared boundary"),
            first=villages.feature(row),
            second=villages.feature(other_row),
            area=_square_metres(area),
        )
        yield villages.finding(ERROR, row, "geometry", message)


def _check_points_in_township(
    view: FrameView, points: gpd.GeoSeries, villages: gpd.GeoSeries, near: np.ndarray
) -> Iterator[Finding]:
    """Points farther than the tolerance from every village: outside the township."""
    outside = points[~np.isin(points.index, near[0])]
    if outside.empty:
        return
    _, distances = villages.sindex.nearest(outside.values, return_distance=True, return_all=False)
    for row, distance in zip(outside.index, distances, strict=False):
        message = Message(
            N_(
                "the location lies {distance} outside the township; check the coordinates and "
                "their coordinate system (a phone-map location in GCJ-02 or BD-09 is hundreds "
                "of metres off)"
            ),
            distance=_metres(distance),
        )
        yield view.finding(ERROR, int(row), "geometry", message)


def _check_points_in_their_village(
    view: FrameView,
    points: gpd.GeoSeries,
    villages: FrameView,
    village_shapes: gpd.GeoSeries,
    codes: dict[str, int],
    near: np.ndarray,
) -> Iterator[Finding]:
    """Points inside the township but not in the village their village field names."""
    field_name = view.schema.village_field
    if field_name is None or not view.has(field_name):
        return
    named = view.parsed(field_name).values.iloc[points.index].map(codes)  # → village row
    inside_township = np.isin(points.index, near[0])
    checkable = named.notna() & np.isin(named, village_shapes.index) & inside_township
    if not checkable.any():
        return
    # A (point row, village row) pair as one number, to test membership in one vector step.
    width = villages.n_rows + 1
    near_keys = near[0] * width + near[1]
    named_keys = points.index.to_numpy() * width + named.fillna(-1).to_numpy(int)
    misplaced = points[checkable.to_numpy(bool) & ~np.isin(named_keys, near_keys)]
    if misplaced.empty:
        return
    (_, nearest), _ = village_shapes.sindex.nearest(misplaced.values, return_all=False, return_distance=True)
    for row, village_position in zip(misplaced.index, nearest, strict=False):
        named_row = int(named.loc[row])
        actual_row = int(village_shapes.index[village_position])
        message = Message(
            N_(
                "the location lies in village {actual}, not in {named} named in its {field} field; "
                "move the point or correct the village"
            ),
            actual=_village_label(villages, actual_row),
            named=_village_label(villages, named_row),
            field=field_name,
        )
        yield view.finding(WARNING, int(row), field_name, message)


# --- helpers -------------------------------------------------------------------------------


def _village_codes(villages: FrameView | None) -> dict[str, int]:
    """Village code → row position of the first village with that code."""
    if villages is None or not villages.has("code"):
        return {}
    codes: dict[str, int] = {}
    for row, code in enumerate(villages.parsed("code").values):
        if code is not None:
            codes.setdefault(code, row)
    return codes


def _villages_by_id(view: FrameView) -> dict[str, str | None]:
    """Feature id → its village code (None when it names none), the first feature of each id."""
    id_field, village_field = view.schema.id_field, view.schema.village_field
    if id_field is None or not view.has(id_field):
        return {}
    ids = view.parsed(id_field).values.tolist()
    if village_field is None or not view.has(village_field):
        villages: list[str | None] = [None] * len(ids)
    else:
        villages = view.parsed(village_field).values.tolist()
    found: dict[str, str | None] = {}
    for feature_id, village in zip(ids, villages, strict=True):
        if feature_id is not None:
            found.setdefault(feature_id, village)
    return found


def _as_of(metadata: Mapping[str, str]) -> pd.Timestamp | None:
    """The dataset's as-of time; a bare day means the end of that day. None when absent or
    unreadable (the metadata is not checked here)."""
    text = str((metadata or {}).get("as_of") or "").strip()
    if not text:
        return None
    try:
        as_of = pd.Timestamp(text)
    except (ValueError, TypeError, OverflowError):
        return None
    if pd.isna(as_of) or as_of.tzinfo is not None:
        return None
    if len(text) <= len("YYYY-MM-DD"):
        return as_of + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
    return as_of


def _ids(view: FrameView) -> set[str]:
    id_field = view.schema.id_field
    if id_field is None or not view.has(id_field):
        return set()
    return {value for value in view.parsed(id_field).values if value is not None}


def _village_label(villages: FrameView, row: int) -> str:
    label = villages.feature(row)
    name = villages.parsed("name").values.iloc[row] if villages.has("name") else None
    return f"{label} ({name})" if name else label


def _point_layers(views) -> list[FrameView]:
    return [view for view in views.values() if view.schema.village_field and view.schema.is_spatial]


def _metric_village_shapes(villages: FrameView) -> gpd.GeoSeries | None:
    """The villages' usable shapes in the metric CRS, indexed by row; None when there are none
    or they lie nowhere on Earth one could measure."""
    shapes = usable_shapes(villages, valid_only=False)
    # An invalid boundary is already reported; repaired, it still shows where the village is.
    shapes = np.where(shapely.is_valid(shapes), shapes, shapely.make_valid(shapes))
    rows = np.flatnonzero(~shapely.is_missing(shapes))
    if rows.size == 0:
        return None
    series = gpd.GeoSeries(shapes[rows], index=rows, crs=_crs_or_wgs84(villages))
    lonlat = series.to_crs(STORAGE_CRS)
    west, south, east, north = lonlat.total_bounds
    if not (
        np.isfinite([west, south, east, north]).all() and -180 <= west <= east <= 180 and -90 <= south <= north <= 90
    ):
        return None
    return series.to_crs(metric_crs_for(lonlat))


def _metric_points(view: FrameView, crs) -> gpd.GeoSeries:
    shapes = usable_shapes(view)
    rows = np.flatnonzero(~shapely.is_missing(shapes))
    return gpd.GeoSeries(shapes[rows], index=rows, crs=_crs_or_wgs84(view)).to_crs(crs)


def _near_pairs(points: gpd.GeoSeries, villages: gpd.GeoSeries) -> np.ndarray:
    """Row pairs (point row, village row) where the point is within the tolerance of the
    village, as a 2 × n array."""
    point_positions, village_positions = villages.sindex.query(points.values, predicate="dwithin", distance=TOLERANCE_M)
    return np.vstack([points.index.to_numpy()[point_positions], villages.index.to_numpy()[village_positions]])


def _metres(distance: float) -> str:
    return f"{distance:,.0f} m" if np.isfinite(distance) else Message(N_("far"))


def _square_metres(area: float) -> str:
    return f"{area:,.1f} m²" if area < 10 else f"{area:,.0f} m²"


def _crs_or_wgs84(view: FrameView):
    # A layer without a coordinate system is taken as WGS-84 (and warned about).
    return view.crs if view.crs is not None else STORAGE_CRS
