"""The wall on a past day says nothing known only later (issue 16, item 2), and its key figures
are those the events tell.

The wall is opened on the sample with presets of a past day, and every text it shows is read:
the header's labels, the trend strip's chart text, and its page — the text on screen (title,
legend, village labels), and the tooltip, popup and properties of every feature. No date after
the day may appear, except the planned days (a household's release date, a point's next round)
and the clock, which tells the time in the room. The header's households under observation and
new are counted again here from the status changes, with a plain loop.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from PyQt6.QtWidgets import QLabel

from desktop.wall.wall import WallWindow, township_and_villages
from desktop.wall.wall_header import format_change
from geodata.stores import GeoPackageStore
from layers.map_state import MapState
from tests.desktop.pagetools import PAGE_TIMEOUT_MS, evaluate
from tests.later_dates import PAGE_TEXTS, PLANNED, later_dates

DAYS = ["2020-02-10", "2020-02-14"]


def past_presets(dataset, day: str, audience: str = "public") -> list[MapState]:
    as_of = dt.datetime.fromisoformat(f"{day}T23:59")
    return [preset.replace(as_of=as_of, audience=audience) for preset in township_and_villages(dataset)]


def open_wall(qtbot, path, presets) -> WallWindow:
    wall = WallWindow(path, GeoPackageStore(path).read_all(), presets, refresh_s=3600, dwell_s=3600)
    qtbot.addWidget(wall)
    wall.resize(1920, 1080)
    with qtbot.waitSignal(wall.map_view.drawn, timeout=PAGE_TIMEOUT_MS):
        wall.show()
    return wall


def header_texts(wall) -> list[str]:
    """Every label of the header but the clock (today's date in the room, not a fact of the day)."""
    return [label.text() for label in wall.header.findChildren(QLabel) if label is not wall.header.clock_label]


def strip_texts(wall) -> list[str]:
    return re.findall(r">([^<>]+)</text>", wall.trend_strip.svg)


def page_texts(qtbot, wall) -> tuple[list[str], int]:
    found = evaluate(qtbot, wall.map_view, PAGE_TEXTS % PLANNED)
    return found["texts"], found["features"]


def under_observation_and_new(status_changes, day: dt.date, villages=None) -> tuple[int, int]:
    """Households whose latest status change up to ``day`` is "observing", and those whose
    observation started on ``day`` (of ``villages``, None: all)."""
    latest: dict[str, tuple[dt.date, str]] = {}
    new = 0
    for change in status_changes.itertuples():
        changed = change.day.date()
        if changed > day or (villages is not None and change.village not in villages):
            continue
        if change.household not in latest or changed >= latest[change.household][0]:
            latest[change.household] = (changed, change.status)
        if changed == day and change.status == "observing":
            new += 1
    return sum(1 for _, status in latest.values() if status == "observing"), new


def expected_figures(dataset, day: str, villages) -> dict[str, tuple[str, str]]:
    today = dt.date.fromisoformat(day)
    now = under_observation_and_new(dataset["status_changes"], today, villages)
    before = under_observation_and_new(dataset["status_changes"], today - dt.timedelta(days=1), villages)
    return {
        key: (f"{now[i]:,}", format_change(now[i] - before[i]))
        for i, key in enumerate(("households_under_observation", "new_today"))
    }


@pytest.mark.slow
@pytest.mark.parametrize("day", DAYS)
def test_the_wall_of_a_past_day_shows_no_later_date_and_the_figures_of_the_events(qtbot, sample_file, language, day):
    dataset = GeoPackageStore(sample_file).read_all()
    wall = open_wall(qtbot, sample_file, past_presets(dataset, day))
    texts, features = page_texts(qtbot, wall)
    assert features > 50, "the page held no features: the test would see no dates"
    assert any(later_dates(text, "2020-02-01") for text in texts), "no dates found in the page at all"
    assert later_dates("\n".join(texts), day) == []

    for number, preset in enumerate(wall.presets):
        if number:
            with qtbot.waitSignal(wall.map_view.applied, timeout=PAGE_TIMEOUT_MS):
                wall.next_preset()
            assert evaluate(qtbot, wall.map_view, "SituationMap.state().title") == preset.title
            texts = [evaluate(qtbot, wall.map_view, "document.body.innerText")]
        else:
            texts = []
        assert wall.header.as_of.date().isoformat() == day
        assert later_dates("\n".join(header_texts(wall) + texts), day) == [], preset.title
        strip = strip_texts(wall)
        assert later_dates("\n".join(strip), day, year_less=True) == [], preset.title
        assert day[5:] in strip  # the strip ends on the day (its labels are MM-DD)

        for key, (value, change) in expected_figures(dataset, day, preset.filters.villages).items():
            assert (wall.header.figure_text(key), wall.header.change_text(key)) == (value, change), (preset.title, key)


@pytest.mark.slow
@pytest.mark.parametrize("day", DAYS)
def test_the_internal_wall_of_a_past_day_shows_no_later_household_date(qtbot, sample_file, day):
    dataset = GeoPackageStore(sample_file).read_all()
    wall = open_wall(qtbot, sample_file, past_presets(dataset, day, "internal")[:1])
    texts, _ = page_texts(qtbot, wall)
    households = [text for text in texts if "HH0" in text]
    assert households, "no household on the internal page: the test would see none of their dates"
    assert later_dates("\n".join(texts), day) == []
    assert later_dates("\n".join(header_texts(wall)), day) == []
