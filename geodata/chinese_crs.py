"""The Chinese map offsets: GCJ-02 (Gaode, Tencent, WeChat) and BD-09 (Baidu) to WGS-84.

GCJ-02 is WGS-84 shifted by a published, deliberately non-invertible formula (the "forward"
transform below); BD-09 is GCJ-02 rotated and shifted once more. A location copied from a
phone map app lies 500 m to 1.2 km from where it is on a WGS-84 map around Zhumadian, so
imported coordinates are taken back to WGS-84 here.

The way back has no closed form. :func:`gcj02_to_wgs84` and :func:`bd09_to_wgs84` solve the
forward transform for its input by fixed-point iteration: the offset changes by well under a
millimetre over the few hundred metres it moves a point, so each step shrinks the error about
a thousandfold and three or four steps reach a millimetre. Outside China the apps do not
offset, and neither do we.

All functions take and return numpy arrays (or scalars) of longitude and latitude in degrees.
"""

from __future__ import annotations

import numpy as np

# Krasovsky 1940, the ellipsoid the GCJ-02 formula was written for.
_A = 6378245.0
_EE = 0.00669342162296594323
_BD_SHIFT = (0.0065, 0.006)
_BD_FACTOR = np.pi * 3000.0 / 180.0
# The box the apps use to decide "in China"; a coarse box by design, the same as theirs.
_CHINA_BOX = (72.004, 0.8293, 137.8347, 55.8271)
_MAX_STEPS = 30
_TOLERANCE_DEG = 1e-10  # about 0.01 mm


def in_china(lon, lat) -> np.ndarray:
    """Where the map apps apply their offset (a box around China, as they use it)."""
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    west, south, east, north = _CHINA_BOX
    return (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)


def wgs84_to_gcj02(lon, lat):
    """The GCJ-02 ("Mars") coordinates a Chinese map app shows for a WGS-84 point."""
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    d_lon, d_lat = _gcj_offset(lon, lat)
    inside = in_china(lon, lat)
    return np.where(inside, lon + d_lon, lon), np.where(inside, lat + d_lat, lat)


def gcj02_to_bd09(lon, lat):
    """Baidu's BD-09 coordinates of a GCJ-02 point."""
    x, y = np.asarray(lon, float), np.asarray(lat, float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _BD_FACTOR)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _BD_FACTOR)
    return z * np.cos(theta) + _BD_SHIFT[0], z * np.sin(theta) + _BD_SHIFT[1]


def wgs84_to_bd09(lon, lat):
    """Baidu's BD-09 coordinates of a WGS-84 point."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def gcj02_to_wgs84(lon, lat):
    """WGS-84 coordinates of a GCJ-02 point, to about a millimetre inside China."""
    return _invert(wgs84_to_gcj02, lon, lat)


def bd09_to_wgs84(lon, lat):
    """WGS-84 coordinates of a BD-09 (Baidu) point, to about a millimetre inside China."""
    return _invert(wgs84_to_bd09, lon, lat)


def bd09_to_gcj02(lon, lat):
    """GCJ-02 coordinates of a BD-09 point."""
    return _invert(gcj02_to_bd09, lon, lat)


def _invert(forward, lon, lat):
    target_lon, target_lat = np.asarray(lon, float), np.asarray(lat, float)
    guess_lon, guess_lat = target_lon.copy(), target_lat.copy()
    for _ in range(_MAX_STEPS):
        there_lon, there_lat = forward(guess_lon, guess_lat)
        miss_lon, miss_lat = there_lon - target_lon, there_lat - target_lat
        guess_lon, guess_lat = guess_lon - miss_lon, guess_lat - miss_lat
        worst = np.nanmax(np.abs(np.concatenate([np.ravel(miss_lon), np.ravel(miss_lat)])), initial=0.0)
        if worst < _TOLERANCE_DEG:
            break
    return guess_lon, guess_lat


def _gcj_offset(lon, lat):
    """The published GCJ-02 shift (degrees) at a WGS-84 point."""
    x, y = lon - 105.0, lat - 35.0
    d_lat = _shift_lat(x, y)
    d_lon = _shift_lon(x, y)
    rad_lat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * np.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return d_lon, d_lat


def _shift_lat(x, y):
    pi = np.pi
    value = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    value += (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    value += (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
    value += (160.0 * np.sin(y / 12.0 * pi) + 320 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    return value


def _shift_lon(x, y):
    pi = np.pi
    value = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    value += (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    value += (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
    value += (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0
    return value
