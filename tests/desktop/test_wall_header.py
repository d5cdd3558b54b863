"""The wall display's header: figures (the township's or a village's), changes, stale banner,
themes, sizes, language, and missing values shown as nothing rather than "nan"."""

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
from PyQt6.QtCore import QTimer

from desktop.wall.wall_header import FIGURES_SHOWN, WallHeader, format_change
from geodata.stores import GeoPackageStore
from layers.statistics import FIGURE_LABELS, figures_with_change

AS_OF = "2020-02-19 18:00"


@pytest.fixture
def dataset(sample_copy):
    return GeoPackageStore(sample_copy).read_all()


@pytest.fixture
def header(qapp, dataset):
    widget = WallHeader()
    widget.show_situation(dataset, AS_OF)
    yield widget
    widget.close()
    widget.deleteLater()


def households_under_observation(households: pd.DataFrame, day: pd.Timestamp) -> int:
    """Counted independently of layers.situation, with plain pandas."""
    start = pd.to_datetime(households["observation_start"]).dt.normalize()
    status_date = pd.to_datetime(households["status_date"]).dt.normalize()
    settled = households["status"].isin(["released", "escalated"]) & (status_date <= day)
    observing = (start <= day) & (day <= start + pd.Timedelta(days=13)) & ~settled
    return int(observing.sum())


def test_figures_equal_an_independent_count(header, dataset):
    day = pd.Timestamp(AS_OF).normalize()
    expected = households_under_observation(dataset["households"], day)
    assert expected > 0
    assert header.figure_text("households_under_observation") == str(expected)
    assert header.figure_text("checkpoints_active") == "29"


def test_figures_and_changes_follow_the_statistics(header, dataset):
    figures = figures_with_change(dataset, AS_OF)
    for key in FIGURES_SHOWN:
        value, change = figures[key]
        assert header.figure_text(key) == f"{value:,}"
        text = header.change_text(key)
        if change > 0:
            assert text == f"+{change}"
        elif change < 0:
            assert text == f"\u2212{-change}"
        else:
            assert text == "±0"
    assert figures["households_under_observation"][1] < 0  # the sample has both signs
    assert figures["disinfection_overdue"][1] > 0


def test_change_colours_say_whether_a_move_is_bad(header):
    assert header.tiles["households_under_observation"].change.property("trend") == "good"  # fell
    assert header.tiles["disinfection_overdue"].change.property("trend") == "bad"  # rose
    assert header.tiles["new_today"].change.property("trend") == "neutral"  # ±0


@pytest.mark.parametrize("change, text", [(2, "+2"), (-1, "\u22121"), (0, "±0")])
def test_format_change(change, text):
    assert format_change(change) == text


def test_checkpoint_tiers_are_shown_in_small_text(header, dataset):
    figures = figures_with_change(dataset, AS_OF)
    detail = header.tiles["checkpoints_active"].detail.text()
    assert str(figures["checkpoints_village"][0]) in detail
    assert str(figures["checkpoints_natural_village"][0]) in detail


def test_stale_banner_shows_and_hides(header):
    assert not header.is_stale_shown()
    since = dt.datetime.now().replace(hour=7, minute=5)
    header.show_stale(since)
    assert header.is_stale_shown()
    assert "07:05" in header.stale_banner.text()
    header.clear_stale()
    assert not header.is_stale_shown()
    header.show_stale(dt.datetime(2020, 2, 19, 18, 0))  # not today: the date too
    assert "2020-02-19 18:00" in header.stale_banner.text()


def test_theme_switch_changes_the_background(header):
    header.resize(1920, header.sizeHint().height())
    dark = header.background_color()
    dark_pixel = header.grab().toImage().pixelColor(1, header.height() - 2)
    header.set_theme("light")
    light = header.background_color()
    light_pixel = header.grab().toImage().pixelColor(1, header.height() - 2)
    assert dark.lightness() < 40 and light.lightness() > 215
    assert dark_pixel != light_pixel
    with pytest.raises(ValueError):
        header.set_theme("sepia")


