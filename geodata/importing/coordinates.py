"""Locations from a table: longitude/latitude cells in any usual writing, in any coordinate
system, checked for the slips that put a point in the wrong place.

Cells may be decimal degrees (113.975), degrees-minutes-seconds (113°58'30"E, 113度58分30秒,
E113 58 30), or one cell with both numbers ("33.003,113.975"). The usual slips are caught:
longitude and latitude swapped, projected metres given where degrees were expected, and
points that land outside the township (often a map app's GCJ-02 or BD-09 read as WGS-84).
"""

from __future__ import annotations

import math
import numbers
import re
from dataclasses import dataclass, field
from typing import SupportsFloat, cast

import numpy as np
import pandas as pd

from geodata.chinese_crs import in_china
from geodata.coords import NAMED_SYSTEMS, to_wgs84
from geodata.messages import N_, Message

_HEMISPHERE = {"n": 1, "e": 1, "s": -1, "w": -1, "北": 1, "东": 1, "南": -1, "西": -1}
_DMS = re.compile(
    r"^(?P<h1>[NSEWnsew东西南北]|北纬|东经|南纬|西经)?\s*(?P<deg>[-+]?\d+(?:\.\d+)?)\s*(?:[°度:\s]\s*"
    r"(?:(?P<min>\d+(?:\.\d+)?)\s*(?:['′’分:\s]\s*)?)?(?:(?P<sec>\d+(?:\.\d+)?)\s*(?:\"|″|”|''|秒)?)?)?"
    r"\s*(?P<h2>[NSEWnsew东西南北])?$"
)


def parse_angle(cell) -> float:
    """A coordinate cell as decimal degrees (or plain number); NaN if it is none."""
    if cell is None or isinstance(cell, bool):
        return math.nan
    if isinstance(cell, numbers.Number):
        # Typeshed's Number has no __float__; every Number a reader yields (int, float, numpy, Decimal) has one.
        return float(cast(SupportsFloat, cell))
    text = str(cell).strip().replace("，", ",")
    if not text:
        return math.nan
    try:
        return float(text)
    except ValueError:
        pass
    match = _DMS.match(text)
    if match is None:
        return math.nan
    degrees = float(match["deg"])
    minutes = float(match["min"] or 0)
    seconds = float(match["sec"] or 0)
    if minutes >= 60 or seconds >= 60:
        return math.nan
    value = abs(degrees) + minutes / 60 + seconds / 3600
    sign = -1 if degrees < 0 else 1
    hemisphere = (match["h1"] or match["h2"] or "").lower()[:1]
    return sign * _HEMISPHERE.get(hemisphere, 1) * value


def parse_angles(cells: pd.Series) -> np.ndarray:
    """A column of coordinate cells as floats (NaN where unreadable); fast for plain numbers."""
    numbers_ = np.array(pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float, na_value=np.nan))
    todo = np.flatnonzero(np.isnan(numbers_) & cells.notna().to_numpy())
    if len(todo):
        distinct: dict = {}
        values = cells.to_numpy(dtype=object)
        for row in todo:
            cell = values[row]
            key = str(cell)
            if key not in distinct:
                distinct[key] = parse_angle(cell)
            numbers_[row] = distinct[key]
    return numbers_


def parse_pairs(cells: pd.Series, order: str) -> tuple[np.ndarray, np.ndarray]:
    """A column of "a,b" cells as (longitude, latitude); ``order`` is ``lon_first``,
    ``lat_first`` or ``by_size`` (the larger number is the longitude, true all over China)."""
    firsts, seconds = [], []
    for cell in cells.tolist():
        parts = [p for p in re.split(r"[,，;；/\s]+", str(cell).strip()) if p] if cell is not None else []
        if len(parts) != 2:
            firsts.append(math.nan)
            seconds.append(math.nan)
            continue
        firsts.append(parse_angle(parts[0]))
        seconds.append(parse_angle(parts[1]))
    first, second = np.array(firsts, float), np.array(seconds, float)
    if order == "lon_first":
        return first, second
    if order == "lat_first":
        return second, first
    first_bigger = np.abs(first) >= np.abs(second)
    return np.where(first_bigger, first, second), np.where(first_bigger, second, first)


@dataclass
class Located:
    """Longitudes and latitudes in WGS-84 (NaN where unknown) and what was found on the way.

    ``row_problems``: row -> (severity, message); ``file_problems``: (severity, message).
    """

    lon: np.ndarray
    lat: np.ndarray
    row_problems: dict[int, tuple[str, str]] = field(default_factory=dict)
    file_problems: list[tuple[str, str]] = field(default_factory=list)


