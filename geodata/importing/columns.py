"""Which column of a file holds which field: headers in Chinese or English, as people type them.

The aliases come from the schema itself (field name, Chinese and English label, the
shapefile name of :data:`geodata.schema.SHAPEFILE_NAMES` and the name GDAL cuts to ten letters
when QGIS saves a layer as a shapefile), so a field added to the schema is importable at once;
:data:`EXTRA_ALIASES` only adds the words village work groups use that no label holds (村 for the
village, 电话 for the phone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from geodata.schema import LayerSchema, shapefile_name

# Words in headers beyond the schema's labels: (layer or "*") -> field -> aliases.
EXTRA_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "*": {"id": ("编码", "序号id", "identifier", "fid_code")},
    "villages": {
        "code": ("adcode", "代码", "行政区划代码", "区划码", "村代码", "统计用区划代码"),
        "name": ("名称", "村", "行政村", "村庄", "村名称"),
        "population": ("人口数", "常住人口", "总人口"),
        "households": ("户数",),
    },
    "checkpoints": {
        "name": ("卡点名称", "卡点"),
        "tier": ("卡点级别", "类别", "等级"),
        "village": ("村", "村名", "行政村", "村庄", "村委", "所在村"),
        "staff_on_shift": ("值守人数", "人员"),
        "opened": ("设立时间", "启用日期", "开设日期"),
        "closed": ("撤除时间", "撤销日期"),
    },
    "households": {
        "village": ("村", "村名", "行政村", "村庄", "村委", "所在村"),
        "villager_group": ("组", "村民小组", "组别"),
        "reason": ("原因", "类别", "人员类别", "观察类别"),
        "persons": ("人口", "观察人数", "户内人数"),
        "observation_start": ("开始日期", "观察开始日期", "隔离开始", "隔离开始日期", "开始观察日期", "返乡日期"),
        "observation_days": ("天数", "隔离天数"),
        "last_check": ("随访时间", "最近随访时间"),
        "head_name": ("户主", "姓名", "户主名"),
        "phone": ("电话", "手机", "手机号", "手机号码", "联系方式"),
    },
    "disinfection_points": {
        "name": ("消毒点", "消毒点名称"),
        "kind": ("类别", "消毒点类型"),
        "village": ("村", "村名", "行政村", "村庄", "所在村"),
        "interval_hours": ("间隔", "消毒间隔", "间隔小时", "频次(小时)"),
        "last_disinfected": ("消毒时间", "最近消毒时间", "上次消毒"),
    },
    "roads": {"road_class": ("道路等级", "等级", "class", "类型")},
}

LONGITUDE_ALIASES = ("经度", "东经", "lng", "lon", "long", "longitude", "x", "经度(e)", "x坐标", "经度坐标")
LATITUDE_ALIASES = ("纬度", "北纬", "lat", "latitude", "y", "纬度(n)", "y坐标", "纬度坐标")
# One cell holding both numbers. The order named in the header wins; else the sizes decide.
PAIR_ALIASES = {
    "经纬度": "lon_first",
    "经纬度坐标": "lon_first",
    "lnglat": "lon_first",
    "lng,lat": "lon_first",
    "lonlat": "lon_first",
    "lon,lat": "lon_first",
    "lng/lat": "lon_first",
    "latlng": "lat_first",
    "lat,lng": "lat_first",
    "latlon": "lat_first",
    "lat,lon": "lat_first",
    "lat/lng": "lat_first",
    "纬经度": "lat_first",
    "坐标": "by_size",
    "位置": "by_size",
    "定位": "by_size",
    "location": "by_size",
    "coordinates": "by_size",
    "gps": "by_size",
    "gps坐标": "by_size",
    "坐标位置": "by_size",
}
WKT_ALIASES = ("wkt", "geometry", "geom", "几何", "shape", "形状")


@dataclass
class ColumnMap:
    """How a file's columns are read.

    Attributes
    ----------
    fields
        Layer field -> the file's column holding it.
    longitude, latitude
        The columns of separate coordinates, or None.
    pair, pair_order
        The column holding both coordinates and how to tell them apart
        (``lon_first``, ``lat_first`` or ``by_size``), or None.
    wkt
        A column of shapes as WKT text, or None.
    unused
        Columns that map to nothing.
    clashes
        Field -> columns, where more than one column means the same field.
    """

    fields: dict[str, str] = field(default_factory=dict)
    longitude: str | None = None
    latitude: str | None = None
    pair: str | None = None
    pair_order: str = "by_size"
    wkt: str | None = None
    unused: list[str] = field(default_factory=list)
    clashes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def has_coordinates(self) -> bool:
        return bool((self.longitude and self.latitude) or self.pair or self.wkt)


def normalise_header(text: str) -> str:
    """A header as compared: lower case, no spaces or marks of required fields, ASCII brackets."""
    text = str(text).strip().lower().translate(str.maketrans("（）：，", "():,"))
    text = re.sub(r"[\s*＊_\-]+", "", text)
    return text


def _without_unit(text: str) -> str:
    """``人数(人)`` -> ``人数``: a unit in brackets after a header."""
    return re.sub(r"\([^)]*\)$", "", text)


def aliases_for(schema: LayerSchema) -> dict[str, str]:
    """Normalised header -> field of ``schema``: names and labels first, extra words after."""
    table: dict[str, str] = {}
    extras = {**EXTRA_ALIASES.get("*", {}), **EXTRA_ALIASES.get(schema.name, {})}
    for f in schema.fields:
        for word in (f.name, f.label_zh, f.label_en):
            if word:
                table.setdefault(normalise_header(word), f.name)
                table.setdefault(_without_unit(normalise_header(word)), f.name)
    for f, cut in zip(schema.fields, gdal_cut_names(schema), strict=True):
        table.setdefault(normalise_header(shapefile_name(f.name)), f.name)
        table.setdefault(normalise_header(cut), f.name)
    for field_name, words in extras.items():
        if field_name not in schema.field_names:
            continue
        for word in words:
            table.setdefault(normalise_header(word), field_name)
    return table


def gdal_cut_names(schema: LayerSchema) -> list[str]:
    """The names GDAL gives ``schema``'s fields, written in order to a shapefile: the first ten
    letters, and for a name already taken its first eight and ``_1``, ``_2``… (ogrshapelayer.cpp)."""
    taken: set[str] = set()
    names = []
    for f in schema.fields:
        name = f.name[:10]
        number = 1
        while name.lower() in taken and number < 10:
            name = f"{f.name[:8]}_{number}"
            number += 1
        taken.add(name.lower())
        names.append(name)
    return names


def map_columns(schema: LayerSchema, columns, *, spatial_source: bool = False) -> ColumnMap:
    """Match a file's ``columns`` to ``schema``'s fields and to coordinate columns.

    ``spatial_source``: the file brings its own shapes (GeoJSON, Shapefile, GeoPackage), so
    no column is taken for coordinates.
    """
    table = aliases_for(schema)
    result = ColumnMap()
    claimed: dict[str, list[str]] = {}
    for column in columns:
        key = normalise_header(column)
        if schema.is_spatial and not spatial_source and _take_coordinate(result, column, key):
            continue
        target = table.get(key) or table.get(_without_unit(key))
        if target is None:
            result.unused.append(column)
            continue
        claimed.setdefault(target, []).append(column)
    for target, names in claimed.items():
        result.fields[target] = names[0]
        if len(names) > 1:
            result.clashes[target] = names
    return result


def _take_coordinate(result: ColumnMap, column: str, key: str) -> bool:
    bare = _without_unit(key)
    if key in _NORMAL_LONGITUDE or bare in _NORMAL_LONGITUDE:
        if result.longitude is None:
            result.longitude = column
            return True
    elif key in _NORMAL_LATITUDE or bare in _NORMAL_LATITUDE:
        if result.latitude is None:
            result.latitude = column
            return True
    elif key in _NORMAL_PAIRS or bare in _NORMAL_PAIRS:
        if result.pair is None:
            result.pair = column
            result.pair_order = _NORMAL_PAIRS.get(key) or _NORMAL_PAIRS[bare]
            return True
    elif key in _NORMAL_WKT and result.wkt is None:
        result.wkt = column
        return True
    return False


_NORMAL_LONGITUDE = {normalise_header(w) for w in LONGITUDE_ALIASES}
_NORMAL_LATITUDE = {normalise_header(w) for w in LATITUDE_ALIASES}
_NORMAL_PAIRS = {normalise_header(w): order for w, order in PAIR_ALIASES.items()}
_NORMAL_WKT = {normalise_header(w) for w in WKT_ALIASES}
