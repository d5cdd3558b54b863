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


def test_an_mbtiles_file_gives_its_zoom_levels_bounds_attribution_and_datum(tmp_path):
    from layers.basemap_tiles import TileSource
    from tests.mbtiles_files import make_mbtiles, solid_png

    path = make_mbtiles(
        tmp_path / "gaode.mbtiles",
        {(12, 3345, 1649): solid_png((1, 2, 3))},
        {
            "name": "高德卫星",
            "format": "jpg",
            "minzoom": "11",
            "maxzoom": "16",
            "bounds": "113.9,32.95,114.05,33.05",
            "attribution": '<a href="https://amap.com">© 高德 &amp; AutoNavi</a>',
        },
    )
    tiles = basemap(f"mbtiles:{path}")
    assert tiles["url"] == "tiles/{z}/{x}/{y}.jpg"  # beside a page opened from disk
    assert (tiles["minZoom"], tiles["maxNativeZoom"], tiles["datum"]) == (11, 16, "gcj02")
    assert tiles["attribution"] == "© 高德 & AutoNavi"  # the text of the markup, never markup
    assert tiles["bounds"][0] < 113.9 and tiles["bounds"][3] > 33.05
    served = basemap(f"mbtiles:{path}", "wgs84", TileSource("smdata:tiles/k/", max_zoom=14))
    assert served["url"] == "smdata:tiles/k/{z}/{x}/{y}.jpg"
    assert (served["maxNativeZoom"], served["datum"]) == (14, "wgs84")
    assert basemap("osm", "gcj02")["datum"] == "gcj02"


def test_a_missing_mbtiles_file_is_refused_naming_it(tmp_path):
    from geodata.mbtiles import MBTilesError

    with pytest.raises(MBTilesError, match="nope.mbtiles: no such basemap file"):
        basemap(f"mbtiles:{tmp_path / 'nope.mbtiles'}")
