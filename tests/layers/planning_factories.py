"""Small planning datasets built in metres (EPSG:4547, near 114 E 33 N) and stored in WGS-84."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
from shapely.geometry import LineString, Point, box

from geodata.dataset import Dataset

METRIC = "EPSG:4547"
X0, Y0 = 500_000.0, 3_650_000.0  # near 114 E, 33 N in CM 114E Gauss-Kruger


def at(x: float, y: float) -> Point:
    return Point(X0 + x, Y0 + y)


def planning_dataset(roads, checkpoints=(), villages=None, households=(), disinfection=()) -> Dataset:
    """A dataset whose geometry is given in metres from (X0, Y0).

    roads: [(id, road_class, [(x, y), ...])]; checkpoints: [(id, x, y)] (active);
    villages: [(code, name, (minx, miny, maxx, maxy))], default one 10 km square;
    households: [(id, village, x, y)]; disinfection: [(id, village, x, y)].
    """
    villages = villages or [("V1", "一村", (0, 0, 10_000, 10_000))]
    frames = {
        "villages": gpd.GeoDataFrame(
            {"code": [v[0] for v in villages], "name": [v[1] for v in villages]},
            geometry=[box(X0 + a, Y0 + b, X0 + c, Y0 + d) for _, _, (a, b, c, d) in villages],
            crs=METRIC,
        ),
        "roads": gpd.GeoDataFrame(
            {"id": [r[0] for r in roads], "name": [r[0] for r in roads], "road_class": [r[1] for r in roads]},
            geometry=[LineString([(X0 + x, Y0 + y) for x, y in r[2]]) for r in roads],
            crs=METRIC,
        ),
        "checkpoints": gpd.GeoDataFrame(
            {
                "id": [c[0] for c in checkpoints],
                "name": [f"卡点{c[0]}" for c in checkpoints],
                "tier": "village",
                "village": villages[0][0],
                "status": "active",
                "staffed_24h": True,
                "opened": [dt.date(2020, 1, 26)] * len(checkpoints),
                "closed": [None] * len(checkpoints),
            },
            geometry=[at(c[1], c[2]) for c in checkpoints],
            crs=METRIC,
        ),
        "households": gpd.GeoDataFrame(
            {
                "id": [h[0] for h in households],
                "village": [h[1] for h in households],
                "reason": "fever",
                "persons": 1,
                "observation_start": [dt.date(2020, 2, 15)] * len(households),
                "observation_days": 14,
                "status": "observing",
                "head_name": "示例户主",
                "phone": "000",
            },
            geometry=[at(h[2], h[3]) for h in households],
            crs=METRIC,
        ),
        "disinfection_points": gpd.GeoDataFrame(
            {
                "id": [d[0] for d in disinfection],
                "name": [d[0] for d in disinfection],
                "kind": "public",
                "village": [d[1] for d in disinfection],
                "interval_hours": 12.0,
            },
            geometry=[at(d[2], d[3]) for d in disinfection],
            crs=METRIC,
        ),
    }
    frames = {name: frame.to_crs("EPSG:4326") for name, frame in frames.items()}
    return Dataset(frames, {"township_name": "测试乡", "as_of": "2020-02-19T18:00"})


def crossing(road_id: str, road_class: str, x: float) -> tuple:
    """A short north-south road crossing the square village's south edge at ``x``."""
    return (road_id, road_class, [(x, -500), (x, 500)])


def two_clusters(checkpoints=()) -> Dataset:
    """Entries in two clusters on the south edge: west, three village roads 100 m apart
    (weight 3 in all); east, two national roads 100 m apart (weight 8)."""
    roads = [
        crossing("W1", "village", 1000),
        crossing("W2", "village", 1100),
        crossing("W3", "village", 1200),
        crossing("E1", "national", 8000),
        crossing("E2", "national", 8100),
    ]
    return planning_dataset(roads, checkpoints)


# -- independent answers, for tests that judge what an output shows --------------------------


def to_metric(longitude, latitude):
    """WGS-84 degrees to metres in METRIC (arrays)."""
    import numpy as np
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", METRIC, always_xy=True).transform(
        np.asarray(longitude, float), np.asarray(latitude, float)
    )
    return np.asarray(x), np.asarray(y)


