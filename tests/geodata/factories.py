"""Small datasets built in code for the data tests: two square villages near 114 E, 33 N."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
from shapely.geometry import Point, box

from geodata.dataset import Dataset

TOWNSHIP_CODE = "999999000"
WEST, EAST = "999999000201", "999999000202"


def tiny_dataset() -> Dataset:
    """Two villages side by side, a checkpoint, a household and a disinfection point."""
    villages = gpd.GeoDataFrame(
        {
            "code": [WEST, EAST],
            "name": ["西村", "东村"],
            "population": [1200, 800],
            "households": [300, 200],
            "groups": [4, 3],
        },
        geometry=[box(114.00, 33.00, 114.01, 33.01), box(114.01, 33.00, 114.02, 33.01)],
        crs="EPSG:4326",
    )
    checkpoints = gpd.GeoDataFrame(
        {
            "id": ["CP1"],
            "name": ["西村卡点"],
            "tier": ["village"],
            "village": [WEST],
            "status": ["active"],
            "staffed_24h": [True],
            "staff_on_shift": [3],
            "opened": [dt.date(2020, 1, 26)],
            "closed": [None],
        },
        geometry=[Point(114.005, 33.005)],
        crs="EPSG:4326",
    )
    households = gpd.GeoDataFrame(
        {
            "id": ["HH1"],
            "village": [EAST],
            "villager_group": [2],
            "reason": ["wuhan_return"],
            "persons": [3],
            "observation_start": [dt.date(2020, 2, 10)],
            "observation_days": [14],
            "status": ["observing"],
            "head_name": ["示例户主"],
            "phone": ["000-0000-0001"],
        },
        geometry=[Point(114.015, 33.005)],
        crs="EPSG:4326",
    )
    points = gpd.GeoDataFrame(
        {
            "id": ["DP1"],
            "name": ["西村卡点消毒点"],
            "kind": ["checkpoint"],
            "village": [WEST],
            "checkpoint": ["CP1"],
            "interval_hours": [12.0],
            "last_disinfected": [dt.datetime(2020, 2, 19, 8, 30)],
        },
        geometry=[Point(114.005, 33.0051)],
        crs="EPSG:4326",
    )
    return Dataset(
        {"villages": villages, "checkpoints": checkpoints, "households": households, "disinfection_points": points},
        {"township_name": "测试乡", "township_code": TOWNSHIP_CODE, "as_of": "2020-02-19T18:00"},
    )
