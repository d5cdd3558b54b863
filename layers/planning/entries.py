"""Road entries: where a road crosses a village boundary or the township boundary.

An entry is where people and vehicles come into a village, so it is what a checkpoint
watches. Computed in a metric CRS; one entry per place (roads meeting on a boundary give one
entry, carrying the weight of the biggest road there).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from layers.planning.options import PlanningOptions

# Crossings closer than this are one place: a road crossing at a boundary vertex is cut twice.
_SAME_PLACE_M = 1.0
ENTRY_COLUMNS = ("id", "x", "y", "road_id", "road_class", "weight", "villages", "township_edge")


def road_entries(villages: pd.DataFrame, roads: pd.DataFrame, options: PlanningOptions) -> pd.DataFrame:
    """The road entries of ``villages`` (metric GeoDataFrames of the villages and roads layers).

    Returns
    -------
    DataFrame
        One row per entry, ordered by id (``E0001`` ...): ``x``, ``y`` (metres), ``road_id``,
        ``road_class``, ``weight`` (from the options), ``villages`` (tuple of the codes of the
        villages whose boundary it is on) and ``township_edge`` (on the township's outline).
    """
    polygons = villages.geometry.to_numpy()
    lines = roads.geometry.to_numpy()
    if len(polygons) == 0 or len(lines) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ENTRY_COLUMNS})
    boundaries = shapely.union_all(shapely.boundary(polygons))
    outline = shapely.boundary(shapely.union_all(polygons))
    crossings = shapely.intersection(lines, boundaries)
    parts, road_rows = shapely.get_parts(crossings, return_index=True)
    # A road running along a boundary shares a stretch of it: only its crossings are entries.
    points = shapely.get_type_id(parts) == 0
    parts, road_rows = parts[points], road_rows[points]
    if len(parts) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ENTRY_COLUMNS})
    xy = shapely.get_coordinates(parts)
    classes = roads["road_class"].to_numpy(dtype=object)[road_rows]
    found = pd.DataFrame(
        {
            "x": xy[:, 0],
            "y": xy[:, 1],
            "road_id": roads["id"].to_numpy(dtype=object)[road_rows],
            "road_class": classes,
            "weight": np.array([options.weight_of(c) for c in classes], dtype=float),
        }
    )
    found["cell_x"] = np.round(found["x"] / _SAME_PLACE_M).astype(np.int64)
    found["cell_y"] = np.round(found["y"] / _SAME_PLACE_M).astype(np.int64)
    found = (
        found.sort_values(["weight", "road_id"], ascending=[False, True], kind="stable")
        .drop_duplicates(["cell_x", "cell_y"])
        .drop(columns=["cell_x", "cell_y"])
    )
    found = found.sort_values(["y", "x"], ascending=[False, True]).reset_index(drop=True)

    places = shapely.points(found[["x", "y"]].to_numpy())
    tree = shapely.STRtree(polygons)
    point_rows, polygon_rows = tree.query(places, predicate="dwithin", distance=_SAME_PLACE_M)
    codes = villages["code"].to_numpy(dtype=object)
    found["villages"] = pd.Series(
        [tuple(sorted(codes[polygon_rows[point_rows == row]])) for row in range(len(found))], dtype=object
    )
    found["township_edge"] = shapely.dwithin(places, outline, _SAME_PLACE_M)
    found.insert(0, "id", [f"E{n:04d}" for n in range(1, len(found) + 1)])
    return found[list(ENTRY_COLUMNS)]
