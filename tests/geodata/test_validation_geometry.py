"""Validation of shapes and coordinate systems (geodata/validation/_geometry_checks.py).

Each test breaks one thing in the township of validation_township.py.
"""

from __future__ import annotations

import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon

from geodata.schema import schema_for
from geodata.validation import validate, validate_frame
from tests.geodata.validation_township import (
    checkpoints_frame,
    clean_township,
    where,
    with_shape,
)

# --- 3. geometry ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "layer, shape, expected",
    [
        ("checkpoints", None, "missing; the feature has no location"),
        ("checkpoints", Point(), "empty"),
        (
            "checkpoints",
            LineString([(114.0, 33.0), (114.01, 33.01)]),
            "the shape is a LineString, but checkpoints must be Point",
        ),
        ("villages", Point(114.005, 33.005), "must be Polygon or MultiPolygon"),
        (
            "villages",
            Polygon([(114.0, 33.0), (114.01, 33.01), (114.01, 33.0), (114.0, 33.01)]),
            "the shape is not valid (Self-intersection",
        ),
        ("households", Point(500_000, 3_650_000), "not longitude/latitude in degrees"),
    ],
)
def test_bad_shape_is_an_error_on_the_geometry(layer, shape, expected):
    frame = with_shape(clean_township().frames[layer], 0, shape)
    problems = validate_frame(layer, frame)
    feature = frame[schema_for(layer).id_field].iloc[0]
    assert where(problems) == [("error", layer, feature, "geometry")]
    assert expected in problems[0].message


def test_frame_without_coordinate_system_is_a_warning_that_wgs84_is_assumed():
    frame = checkpoints_frame().set_crs(None, allow_override=True)
    problems = validate_frame("checkpoints", frame)
    assert where(problems) == [("warning", "checkpoints", None, "geometry")]
    assert "WGS-84" in problems[0].message


def test_frames_in_another_coordinate_system_are_converted_not_reported():
    dataset = clean_township()
    for name in ("villages", "households", "checkpoints"):
        dataset.frames[name] = dataset.frames[name].to_crs("EPSG:4547")
    assert validate(dataset) == []


def test_spatial_layer_without_geometry_column_is_an_error():
    frame = pd.DataFrame(checkpoints_frame().drop(columns="geometry"))
    problems = validate_frame("checkpoints", frame)
    assert where(problems) == [("error", "checkpoints", None, "geometry")]


def test_text_in_the_geometry_column_is_an_error_not_a_crash():
    frame = pd.DataFrame(checkpoints_frame())
    frame["geometry"] = frame["geometry"].astype(object)
    frame.loc[1, "geometry"] = "POINT (114.015 33.005)"
    problems = validate_frame("checkpoints", frame)
    assert where(problems) == [
        ("warning", "checkpoints", None, "geometry"),  # a plain table has no CRS
        ("error", "checkpoints", "CP02", "geometry"),
    ]
    assert "not a shape" in problems[1].message
