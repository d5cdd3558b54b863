"""An MBTiles basemap in the window's page (issue 18, item 1): its tiles come from the file
through the application's scheme with no request off the machine, its zoom limits and
attribution reach the map, a missing tile is blank, and a GCJ-02 basemap shifts the overlays
onto it while clicks come back in WGS-84."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtGui import QImage
from PyQt6.QtTest import QTest

from geodata.chinese_crs import wgs84_to_gcj02
from geodata.stores import GeoPackageStore
from layers.map_state import MapState, View
from tests.desktop.basemap_pages import TILE_RGB, grid_basemap, solid_basemap
from tests.desktop.pagetools import evaluate, grab, open_map, symbol_at_pixel
from tests.mbtiles_files import tile_of

SHOTS = "/work/notes/shots"
EARTH_M = 40075016.686
LOCAL = ("file:", "qrc:", "data:", "smdata:", "blob:", "about:")


@pytest.fixture
def sample(sample_copy):
    return GeoPackageStore(sample_copy).read_all()


def share_of_colour(image: QImage, rgb, tolerance=6) -> float:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(image.constBits().asstring(image.sizeInBytes()), np.uint8).reshape(-1, 4)[:, 2::-1]
    return float((np.abs(pixels.astype(int) - rgb).max(axis=1) <= tolerance).mean())


def metres_per_pixel(lat: float, zoom: float) -> float:
    return EARTH_M * math.cos(math.radians(lat)) / 2 ** (zoom + 8)


def test_an_mbtiles_basemap_is_drawn_from_the_file_with_no_request_off_the_machine(qtbot, tmp_path, sample):
    path = solid_basemap(tmp_path / "township.mbtiles")
    state = MapState(visible_layers=("checkpoints",), basemap=f"mbtiles:{path}")
    view = open_map(qtbot, tmp_path, sample, state)
    tiles = [u for u in view.guard.requested if u.startswith("smdata:tiles/")]
    assert tiles, "the tiles were read through the application's scheme"
    assert [u for u in view.guard.requested if not u.startswith(LOCAL)] == []
    assert view.guard.blocked == [] and view.guard.allow_online is False  # a file is no online basemap
    # Most of the map is the tile's colour: the tiles are drawn, under the few checkpoints.
    qtbot.waitUntil(lambda: share_of_colour(grab(qtbot, view), TILE_RGB) > 0.5, timeout=15_000)
    control = ".leaflet-control-attribution"
    assert evaluate(qtbot, view, f"document.querySelector('{control}').textContent") == "© 驻马店市测绘院 2020"
    assert evaluate(qtbot, view, f"document.querySelectorAll('{control} b').length") == 0  # text, not markup


def test_the_zoom_limits_of_the_file_reach_the_tile_layer_and_a_missing_tile_is_blank(qtbot, tmp_path, sample):
    centre = (33.0, 113.97)
    missing = (13, *tile_of(centre[1], centre[0], 13))
    path = solid_basemap(tmp_path / "holey.mbtiles", zooms=range(11, 14), leave_out={missing})
    state = MapState(visible_layers=(), basemap=f"mbtiles:{path}", view=View(center=centre, zoom=13))
    view = open_map(qtbot, tmp_path, sample, state)
    loading = "Array.from(document.querySelectorAll('img.leaflet-tile')).filter(i => !i.complete).length"
    qtbot.waitUntil(lambda: evaluate(qtbot, view, loading) == 0, timeout=15_000)
    layer = evaluate(
        qtbot,
        view,
        """(function () { var found = null; SituationMap.map().eachLayer(function (l) {
             if (l instanceof L.TileLayer) found = l; });
           var imgs = Array.from(document.querySelectorAll('img.leaflet-tile'));
           return { min: found.options.minZoom, native: found.options.maxNativeZoom,
                    max: found.options.maxZoom, loaded: imgs.filter(i => i.complete).length,
                    broken: imgs.filter(i => i.complete && i.naturalWidth === 0).length }; })()""",
    )
    assert (layer["min"], layer["native"]) == (11, 13)
    assert layer["loaded"] > 0 and layer["broken"] == 0
    asked = f"/{missing[0]}/{missing[1]}/{missing[2]}.png"
    assert any(u.endswith(asked) for u in view.guard.requested)
    shots = []
    qtbot.waitUntil(lambda: share_of_colour(shots.append(grab(qtbot, view)) or shots[-1], TILE_RGB) > 0.3)
    image = shots[-1]
    # The missing tile is under the centre: blank (the page's background), not the tile's colour.
    colour = image.pixelColor(image.width() // 2, image.height() // 2)
    assert (colour.red(), colour.green(), colour.blue()) != TILE_RGB
    assert share_of_colour(image, TILE_RGB) < 0.95  # the tiles around it are drawn, not this one


def test_a_gcj02_basemap_shifts_the_overlays_onto_it_and_clicks_come_back_in_wgs84(qtbot, tmp_path, sample):
    path = grid_basemap(tmp_path / "gaode.mbtiles", zooms=range(10, 14), name="高德地图 Gaode")
    checkpoint = sample.checkpoints.iloc[0]
    lng, lat = float(checkpoint.geometry.x), float(checkpoint.geometry.y)
    zoom = 18.0  # half a metre a pixel: the page's whole pixels are finer than the metre asked
    state = MapState(
        visible_layers=("checkpoints",), basemap=f"mbtiles:{path}", view=View(center=(lat, lng), zoom=zoom)
    )
    view = open_map(qtbot, tmp_path, sample, state)
    assert evaluate(qtbot, view, "SituationMap.map().options.crs.code") == "GCJ02"
    gcj_lng, gcj_lat = (float(v) for v in wgs84_to_gcj02(lng, lat))
    # In projected pixels at the map's zoom (unrounded): through the map's CRS, and by plain
    # spherical Mercator of the WGS-84 and of the GCJ-02 coordinates.
    where = evaluate(
        qtbot,
        view,
        f"""(function () {{ var map = SituationMap.map(), z = map.getZoom();
            function plain(lat, lng) {{ var p = L.CRS.EPSG3857.latLngToPoint(L.latLng(lat, lng), z);
                                        return [p.x, p.y]; }}
            var shown = map.project([{lat}, {lng}], z);
            return {{ shown: [shown.x, shown.y], unshifted: plain({lat}, {lng}),
                     expected: plain({gcj_lat}, {gcj_lng}) }}; }})()""",
    )
    m_px = metres_per_pixel(lat, zoom)
    shown, expected, unshifted = (np.array(where[k]) for k in ("shown", "expected", "unshifted"))
    assert np.hypot(*(shown - expected)) * m_px < 0.01
    offset_m = np.hypot(*(shown - unshifted)) * m_px
    python_offset_m = math.hypot((gcj_lng - lng) * 111320 * math.cos(math.radians(lat)), (gcj_lat - lat) * 110574)
    assert offset_m > 100 and abs(offset_m - python_offset_m) < 1.0
    # The checkpoint's marker is drawn there: at the shifted place, over the GCJ-02 basemap.
    symbol = symbol_at_pixel(qtbot, view, "checkpoints", str(checkpoint["id"]))
    assert symbol["element"] == ["checkpoints", str(checkpoint["id"])]
    corner = evaluate(
        qtbot,
        view,
        "(function (m) { var p = m.containerPointToLayerPoint([0, 0]).add(m.getPixelOrigin());"
        " return [p.x, p.y]; })(SituationMap.map())",
    )
    marker = np.array(corner) + [symbol["x"], symbol["y"]]
    assert np.hypot(*(marker - expected)) * m_px < 1.0

    # A click where the basemap shows a WGS-84 place comes back as that place.
    target_lat, target_lng = lat + 0.004, lng - 0.005  # clear of the checkpoint
    view.set_state(state.replace(view=View(center=(target_lat, target_lng), zoom=18.0)))
    qtbot.waitUntil(lambda: abs(evaluate(qtbot, view, "SituationMap.map().getZoom()") - 18.0) < 1e-9)
    at = evaluate(qtbot, view, f"SituationMap.map().latLngToContainerPoint([{target_lat}, {target_lng}])")
    clicks = []
    view.map_clicked.connect(lambda x, y: clicks.append((x, y)))
    target = view.focusProxy() or view
    QTest.mouseClick(
        target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(round(at["x"]), round(at["y"]))
    )
    qtbot.waitUntil(lambda: bool(clicks), timeout=10_000)
    got_lng, got_lat = clicks[-1]
    error_m = math.hypot((got_lng - target_lng) * 111320 * math.cos(math.radians(lat)), (got_lat - target_lat) * 110574)
    assert error_m < 1.0
    view.resize(1280, 860)
    grab(qtbot, view).save(f"{SHOTS}/page-gcj02-click.png")


def test_a_wgs84_basemap_leaves_the_overlays_where_they_are(qtbot, tmp_path, sample):
    path = grid_basemap(tmp_path / "tianditu.mbtiles", zooms=range(10, 14), name="天地图 影像")
    state = MapState(visible_layers=("checkpoints",), basemap=f"mbtiles:{path}")
    view = open_map(qtbot, tmp_path, sample, state)
    assert evaluate(qtbot, view, "SituationMap.map().options.crs.code") == "EPSG:3857"
    # The user says the file is GCJ-02: the page is written again in that CRS.
    with qtbot.waitSignal(view.drawn, timeout=30_000):
        view.set_state(state.replace(basemap_datum="gcj02"))
    assert evaluate(qtbot, view, "SituationMap.map().options.crs.code") == "GCJ02"


@pytest.mark.parametrize("columns", [False, True], ids=["geojson", "columns"])
def test_the_household_canvas_draws_its_points_shifted_onto_a_gcj02_basemap(
    qtbot, tmp_path, sample, monkeypatch, columns
):
    if columns:
        from layers import page_columns

        monkeypatch.setattr(page_columns, "COLUMNAR_AT", 0)  # the million-household path
    path = solid_basemap(tmp_path / "amap.mbtiles", zooms=range(12, 14), crs="GCJ-02")
    household = sample.households[sample.households["status"] == "observing"].iloc[0]
    lng, lat = float(household.geometry.x), float(household.geometry.y)
    state = MapState(
        audience="internal",
        visible_layers=("households",),
        basemap=f"mbtiles:{path}",
        view=View(center=(lat, lng), zoom=17.0),
    )
    view = open_map(qtbot, tmp_path, sample, state)
    gcj_lng, gcj_lat = (float(v) for v in wgs84_to_gcj02(lng, lat))
    found = evaluate(
        qtbot,
        view,
        f"""(function () {{ var map = SituationMap.map(), z = map.getZoom();
            function at(lat, lng) {{
              var p = map.layerPointToContainerPoint(
                L.CRS.EPSG3857.latLngToPoint(L.latLng(lat, lng), z).subtract(map.getPixelOrigin()));
              return SituationMap.pick(p.x, p.y); }}
            return {{ shifted: at({gcj_lat}, {gcj_lng}), unshifted: at({lat}, {lng}) }}; }})()""",
    )
    assert found["shifted"] == {"layer": "households", "id": str(household["id"])}
    assert found["unshifted"] is None or found["unshifted"]["id"] != str(household["id"])
