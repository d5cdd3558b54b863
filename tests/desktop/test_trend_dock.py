"""The trend dock: the 14 days up to the as-of day, for the township or the selected village."""

import re
import threading

import pandas as pd
import pytest

import desktop.window.trend_dock as trend_dock
from desktop.window.trend_dock import TrendPanel
from geodata.stores import GeoPackageStore
from layers.trend import daily_series
from tests.desktop.pagetools import open_window

AS_OF = pd.Timestamp("2020-02-19 18:00")


def day_labels(svg: str) -> list[str]:
    """The chart's day labels (MM-DD), left to right, as the SVG's text says them."""
    return re.findall(r">(\d\d-\d\d)</text>", svg)


def fourteen_days(last) -> list[str]:
    days = pd.date_range(pd.Timestamp(last).normalize() - pd.Timedelta(days=13), periods=14, freq="D")
    return [f"{day:%m-%d}" for day in days]


def settle(qtbot, panel) -> None:
    """Wait until the series the panel computes off the window's thread is drawn."""
    qtbot.waitUntil(lambda: not panel.busy, timeout=10_000)


@pytest.fixture
def panel(session, qtbot):
    session.update_state(as_of=AS_OF.to_pydatetime())
    panel = TrendPanel(session)
    qtbot.addWidget(panel)
    panel.resize(900, 320)
    panel.show()
    settle(qtbot, panel)
    return panel


def busiest_village(session) -> str:
    return str(session.dataset["households"]["village"].value_counts().index[0])


def test_the_window_has_a_trend_dock_listed_in_the_view_menu(qtbot, sample_copy):
    window = open_window(qtbot, GeoPackageStore(sample_copy))
    dock = window.docks["trend"]
    dock.raise_()  # its tab chosen
    qtbot.waitUntil(lambda: window.trend_panel.series is not None, timeout=10_000)
    settle(qtbot, window.trend_panel)
    assert dock.widget() is window.trend_panel
    assert dock.toggleViewAction() in window.view_menu.actions()
    # A docked chart is narrow: every other day is named, the last always, none over another.
    labels, days = day_labels(window.trend_panel.svg), fourteen_days(window.session.as_of)
    assert labels[0] == days[0] and labels[-1] == days[-1]
    assert labels == [day for day in days if day in labels] and len(labels) >= 5


def test_day_labels_are_the_fourteen_days_ending_at_the_as_of_day(panel):
    assert day_labels(panel.svg) == fourteen_days(AS_OF)
    assert list(panel.series["date"]) == [day.date() for day in pd.date_range("2020-02-06", "2020-02-19")]
    assert panel.village is None


def test_changing_the_as_of_day_shifts_the_days(qtbot, panel, session):
    session.update_state(as_of=pd.Timestamp("2020-02-12 12:00").to_pydatetime())
    settle(qtbot, panel)
    assert day_labels(panel.svg) == fourteen_days("2020-02-12")


def test_a_selected_village_shows_its_own_series(qtbot, panel, session):
    code = busiest_village(session)
    session.select("villages", code)
    settle(qtbot, panel)
    expected = daily_series(session.dataset, "2020-02-06", "2020-02-19", village=code)
    assert panel.village == code
    pd.testing.assert_frame_equal(panel.series, expected)
    township = daily_series(session.dataset, "2020-02-06", "2020-02-19")
    assert not panel.series.equals(township)
    name = session.dataset.villages.set_index("code").loc[code, "name"]
    assert name in panel.caption.text()
    assert day_labels(panel.svg) == fourteen_days(AS_OF)

    session.select("", "")
    settle(qtbot, panel)
    assert panel.village is None
    pd.testing.assert_frame_equal(panel.series, township)


def test_a_selected_household_stands_for_its_village(qtbot, panel, session):
    households = session.dataset["households"]
    household = households.iloc[0]
    session.select("households", str(household["id"]))
    settle(qtbot, panel)
    assert panel.village == str(household["village"])


def test_the_series_is_computed_off_the_window_thread(qtbot, panel, session, monkeypatch):
    """Some 70 ms on the sample: on the window's thread, stepping through days would stutter."""
    threads = []

    def recording(*args, **kwargs):
        threads.append(threading.current_thread())
        return daily_series(*args, **kwargs)

    monkeypatch.setattr(trend_dock, "daily_series", recording)
    session.update_state(as_of=pd.Timestamp("2020-02-15 12:00").to_pydatetime())
    assert panel.busy
    settle(qtbot, panel)
    assert threads and threading.main_thread() not in threads
    assert day_labels(panel.svg) == fourteen_days("2020-02-15")


def test_days_stepped_quickly_end_on_the_last_one(qtbot, panel, session):
    for day in range(10, 19):
        session.update_state(as_of=pd.Timestamp(f"2020-02-{day} 12:00").to_pydatetime())
    settle(qtbot, panel)
    assert day_labels(panel.svg) == fourteen_days("2020-02-18")


def test_behind_the_figures_tab_nothing_is_computed_until_the_tab_is_chosen(qtbot, sample_copy, monkeypatch):
    """A million households' series at every day change took a core from the map while no one
    could see the chart."""
    computed = []
    real = trend_dock.daily_series
    monkeypatch.setattr(trend_dock, "daily_series", lambda *a, **k: computed.append(k) or real(*a, **k))
    window = open_window(qtbot, GeoPackageStore(sample_copy))
    panel = window.trend_panel
    assert window.docks["statistics"].visibleRegion().isEmpty() is False  # the figures in front
    for days in (2, 3, 4):
        window.session.update_state(as_of=(AS_OF - pd.Timedelta(days=days)).to_pydatetime())
        qtbot.wait(50)
    assert computed == [] and panel.series is None and not panel.busy
    window.docks["trend"].raise_()
    qtbot.waitUntil(lambda: panel.series is not None, timeout=10_000)
    settle(qtbot, panel)
    assert len(computed) == 1
    assert day_labels(panel.svg)[-1] == fourteen_days(AS_OF - pd.Timedelta(days=4))[-1]
