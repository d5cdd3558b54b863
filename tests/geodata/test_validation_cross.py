"""Validation across layers: places, village codes, references and scopes
(geodata/validation/_cross_checks.py).

Each test breaks one thing in the township of validation_township.py.
"""

from __future__ import annotations

import pytest
from shapely.geometry import Point, box

from geodata.dataset import Dataset
from geodata.validation import validate
from tests.geodata.validation_township import (
    EAST,
    METRE_LON,
    SEAT,
    TOWNSHIP,
    checkpoints_frame,
    clean_township,
    disinfection_points_frame,
    households_frame,
    supplies_frame,
    township_with,
    villages_frame,
    where,
    with_cell,
    with_shape,
)

# --- 5. across layers ----------------------------------------------------------------------


def test_point_outside_the_township_is_an_error():
    households = with_shape(households_frame(), 1, Point(114.05, 33.005))  # 2.8 km east
    problems = validate(township_with("households", households))
    assert where(problems) == [("error", "households", "H002", "geometry")]
    assert "lies 2,8" in problems[0].message  # metres, measured in CGCS2000 / GK CM 114E
    assert "m outside the township" in problems[0].message


def test_point_a_few_metres_outside_the_border_counts_as_inside():
    checkpoints = with_shape(checkpoints_frame(), 0, Point(114.0 - 3 * METRE_LON, 33.005))
    assert validate(township_with("checkpoints", checkpoints)) == []


def test_point_in_another_village_than_it_names_is_a_warning_naming_both():
    checkpoints = with_cell(checkpoints_frame(), 2, "village", SEAT)  # it stands in the east
    problems = validate(township_with("checkpoints", checkpoints))
    # Its opening, recorded in the east, now disagrees with it too.
    assert where(problems) == [
        ("warning", "checkpoints", "CP03", "village"),
        ("warning", "checkpoint_changes", "C3", "village"),
    ]
    message = problems[0].message
    assert f"lies in village {EAST} (孙吴庄村), not in {SEAT} (关王庙村)" in message


def test_point_on_the_border_between_villages_belongs_to_both():
    households = with_shape(households_frame(), 0, Point(114.01 + 2 * METRE_LON, 33.005))
    assert validate(township_with("households", households)) == []


@pytest.mark.parametrize("layer", ["checkpoints", "households", "disinfection_points"])
def test_village_code_that_names_no_village_is_an_error(layer):
    frame = with_cell(clean_township().frames[layer], 0, "village", "411771360299")
    problems = validate(township_with(layer, frame))
    assert where(problems) == [("error", layer, frame["id"].iloc[0], "village")]
    assert "no village has the code '411771360299'" in problems[0].message


def test_disinfection_point_at_a_checkpoint_that_does_not_exist_is_an_error():
    points = with_cell(disinfection_points_frame(), 1, "checkpoint", "CP99")
    problems = validate(township_with("disinfection_points", points))
    assert where(problems) == [("error", "disinfection_points", "D02", "checkpoint")]
    assert "no checkpoint has the id 'CP99'" in problems[0].message


def test_overlapping_villages_are_an_error_naming_both_and_the_area():
    # The eastern village drawn 0.001 degrees (about 93 m) too far west.
    villages = with_shape(villages_frame(), 1, box(114.009, 33.00, 114.02, 33.01))
    problems = validate(township_with("villages", villages))
    assert where(problems) == [("error", "villages", SEAT, "geometry")]
    message = problems[0].message
    assert SEAT in message and EAST in message
    assert "overlap by 103," in message and "m²" in message


def test_villages_that_only_share_a_border_do_not_overlap():
    villages = with_shape(villages_frame(), 1, box(114.01 - 1e-9, 33.00, 114.02, 33.01))  # a sliver
    assert validate(township_with("villages", villages)) == []


@pytest.mark.parametrize("table", ["supplies", "publicity"])
def test_scope_that_is_neither_township_nor_village_is_an_error(table):
    frame = with_cell(clean_township().frames[table], 0, "scope", "411771")
    problems = validate(township_with(table, frame))
    assert where(problems) == [("error", table, "row 1", "scope")]
    assert f"neither the township code {TOWNSHIP} nor the code of a village" in problems[0].message


def test_scope_is_not_checked_without_township_code_or_villages():
    dataset = Dataset({"supplies": with_cell(supplies_frame(), 0, "scope", "anything")})
    assert validate(dataset) == []


def test_cross_layer_checks_skip_shapes_already_reported_as_broken():
    households = with_shape(households_frame(), 0, None)
    problems = validate(township_with("households", households))
    assert where(problems) == [("error", "households", "H001", "geometry")]
