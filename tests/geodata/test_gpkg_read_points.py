"""Points read from their GeoPackage bytes directly are the points WKB parsing gives, and
anything else (an envelope, an empty point, big-endian WKB, another type) is parsed as before."""

from __future__ import annotations

import struct

import numpy as np
import shapely

from geodata.stores.gpkg_read import geometries

SRS = 4326


def blob(geometry, *, envelope: bool = False, empty: bool = False, byte_order: str = "little") -> bytes:
    """A GeoPackage geometry blob as GDAL writes one."""
    flags = 0x01 | (0x02 if envelope else 0) | (0x10 if empty else 0)
    head = b"GP" + bytes([0, flags]) + struct.pack("<i", SRS)
    if envelope:
        west, south, east, north = shapely.bounds(geometry)
        head += struct.pack("<4d", west, east, south, north)
    return head + shapely.to_wkb(geometry, byte_order=0 if byte_order == "big" else 1)


def parsed(blobs) -> np.ndarray:
    """What WKB parsing gives, blob by blob."""
    return np.array([None if b is None else shapely.from_wkb(b[8 + (32 if b[3] & 0x02 else 0) :]) for b in blobs])


def same(read, expected) -> bool:
    return (
        len(read) == len(expected)
        and all(
            (a is None and b is None) or (a is not None and b is not None and shapely.equals_exact(a, b, 0))
            for a, b in zip(read, expected, strict=True)
        )
        and [None if g is None else g.wkt for g in read] == [None if g is None else g.wkt for g in expected]
    )


def test_plain_points_read_from_their_bytes_are_the_parsed_points():
    points = [shapely.Point(113.98 + i * 1e-7, 33.0 - i * 1e-9) for i in range(50)]
    blobs = [blob(p) for p in points]
    read = geometries(np.array(blobs, dtype=object))
    assert same(read, parsed(blobs))
    assert read.dtype == object


def test_a_point_without_a_place_stays_none_among_plain_points():
    blobs = [blob(shapely.Point(114.0, 33.0)), None, blob(shapely.Point(114.1, 33.1))]
    read = geometries(np.array(blobs, dtype=object))
    assert read[1] is None and same(read, parsed(blobs))
    assert list(geometries(np.array([None, None], dtype=object))) == [None, None]
    assert len(geometries(np.array([], dtype=object))) == 0


def test_points_in_other_forms_are_parsed_as_before():
    point = shapely.Point(114.0, 33.0)
    forms = [
        [blob(point), blob(point, envelope=True)],
        [blob(point), blob(shapely.Point(), empty=True)],
        [blob(point), blob(point, byte_order="big")],
        [blob(point), blob(shapely.Point(114.0, 33.0, 5.0))],
        [blob(point), blob(shapely.LineString([(114, 33), (114.1, 33.1)]))],
        [blob(point), blob(shapely.Point(float("nan"), float("nan")))],
    ]
    for blobs in forms:
        assert same(geometries(np.array(blobs, dtype=object)), parsed(blobs)), blobs
