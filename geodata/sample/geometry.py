"""Map geometry of the sample: the township outline, village boundaries and roads.

Everything is built in "local" metres (east and north of the seat, as in
:mod:`geodata.sample.layout`) and moved into the metric CRS by :func:`to_metric`; the sample's
frames are then reprojected to the storage CRS once, at the end.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import LineString, MultiPoint, Point, Polygon
from shapely.ops import nearest_points

from geodata.coords import metric_crs
from geodata.sample import layout
from geodata.sample.facts import SEAT_LATITUDE, SEAT_LONGITUDE
from geodata.schema import STORAGE_CRS

METRIC_CRS: CRS = metric_crs(SEAT_LONGITUDE, SEAT_LATITUDE)

# Boundaries and village roads are drawn as gentle meanders rather than ruler-straight lines:
# real ones follow field edges, ditches and old tracks.
BOUNDARY_MEANDER_M = 70.0
VILLAGE_ROAD_MEANDER_M = 40.0
_MEANDER_WAVELENGTH_M = 800.0
_MEANDER_STEP_M = 50.0


@functools.cache  # a pyproj Transformer takes a tenth of a second to build
def seat_in_metric_crs() -> tuple[float, float]:
    """The seat's easting and northing in :data:`METRIC_CRS` (the local origin)."""
    to_metric = Transformer.from_crs(STORAGE_CRS, METRIC_CRS, always_xy=True)
    return to_metric.transform(SEAT_LONGITUDE, SEAT_LATITUDE)


def to_metric(geometry):
    """Move a geometry (or array of them) from local metres into :data:`METRIC_CRS`.

    A pure translation, so vertices that are equal stay equal: villages that share a boundary
    in local metres share it exactly in the metric CRS too.
    """
    easting, northing = seat_in_metric_crs()
    return shapely.transform(geometry, lambda xy: xy + np.array([easting, northing]))


def meander(start, end, amplitude_m: float) -> list[tuple[float, float]]:
    """Vertices of a wavy line from ``start`` to ``end`` that keeps both end points.

    The sideways offset is a sine wave damped to zero at both ends (so lines that meet at a
    vertex still meet there) and at most 8 % of the line's length (so short lines stay
    nearly straight and keep clear of their neighbours). It depends only on the two end
    points, in either order, so a shared edge meanders the same way for both its sides and
    the result is the same on every run.
    """
    (x0, y0), (x1, y1) = sorted([tuple(start), tuple(end)])
    length = math.hypot(x1 - x0, y1 - y0)
    if length == 0:
        return [tuple(start), tuple(end)]
    amplitude = min(amplitude_m, 0.08 * length)
    phase = (x0 + x1 + 2 * (y0 + y1)) / 1000.0
    along = np.linspace(0.0, 1.0, max(2, math.ceil(length / _MEANDER_STEP_M)) + 1)
    offset = amplitude * np.sin(math.pi * along) * np.sin(2 * math.pi * along * length / _MEANDER_WAVELENGTH_M + phase)
    normal_x, normal_y = -(y1 - y0) / length, (x1 - x0) / length
    xs = x0 + along * (x1 - x0) + offset * normal_x
    ys = y0 + along * (y1 - y0) + offset * normal_y
    vertices = list(zip(xs.tolist(), ys.tolist(), strict=False))
    vertices[0], vertices[-1] = (x0, y0), (x1, y1)  # exact, not rounded through the sine
    return vertices if (x0, y0) == tuple(start) else vertices[::-1]


def meandering_line(vertices, amplitude_m: float) -> LineString:
    """A line through ``vertices``, each segment drawn by :func:`meander`."""
    points: list[tuple[float, float]] = [tuple(vertices[0])]
    for start, end in zip(vertices[:-1], vertices[1:], strict=False):
        points += meander(start, end, amplitude_m)[1:]
    return LineString(points)


def township_outline() -> Polygon:
    """The township's outline in local metres."""
    ring = list(layout.TOWNSHIP_OUTLINE) + [layout.TOWNSHIP_OUTLINE[0]]
    return Polygon(meandering_line(ring, BOUNDARY_MEANDER_M).coords)


def village_polygons(outline: Polygon) -> dict[str, Polygon]:
    """The villages in local metres, tiling ``outline`` with no gap and no overlap.

    Each village is the land nearer its own centre than any other (a Voronoi cell), with
    meandering boundaries. The cells' edges and the outline are noded together and cut into
    faces in one pass (``polygonize``), so two neighbours share the very same vertices along
    their common boundary instead of each being clipped on its own.

    Raises
    ------
    ValueError
        When the layout makes a village in two pieces or leaves a piece with no centre.
    """
    centres = layout.VILLAGE_CENTRES
    edges = shapely.voronoi_polygons(
        MultiPoint(list(centres.values())), extend_to=outline.buffer(2000), only_edges=True
    )
    boundaries = [
        meandering_line(segment, BOUNDARY_MEANDER_M)
        for line in shapely.get_parts(edges)
        for segment in zip(line.coords[:-1], line.coords[1:], strict=False)
    ]
    linework = shapely.unary_union([outline.exterior, *boundaries])
    faces = [
        face
        for face in shapely.get_parts(shapely.polygonize(shapely.get_parts(linework)))
        if outline.contains(face.representative_point())
    ]
    villages: dict[str, Polygon] = {}
    for face in faces:
        inside = [name for name, xy in centres.items() if face.contains(Point(xy))]
        if len(inside) != 1:
            raise ValueError(f"sample layout: a village piece holds centres {inside}, not one")
        villages[inside[0]] = face
    missing = set(centres) - set(villages)
    if missing:
        raise ValueError(f"sample layout: no land for {sorted(missing)}")
    return {name: villages[name] for name in centres}


def main_roads() -> list[tuple[str, str, str, LineString]]:
    """The hand-placed roads as ``(id, name, road_class, line)`` in local metres."""
    return [(rid, name, cls, LineString(vertices)) for rid, name, cls, vertices in layout.ROADS]


def hamlet_roads(main: list[tuple[str, str, str, LineString]]):
    """One village road per hamlet, from the hamlet to the nearest county or bigger road.

    Returns ``(id, name, "village", line)`` tuples in the order of ``layout.HAMLETS``, each
    line starting at the hamlet; ids continue after the main roads'.
    """
    through_roads = shapely.unary_union(
        [line for _, _, cls, line in main if cls in ("national", "provincial", "county")]
    )
    roads = []
    for number, (village, direction, xy, _) in enumerate(layout.HAMLETS, start=len(main) + 1):
        hamlet = Point(xy)
        _, junction = nearest_points(hamlet, through_roads)
        line = meandering_line([xy, (junction.x, junction.y)], VILLAGE_ROAD_MEANDER_M)
        roads.append((f"R{number:02d}", f"{village}{direction}自然村道路（示意）", "village", line))
    return roads
