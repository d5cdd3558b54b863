"""Basemaps: none by default, a local tile folder, or a named online provider chosen explicitly."""

import pytest

from layers.webmap import BasemapError, basemap


def test_no_basemap_by_default():
    assert basemap("none") is None


def test_a_local_tile_folder_is_a_file_url(tmp_path):
    (tmp_path / "12").mkdir()
    tiles = basemap(f"local:{tmp_path}")
    assert tiles["url"].startswith("file://") and tiles["url"].endswith("/{z}/{x}/{y}.png")


def test_an_online_provider_names_its_attribution():
    tiles = basemap("osm")
    assert tiles["url"].startswith("https://") and "OpenStreetMap" in tiles["attribution"]


@pytest.mark.parametrize(
    "choice, message", [("local:/no/such/folder", "does not exist"), ("google", "unknown basemap")]
)
def test_bad_basemaps_are_refused_with_a_reason(choice, message):
    with pytest.raises(BasemapError, match=message):
        basemap(choice)
