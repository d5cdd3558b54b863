"""Reading a raster MBTiles basemap (issue 18, item 1): tiles by XYZ numbers, metadata with
defaults, the datum its source draws in, and files that are not raster MBTiles refused in words."""

from __future__ import annotations

import sqlite3

import pytest

from geodata.mbtiles import MBTiles, MBTilesError
from tests.mbtiles_files import make_mbtiles, solid_png, tile_of

TOWNSHIP = (113.98, 33.01)


@pytest.fixture
def basemap(tmp_path):
    z = 12
    x, y = tile_of(*TOWNSHIP, z)
    tiles = {(z, x, y): solid_png((200, 10, 10)), (z, x + 1, y): solid_png((10, 200, 10))}
    metadata = {
        "name": "关王庙乡 影像",
        "format": "png",
        "minzoom": "10",
        "maxzoom": "15",
        "bounds": "113.9,32.95,114.05,33.05",
        "attribution": "© 天地图",
    }
    return make_mbtiles(tmp_path / "township.mbtiles", tiles, metadata), (z, x, y)


def test_a_tile_is_read_by_its_xyz_numbers_with_the_tms_row_flipped(basemap):
    path, (z, x, y) = basemap
    with MBTiles(path) as tiles:
        assert tiles.tile(z, x, y) == solid_png((200, 10, 10))
        assert tiles.tile(z, x + 1, y) == solid_png((10, 200, 10))
        assert tiles.tile(z, x, 2**z - 1 - y) is None, "the TMS row was read as an XYZ row"
        assert tiles.tile(z, x + 2, y) is None  # a missing tile is blank, not an error
        assert tiles.tile(z, -1, y) is None and tiles.tile(z, x, 2**z) is None
        assert sorted(tiles.tiles_at(z)) == [(x, y), (x + 1, y)]


def test_the_metadata_gives_zoom_limits_bounds_attribution_and_the_datum(basemap):
    path, _tile = basemap
    with MBTiles(path) as tiles:
        info = tiles.info
    assert (info.min_zoom, info.max_zoom) == (10, 15)
    assert info.bounds == (113.9, 32.95, 114.05, 33.05)
    assert info.attribution == "© 天地图"
    assert info.media_type == "image/png"
    assert info.datum == "wgs84"  # Tianditu: CGCS2000 needs no shift


@pytest.mark.parametrize(
    ("metadata", "datum"),
    [
        ({"name": "高德影像"}, "gcj02"),
        ({"attribution": "© AutoNavi"}, "gcj02"),
        ({"description": "Tencent map tiles"}, "gcj02"),
        ({"crs": "GCJ-02"}, "gcj02"),
        ({"crs": "EPSG:3857", "name": "高德"}, "wgs84"),  # the file's own word wins over a name
        ({"name": "天地图 矢量"}, "wgs84"),
        ({"name": "OpenStreetMap"}, "wgs84"),
    ],
)
def test_the_datum_is_read_from_what_the_metadata_says_of_the_source(tmp_path, metadata, datum):
    path = make_mbtiles(tmp_path / "b.mbtiles", {(1, 0, 0): solid_png((0, 0, 0))}, {"format": "png", **metadata})
    with MBTiles(path) as tiles:
        assert tiles.info.datum == datum


def test_missing_metadata_takes_the_zooms_the_file_holds(tmp_path):
    tiles = {(3, 1, 1): solid_png((0, 0, 0)), (6, 10, 20): solid_png((0, 0, 0))}
    path = make_mbtiles(tmp_path / "bare.mbtiles", tiles, {})
    with MBTiles(path) as basemap:
        info = basemap.info
    assert (info.min_zoom, info.max_zoom, info.tile_format, info.name, info.bounds) == (3, 6, "png", "bare", None)


def test_the_file_is_read_while_another_program_holds_a_write_lock_on_it(basemap):
    path, (z, x, y) = basemap
    other = sqlite3.connect(path)
    other.execute("PRAGMA journal_mode=WAL")
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO metadata VALUES ('note', 'being edited')")
    try:
        with MBTiles(path) as tiles:
            assert tiles.tile(z, x, y) == solid_png((200, 10, 10))
    finally:
        other.rollback()
        other.close()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("not sqlite", "not an MBTiles file"),
        ("vector", "vector tiles"),
        ("tiff", "not PNG, JPEG or WebP"),
    ],
)
def test_a_file_that_is_not_a_raster_mbtiles_is_refused_naming_it(tmp_path, content, words):
    path = tmp_path / "bad.mbtiles"
    if content == "not sqlite":
        path.write_bytes(b"hello")
    else:
        make_mbtiles(path, {}, {"format": "pbf" if content == "vector" else "tiff"})
    with pytest.raises(MBTilesError, match=words) as caught:
        MBTiles(path)
    assert "bad.mbtiles" in str(caught.value)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(MBTilesError, match="nope.mbtiles: no such basemap file"):
        MBTiles(tmp_path / "nope.mbtiles")
