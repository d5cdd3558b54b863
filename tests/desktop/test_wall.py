"""The wall display: full screen, right figures, live refresh from another process, staleness
and recovery, rotation through presets, the public map by default, a village preset's own
figures, and a page console free of errors however early the wall talks to its page."""

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from desktop.wall.wall import WallWindow, township_and_villages
from geodata.stores import GeoPackageStore
from layers.map_state import Filters, MapState
from tests.desktop.pagetools import PAGE_TIMEOUT_MS, evaluate, grab
from tests.desktop.test_wall_header import cut_labels

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
    assert (
        evaluate(qtbot, wall.map_view, "getComputedStyle(document.querySelector('.leaflet-control-zoom')).display")
        == "none"
    )


def write_from_another_process(path, script):
    code = f"from geodata.stores import GeoPackageStore\nstore = GeoPackageStore({str(path)!r})\n{script}"
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT, check=True, timeout=120)


def test_a_change_written_by_another_process_is_drawn_without_reload(qtbot, wall, sample_copy):
    evaluate(qtbot, wall.map_view, "(window.__samePage = 'yes')")
    first = wall.dataset.checkpoints["id"].iloc[0]
    write_from_another_process(
        sample_copy,
        ("cp = store.read('checkpoints')\ncp.loc[0, 'name'] = '新名称卡点'\nstore.write({'checkpoints': cp})\n"),
    )
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
    from desktop.wall.wall import load_presets

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
    counts = evaluate(
        qtbot,
        wall.map_view,
        "[Object.keys(SituationMap.map()._layers).length, document.getElementsByTagName('*').length]",
    )
    for variant in variants * 4:
        with qtbot.waitSignal(wall.map_view.applied, timeout=PAGE_TIMEOUT_MS):
            wall.show_dataset(variant)
    assert (
        evaluate(
            qtbot,
            wall.map_view,
            "[Object.keys(SituationMap.map()._layers).length, document.getElementsByTagName('*').length]",
        )
        == counts
    )


def test_f11_in_the_window_opens_the_wall_on_the_same_data(qtbot, sample_copy):
    from PyQt6.QtWidgets import QApplication

    from desktop.app import show_window

    def walls():
        return [widget for widget in QApplication.topLevelWidgets() if isinstance(widget, WallWindow)]

    store = GeoPackageStore(sample_copy)
    window = show_window(store, store.read_all())  # wired as the application wires it
    qtbot.waitSignal(window.map_view.drawn, timeout=PAGE_TIMEOUT_MS).wait()
    before = walls()
    with qtbot.waitSignal(window.wall_requested):
        window.wall_action.trigger()  # F11
    (wall,) = [widget for widget in walls() if widget not in before]  # deletes itself when closed
    assert wall.geometry() == wall.screen().geometry()  # the whole screen, whatever the platform
    assert wall.watcher.path == sample_copy
    wall.close()
    with qtbot.waitSignal(window.destroyed, timeout=PAGE_TIMEOUT_MS):
        window.close()


def test_the_default_rotation_is_public_and_households_need_an_internal_preset(qtbot, wall, sample_copy):
    assert [preset.audience for preset in wall.presets] == ["public"] * len(wall.presets)
    assert evaluate(qtbot, wall.map_view, "SituationMap.state().shown.households || 0") == 0
    # Nobody's name reaches the page a room of visitors and cameras sees.
    page_text = "".join(
        path.read_text(errors="replace")
        for path in Path(wall._page_folder.name).rglob("*")
        if path.is_file() and path.suffix in (".html", ".js", ".json")
    )
    names = wall.dataset.households["head_name"].dropna()
    assert len(names) > 0 and not [name for name in names if name in page_text]

    internal = WallWindow(sample_copy, wall.dataset, [MapState(audience="internal")], refresh_s=3600, dwell_s=3600)
    qtbot.addWidget(internal)
    with qtbot.waitSignal(internal.map_view.drawn, timeout=PAGE_TIMEOUT_MS):
        internal.show()
    assert evaluate(qtbot, internal.map_view, "SituationMap.state().shown.households") > 0


def village_with_most_under_observation(dataset):
    households = dataset.households
    by_village = {
        code: under_observation(households[households["village"] == code], "2020-02-19")
        for code in dataset.villages["code"]
    }
    code = max(by_village, key=by_village.get)
    name = dataset.villages.loc[dataset.villages["code"] == code, "name"].iloc[0]
    return code, name, by_village[code]


