"""A MapState's basemap may be an MBTiles file, and the user may say which datum its tiles are
drawn in (issue 18, item 1); a state that says neither is the same JSON as before."""

from __future__ import annotations

import json

import pytest

from layers.map_state import MapState, MapStateError


def test_an_mbtiles_basemap_and_its_datum_round_trip_through_json():
    state = MapState(basemap="mbtiles:/media/U盘/关王庙.mbtiles", basemap_datum="gcj02")
    data = json.loads(state.to_json())
    assert data["basemap"] == "mbtiles:/media/U盘/关王庙.mbtiles"
    assert data["basemap_datum"] == "gcj02"
    assert MapState.from_json(state.to_json()) == state


def test_the_automatic_datum_is_left_out_so_old_presets_write_back_the_same():
    saved = MapState(title="关王庙", basemap="local:/srv/tiles").to_json()
    state = MapState.from_json(saved)
    assert state.basemap_datum == "auto"
    assert state.to_json() == saved and "basemap_datum" not in saved
    assert "basemap_datum" not in MapState(basemap="mbtiles:/a.mbtiles").to_dict()
    assert MapState(basemap_datum="wgs84").to_dict()["basemap_datum"] == "wgs84"


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"basemap": "mbtiles:"}, "basemap: 'mbtiles:' must be followed by the path of an .mbtiles file"),
        ({"basemap": "mbtiles:  "}, "basemap: 'mbtiles:' must be followed by the path"),
        ({"basemap_datum": "bd09"}, "basemap_datum: 'bd09' is not one of auto, wgs84, gcj02"),
        ({"basemap_datum": None}, "basemap_datum: None is not one of"),
    ],
)
def test_bad_basemap_values_are_refused_naming_the_key(changes, message):
    with pytest.raises(MapStateError) as caught:
        MapState.from_dict(changes)
    assert str(caught.value).startswith(message)
