"""The as-of bar: stepping, picking and sliding choose the day; a day set elsewhere shows."""

import datetime as dt

import pandas as pd
import pytest
from PyQt6.QtCore import QDate

from desktop.window.date_bar import DateBar

REPORT_TIME = dt.time(18, 0)  # the sample's metadata as_of is 2020-02-19T18:00
LAST_DAY = dt.date(2020, 2, 19)


@pytest.fixture
def bar(session, qtbot):
    widget = DateBar(session)
    qtbot.addWidget(widget)
    return widget


def earliest_day(dataset):
    starts = pd.concat([dataset.households["observation_start"], dataset.checkpoints["opened"]])
    return starts.min().date()


def test_step_back_moves_one_day_at_the_same_time_of_day(bar, session, emitted):
    assert session.as_of == pd.Timestamp(2020, 2, 19, 18)
    bar.step(-1)
    assert session.state.as_of == dt.datetime(2020, 2, 18, 18, 0)
    assert len(emitted) == 1
    bar.step(+1)
    assert session.state.as_of == dt.datetime(2020, 2, 19, 18, 0)


def test_steps_stay_within_the_data_days(bar, session):
    bar.step(+1)
    assert session.as_of.date() == LAST_DAY
    assert not bar.next_button.isEnabled()
    bar.step(-1000)
    assert session.as_of == pd.Timestamp(dt.datetime.combine(earliest_day(session.dataset), REPORT_TIME))
    assert not bar.previous_button.isEnabled()


def test_buttons_step_a_day(bar, session):
    bar.previous_button.click()
    assert session.as_of.date() == LAST_DAY - dt.timedelta(days=1)
    bar.next_button.click()
    assert session.as_of.date() == LAST_DAY


def test_slider_covers_the_data_days_one_step_a_day(bar, session):
    first = earliest_day(session.dataset)
    assert (bar.first_day, bar.last_day) == (first, LAST_DAY)
    assert (bar.slider.minimum(), bar.slider.maximum()) == (0, (LAST_DAY - first).days)
    assert bar.slider.value() == bar.slider.maximum()
    bar.slider.setValue(0)
    assert session.state.as_of == dt.datetime.combine(first, REPORT_TIME)


def test_picking_a_date_sets_the_as_of_at_the_report_time(bar, session, emitted):
    bar.date_edit.setDate(QDate(2020, 2, 10))
    assert session.state.as_of == dt.datetime(2020, 2, 10, 18, 0)
    assert len(emitted) == 1
    assert bar.slider.value() == (dt.date(2020, 2, 10) - bar.first_day).days


def test_a_day_set_elsewhere_moves_the_controls_without_a_new_state(bar, session, emitted):
    session.update_state(as_of=dt.datetime(2020, 2, 5, 9, 30))
    assert len(emitted) == 1
    assert bar.date_edit.date() == QDate(2020, 2, 5)
    assert bar.slider.value() == (dt.date(2020, 2, 5) - bar.first_day).days
    assert "09:30" in bar.as_of_label.text()


def test_a_day_before_the_data_widens_the_range_to_show_it(bar, session):
    session.update_state(as_of=dt.datetime(2019, 12, 31, 8, 0))
    assert bar.first_day == dt.date(2019, 12, 31)
    assert bar.slider.value() == 0 and bar.date_edit.date() == QDate(2019, 12, 31)


def test_label_shows_date_and_time_in_the_language(session, qtbot, language):
    bar = DateBar(session)
    qtbot.addWidget(bar)
    expected = {"zh": "2020年2月19日 18:00", "en": "19 Feb 2020 18:00"}[language]
    assert bar.as_of_label.text() == expected
    assert bar.previous_button.toolTip() and bar.next_button.toolTip()
    if language == "zh":
        assert bar.previous_button.toolTip().startswith("前一天")
