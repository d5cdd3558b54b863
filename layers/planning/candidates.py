"""Where a new checkpoint could go: entries, road junctions, points along roads, user picks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

_SAME_PLACE_M = 1.0


def candidate_sites(context, spacing_m: float, user_sites=()) -> pd.DataFrame:
    """Candidate sites in metres: kind, x, y (one per metre cell, user picks first).

    Parameters
    ----------
    context : PlanningContext
    spacing_m : float
        Distance between candidates placed along each road.
    user_sites : iterable of Site
        Places the user wants considered.
    """
    # Gathered in order of priority: when two candidates fall on the same metre, the one
    # gathered first is kept (user, entry, junction, along a road).
    frames = []
    user_xy = context.site_xy(tuple(user_sites))
    frames.append(_frame("user", user_xy))
    frames.append(_frame("entry", context.entries[["x", "y"]].to_numpy(float)))
    roads = context.roads.geometry.to_numpy()
    frames.append(_frame("junction", _junctions(roads)))
    frames.append(_frame("along_road", _along(roads, spacing_m)))
    candidates = pd.concat(frames, ignore_index=True)
    cells = np.round(candidates[["x", "y"]].to_numpy(float) / _SAME_PLACE_M).astype(np.int64)
    candidates["cx"], candidates["cy"] = cells[:, 0], cells[:, 1]
    candidates = candidates.drop_duplicates(["cx", "cy"]).drop(columns=["cx", "cy"])
    return candidates.reset_index(drop=True)


def _frame(kind: str, xy: np.ndarray) -> pd.DataFrame:
    xy = np.asarray(xy, float).reshape(-1, 2)
    return pd.DataFrame({"kind": kind, "x": xy[:, 0], "y": xy[:, 1]})


def _junctions(roads: np.ndarray) -> np.ndarray:
    """Points where three or more road ends meet once the roads are cut at each other."""
    if len(roads) == 0:
        return np.empty((0, 2))
    pieces = shapely.get_parts(shapely.union_all(roads))
    ends = np.vstack(
        [shapely.get_coordinates(shapely.get_point(pieces, 0)), shapely.get_coordinates(shapely.get_point(pieces, -1))]
    )
    cells, counts = np.unique(np.round(ends, 2), axis=0, return_counts=True)
    return cells[counts >= 3]


def _along(roads: np.ndarray, spacing_m: float) -> np.ndarray:
    lengths = shapely.length(roads)
    steps = [np.append(np.arange(0.0, length, spacing_m), length) for length in lengths]
    which = np.repeat(np.arange(len(roads)), [len(s) for s in steps])
    if len(which) == 0:
        return np.empty((0, 2))
    points = shapely.line_interpolate_point(roads[which], np.concatenate(steps))
    return shapely.get_coordinates(points)
