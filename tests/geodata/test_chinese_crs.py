"""GCJ-02 and BD-09 back to WGS-84: published reference points and round trips within 1 m."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from geodata.chinese_crs import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from geodata.coords import source_crs_name, to_wgs84

GEOD = Geod(ellps="WGS84")

# Reference values published with the widely used coordtransform library
# (github.com/wandergis/coordtransform, test/app.js; the same numbers are asserted by
# coordtransform_rs and hutool's CoordinateUtilTest), for the input (116.404, 39.915).
REFERENCE_INPUT = (116.404, 39.915)
REFERENCE_WGS84_TO_GCJ02 = (116.41024449916938, 39.91640428150164)
REFERENCE_GCJ02_TO_BD09 = (116.41036949371029, 39.92133699351021)
REFERENCE_BD09_TO_GCJ02 = (116.39762729119315, 39.90865673957631)  # their one-step approximation
REFERENCE_GCJ02_TO_WGS84 = (116.39775550083061, 39.91359571849836)  # their one-step approximation


def metres(a, b) -> float:
    return abs(GEOD.inv(float(a[0]), float(a[1]), float(b[0]), float(b[1]))[2])


def test_forward_transforms_match_the_published_values_exactly():
    assert np.allclose(wgs84_to_gcj02(*REFERENCE_INPUT), REFERENCE_WGS84_TO_GCJ02, atol=1e-12)
    assert np.allclose(gcj02_to_bd09(*REFERENCE_INPUT), REFERENCE_GCJ02_TO_BD09, atol=1e-12)


def test_inverse_transforms_agree_with_the_published_approximations_within_a_metre():
    assert metres(gcj02_to_wgs84(*REFERENCE_INPUT), REFERENCE_GCJ02_TO_WGS84) < 1.0
    assert metres(bd09_to_gcj02(*REFERENCE_INPUT), REFERENCE_BD09_TO_GCJ02) < 1.0


def test_inverse_recovers_the_published_input_to_a_centimetre():
    assert metres(gcj02_to_wgs84(*REFERENCE_WGS84_TO_GCJ02), REFERENCE_INPUT) < 0.01


def test_the_offset_around_zhumadian_is_hundreds_of_metres():
    seat = (113.975, 33.003)
    assert 400 < metres(wgs84_to_gcj02(*seat), seat) < 800
    assert 900 < metres(wgs84_to_bd09(*seat), seat) < 1600


def test_outside_china_nothing_is_shifted():
    assert np.allclose(wgs84_to_gcj02(2.35, 48.85), (2.35, 48.85))
    assert np.allclose(gcj02_to_wgs84(2.35, 48.85), (2.35, 48.85))


china = st.tuples(st.floats(75, 134), st.floats(18, 53))


@settings(max_examples=300, deadline=None)
@given(china)
def test_gcj02_round_trip_within_a_metre(point):
    back = gcj02_to_wgs84(*wgs84_to_gcj02(*point))
    assert metres(back, point) < 1.0


@settings(max_examples=300, deadline=None)
@given(china)
def test_bd09_round_trip_within_a_metre(point):
    back = bd09_to_wgs84(*wgs84_to_bd09(*point))
    assert metres(back, point) < 1.0


def test_arrays_are_converted_at_once():
    lon = np.array([113.9, 114.0, 114.1])
    lat = np.array([32.9, 33.0, 33.1])
    back = to_wgs84(*wgs84_to_gcj02(lon, lat), "gcj02")
    assert np.allclose(back, (lon, lat), atol=1e-8)


@pytest.mark.parametrize(
    "text, name",
    [
        ("WGS84", "wgs84"),
        ("gcj-02", "gcj02"),
        ("高德", "gcj02"),
        ("Baidu", "bd09"),
        ("cgcs2000", "cgcs2000"),
        ("epsg:4547", "EPSG:4547"),
    ],
)
def test_crs_names_users_type(text, name):
    assert source_crs_name(text) == name


@pytest.mark.parametrize("text", ["mars", "EPSG:999999", ""])
def test_unknown_crs_names_are_refused_with_the_choices(text):
    with pytest.raises(ValueError, match="wgs84|pyproj"):
        source_crs_name(text)


def test_gauss_kruger_metres_convert_to_degrees():
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:4547", always_xy=True).transform(113.975, 33.003)
    assert np.allclose(to_wgs84([x], [y], "EPSG:4547"), ([113.975], [33.003]), atol=1e-9)
