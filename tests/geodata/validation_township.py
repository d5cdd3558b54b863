"""A small township in code for the validation tests, and what they check problems with.

Two square villages side by side around 114.0 E 33.0 N (about 930 m by 1,110 m each), a few
checkpoints, households and disinfection points, tables of supplies and publicity, and events of
what happened to them (disinfection rounds, follow-ups, status changes, checkpoint changes). Each test
breaks one thing and checks that the user is told about it at the right layer, feature, field
and severity, and about nothing else.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString, Point, box

from geodata.dataset import Dataset
from geodata.validation import Problem

TOWNSHIP = "411771360"
SEAT = "411771360200"  # 关王庙村, the western village
EAST = "411771360201"  # 孙吴庄村, the eastern village
WEST_BOX = (114.00, 33.00, 114.01, 33.01)
EAST_BOX = (114.01, 33.00, 114.02, 33.01)
# One metre east-west at 33 N, in degrees of longitude.
METRE_LON = 1 / (111_320 * np.cos(np.radians(33.0)))


# --- a clean township ----------------------------------------------------------------------


def villages_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "code": [SEAT, EAST],
            "name": ["关王庙村", "孙吴庄村"],
            "population": [3100, 2400],
            "households": [820, 610],
            "groups": [9, 7],
            "work_group": ["第一工作组", "第二工作组"],
            "party_branches": [3, 2],
        },
        geometry=[box(*WEST_BOX), box(*EAST_BOX)],
        crs="EPSG:4326",
    )


def checkpoints_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": ["CP01", "CP02", "CP03"],
            "name": ["关王庙路口", "孙吴庄东口", "孙吴庄北口"],
            "tier": ["district", "village", "natural_village"],
            "village": [SEAT, EAST, EAST],
            "status": ["active", "closed", "active"],
            "staffed_24h": [True, False, "是"],
            "staff_on_shift": [4, 0, "2"],
            "opened": ["2020-01-25", "2020-01-26", "2020-01-27"],
            "closed": [None, "2020-03-01", None],
            "note": [None, "已撤除", ""],
        },
        geometry=[Point(114.005, 33.005), Point(114.015, 33.005), Point(114.015, 33.009)],
        crs="EPSG:4326",
    )


def households_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": ["H001", "H002", "H003"],
            "village": [SEAT, EAST, EAST],
            "villager_group": [1, 3, None],
            "reason": ["wuhan_return", "close_contact", "fever"],
            "persons": [3, 2, 1],
            "observation_start": ["2020-01-28", "2020-01-30", "2020-02-02"],
            "observation_days": [14, 14, 14],
            "status": ["observing", "released", "escalated"],
            "status_date": [None, "2020-02-13", "2020-02-03"],
            "last_check": ["2020-02-05 08:30", "2020-02-05 09:00", None],
            "abnormal_temperature": [False, False, True],
            "head_name": ["张三丰SECRET", "李四SECRET", None],
            "phone": ["13912345678", "13887654321", None],
            "note": ["SECRETNOTE 返乡", None, None],
        },
        geometry=[Point(114.003, 33.002), Point(114.012, 33.004), Point(114.018, 33.008)],
        crs="EPSG:4326",
    )


def disinfection_points_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": ["D01", "D02"],
            "name": ["关王庙路口消毒点", "村委会"],
            "kind": ["checkpoint", "public"],
            "village": [SEAT, EAST],
            "checkpoint": ["CP01", None],
            "interval_hours": [4, 12.0],
            "last_disinfected": ["2020-02-05 06:00", None],
            "note": [None, None],
        },
        geometry=[Point(114.005, 33.005), Point(114.016, 33.006)],
        crs="EPSG:4326",
    )


def roads_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["R1"], "name": ["关王庙路"], "road_class": ["county"]},
        geometry=[LineString([(113.99, 33.005), (114.03, 33.005)])],
        crs="EPSG:4326",
    )


def supplies_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "scope": [TOWNSHIP, SEAT],
            "date": ["2020-02-05", "2020-02-05"],
            "item": ["masks", "thermometers"],
            "quantity": [22284, 60],
        }
    )


def publicity_frame() -> pd.DataFrame:
    return pd.DataFrame({"scope": [EAST], "date": ["2020-02-05"], "item": ["banners"], "quantity": ["120"]})


def disinfection_rounds_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["DR1", "DR2", "DR3"],
            "point": ["D01", "D01", "D02"],
            "village": [SEAT, SEAT, EAST],
            "time": ["2020-02-05 02:00", "2020-02-05 06:00", "2020-02-04 18:00"],
            "agent": ["84消毒液", "84消毒液", None],
            "reported_by": ["第一工作组", "第一工作组", "第二工作组"],
            "note": [None, None, ""],
        }
    )


def followups_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["F1", "F2", "F3"],
            "household": ["H001", "H002", "H003"],
            "village": [SEAT, EAST, EAST],
            "time": ["2020-02-05 08:30", "2020-02-05 09:00", "2020-02-03 10:00"],
            "temperature": [36.5, "36.8", 38.2],
            "symptoms": [False, False, True],
            "result": ["normal", "normal", "referred"],
            "reported_by": ["第一工作组", "第二工作组", "第二工作组"],
            "note": ["SECRETNOTE 随访", None, None],
        }
    )


def status_changes_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["S1", "S2", "S3", "S4", "S5"],
            "household": ["H001", "H002", "H002", "H003", "H003"],
            "village": [SEAT, EAST, EAST, EAST, EAST],
            "day": ["2020-01-28", "2020-01-30", "2020-02-13", "2020-02-02", "2020-02-03"],
            "status": ["observing", "observing", "released", "observing", "escalated"],
            "reported_by": ["第一工作组", "第二工作组", "第二工作组", "第二工作组", "第二工作组"],
            "note": [None, None, "SECRETNOTE 解除", None, None],
        }
    )


def checkpoint_changes_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["C1", "C2", "C3", "C4"],
            "checkpoint": ["CP01", "CP02", "CP03", "CP01"],
            "village": [SEAT, EAST, EAST, SEAT],
            "time": ["2020-01-25 08:00", "2020-01-26 08:00", "2020-01-27 08:00", "2020-02-01 20:00"],
            "change": ["opened", "opened", "opened", "staffing"],
            "staff_on_shift": [4, 2, "2", 4],
            "reported_by": ["第一工作组", "第二工作组", "第二工作组", None],
            "note": [None, None, None, None],
        }
    )


def clean_township() -> Dataset:
    """A dataset with nothing wrong in it, its frames as a user's files would give them."""
    frames = {
        "villages": villages_frame(),
        "checkpoints": checkpoints_frame(),
        "households": households_frame(),
        "disinfection_points": disinfection_points_frame(),
        "roads": roads_frame(),
        "supplies": supplies_frame(),
        "publicity": publicity_frame(),
        "disinfection_rounds": disinfection_rounds_frame(),
        "followups": followups_frame(),
        "status_changes": status_changes_frame(),
        "checkpoint_changes": checkpoint_changes_frame(),
    }
    return Dataset(frames, {"township_code": TOWNSHIP, "township_name": "关王庙乡"})


def where(problems: list[Problem]) -> list[tuple[str, str, str | None, str | None]]:
    """What a user sees first of each problem: severity, layer, feature, field."""
    return [(p.severity, p.layer, p.feature, p.field) for p in problems]


def with_cell(frame: pd.DataFrame, row: int, field: str, value) -> pd.DataFrame:
    """A copy of ``frame`` with one attribute cell replaced by anything, as a file may hold."""
    changed = frame.copy()
    column = (
        changed[field].astype(object)
        if field in changed.columns
        else pd.Series([None] * len(changed), index=changed.index, dtype=object)
    )
    column.iloc[row] = value
    changed[field] = column
    return changed


def with_shape(frame: gpd.GeoDataFrame, row: int, shape) -> gpd.GeoDataFrame:
    """A copy of ``frame`` with one feature's shape replaced."""
    shapes = list(frame.geometry)
    shapes[row] = shape
    return frame.set_geometry(gpd.GeoSeries(shapes, index=frame.index, crs=frame.crs))


def township_with(name: str, frame: pd.DataFrame, **metadata) -> Dataset:
    """The clean township with one frame replaced (and metadata changed)."""
    dataset = clean_township()
    dataset.frames[name] = frame
    dataset.metadata.update(metadata)
    return dataset