def locate(x: np.ndarray, y: np.ndarray, given: np.ndarray, crs_name: str) -> Located:
    """Turn numbers read from the file (``given``: the row had coordinate cells) into WGS-84,
    catching swapped columns and projected numbers where degrees were expected.

    ``crs_name`` is a name from :func:`geodata.coords.source_crs_name`.
    """
    x, y = np.array(x, float), np.array(y, float)
    found = Located(np.full(len(x), np.nan), np.full(len(x), np.nan))
    unreadable = given & (np.isnan(x) | np.isnan(y))
    for row in np.flatnonzero(unreadable):
        found.row_problems[int(row)] = (
            "error",
            Message(
                N_(
                    "the coordinates cannot be read as numbers or degrees-minutes-seconds; "
                    "write e.g. 113.975 and 33.003"
                )
            ),
        )
    usable = given & ~unreadable
    in_degrees = crs_name in NAMED_SYSTEMS or _is_geographic(crs_name)
    if in_degrees:
        x, y = _unswap(x, y, usable, found)
        projected = usable & ((np.abs(x) > 180) | (np.abs(y) > 90))
        if projected.any():
            _report_projected(x, y, projected, usable, found)
            usable &= ~projected
    if usable.any():
        lon, lat = to_wgs84(x[usable], y[usable], crs_name)
        found.lon[usable], found.lat[usable] = lon, lat
        bad = usable.copy()
        bad[usable] = ~(np.isfinite(lon) & np.isfinite(lat))
        for row in np.flatnonzero(bad):
            found.row_problems[int(row)] = (
                "error",
                Message(N_("the coordinates are outside what {crs} covers; check the numbers and --crs"), crs=crs_name),
            )
    return found


def _is_geographic(crs_name: str) -> bool:
    from pyproj import CRS

    return CRS.from_user_input(crs_name).is_geographic


def _unswap(x, y, usable, found: Located):
    """Rows whose longitude looks like a latitude and the other way round, read swapped."""
    with np.errstate(invalid="ignore"):
        impossible = (np.abs(y) > 90) & (np.abs(x) <= 90)
        chinese = in_china(y, x) & ~in_china(x, y)
    swapped = usable & (impossible | chinese)
    count = int(swapped.sum())
    if not count:
        return x, y
    if count == int(usable.sum()) and count > 1:
        found.file_problems.append(
            (
                "warning",
                Message(
                    N_(
                        "the longitude and latitude columns are swapped in all {count} rows; "
                        "they were read the other way round"
                    ),
                    count=count,
                ),
            )
        )
    else:
        for row in np.flatnonzero(swapped):
            found.row_problems[int(row)] = (
                "warning",
                Message(N_("longitude and latitude are swapped in this row; they were read the other way round")),
            )
    return np.where(swapped, y, x), np.where(swapped, x, y)


def _report_projected(x, y, projected, usable, found: Located) -> None:
    suggestion = _projection_guess(np.nanmedian(x[projected]), np.nanmedian(y[projected]))
    count = int(projected.sum())
    if count == int(usable.sum()):
        found.file_problems.append(
            (
                "error",
                Message(
                    N_(
                        "the coordinates are not degrees of longitude/latitude but projected metres "
                        "({count} rows); {suggestion}"
                    ),
                    count=count,
                    suggestion=suggestion,
                ),
            )
        )
        return
    for row in np.flatnonzero(projected):
        found.row_problems[int(row)] = (
            "error",
            Message(
                N_("the coordinates are not degrees of longitude/latitude (outside ±180/±90); {suggestion}"),
                suggestion=suggestion,
            ),
        )


def _projection_guess(x: float, y: float) -> Message:
    """Which projected system numbers of this size usually come from, as advice."""
    if 1e6 <= abs(y) <= 1e7:
        zone = int(abs(x) // 1e6)
        if 25 <= zone <= 45:
            return Message(
                N_("they look like CGCS2000 3-degree Gauss-Kruger zone {zone} (import with --crs EPSG:{epsg})"),
                zone=zone,
                epsg=4513 + zone - 25,
            )
        if 13 <= zone <= 23:
            return Message(
                N_("they look like CGCS2000 6-degree Gauss-Kruger zone {zone} (import with --crs EPSG:{epsg})"),
                zone=zone,
                epsg=4491 + zone - 13,
            )
        if 1e5 <= abs(x) < 1e6:
            return Message(
                N_(
                    "they look like Gauss-Kruger metres without a zone number, e.g. CGCS2000 "
                    "CM 114E (import with --crs EPSG:4547)"
                )
            )
        if 1.1e7 <= abs(x) < 1.6e7:
            return Message(N_("they look like Web Mercator metres (import with --crs EPSG:3857)"))
    return Message(N_("import with --crs and the file's coordinate system (e.g. EPSG:4547)"))


def outside_by_metres(lon: np.ndarray, lat: np.ndarray, township, metric_crs) -> np.ndarray:
    """How far each point lies outside ``township`` (a shapely area in WGS-84), in metres;
    0 inside, NaN where the point is unknown."""
    import geopandas as gpd
    import shapely

    known = np.isfinite(lon) & np.isfinite(lat)
    distances = np.full(len(lon), np.nan)
    shapely.prepare(township)
    inside = known.copy()
    inside[known] = shapely.contains_xy(township, lon[known], lat[known])
    distances[inside] = 0.0
    known &= ~inside  # only the few points outside need a distance, the slow part
    if not known.any():
        return distances
    points = gpd.GeoSeries(shapely.points(lon[known], lat[known]), crs="EPSG:4326").to_crs(metric_crs)
    area = gpd.GeoSeries([township], crs="EPSG:4326").to_crs(metric_crs).iloc[0]
    distances[known] = shapely.distance(points.to_numpy(), area)
    return distances
