"""The shapes of imported rows in WGS-84: from a file's own geometries or from its coordinate
columns, with every slip found on the way."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely

from geodata.coords import NAMED_SYSTEMS, to_wgs84
from geodata.importing.columns import ColumnMap
from geodata.importing.coordinates import (
    Located,
    _projection_guess,
    locate,
    outside_by_metres,
    parse_angles,
    parse_pairs,
)
from geodata.importing.source import Source
from geodata.messages import N_, Message

# A point this far outside the township is surely misplaced; nearer, it may be a border slip.
OUTSIDE_ERROR_M = 1000.0
OUTSIDE_TOLERANCE_M = 5.0

# "No shape" as np.where takes it: its typed signature accepts arrays, not a bare None.
_NO_SHAPE = np.array(None, dtype=object)


@dataclass
class Shapes:
    """One shape (or None) per row, and problems: row -> [(severity, message)] and file-wide."""

    geometries: np.ndarray
    from_file: bool
    raw_xy: tuple[np.ndarray, np.ndarray] | None = None
    row_problems: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    file_problems: list[tuple[str, str]] = field(default_factory=list)

    def add(self, row: int, severity: str, message: str) -> None:
        self.row_problems.setdefault(row, []).append((severity, message))


def shapes_of(source: Source, columns: ColumnMap, crs_name: str) -> Shapes | None:
    """The rows' shapes in WGS-84, or None when the file has neither geometries nor
    coordinate columns."""
    n = len(source.frame)
    if source.geometries is not None:
        return _converted(np.asarray(source.geometries, dtype=object), crs_name, from_file=True)
    if columns.wkt:
        texts = source.frame[columns.wkt]
        geometries = shapely.from_wkt(texts.where(texts.notna(), None).astype(object).to_numpy(), on_invalid="ignore")
        shapes = _converted(geometries, crs_name, from_file=False)
        for row in np.flatnonzero(texts.notna().to_numpy() & shapely.is_missing(geometries)):
            shapes.add(int(row), "error", "the cell is not a shape in WKT (e.g. POINT (113.97 33.00))")
        return shapes
    if columns.pair:
        cells = source.frame[columns.pair]
        x, y = parse_pairs(cells, columns.pair_order)
        given = cells.notna().to_numpy()
    elif columns.longitude and columns.latitude:
        lon_cells, lat_cells = source.frame[columns.longitude], source.frame[columns.latitude]
        x, y = parse_angles(lon_cells), parse_angles(lat_cells)
        given = lon_cells.notna().to_numpy() | lat_cells.notna().to_numpy()
    else:
        return None
    located: Located = locate(x, y, given, crs_name)
    geometries = np.full(n, None, dtype=object)
    known = np.isfinite(located.lon) & np.isfinite(located.lat)
    geometries[known] = shapely.points(located.lon[known], located.lat[known])
    shapes = Shapes(geometries, from_file=False, raw_xy=(x, y))
    for position, (severity, message) in located.row_problems.items():
        shapes.add(position, severity, message)
    shapes.file_problems += located.file_problems
    return shapes


def _converted(geometries: np.ndarray, crs_name: str, *, from_file: bool) -> Shapes:
    shapes = Shapes(geometries, from_file=from_file)
    empty = ~shapely.is_missing(geometries) & shapely.is_empty(geometries)
    for row in np.flatnonzero(empty):  # a Point with no coordinates: no place, said, not a crash
        shapes.add(int(row), "error", Message(N_("the feature's geometry is empty: it has no coordinates")))
    geometries = np.where(empty, _NO_SHAPE, geometries)
    if shapely.has_z(geometries).any():
        # Heights from a GPS or a survey: the map is flat, and a layer must stay two-dimensional.
        geometries = shapely.force_2d(geometries)
        shapes.file_problems.append(("note", Message(N_("heights (Z) in the geometries are dropped; the map is flat"))))
    shapes.geometries = geometries
    geographic = crs_name in NAMED_SYSTEMS or _is_geographic(crs_name)
    present = ~shapely.is_missing(geometries) & ~shapely.is_empty(geometries)
    if geographic:
        bounds = shapely.bounds(geometries)
        with np.errstate(invalid="ignore"):
            outside = present & (
                (np.abs(bounds[:, 0]) > 180)
                | (np.abs(bounds[:, 2]) > 180)
                | (np.abs(bounds[:, 1]) > 90)
                | (np.abs(bounds[:, 3]) > 90)
            )
        if outside.any():
            guess = _projection_guess(np.nanmedian(bounds[outside, 0]), np.nanmedian(bounds[outside, 1]))
            if outside.sum() == present.sum():
                shapes.file_problems.append(
                    (
                        "error",
                        Message(
                            N_(
                                "the coordinates are not degrees of longitude/latitude "
                                "but projected metres; {suggestion}"
                            ),
                            suggestion=guess,
                        ),
                    )
                )
            else:
                for row in np.flatnonzero(outside):
                    shapes.add(
                        int(row),
                        "error",
                        Message(
                            N_("the coordinates are not degrees (outside ±180/±90); {suggestion}"), suggestion=guess
                        ),
                    )
            geometries = np.where(outside, _NO_SHAPE, geometries)
    if crs_name not in ("wgs84", "cgcs2000"):

        def move(coords: np.ndarray) -> np.ndarray:
            lon, lat = to_wgs84(coords[:, 0], coords[:, 1], crs_name)
            return np.column_stack([lon, lat])

        geometries = shapely.transform(geometries, move)
    shapes.geometries = np.asarray(geometries, dtype=object)
    return shapes


def _is_geographic(crs_name: str) -> bool:
    from pyproj import CRS

    return CRS.from_user_input(crs_name).is_geographic


def check_in_township(shapes: Shapes, township, metric_crs, crs_name: str) -> None:
    """Points outside the township: an error beyond :data:`OUTSIDE_ERROR_M`, a warning nearer.
    When reading the numbers as GCJ-02 or BD-09 instead would put them inside, say so."""
    points = shapes.geometries
    is_point = np.array([g is not None and g.geom_type == "Point" for g in points])
    lon = np.where(is_point, shapely.get_x(np.where(is_point, points, _NO_SHAPE)), np.nan)
    lat = np.where(is_point, shapely.get_y(np.where(is_point, points, _NO_SHAPE)), np.nan)
    distance = outside_by_metres(lon, lat, township, metric_crs)
    with np.errstate(invalid="ignore"):
        outside = distance > OUTSIDE_TOLERANCE_M
    if not outside.any():
        return
    hint = _better_system(shapes, outside, township, metric_crs, crs_name)
    for row in np.flatnonzero(outside):
        metres = distance[row]
        severity = "error" if metres > OUTSIDE_ERROR_M else "warning"
        away = f"{metres / 1000:.1f} km" if metres >= 1000 else f"{metres:.0f} m"
        if hint is None:
            message = Message(
                N_("the point lies {distance} outside the township; check the coordinates and --crs"), distance=away
            )
        else:
            message = Message(
                N_("the point lies {distance} outside the township; check the coordinates and --crs ({advice})"),
                distance=away,
                advice=hint,
            )
        shapes.add(int(row), severity, message)


def _better_system(shapes: Shapes, outside: np.ndarray, township, metric_crs, crs_name: str) -> Message | None:
    if shapes.raw_xy is None or crs_name not in ("wgs84", "cgcs2000", "gcj02", "bd09"):
        return None
    x, y = shapes.raw_xy
    advice = {
        "gcj02": Message(N_("read as GCJ-02 from Gaode, Tencent or WeChat it lies inside: use --crs gcj02")),
        "bd09": Message(N_("read as BD-09 from Baidu it lies inside: use --crs bd09")),
        "wgs84": Message(N_("read as WGS-84 GPS it lies inside: use --crs wgs84")),
    }
    for other, text in advice.items():
        if other == crs_name or (other == "wgs84" and crs_name == "cgcs2000"):
            continue
        rows = outside & np.isfinite(x) & np.isfinite(y)
        if not rows.any():
            return None
        lon, lat = to_wgs84(x[rows], y[rows], other)
        distance = outside_by_metres(np.asarray(lon), np.asarray(lat), township, metric_crs)
        if np.all(distance <= OUTSIDE_TOLERANCE_M):
            return text
    return None
