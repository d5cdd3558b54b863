"""The wall display: full screen, right figures, live refresh from another process, staleness
and recovery, rotation through presets."""

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from desktop.wall import WallWindow, township_and_villages
from geodata.store import GeoPackageStore
from layers.map_state import MapState
from tests.desktop.pagetools import PAGE_TIMEOUT_MS, evaluate, open_window

PROJECT = Path(__file__).resolve().parents[2]
REFRESH_S = 0.3


@pytest.fixture
def wall(qtbot, sample_copy):
    dataset = GeoPackageStore(sample_copy).read_all()
    window = WallWindow(sample_copy, dataset, refresh_s=REFRESH_S, dwell_s=3600)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.map_view.drawn, timeout=PAGE_TIMEOUT_MS):
        window.start()
    return window


def under_observation(households, day):
    day = pd.Timestamp(day)
    ended = households["status"].isin(["released", "escalated"]) & (households["status_date"] <= day)
    last_day = households["observation_start"] + pd.Timedelta(days=13)
    return int(((households["observation_start"] <= day) & (day <= last_day) & ~ended).sum())


def test_wall_is_full_screen_without_cursor_and_shows_the_right_figures(qtbot, wall):
    assert wall.isFullScreen() and wall.geometry() == wall.screen().geometry()
    assert wall.cursor().shape().name == "BlankCursor"
    households = wall.dataset.households
    assert wall.header.figure_text("households_under_observation") == str(under_observation(households, "2020-02-19"))
    assert wall.header.figure_text("checkpoints_active") == "29"
    assert evaluate(qtbot, wall.map_view, "document.body.classList.contains('sm-theme-dark')")
    assert evaluate(qtbot, wall.map_view, "getComputedStyle(document.querySelector('.leaflet-control-zoom')).display") == "none"


def write_from_another_process(path, script):
    code = f"from geodata.store import GeoPackageStore\nstore = GeoPackageStore({str(path)!r})\n{script}"
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT, check=True, timeout=120)


def test_a_change_written_by_another_process_is_drawn_without_reload(qtbot, wall, sample_copy):
    evaluate(qtbot, wall.map_view, "(window.__samePage = 'yes')")
    first = wall.dataset.checkpoints["id"].iloc[0]
    write_from_another_process(sample_copy, (
        "cp = store.read('checkpoints')\n"
        "cp.loc[0, 'name'] = '新名称卡点'\n"
        "store.write({'checkpoints': cp})\n"))
    name = f"SituationMap.properties('checkpoints', {first!r}).name"
    qtbot.waitUntil(lambda: evaluate(qtbot, wall.map_view, name) == "新名称卡点", timeout=10 * 1000)
    assert evaluate(qtbot, wall.map_view, "window.__samePage") == "yes"


def test_unreadable_data_keeps_the_picture_says_stale_and_recovers(qtbot, wall, sample_copy, tmp_path):
    good = tmp_path / "good.gpkg"
    shutil.copyfile(sample_copy, good)
    with qtbot.waitSignal(wall.watcher.failed, timeout=20_000):
        sample_copy.write_bytes(b"this is not a GeoPackage any more")
    assert wall.header.is_stale_shown()
    assert evaluate(qtbot, wall.map_view, "SituationMap.state().shown.checkpoints") == 29

    with qtbot.waitSignal(wall.watcher.recovered, timeout=20_000):
        shutil.copyfile(good, sample_copy)
    assert not wall.header.is_stale_shown()

    with qtbot.waitSignal(wall.watcher.failed, timeout=20_000):
        sample_copy.unlink()
    assert wall.header.is_stale_shown()
    with qtbot.waitSignal(wall.watcher.recovered, timeout=20_000):
        shutil.copyfile(good, sample_copy)


def test_rotation_moves_through_the_presets(qtbot, sample_copy):
    dataset = GeoPackageStore(sample_copy).read_all()
    presets = township_and_villages(dataset)[:3]
    window = WallWindow(sample_copy, dataset, presets, refresh_s=3600, dwell_s=0.4)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.map_view.drawn, timeout=PAGE_TIMEOUT_MS):
        window.start()
    seen = []
    # Under load the page may apply two quick rotations at once, so collect what is applied
    # rather than expecting one apply per preset.
    window.map_view.applied.connect(lambda *_: seen.append(window.map_view.state.title))
    qtbot.waitUntil(lambda: presets[1].title in seen and presets[2].title in seen, timeout=20_000)
    title = evaluate(qtbot, window.map_view, "SituationMap.state().title")
    assert title in {p.title or title for p in presets}


def test_presets_load_from_a_folder_in_name_order(tmp_path):
    from desktop.wall import load_presets

    MapState(title="b").save(tmp_path / "2-b.json")
    MapState(title="a").save(tmp_path / "1-a.json")
    assert [p.title for p in load_presets(tmp_path)] == ["a", "b"]


def test_refreshes_accumulate_no_timers_or_page_objects(qtbot, wall):
    from PyQt6.QtCore import QObject, QTimer

    variants = []
    for n in range(3):
        variant = wall.dataset.copy()
        variant.checkpoints.loc[n, "name"] = f"卡点{n}"
        variants.append(variant)
    timers = len(wall.findChildren(QTimer))
    objects = len(wall.findChildren(QObject))
    for variant in variants * 4:
        with qtbot.waitSignal(wall.map_view.applied, timeout=PAGE_TIMEOUT_MS):
            wall.show_dataset(variant)
    assert len(wall.findChildren(QTimer)) == timers
    assert len(wall.findChildren(QObject)) == objects
    counts = evaluate(qtbot, wall.map_view, "[Object.keys(SituationMap.map()._layers).length, "
                                            "document.getElementsByTagName('*').length]")
    for variant in variants * 4:
        with qtbot.waitSignal(wall.map_view.applied, timeout=PAGE_TIMEOUT_MS):
            wall.show_dataset(variant)
    assert evaluate(qtbot, wall.map_view, "[Object.keys(SituationMap.map()._layers).length, "
                                          "document.getElementsByTagName('*').length]") == counts


def test_f11_in_the_window_opens_the_wall_on_the_same_data(qtbot, sample_copy):
    window = open_window(qtbot, GeoPackageStore(sample_copy))
    wall = window.open_wall()  # deletes itself when closed
    assert isinstance(wall, WallWindow)
    assert wall.geometry() == wall.screen().geometry()  # the whole screen, whatever the platform
    assert wall.watcher.path == sample_copy
    wall.close()
