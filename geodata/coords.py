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
