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
            geometry=[box(X0 + a, Y0 + b, X0 + c, Y0 + d) for _, _, (a, b, c, d) in villages], crs=METRIC),
        "roads": gpd.GeoDataFrame(
            {"id": [r[0] for r in roads], "name": [r[0] for r in roads], "road_class": [r[1] for r in roads]},
            geometry=[LineString([(X0 + x, Y0 + y) for x, y in r[2]]) for r in roads], crs=METRIC),
        "checkpoints": gpd.GeoDataFrame(
            {"id": [c[0] for c in checkpoints], "name": [f"卡点{c[0]}" for c in checkpoints],
             "tier": "village", "village": villages[0][0], "status": "active", "staffed_24h": True,
             "opened": [dt.date(2020, 1, 26)] * len(checkpoints), "closed": [None] * len(checkpoints)},
            geometry=[at(c[1], c[2]) for c in checkpoints], crs=METRIC),
        "households": gpd.GeoDataFrame(
            {"id": [h[0] for h in households], "village": [h[1] for h in households], "reason": "fever",
             "persons": 1, "observation_start": [dt.date(2020, 2, 15)] * len(households),
             "observation_days": 14, "status": "observing", "head_name": "示例户主", "phone": "000"},
            geometry=[at(h[2], h[3]) for h in households], crs=METRIC),
        "disinfection_points": gpd.GeoDataFrame(
            {"id": [d[0] for d in disinfection], "name": [d[0] for d in disinfection], "kind": "public",
             "village": [d[1] for d in disinfection], "interval_hours": 12.0},
            geometry=[at(d[2], d[3]) for d in disinfection], crs=METRIC),
    }
    frames = {name: frame.to_crs("EPSG:4326") for name, frame in frames.items()}
    return Dataset(frames, {"township_name": "测试乡", "as_of": "2020-02-19T18:00"})


def crossing(road_id: str, road_class: str, x: float) -> tuple:
    """A short north-south road crossing the square village's south edge at ``x``."""
    return (road_id, road_class, [(x, -500), (x, 500)])


def two_clusters(checkpoints=()) -> Dataset:
    """Entries in two clusters on the south edge: west, three village roads 100 m apart
    (weight 3 in all); east, two national roads 100 m apart (weight 8)."""
    roads = [crossing("W1", "village", 1000), crossing("W2", "village", 1100), crossing("W3", "village", 1200),
             crossing("E1", "national", 8000), crossing("E2", "national", 8100)]
    return planning_dataset(roads, checkpoints)
