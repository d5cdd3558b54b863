"""Disinfection points (定点消毒): one at every checkpoint, plus residential, public and work areas.

Each point is disinfected every ``interval_hours``. As of the sample's evening (19 February
2020, 18:00) most were done recently, a few are due within six hours and a few are overdue,
so the "overdue" filter and the "due soon" colour have something to show.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from shapely.geometry import Point, Polygon

from geodata.sample import layout
from geodata.sample.facts import AS_OF, VILLAGE_BY_NAME

_SEED = 20200125

# Hours between two disinfections: places where many people pass (checkpoints, public areas)
# twice a day, homes and workplaces once a day.
INTERVAL_HOURS = {"checkpoint": 12.0, "residential": 24.0, "public": 12.0, "work_area": 24.0}

# The disinfection point at a checkpoint stands beside it, off the carriageway: this offset
# (east, north) in metres puts it 5 m away.
BESIDE_CHECKPOINT_M = (3.0, 4.0)

DUE_SOON_HOURS = 6.0


def schedule_state(index: int) -> str:
    """Where point number ``index`` (from 0) is in its cycle as of the sample's evening.

    Every tenth point (from the fourth) is overdue and every seventh (from the sixth) is due
    within :data:`DUE_SOON_HOURS`; the rest were done recently.
    """
    if index % 10 == 3:
        return "overdue"
    if index % 7 == 5:
        return "due_soon"
    return "done"


def build_disinfection_points(checkpoints: list[dict], villages: dict[str, Polygon]) -> list[dict]:
    """The disinfection point records, with ``geometry`` in local metres.

    Parameters
    ----------
    checkpoints
        The checkpoint records of :func:`geodata.sample.checkpoints.build_checkpoints`.
    villages
        Village polygons by village name (local metres).

    Returns
    -------
    list of dict
        One dict per point with the disinfection-point schema's fields and ``geometry``:
        first one per checkpoint (ids ``DP01``...), then ``layout.DISINFECTION_SITES``.

    Raises
    ------
    ValueError
        When a point is not inside its village.
    """
    dx, dy = BESIDE_CHECKPOINT_M
    sites = [
        (
            "checkpoint",
            checkpoint["village"],
            f"{checkpoint['name']}消毒点",
            checkpoint["id"],
            Point(checkpoint["geometry"].x + dx, checkpoint["geometry"].y + dy),
        )
        for checkpoint in checkpoints
    ]
    sites += [
        (kind, VILLAGE_BY_NAME[village].code, f"{name}消毒点", None, Point(xy))
        for kind, village, name, xy in layout.DISINFECTION_SITES
    ]
    polygon_by_code = {VILLAGE_BY_NAME[name].code: polygon for name, polygon in villages.items()}

    rng = np.random.default_rng(_SEED)
    records = []
    for index, (kind, village_code, name, checkpoint_id, point) in enumerate(sites):
        if not polygon_by_code[village_code].contains(point):
            raise ValueError(f"sample layout: disinfection point {name} is outside its village")
        interval = INTERVAL_HOURS[kind]
        records.append(
            {
                "id": f"DP{index + 1:02d}",
                "name": name,
                "kind": kind,
                "village": village_code,
                "checkpoint": checkpoint_id,
                "interval_hours": interval,
                "last_disinfected": _last_disinfected(rng, interval, schedule_state(index)),
                "note": None,
                "geometry": point,
            }
        )
    return records


def _last_disinfected(rng: np.random.Generator, interval: float, state: str) -> pd.Timestamp:
    """A time before the as-of moment that puts the next disinfection in ``state``."""
    low, high = {
        "done": (1.0, interval - DUE_SOON_HOURS - 1.0),
        "due_soon": (interval - DUE_SOON_HOURS + 0.5, interval - 0.5),
        "overdue": (interval + 0.5, interval + 8.0),
    }[state]
    hours_ago = rng.uniform(low, high)
    return (AS_OF - pd.Timedelta(hours=hours_ago)).floor("10min")
