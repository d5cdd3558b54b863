"""Hand-placed positions of the sample, in metres east (x) and north (y) of the township seat.

None of this is surveyed: no village boundary, checkpoint position or household is public. The
positions are chosen to look like a plausible plain township (villages of 5-9 km², roads
between the village centres, hamlets a kilometre or two apart) and to be easy to read and
change. :mod:`geodata.sample.geometry` turns them into map geometry.
"""

from __future__ import annotations

# The township outline, clockwise from the north-west corner: about 10 km across, the seat a
# little east of the middle (the city of Zhumadian lies some 4 km to the south-east).
TOWNSHIP_OUTLINE = (
    (-5400, 3900),
    (-4300, 4300),
    (-3900, 4800),
    (-2200, 4300),
    (-1300, 4600),
    (-800, 5100),
    (900, 4700),
    (1500, 4550),
    (2300, 4100),
    (2900, 3300),
    (3300, 2600),
    (3800, 1500),
    (3700, 800),
    (3100, -300),
    (3200, -700),
    (3900, -1500),
    (3600, -2100),
    (2900, -2600),
    (2400, -3300),
    (1500, -3400),
    (800, -3900),
    (-200, -3500),
    (-900, -3400),
    (-1800, -3900),
    (-2600, -3800),
    (-3600, -3500),
    (-4200, -3000),
    (-4700, -2500),
    (-5300, -1600),
    (-5500, -700),
    (-5900, 200),
    (-5700, 1100),
    (-5600, 2000),
    (-6000, 2900),
)

# The main settlement of each village (where its committee sits). Village boundaries are the
# Voronoi cells of these points, so each village is the land nearest its own settlement.
VILLAGE_CENTRES = {
    "关王庙村": (0, 0),
    "孙吴庄村": (-2200, 700),
    "熊楼村": (300, 3300),
    "何庄村": (2300, 1900),
    "荒坡陆村": (-4300, 2700),
    "杨楼村": (-4400, 0),
    "洪堂村": (-3300, -2300),
    "杨桥村": (-900, -2200),
    "杜庄村": (1900, -1800),
    "余庄村": (-2200, 3000),
}

# Road crossings: roads that cross share one of these vertices, so the network is connected
# (hamlet roads, built in geometry.py, end on the road they join).
JUNCTIONS = {
    "seat": (0, 0),  # the seat's crossroads on the provincial road
    "seat_north_street": (-250, 700),
    "seat_south_street": (-125, -500),
    "national_x_provincial": (900, -150),
    "national_north": (1260, 3300),
    "national_hezhuang": (1000, 1750),
    "national_south": (1250, -2400),
    "provincial_yanglou": (-4400, 300),
    "provincial_sunwuzhuang": (-2250, 250),
    "provincial_east": (2500, -350),
    "hongtang": (-3300, -2300),
}
_J = JUNCTIONS

# Roads: (id, name, class, vertices). The national and provincial roads run on past the
# outline into the neighbouring townships, because where they cross it is where traffic
# enters (the district-level checkpoints stand there). Names say "示意": they are not real.
ROADS = (
    (
        "R01",
        "国道（示意）",
        "national",
        (
            (1750, 6300),
            (1550, 5000),
            _J["national_north"],
            _J["national_hezhuang"],
            _J["national_x_provincial"],
            _J["national_south"],
            (2300, -4600),
            (2800, -5600),
        ),
    ),
    (
        "R02",
        "省道（示意）",
        "provincial",
        (
            (-7400, 780),
            (-5900, 550),
            _J["provincial_yanglou"],
            _J["provincial_sunwuzhuang"],
            _J["seat"],
            _J["national_x_provincial"],
            _J["provincial_east"],
            (4200, -700),
            (4900, -880),
        ),
    ),
    (
        "R03",
        "关王庙—余庄—荒坡陆道路（示意）",
        "county",
        (
            _J["seat"],
            _J["seat_north_street"],
            (-500, 1400),
            (-1500, 2600),
            VILLAGE_CENTRES["余庄村"],
            (-3300, 2950),
            VILLAGE_CENTRES["荒坡陆村"],
            (-4900, 3500),
        ),
    ),
    (
        "R04",
        "孙吴庄—洪堂道路（示意）",
        "county",
        (
            (-2200, 1700),
            VILLAGE_CENTRES["孙吴庄村"],
            _J["provincial_sunwuzhuang"],
            (-2600, -1000),
            _J["hongtang"],
            (-3600, -3300),
        ),
    ),
    (
        "R05",
        "杨楼—洪堂道路（示意）",
        "county",
        (
            _J["provincial_yanglou"],
            VILLAGE_CENTRES["杨楼村"],
            (-4100, -1200),
            _J["hongtang"],
        ),
    ),
    (
        "R06",
        "关王庙—杨桥道路（示意）",
        "county",
        (
            _J["seat"],
            _J["seat_south_street"],
            (-300, -1200),
            VILLAGE_CENTRES["杨桥村"],
            (-1300, -3200),
        ),
    ),
    (
        "R07",
        "何庄道路（示意）",
        "county",
        (
            _J["national_hezhuang"],
            VILLAGE_CENTRES["何庄村"],
            (3000, 2500),
        ),
    ),
    (
        "R08",
        "杜庄道路（示意）",
        "county",
        (
            _J["provincial_east"],
            (2200, -1100),
            VILLAGE_CENTRES["杜庄村"],
            _J["national_south"],
        ),
    ),
    (
        "R09",
        "熊楼道路（示意）",
        "county",
        (
            _J["national_north"],
            VILLAGE_CENTRES["熊楼村"],
            (-700, 3900),
        ),
    ),
    # Streets of the seat's market town, where the residential compounds are.
    ("R10", "集镇北街（示意）", "village", ((-900, 650), _J["seat_north_street"], (600, 640))),
    ("R11", "集镇南街（示意）", "village", ((-900, -480), _J["seat_south_street"], (800, -560))),
)