def test_sizes_scale_with_the_screen_height(header):
    header.set_reference_height(1080)
    at_1080 = header.tiles["new_today"].number.font().pixelSize()
    header.set_reference_height(2160)
    at_2160 = header.tiles["new_today"].number.font().pixelSize()
    assert at_1080 == pytest.approx(1080 / 22, abs=1)
    assert at_2160 == pytest.approx(2 * at_1080, abs=1)
    header.set_reference_height(None)  # back to the widget's own screen
    assert header.reference_height() == header.screen().geometry().height()


def test_one_clock_timer_whatever_the_updates(header, dataset):
    for _ in range(3):
        header.show_situation(dataset, AS_OF)
    timers = header.findChildren(QTimer)
    assert timers == [header.clock_timer]
    assert header.clock_timer.isActive() and header.clock_timer.interval() == 1000
    assert re.search(r"\d{4}.* \d\d:\d\d:\d\d$", header.clock_text())


def test_labels_and_texts_in_the_language(qapp, dataset, language):
    header = WallHeader("light")
    header.show_situation(dataset, AS_OF)
    index = 0 if language == "zh" else 1
    for key in FIGURES_SHOWN:
        assert header.tiles[key].label.text() == FIGURE_LABELS[key][index]
    if language == "zh":
        assert header.as_of_label.text() == "数据截至 2020-02-19 18:00"
        assert header.township_label.text() == dataset.metadata["township_name"]
        assert "年" in header.clock_text() and "日" in header.clock_text()
        header.show_stale(dt.datetime.now().replace(hour=9, minute=30))
        assert header.stale_banner.text() == "数据已过时，最后更新 09:30"
    else:
        assert header.as_of_label.text() == "Data as of 2020-02-19 18:00"
        header.show_stale(dt.datetime.now().replace(hour=9, minute=30))
        assert header.stale_banner.text() == "Data stale since 09:30"
    header.close()


def test_a_villages_figures_and_changes_are_its_own(qapp, dataset):
    header = WallHeader()
    day = pd.Timestamp(AS_OF).normalize()
    households = dataset["households"]
    for code, name in zip(dataset.villages["code"], dataset.villages["name"], strict=False):
        header.show_situation(dataset, AS_OF, villages=(code,))
        own = households[households["village"] == code]
        today = households_under_observation(own, day)
        yesterday = households_under_observation(own, day - pd.Timedelta(days=1))
        assert header.figure_text("households_under_observation") == str(today), name
        assert header.change_text("households_under_observation") == format_change(today - yesterday), name
        assert header.place_label.text() == name and not header.place_label.isHidden()
        volunteers = int(dataset.villages.loc[dataset.villages["code"] == code, "volunteers"].iloc[0])
        assert header.tiles["checkpoints_active"].detail.text().splitlines()[-1].endswith(f" {volunteers:,}")
    header.close()


def test_the_detail_line_counts_the_townships_volunteers(header, dataset):
    total = int(pd.to_numeric(dataset.villages["volunteers"]).sum())
    assert total >= 500  # the township's published "500+"
    lines = header.tiles["checkpoints_active"].detail.text().splitlines()
    assert lines[-1] == f"{FIGURE_LABELS['volunteers'][1]} {total:,}"


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA])
def test_missing_names_show_as_nothing_not_nan(qapp, dataset, missing):
    from layers import i18n

    dataset = dataset.copy()
    dataset.metadata["township_name_en"] = missing
    i18n.set_language("en")
    header = WallHeader()
    header.show_situation(dataset, AS_OF)
    assert header.township_label.text() == dataset.metadata["township_name"]  # falls back
    dataset.metadata["township_name"] = missing
    dataset.villages.loc[0, "name"] = missing
    header.show_situation(dataset, AS_OF, villages=(dataset.villages["code"].iloc[0],))
    assert header.township_label.text() == "" and header.place_label.text() == ""
    assert header.place_label.isHidden()
    header.close()


def cut_labels(widget) -> list[str]:
    """The shown labels whose text is wider (or, wrapped, taller) than the label is drawn."""
    from PyQt6.QtWidgets import QLabel

    cut = []
    for label in widget.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        room = label.contentsRect()
        if label.wordWrap():
            too_big = label.heightForWidth(room.width()) > room.height() + 1
        else:
            lines = label.text().split("\n")
            too_big = max(label.fontMetrics().horizontalAdvance(line) for line in lines) > room.width() + 1
        if too_big:
            cut.append(label.text())
    return cut
