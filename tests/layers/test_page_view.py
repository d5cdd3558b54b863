"""Where a page first looks: never at a household on a public page."""

import json

import pytest
import shapely

from geodata.dataset import empty_frame
from geodata.sample.bundled import bundled_sample_path
from geodata.stores import GeoPackageStore
from layers.map_state import MapState
from layers.webmap import TOWNSHIP_BOUNDS, page_view, write_page


@pytest.fixture(scope="module")
def sample():
    return GeoPackageStore(bundled_sample_path()).read_all()


def without(dataset, *names):
    """A copy of ``dataset`` whose layers ``names`` are empty."""
    copy = dataset.conformed()
    for name in names:
        copy[name] = empty_frame(name)
    return copy


def household_corners(dataset):
    points = dataset.households.geometry
    return {float(v) for v in (*shapely.get_x(points), *shapely.get_y(points))}


def test_without_villages_and_checkpoints_a_public_page_is_framed_by_public_features(sample):
    dataset = without(sample, "villages", "checkpoints")
    bounds = page_view(dataset, MapState(audience="public"))["bounds"]
    assert bounds == pytest.approx(list(dataset.disinfection_points.total_bounds))
    assert not household_corners(dataset) & set(bounds)


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_a_single_household_is_never_where_a_public_page_looks(sample, tmp_path, audience):
    dataset = without(sample, "villages", "checkpoints", "disinfection_points", "roads")
    dataset["households"] = dataset.households.iloc[:1]
    home = dataset.households.geometry.iloc[0]
    path, _model = write_page(dataset, MapState(audience=audience), tmp_path)
    script = next(tmp_path.glob("*.data.js")).read_text(encoding="utf-8")
    view = json.loads(script.removeprefix("window.SITUATION_DATA = ").rstrip().rstrip(";"))["view"]
    if audience == "public":
        assert view["bounds"] == list(TOWNSHIP_BOUNDS)
        assert str(home.x) not in script and str(home.y) not in script
    else:  # the desk inside sees its own data
        assert view["bounds"] == [home.x, home.y, home.x, home.y]


def test_the_villages_shown_frame_the_page(sample):
    code = sample.villages["code"].iloc[0]
    state = MapState(audience="public").with_filters(villages=[code])
    assert page_view(sample, state)["bounds"] == pytest.approx(list(sample.villages.iloc[:1].total_bounds))
    assert page_view(sample, MapState())["bounds"] == pytest.approx(list(sample.villages.total_bounds))
