"""The 29 monitoring checkpoints (监测卡点) of the sample, every one on a road.

The tiers and their numbers are the township's published figures; the positions are
illustrative, chosen where a checkpoint would stand:

* district (区级): on the national and provincial roads, just inside the township where
  traffic enters it;
* village (村级): at the entry of a village's main settlement, on the road through it;
* natural_village (自然村): at a hamlet's entry, on the village road leading to it;
* compound (小区): at the residential compounds on the seat's market-town streets.
"""

from __future__ import annotations

import shapely
from shapely.geometry import LineString, Point, Polygon

from geodata.sample import layout
from geodata.sample.facts import CHECKPOINT_OPENED, SEAT_VILLAGE, VILLAGE_BY_NAME

# Staff on shift per tier: the district checkpoints check vehicles too and are manned heavier;
# natural-village checkpoints alternate between two and three people.
STAFF_ON_SHIFT: dict[str, int | tuple[int, ...]] = {
    "district": 6,
    "village": 4,
    "natural_village": (2, 3),
    "compound": 3,
}

# A hamlet's checkpoint stands this far along its village road from the hamlet's middle.
HAMLET_ENTRY_M = 150.0

# Checkpoints keep this far from a village boundary, so that which village one belongs to
# is never a matter of rounding.
MIN_BOUNDARY_CLEARANCE_M = 10.0


def build_checkpoints(
    outline: Polygon,
    villages: dict[str, Polygon],
    roads: dict[str, LineString],
    hamlet_roads: list[LineString],
) -> list[dict]:
    """The checkpoint records, with ``geometry`` in local metres.

    Parameters
    ----------
    outline
        The township outline (local metres).
    villages
        Village polygons by village name (local metres).
    roads
        The hand-placed road lines by road id (local metres).
    hamlet_roads
        One village road per entry of ``layout.HAMLETS``, in that order, each starting at
        its hamlet.

    Returns
    -------
    list of dict
        One dict per checkpoint with the checkpoint schema's fields and ``geometry``, ids
        ``CP01``... in tier order.

    Raises
    ------
    ValueError
        When the layout puts a checkpoint outside its village or too near its boundary.
    """
    placed: list[tuple[str, str, str, Point]] = []  # (tier, village, name, point)
    for road_id, name in layout.DISTRICT_CHECKPOINTS:
        point = _just_inside(roads[road_id], outline, layout.DISTRICT_CHECKPOINT_INSIDE_M)
        placed.append(("district", _village_at(point, villages), name, point))
    for village, road_id, xy in layout.VILLAGE_ENTRY_CHECKPOINTS:
        placed.append(("village", village, f"{village}村口卡点", _snap(xy, roads[road_id])))
    for (village, direction, _, has_checkpoint), road in zip(layout.HAMLETS, hamlet_roads, strict=False):
        if has_checkpoint:
            point = road.interpolate(HAMLET_ENTRY_M)  # the road starts at the hamlet
            placed.append(("natural_village", village, f"{village}{direction}自然村卡点", point))
    for road_id, xy, ordinal in layout.COMPOUND_CHECKPOINTS:
        name = f"{SEAT_VILLAGE}集镇{ordinal}小区卡点"
        placed.append(("compound", SEAT_VILLAGE, name, _snap(xy, roads[road_id])))

    records = []
    for number, (tier, village, name, point) in enumerate(placed, start=1):
        _require_inside(point, villages[village], name)
        records.append(
            {
                "id": f"CP{number:02d}",
                "name": name,
                "tier": tier,
                "village": VILLAGE_BY_NAME[village].code,
                "status": "active",
                "staffed_24h": True,
                "staff_on_shift": _staff_on_shift(tier, number),
                "opened": CHECKPOINT_OPENED[tier],
                "closed": None,
                "note": "人车同查" if tier == "district" else None,
                "geometry": point,
            }
        )
    return records


def _staff_on_shift(tier: str, number: int) -> int:
    staff = STAFF_ON_SHIFT[tier]
    return staff[number % len(staff)] if isinstance(staff, tuple) else staff


def _just_inside(road: LineString, outline: Polygon, inside_m: float) -> Point:
    """The point ``inside_m`` along ``road`` after it first crosses into ``outline``."""
    crossings = shapely.get_parts(road.intersection(outline.exterior))
    if len(crossings) == 0:
        raise ValueError("sample layout: a district checkpoint's road does not enter the township")
    entry = min(road.project(crossing) for crossing in crossings)
    return road.interpolate(entry + inside_m)


def _snap(xy, road: LineString) -> Point:
    """The point of ``road`` nearest the hand-placed position ``xy``."""
    return road.interpolate(road.project(Point(xy)))


def _village_at(point: Point, villages: dict[str, Polygon]) -> str:
    for name, polygon in villages.items():
        if polygon.contains(point):
            return name
    raise ValueError(f"sample layout: checkpoint at {point} is in no village")


def _require_inside(point: Point, village: Polygon, what: str) -> None:
    if not village.buffer(-MIN_BOUNDARY_CLEARANCE_M).contains(point):
        raise ValueError(
            f"sample layout: {what} at ({point.x:.0f}, {point.y:.0f}) is not well inside its "
            "village; move it in geodata/sample/layout.py"
        )