# Hamlets (自然村) away from the village centre: (village, direction word, (x, y), whether it
# has a checkpoint). Each gets a village road to the nearest county or bigger road; 16 have a
# checkpoint at the hamlet's entry, as the township reported 16 natural-village checkpoints.
# Observed households live around the hamlets and the village centres.
HAMLETS = (
    ("关王庙村", "西", (-1000, -350), True),
    ("孙吴庄村", "北", (-2600, 1750), True),
    ("孙吴庄村", "西", (-3100, 1200), True),
    ("熊楼村", "北", (-100, 4400), True),
    ("熊楼村", "东", (1900, 3900), True),
    ("何庄村", "北", (1900, 3000), True),
    ("何庄村", "东", (3100, 1100), True),
    ("荒坡陆村", "北", (-3900, 3900), True),
    ("荒坡陆村", "西", (-5000, 2100), True),
    ("杨楼村", "西", (-5300, -500), True),
    ("杨楼村", "南", (-4900, -1300), True),
    ("洪堂村", "西", (-4300, -2600), True),
    ("洪堂村", "南", (-2700, -3200), False),
    ("杨桥村", "西", (-1900, -2700), True),
    ("杨桥村", "东", (200, -3000), True),
    ("杜庄村", "东", (2900, -1900), True),
    ("杜庄村", "南", (1700, -3000), False),
    ("余庄村", "北", (-2100, 4000), True),
    ("余庄村", "东", (-1000, 3000), False),
)

# Village-level checkpoints (村口卡点): at the entry of the village's main settlement, on the
# named road. The point given is snapped onto that road.
VILLAGE_ENTRY_CHECKPOINTS = (
    ("孙吴庄村", "R04", (-2230, 480)),
    ("何庄村", "R07", (1800, 1840)),
    ("荒坡陆村", "R03", (-3900, 2800)),
    ("杨楼村", "R05", (-4400, -350)),
    ("洪堂村", "R04", (-3050, -1850)),
    ("杨桥村", "R06", (-700, -1900)),
    ("杜庄村", "R08", (2050, -1450)),
    ("余庄村", "R03", (-1800, 2800)),
)

# Residential-compound checkpoints (小区卡点) in the seat's market town: (street, point to snap
# onto it, ordinal in the name).
COMPOUND_CHECKPOINTS = (
    ("R10", (-500, 690), "第一"),
    ("R11", (-500, -500), "第二"),
    ("R11", (400, -540), "第三"),
)

# District-level checkpoints (区级卡点): (road, name). Each stands where its road first crosses
# into the township (roads run from their first vertex: the national road from the north, the
# provincial road from the west), this far inside the outline along the road.
DISTRICT_CHECKPOINTS = (("R01", "国道北入口卡点"), ("R02", "省道西入口卡点"))
DISTRICT_CHECKPOINT_INSIDE_M = 120.0

# Disinfection points other than the checkpoints': (kind, village, place name, (x, y)).
DISINFECTION_SITES = (
    ("residential", "关王庙村", "集镇北街居民区", (100, 760)),
    ("residential", "孙吴庄村", "孙吴庄村居民区", (-2050, 850)),
    ("residential", "何庄村", "何庄村居民区", (2450, 1750)),
    ("residential", "洪堂村", "洪堂村居民区", (-3200, -2150)),
    ("residential", "杜庄村", "杜庄村居民区", (1750, -1650)),
    ("public", "关王庙村", "集镇农贸市场", (-250, 150)),
    ("public", "关王庙村", "乡卫生院（示意）", (250, -250)),
    ("public", "熊楼村", "熊楼村村委会", (450, 3200)),
    ("public", "杨楼村", "杨楼村村委会", (-4300, 150)),
    ("public", "杨桥村", "杨桥村村委会", (-1050, -2100)),
    ("work_area", "关王庙村", "乡政府办公区", (-150, -250)),
    ("work_area", "关王庙村", "集镇复工企业（示意）", (700, 350)),
    ("work_area", "余庄村", "余庄村养殖场（示意）", (-2500, 3300)),
    ("work_area", "荒坡陆村", "荒坡陆村蔬菜基地（示意）", (-4600, 3100)),
    ("work_area", "杜庄村", "杜庄村复工企业（示意）", (2600, -600)),
)
