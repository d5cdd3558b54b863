"""The wall's trend strip at 1920×1080: under the header, the 14 days up to the as-of day (read
from the SVG it draws), text readable across the room, the map keeping most of the height, and
following a preset's village."""

import re

import pandas as pd
import pytest

from desktop.wall.trend_strip import SHOWN, TrendStrip
from desktop.wall.wall import WallWindow
from geodata.stores import GeoPackageStore
from layers.filters import resolve_as_of
from layers.trend import daily_series
from tests.desktop.pagetools import PAGE_TIMEOUT_MS, grab

SIZE = (1920, 1080)
TEXT_PX_AT_1080 = 24


@pytest.fixture
def wall(qtbot, sample_copy):
    window = WallWindow(sample_copy, GeoPackageStore(sample_copy).read_all(), refresh_s=3600, dwell_s=3600)
    qtbot.addWidget(window)
    window.resize(*SIZE)
    with qtbot.waitSignal(window.map_view.drawn, timeout=PAGE_TIMEOUT_MS):
        window.show()
    qtbot.waitUntil(lambda: window.map_view.width() == SIZE[0], timeout=PAGE_TIMEOUT_MS)
    return window


def day_labels(svg: str) -> list[str]:
    return re.findall(r'text-anchor="middle"[^>]*>(\d\d-\d\d)</text>', svg)


def test_the_strip_is_under_the_header_with_the_14_days_to_the_as_of_day(qtbot, wall, tmp_path):
    grab(qtbot, wall.map_view)
    image = wall.grab().toImage()
    image.save(str(tmp_path / "wall-trend-1080.png"))
    strip, header, view = wall.trend_strip.geometry(), wall.header.geometry(), wall.map_view.geometry()
    assert wall.trend_strip.isVisible()
    assert strip.top() == header.bottom() + 1 and view.top() == strip.bottom() + 1
    assert strip.width() == SIZE[0] and strip.height() > 0

    as_of = resolve_as_of(wall.preset, wall.dataset)
    expected = [f"{day:%m-%d}" for day in pd.date_range(as_of.normalize() - pd.Timedelta(days=13), as_of.normalize())]
    assert day_labels(wall.trend_strip.svg) == expected
    for name in SHOWN:
        assert wall.trend_strip.series[name].tolist() == daily_series(wall.dataset)[name].tolist()
    assert "Released that day" not in wall.trend_strip.svg

    # Readable across the room: the chart's text, drawn scaled, and the map keeps most of the wall.
    assert wall.trend_strip.text_pixels() >= TEXT_PX_AT_1080
    font = float(re.search(r'font-size="([\d.]+)"', wall.trend_strip.svg).group(1))
    svg_width = float(re.search(r'viewBox="0 0 ([\d.]+) ', wall.trend_strip.svg).group(1))
    assert font * strip.width() / svg_width >= TEXT_PX_AT_1080
    assert view.height() >= 0.7 * SIZE[1]
    assert strip.height() <= 0.15 * SIZE[1]


def test_the_strip_follows_a_village_preset(qtbot, wall):
    code = str(wall.dataset.villages["code"].iloc[0])
    wall.presets = [wall.presets[0], *[p for p in wall.presets[1:] if p.filters.villages == (code,)]]
    wall.next_preset()
    village = daily_series(wall.dataset, village=code)
    qtbot.waitUntil(lambda: wall.map_view.geometry().top() == wall.trend_strip.geometry().bottom() + 1)
    assert wall.map_view.height() >= 0.7 * SIZE[1]  # the village's name adds a line to the header
    for name in SHOWN:
        assert wall.trend_strip.series[name].tolist() == village[name].tolist()


def test_text_grows_with_the_wall(qtbot):
    strip = TrendStrip()
    qtbot.addWidget(strip)
    strip.set_reference_height(2160)
    assert strip.text_pixels() >= 2 * TEXT_PX_AT_1080 and strip.height() == round(0.11 * 2160)
