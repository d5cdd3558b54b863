"""The as-of bar: which day's situation the map shows, for a toolbar.

Previous/next day buttons, a date field with a calendar, a slider over the days the data
covers and a label with the as-of date and time. Every day is shown at the time of day of the
dataset's own as-of (the daily report time, e.g. 18:00), so that stepping through the days
compares like with like. The bar edits ``session.state.as_of`` and follows it when it is
changed elsewhere (a preset loaded), showing a state without sending one back.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from PyQt6.QtCore import QDate, QDateTime, QLocale, Qt, QTime
from PyQt6.QtWidgets import QDateEdit, QHBoxLayout, QLabel, QSlider, QToolButton, QWidget

from layers.i18n import _, language
from layers.map_state import MapState
from layers.situation import AsOfError, resolve_as_of

_LOCALES = {"zh": "zh_CN", "en": "en_GB"}


class DateBar(QWidget):
    """Chooses the as-of day of ``session.state``.

    Parameters
    ----------
    session : desktop.window.session.Session
        Read for the dataset and the as-of time; told of a new day with ``update_state``.
    parent : QWidget, optional

    Attributes
    ----------
    first_day, last_day : datetime.date
        The days the slider runs over: from the earliest observation start or checkpoint
        opening to the dataset's as-of day (widened to take in an as-of outside them).
    """

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self._locale = QLocale(_LOCALES[language()])
        self.first_day = self.last_day = dt.date.today()
        self._report_time = dt.time(0, 0)

        self.previous_button = QToolButton()
        self.previous_button.setArrowType(Qt.ArrowType.LeftArrow)
        self.previous_button.setToolTip(_("Previous day (Alt+Left)"))
        self.previous_button.setAccessibleName(_("Previous day"))
        self.next_button = QToolButton()
        self.next_button.setArrowType(Qt.ArrowType.RightArrow)
        self.next_button.setToolTip(_("Next day (Alt+Right)"))
        self.next_button.setAccessibleName(_("Next day"))
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setLocale(self._locale)
        self.date_edit.setDisplayFormat(_("d MMM yyyy"))
        self.date_edit.setKeyboardTracking(False)  # a typed date is one change, not one per digit
        self.date_edit.setToolTip(_("The day whose situation the map shows"))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setSingleStep(1)
        self.slider.setPageStep(7)
        self.slider.setMinimumWidth(160)
        self.slider.setToolTip(_("Drag to show the situation on another day"))
        self.as_of_label = QLabel()
        self.as_of_label.setToolTip(_("The date and time whose situation the map shows"))

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for widget in (self.previous_button, self.date_edit, self.next_button, self.slider, self.as_of_label):
            layout.addWidget(widget)

        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(+1))
        self.date_edit.dateChanged.connect(lambda date: self.choose_day(date.toPyDate()))
        self.slider.valueChanged.connect(lambda days: self.choose_day(self.first_day + dt.timedelta(days=days)))
        session.state_changed.connect(self._on_state_changed)
        session.dataset_changed.connect(self._on_dataset_changed)
        self._on_dataset_changed()

    # -- choosing a day ---------------------------------------------------------------------

    def step(self, days: int) -> None:
        """Show the day ``days`` after (negative: before) the one shown, within the data's days."""
        as_of = self._as_of()
        if as_of is not None:
            self.choose_day(as_of.date() + dt.timedelta(days=days))

    def choose_day(self, day: dt.date) -> None:
        """Show ``day`` (kept within the data's days) at the dataset's report time."""
        day = min(max(day, self.first_day), self.last_day)
        self.session.update_state(as_of=dt.datetime.combine(day, self._report_time))
        # When the state did not change (no signal), the controls still show what it holds.
        self._show(self._as_of())

    # -- following the session --------------------------------------------------------------

    def _on_state_changed(self, _state: MapState) -> None:
        self._show(self._as_of())

    def _on_dataset_changed(self, _changed=None) -> None:
        """Take the days and the report time from the data (an edit can move them)."""
        dataset = self.session.dataset
        try:
            # The as-of a state without one would show: the dataset's own, or its latest date.
            report = resolve_as_of(MapState(), dataset)
        except AsOfError:
            report = None
        if report is not None:
            self._report_time = report.time()
            self.last_day = report.date()
            self.first_day = min(_earliest_day(dataset) or self.last_day, self.last_day)
        self._show(self._as_of())

    def _as_of(self) -> pd.Timestamp | None:
        try:
            return self.session.as_of
        except AsOfError:
            return None  # no date anywhere: nothing to choose from

    def _show(self, as_of: pd.Timestamp | None) -> None:
        """Set every control to ``as_of`` without announcing a change."""
        self.setEnabled(as_of is not None)
        if as_of is None:
            self.as_of_label.setText(_("No date in the data"))
            return
        # An as-of from elsewhere outside the data's days widens them, so it can be shown.
        self.first_day = min(self.first_day, as_of.date())
        self.last_day = max(self.last_day, as_of.date())
        controls = (self.date_edit, self.slider)
        for control in controls:
            control.blockSignals(True)
        try:
            self.date_edit.setDateRange(_qdate(self.first_day), _qdate(self.last_day))
            self.date_edit.setDate(_qdate(as_of.date()))
            self.slider.setRange(0, (self.last_day - self.first_day).days)
            self.slider.setValue((as_of.date() - self.first_day).days)
        finally:
            for control in controls:
                control.blockSignals(False)
        self.previous_button.setEnabled(as_of.date() > self.first_day)
        self.next_button.setEnabled(as_of.date() < self.last_day)
        moment = QDateTime(_qdate(as_of.date()), QTime(as_of.hour, as_of.minute, as_of.second))
        self.as_of_label.setText(self._locale.toString(moment, _("d MMM yyyy HH:mm")))


def _earliest_day(dataset) -> dt.date | None:
    """The first day anything happened: an observation started or a checkpoint opened."""
    starts = pd.concat(
        [
            pd.to_datetime(dataset.households["observation_start"], errors="coerce"),
            pd.to_datetime(dataset.checkpoints["opened"], errors="coerce"),
        ]
    ).dropna()
    return starts.min().date() if len(starts) else None


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)
