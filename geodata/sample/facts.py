"""The published facts the sample is built on: names, division codes and February 2020 figures.

Everything here is either public (the township's published figures of February 2020 and the
national statistical division codes of its villages) or is marked as an illustrative split of
a public total. Positions live in :mod:`geodata.sample.layout`, records in the other modules.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from geodata.schema import SCHEMA_VERSION

TOWNSHIP_CODE = "411771360"
TOWNSHIP_NAME = "关王庙乡"
TOWNSHIP_NAME_EN = "Guanwangmiao Township"

# The township seat, WGS-84, converted from a GCJ-02 map point (unverified). The hand-placed
# layout is in metres east and north of this point.
SEAT_LONGITUDE = 113.975
SEAT_LATITUDE = 33.003

# "As of" of the whole sample: the evening of the day the figures were published.
AS_OF = pd.Timestamp("2020-02-19 18:00")
REPORT_DATE = AS_OF.normalize()

# Henan raised its first-level response on 25 January 2020; the checkpoints opened over the
# following days, the higher tiers first.
CHECKPOINT_OPENED = {
    "district": pd.Timestamp("2020-01-25"),
    "village": pd.Timestamp("2020-01-26"),
    "natural_village": pd.Timestamp("2020-01-27"),
    "compound": pd.Timestamp("2020-01-28"),
}


@dataclass(frozen=True)
class Village:
    """One administrative village (行政村).

    ``suffix`` and ``name`` are public (national division list). ``population``,
    ``households``, ``groups``, ``party_branches`` and ``volunteers`` are an illustrative
    split of the township's published totals (about 28,000 people, 26 temporary party
    branches, 500+ party-member volunteers on 24-hour shifts).
    """

    suffix: str
    name: str
    population: int
    households: int
    groups: int
    party_branches: int
    volunteers: int

    @property
    def code(self) -> str:
        return f"{TOWNSHIP_CODE}{self.suffix}"

    @property
    def work_group(self) -> str:
        return f"{self.name}工作组"


VILLAGES = (
    Village("200", "关王庙村", 4613, 1268, 14, 4, 86),  # the township seat, the largest village
    Village("201", "孙吴庄村", 2894, 781, 10, 3, 54),
    Village("202", "熊楼村", 2587, 702, 9, 2, 48),
    Village("203", "何庄村", 2731, 739, 9, 3, 51),
    Village("205", "荒坡陆村", 2268, 615, 8, 2, 42),
    Village("206", "杨楼村", 2842, 768, 10, 3, 53),
    Village("207", "洪堂村", 2476, 671, 8, 2, 46),
    Village("208", "杨桥村", 2655, 720, 9, 3, 50),
    Village("209", "杜庄村", 2379, 646, 8, 2, 45),
    Village("211", "余庄村", 2555, 693, 9, 2, 48),
)
VILLAGE_BY_NAME = {v.name: v for v in VILLAGES}
SEAT_VILLAGE = "关王庙村"  # the village of the township seat and its market town

# Township totals bought or produced by 19 February 2020 (published figures).
SUPPLIES = {
    "masks": 22284,
    "thermometers": 596,
    "disinfectant_litres": 6116.5,
    "latex_glove_pairs": 1106,
    "goggles": 222,
    "isolation_gowns": 32,
}
PUBLICITY = {"vehicles": 10, "boards": 202, "banners": 1220, "leaflets": 67600}

DISCLAIMER = (
    "示例数据：村名与统计数字来自公开资料，村界、卡点位置与住户记录均为示意，非真实数据。 "
    "Illustrative sample: village names and figures are public; boundaries, checkpoint "
    "positions and household records are invented."
)

METADATA = {
    "township_name": TOWNSHIP_NAME,
    "township_name_en": TOWNSHIP_NAME_EN,
    "township_code": TOWNSHIP_CODE,
    "as_of": AS_OF.strftime("%Y-%m-%dT%H:%M"),
    "issuing_body": "关王庙乡疫情防控指挥部",
    "source": (
        "据关王庙乡2020年2月公开发布的防控数字与国家统计局统计用区划代码编制；"
        "Built from the township's public figures of February 2020 and the national "
        "statistical division list; geometry and records are illustrative."
    ),
    "disclaimer": DISCLAIMER,
    "illustrative": "true",
    "schema_version": SCHEMA_VERSION,
}
