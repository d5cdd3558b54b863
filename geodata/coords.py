"""Coordinate reference systems: where data is stored and where it is measured."""

from __future__ import annotations

from pyproj import CRS

from geodata.schema import STORAGE_CRS

# CGCS2000 3-degree Gauss-Kruger zones with the central meridian in the name ("CM 114E"):
# EPSG:4534 is CM 75E, one code per 3 degrees up to EPSG:4554 at CM 135E.
_GK_FIRST_EPSG = 4534
_GK_FIRST_CM = 75
_GK_LAST_CM = 135


def metric_crs(longitude: float, latitude: float = 33.0) -> CRS:
    """The metric CRS for measuring data around ``longitude``/``latitude``.

    Inside China this is the CGCS2000 3-degree Gauss-Kruger zone whose central meridian is
    nearest (EPSG:4547, CM 114E, for Zhumadian); elsewhere the UTM zone. Web Mercator is never
    used for distances: at 33 N it overstates them by about a fifth.

    Examples
    --------
    >>> metric_crs(113.975, 33.003).to_epsg()
    4547
    """
    central_meridian = round(longitude / 3) * 3
    if _GK_FIRST_CM <= central_meridian <= _GK_LAST_CM and 15 <= latitude <= 55:
        return CRS.from_epsg(_GK_FIRST_EPSG + (central_meridian - _GK_FIRST_CM) // 3)
    zone = int((longitude + 180) // 6) + 1
    return CRS.from_epsg((32600 if latitude >= 0 else 32700) + zone)


def metric_crs_for(frame) -> CRS:
    """The metric CRS for a GeoDataFrame (in any CRS), from the centre of its bounds."""
    lonlat = frame.to_crs(STORAGE_CRS) if frame.crs is not None else frame
    minx, miny, maxx, maxy = lonlat.total_bounds
    return metric_crs((minx + maxx) / 2, (miny + maxy) / 2)


# --- coordinate systems a file may come in (import) ------------------------------------------

# The names users give with --crs, beside any EPSG code. CGCS2000 (EPSG:4490) differs from
# WGS-84 by centimetres: at map scale it is the same.
NAMED_SYSTEMS = {"wgs84": "EPSG:4326", "cgcs2000": "EPSG:4490", "gcj02": None, "bd09": None}
_NAME_ALIASES = {
    "wgs-84": "wgs84",
    "wgs 84": "wgs84",
    "epsg:4326": "wgs84",
    "4326": "wgs84",
    "gps": "wgs84",
    "cgcs-2000": "cgcs2000",
    "cgcs 2000": "cgcs2000",
    "gcj-02": "gcj02",
    "gcj": "gcj02",
    "gaode": "gcj02",
    "amap": "gcj02",
    "高德": "gcj02",
    "火星": "gcj02",
    "tencent": "gcj02",
    "腾讯": "gcj02",
    "wechat": "gcj02",
    "微信": "gcj02",
    "bd-09": "bd09",
    "bd09ll": "bd09",
    "baidu": "bd09",
    "百度": "bd09",
}


def source_crs_name(text: str) -> str:
    """The canonical name of a coordinate system a user typed: ``wgs84``, ``cgcs2000``,
    ``gcj02``, ``bd09`` or ``EPSG:n``; ``ValueError`` naming the choices otherwise.

    Examples
    --------
    >>> source_crs_name("GCJ-02"), source_crs_name("epsg:4547")
    ('gcj02', 'EPSG:4547')
    """
    key = str(text).strip().lower()
    key = _NAME_ALIASES.get(key, key)
    if key in NAMED_SYSTEMS:
        return key
    if key.startswith("epsg:") and key[5:].isdigit():
        code = f"EPSG:{int(key[5:])}"
        try:
            CRS.from_user_input(code)
        except Exception:  # pyproj raises CRSError, but any failure means the same
            raise ValueError(f"{text!r} is no coordinate system pyproj knows") from None
        return code
    raise ValueError(f"unknown coordinate system {text!r}; give wgs84, cgcs2000, gcj02, bd09 or EPSG:<code>")


def to_wgs84(x, y, crs_name: str):
    """Coordinates in ``crs_name`` (see :func:`source_crs_name`) as WGS-84 longitude and
    latitude arrays."""
    import numpy as np
    from pyproj import Transformer

    from geodata import chinese_crs

    x, y = np.asarray(x, float), np.asarray(y, float)
    if crs_name == "gcj02":
        return chinese_crs.gcj02_to_wgs84(x, y)
    if crs_name == "bd09":
        return chinese_crs.bd09_to_wgs84(x, y)
    code = NAMED_SYSTEMS.get(crs_name, crs_name)
    if CRS.from_user_input(code).equals(CRS.from_user_input(STORAGE_CRS)):
        return x, y
    transformer = Transformer.from_crs(code, STORAGE_CRS, always_xy=True)
    return transformer.transform(x, y)
