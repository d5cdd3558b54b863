"""View → Basemap in the window (issue 18, item 1): an MBTiles file chosen there, or given with
--basemap, is drawn under the data and kept in the MapState (so a view preset keeps it); the
datum of its tiles can be set; a file that cannot be read is said, and nothing changes."""

from __future__ import annotations

from desktop.window.main_window import MainWindow
from geodata.stores import GeoPackageStore
from layers.map_state import MapState
from tests.desktop.basemap_pages import grid_basemap
from tests.desktop.pagetools import PAGE_TIMEOUT_MS, evaluate, grab, open_window

SHOTS = "/work/notes/shots"


def menu_entries(window) -> dict[str, bool]:
    menu = window.basemap_menu
    menu.refresh()
    entries = {a.text(): a.isChecked() for a in menu.actions() if a.text()}
    for action in menu.actions():
        if action.menu() is not None:
            entries.update({a.text(): a.isChecked() for a in action.menu().actions()})
    return entries


def test_a_basemap_chosen_in_the_menu_is_drawn_and_kept_in_the_view_preset(qtbot, tmp_path, sample_copy):
    basemap = grid_basemap(tmp_path / "grid.mbtiles", zooms=range(10, 16))
    window = open_window(qtbot, GeoPackageStore(sample_copy))
    assert window.basemap_menu.menuAction() in window.view_menu.actions()
    with qtbot.waitSignal(window.map_view.drawn, timeout=PAGE_TIMEOUT_MS):
        assert window.basemap_menu.choose(f"mbtiles:{basemap}")
    assert window.session.state.basemap == f"mbtiles:{basemap}"
    assert menu_entries(window)["grid.mbtiles"] is True
    assert evaluate(qtbot, window.map_view, "document.querySelectorAll('.leaflet-tile-pane img').length") > 0
    assert [u for u in window.map_view.guard.requested if u.startswith(("http:", "https:"))] == []
    window.resize(1600, 960)
    qtbot.waitUntil(
        lambda: evaluate(qtbot, window.map_view, "document.querySelectorAll('img.leaflet-tile-loaded').length") > 4
    )
    grab(qtbot, window.map_view)
    window.grab().save(f"{SHOTS}/window-mbtiles.png")

    # The datum, as the user says it: the page is drawn again in GCJ-02.
    datum_menu = next(a.menu() for a in window.basemap_menu.actions() if a.menu() is not None)
    gcj02 = next(a for a in datum_menu.actions() if a.data() == "gcj02")
    with qtbot.waitSignal(window.map_view.drawn, timeout=PAGE_TIMEOUT_MS):
        gcj02.trigger()
    assert window.session.state.basemap_datum == "gcj02"
    assert evaluate(qtbot, window.map_view, "SituationMap.map().options.crs.code") == "GCJ02"

    preset = tmp_path / "preset.json"
    window.session.state.save(preset)
    assert MapState.load(preset).basemap == f"mbtiles:{basemap}"
    assert MapState.load(preset).basemap_datum == "gcj02"

    with qtbot.waitSignal(window.map_view.drawn, timeout=PAGE_TIMEOUT_MS):
        window.basemap_menu.choose("none")
    assert evaluate(qtbot, window.map_view, "document.querySelectorAll('.leaflet-tile-pane img').length") == 0


def test_a_file_that_cannot_be_read_is_said_and_changes_nothing(qtbot, tmp_path, sample_copy):
    window = open_window(qtbot, GeoPackageStore(sample_copy))
    before = window.session.state
    assert not window.basemap_menu.choose(f"mbtiles:{tmp_path / 'gone.mbtiles'}")
    assert window.session.state == before
    assert len(window.errors) == 1 and "gone.mbtiles" in window.errors[0]


def test_the_command_lines_basemap_is_the_windows(qtbot, tmp_path, sample_copy):
    basemap = grid_basemap(tmp_path / "grid.mbtiles", zooms=range(10, 13))
    store = GeoPackageStore(sample_copy)
    window = MainWindow(store, store.read_all(), basemap={"basemap": f"mbtiles:{basemap}", "basemap_datum": "wgs84"})
    window.errors = []
    window.show_error = window.errors.append
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.map_view.drawn, timeout=PAGE_TIMEOUT_MS):
        window.show()
    assert (window.session.state.basemap, window.session.state.basemap_datum) == (f"mbtiles:{basemap}", "wgs84")
    assert any(u.startswith("smdata:tiles/") for u in window.map_view.guard.requested)


def test_a_remembered_basemap_whose_file_is_gone_leaves_the_map_without_it_and_says_why(qtbot, tmp_path, sample_copy):
    store = GeoPackageStore(sample_copy)
    state = MapState(audience="internal", basemap=f"mbtiles:{tmp_path / 'unplugged.mbtiles'}")
    window = MainWindow(store, store.read_all(), state)
    window.errors = []
    window.show_error = window.errors.append
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.map_view.drawn, timeout=PAGE_TIMEOUT_MS):
        window.show()
    assert evaluate(qtbot, window.map_view, "SituationMap.state().shown.villages") == 10
    qtbot.waitUntil(lambda: bool(window.errors))
    assert "unplugged.mbtiles" in window.errors[0]


def test_the_walls_basemap_from_the_command_line_is_under_every_preset(qtbot, tmp_path, sample_copy):
    from desktop.app import open_wall
    from desktop.cli import build_parser
    from desktop.commands.common import basemap_changes

    basemap = grid_basemap(tmp_path / "grid.mbtiles", zooms=range(10, 13))
    args = build_parser().parse_args(["--wall", "--basemap", str(basemap), "--basemap-datum", "gcj02"])
    changes = basemap_changes(args)
    assert changes == {"basemap": f"mbtiles:{basemap.absolute()}", "basemap_datum": "gcj02"}
    wall = open_wall(sample_copy, refresh_s=3600, dwell_s=3600, basemap=changes)
    qtbot.waitUntil(lambda: wall.map_view.is_drawn, timeout=PAGE_TIMEOUT_MS)
    assert all(p.basemap == changes["basemap"] and p.basemap_datum == "gcj02" for p in wall.presets)
    assert evaluate(qtbot, wall.map_view, "SituationMap.map().options.crs.code") == "GCJ02"
    assert any(u.startswith("smdata:tiles/") for u in wall.map_view.guard.requested)
    wall.close()