def test_a_village_preset_shows_that_villages_figures_in_the_header(qtbot, sample_copy):
    dataset = GeoPackageStore(sample_copy).read_all()
    code, name, observed = village_with_most_under_observation(dataset)
    township_observed = under_observation(dataset.households, "2020-02-19")
    assert 0 < observed < township_observed
    presets = [MapState(), MapState(title=name, filters=Filters(villages=(code,)))]
    window = WallWindow(sample_copy, dataset, presets, refresh_s=3600, dwell_s=3600)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.map_view.drawn, timeout=PAGE_TIMEOUT_MS):
        window.show()
    assert window.header.figure_text("households_under_observation") == str(township_observed)

    with qtbot.waitSignal(window.map_view.applied, timeout=PAGE_TIMEOUT_MS):
        window.next_preset()
    assert window.header.figure_text("households_under_observation") == str(observed)
    village_checkpoints = dataset.checkpoints[
        (dataset.checkpoints["village"] == code) & (dataset.checkpoints["status"] == "active")
    ]
    assert window.header.figure_text("checkpoints_active") == str(len(village_checkpoints))
    assert window.header.place_label.text() == name
    volunteers = int(dataset.villages.loc[dataset.villages["code"] == code, "volunteers"].iloc[0])
    assert window.header.tiles["checkpoints_active"].detail.text().splitlines()[-1].endswith(f" {volunteers:,}")


def test_the_default_village_presets_are_filtered_to_their_village(sample_copy, language):
    dataset = GeoPackageStore(sample_copy).read_all()
    presets = township_and_villages(dataset)
    assert presets[0].filters.villages is None
    assert [p.filters.villages for p in presets[1:]] == [(code,) for code in dataset.villages["code"]]
    township = dataset.metadata["township_name" if language == "zh" else "township_name_en"]
    assert [p.title for p in presets[1:]] == [f"{township} · {name}" for name in dataset.villages["name"]]


def test_nothing_the_wall_runs_in_its_page_fails_while_the_page_loads(qtbot, sample_copy):
    dataset = GeoPackageStore(sample_copy).read_all()
    window = WallWindow(sample_copy, dataset, township_and_villages(dataset)[:2], refresh_s=3600, dwell_s=3600)
    qtbot.addWidget(window)
    console = []
    # This page alone: an instance attribute reimplements the virtual for it.
    window.map_view.page().javaScriptConsoleMessage = lambda level, message, line, source: console.append(
        f"{level.name}: {message} ({source}:{line})"
    )
    renamed = dataset.copy()
    first = renamed.checkpoints["id"].iloc[0]
    renamed.checkpoints.loc[0, "name"] = "早到的名称"
    # Before the page has drawn: the watcher's first read (which often beats the page), the
    # rotation and a theme change.
    window.watcher.loaded.emit(renamed)
    window.next_preset()
    window.set_theme("light")
    with qtbot.waitSignal(window.map_view.drawn, timeout=PAGE_TIMEOUT_MS):
        window.show()
    grab(qtbot, window.map_view)  # what the wall sent when the page drew has run
    assert not [message for message in console if "Error" in message], console
    # and nothing sent early was lost: it was drawn once the page could take it.
    name = f"SituationMap.properties('checkpoints', {first!r}).name"
    qtbot.waitUntil(lambda: evaluate(qtbot, window.map_view, name) == "早到的名称", timeout=PAGE_TIMEOUT_MS)
    assert evaluate(qtbot, window.map_view, "SituationMap.state().title") == window.presets[1].title
    assert not evaluate(qtbot, window.map_view, "document.body.classList.contains('sm-theme-dark')")
    assert evaluate(qtbot, window.map_view, "document.body.classList.contains('sm-wall')")
    assert not [message for message in console if "Error" in message], console


def test_every_header_text_fits_a_1920_pixel_wall_for_the_township_and_each_village(qtbot, sample_copy, language):
    dataset = GeoPackageStore(sample_copy).read_all()
    window = WallWindow(sample_copy, dataset, refresh_s=3600, dwell_s=3600)
    qtbot.addWidget(window)
    window.resize(1920, 1080)
    window.show()
    for _ in window.presets:
        qtbot.wait(10)  # let the header lay out its new texts
        assert window.header.width() == 1920
        # A figure's label may wrap between words onto a second line; nothing is cut.
        assert cut_labels(window.header) == [], window.preset.title
        window.next_preset()


@pytest.mark.parametrize("shown_first", [True, False], ids=["figures-after-show", "figures-before-show"])
@pytest.mark.parametrize("width", [1280, 1920])
def test_a_citys_figures_are_shown_whole_across_the_header(qtbot, sample_copy, language, width, shown_first):
    """518,639 households under observation were cut to "518,63" on a 1920-pixel wall, and the
    township's name and the clock beside them lost their ends."""
    import pandas as pd

    from layers.statistics import figures_with_change

    dataset = GeoPackageStore(sample_copy).read_all()
    window = WallWindow(sample_copy, dataset, refresh_s=3600, dwell_s=3600)
    qtbot.addWidget(window)
    window.resize(width, width * 9 // 16)
    if shown_first:
        window.show()
    as_of = pd.Timestamp("2020-02-19 18:00")
    city = {
        key: (value * 30_000 + 7, change * 300) for key, (value, change) in figures_with_change(dataset, as_of).items()
    }
    window.header.show_figures(dataset, as_of, None, city)
    window.show()  # sized while hidden, the row was taken as fitting once shown
    qtbot.wait(50)
    assert window.header.figure_text("households_under_observation") == f"{city['households_under_observation'][0]:,}"
    assert window.header.width() == width
    assert cut_labels(window.header) == []