def covered_in_straight_line(entry_lonlat, site_lonlat, radius: float):
    """Which entries lie within ``radius`` metres of a site (brute force: every pair)."""
    import numpy as np

    ex, ey = to_metric(*np.asarray(entry_lonlat, float).reshape(-1, 2).T)
    if len(site_lonlat) == 0:
        return np.zeros(len(ex), dtype=bool)
    sx, sy = to_metric(*np.asarray(site_lonlat, float).reshape(-1, 2).T)
    return (np.hypot(ex[:, None] - sx[None, :], ey[:, None] - sy[None, :]) <= radius).any(axis=1)


class AlongRoads:
    """Distances along the roads from one site, by a plain networkx graph of every road
    vertex (not the code under test): the site steps straight onto its nearest road."""

    _ON_ROAD_M = 0.2  # the page rounds degrees to 6 decimals: about 0.1 m

    def __init__(self, road_lines_metric, site_xy):
        import networkx as nx
        import numpy as np
        import shapely

        pieces = shapely.get_parts(shapely.node(shapely.multilinestrings(list(road_lines_metric))))
        graph = nx.Graph()
        edges = []
        for piece in pieces:
            xy = shapely.get_coordinates(piece)
            for a, b in zip(map(tuple, xy), map(tuple, xy[1:]), strict=False):
                if a != b:
                    graph.add_edge(self._key(a), self._key(b), weight=float(np.hypot(*np.subtract(a, b))))
                    edges.append((a, b))
        self.edges = edges
        self.edge_lines = shapely.linestrings([[a, b] for a, b in edges])
        site = shapely.Point(site_xy)
        nearest = int(np.argmin(shapely.distance(self.edge_lines, site)))
        a, b = edges[nearest]
        self.step_on = float(shapely.distance(self.edge_lines[nearest], site))
        self.site_edge = nearest
        self.site_at = float(shapely.line_locate_point(self.edge_lines[nearest], site))  # from a
        length = float(np.hypot(*np.subtract(a, b)))
        graph.add_edge("site", self._key(a), weight=self.step_on + self.site_at)
        graph.add_edge("site", self._key(b), weight=self.step_on + length - self.site_at)
        self.distance = nx.single_source_dijkstra_path_length(graph, "site", weight="weight")

    @staticmethod
    def _key(xy):
        return (round(xy[0], 3), round(xy[1], 3))

    def _node(self, xy) -> float:
        return self.distance.get(self._key(xy), float("inf"))

    def to_point(self, xy) -> float:
        """Shortest distance along the roads from the site to a point on a road (inf off road)."""
        import numpy as np
        import shapely

        point = shapely.Point(xy)
        best = float("inf")
        for row in np.flatnonzero(shapely.distance(self.edge_lines, point) <= self._ON_ROAD_M):
            a, b = self.edges[row]
            at = float(shapely.line_locate_point(self.edge_lines[row], point))
            length = float(np.hypot(*np.subtract(a, b)))
            best = min(best, self._node(a) + at, self._node(b) + length - at)
            if row == self.site_edge:
                best = min(best, self.step_on + abs(at - self.site_at))
        return best

    def reachable_length(self, radius: float) -> float:
        """Metres of road within ``radius`` of the site along the roads."""
        import numpy as np

        total = 0.0
        for row, (a, b) in enumerate(self.edges):
            length = float(np.hypot(*np.subtract(a, b)))
            intervals = [(0.0, radius - self._node(a)), (length - (radius - self._node(b)), length)]
            if row == self.site_edge:
                left = radius - self.step_on
                intervals.append((self.site_at - left, self.site_at + left))
            total += _union_length([(max(s, 0.0), min(e, length)) for s, e in intervals])
        return total


def _union_length(intervals) -> float:
    total, reach = 0.0, float("-inf")
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


def coverage_in_straight_line(dataset, site_lonlat, radius=300.0):
    """(entries covered by the active checkpoints, covered with the sites too, entries) of
    ``dataset``, counted pair by pair in a straight line."""
    from layers.planning import PlanningContext, PlanningOptions
    from layers.situation import checkpoint_situation

    context = PlanningContext(dataset, PlanningOptions(radius_m=radius))
    active = dataset.checkpoints[checkpoint_situation(dataset.checkpoints, context.as_of)["active"].to_numpy()]
    checkpoints = list(zip(active.geometry.x, active.geometry.y, strict=False))
    entries = list(zip(context.entries["longitude"], context.entries["latitude"], strict=False))
    existing = covered_in_straight_line(entries, checkpoints, radius)
    planned = covered_in_straight_line(entries, checkpoints + [tuple(s) for s in site_lonlat], radius)
    assert planned.sum() > existing.sum()  # else a test could not tell the two apart
    return int(existing.sum()), int(planned.sum()), len(entries)
