"""The trend dock: the daily series of the 14 days up to the as-of day, as a chart.

The township's series, or the selected village's when a village is selected (a selected
household, checkpoint or event stands for its village). The chart is the one every output
draws (:func:`layers.trend_chart.trend_svg`), shown through Qt's SVG renderer.

The series is computed off the window's thread (:class:`desktop.background.BackgroundJob`):
on the sample it takes some 70 ms, every day is read with the situation rules, enough to make
stepping through days with the date bar stutter. One computation runs at a time; a change
while it runs asks for one more, with the latest day and village, when it ends. It is computed
only when what it counts changes (the dataset, the as-of day or the village). The SVG is
written again at each resize, so that its text keeps its size.
"""

from __future__ import annotations

import pandas as pd
from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtSvgWidgets import QSvgWidget
from PyQt6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.background import BackgroundJob
from desktop.os_errors import error_text
from geodata.schema import LAYERS
from layers.i18n import _
from layers.situation import AsOfError
from layers.trend import DEFAULT_DAYS, daily_series
from layers.trend_chart import trend_svg

__all__ = ["TrendPanel", "install"]

# Below this the key and the day labels no longer fit; the dock scrolls nothing, it clips.
_MIN_WIDTH, _MIN_HEIGHT = 520, 200
_BLANK = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'


class TrendPanel(QWidget):
    """The chart of the last :data:`layers.trend.DEFAULT_DAYS` days of the session's situation.

    Parameters
    ----------
    session : desktop.window.session.Session
        Read for the dataset, the as-of time and the selection.
    parent : QWidget, optional
    on_screen : bool
        Whether the chart is seen from the start; if not, nothing is computed until
        :meth:`set_on_screen` says it is.

    Attributes
    ----------
    series : DataFrame or None
        The daily series drawn (:func:`layers.trend.daily_series`); None without an as-of time.
    village : str or None
        The code of the village drawn; None for the township.
    svg : str
        The SVG the chart shows ("" when there is nothing to draw).
    """

    drawn = pyqtSignal()  # a newly computed series is on the chart

    def __init__(self, session, parent: QWidget | None = None, *, on_screen: bool = True):
        super().__init__(parent)
        self.session = session
        self.series: pd.DataFrame | None = None
        self.village: str | None = None
        self.svg = ""
        self._requested: tuple | None = None  # (as-of day, village) last asked for
        self._stale = False  # asked for while a computation runs
        self._job: BackgroundJob | None = None
        # Behind another tab the chart is not computed (a million households' series at every
        # day change took a core from the map); it is computed when its tab is chosen.
        self._on_screen = on_screen
        self._waiting = False  # asked for while off screen

        self.caption = QLabel()
        self.caption.setContentsMargins(4, 2, 4, 2)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.chart = QSvgWidget()
        self.chart.setMinimumSize(_MIN_WIDTH, _MIN_HEIGHT)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.chart, 1)

        session.state_changed.connect(self._on_change)
        session.selection_changed.connect(self._on_change)
        session.dataset_changed.connect(self.refresh)
        self.refresh()

    @property
    def busy(self) -> bool:
        """Whether a series is being computed or waits to be."""
        return self._job is not None or self._stale

    def refresh(self, *_changed) -> None:
        """Compute the series again (off the window's thread) and redraw it; off screen, when
        next shown."""
        if not self._on_screen:
            self._waiting = True
            return
        self._waiting = False
        self._requested = self._key()
        self._stale = True
        if self._job is None:
            self._start()

    def set_on_screen(self, on_screen: bool) -> None:
        """Whether the chart can be seen (its dock shown and its tab chosen)."""
        self._on_screen = on_screen
        if on_screen and self._waiting:
            self.refresh()

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        self._draw()

    # -- computing ---------------------------------------------------------------------------

    def _start(self) -> None:
        self._stale = False
        key = day, village = self._requested
        if day is None:
            self._show(key, None)
            return
        dataset = self.session.dataset  # the session swaps in a new one on an edit: read this one
        start = day - pd.Timedelta(days=DEFAULT_DAYS - 1)
        job = BackgroundJob(lambda _feedback: daily_series(dataset, start, day, village=village), "trend", self)
        job.finished.connect(lambda series, key=key: self._show(key, series))
        job.failed.connect(self._failed)
        job.ended.connect(self._job_ended)
        self._job = job
        job.start()

    def _job_ended(self) -> None:
        self._job = None
        if self._stale:
            self._start()

    def _failed(self, exc: Exception) -> None:
        if not self._stale:
            self.series = None
            self.caption.setText(_("The trend could not be computed: {reason}").format(reason=error_text(exc)))
            self._draw()

    def _show(self, key: tuple, series: pd.DataFrame | None) -> None:
        if self._stale:  # a newer request follows; this one is out of date already
            return
        day, village = key
        self.series, self.village = series, village
        if day is None:
            self.caption.setText(_("No as-of time: the dataset holds no dates."))
        else:
            self.caption.setText(
                _("Last {days} days up to {day}: {place}").format(
                    days=DEFAULT_DAYS, day=f"{day:%Y-%m-%d}", place=self._place_name(village)
                )
            )
        self._draw()
        self.drawn.emit()

    # -- drawing -----------------------------------------------------------------------------

    def _draw(self) -> None:
        if self.series is None:
            self.svg = ""
            self.chart.load(_BLANK)
            return
        size = self.chart.size()
        self.svg = trend_svg(self.series, max(size.width(), _MIN_WIDTH), max(size.height(), _MIN_HEIGHT))
        self.chart.load(self.svg.encode("utf-8"))

    # -- reacting to the session -------------------------------------------------------------

    def _key(self) -> tuple:
        try:
            day = self.session.as_of.normalize()
        except AsOfError:
            day = None
        return day, self._selected_village()

    def _on_change(self, *_changed) -> None:
        # Most changes (layers, filters, the view, a feature of the same village) leave it as is.
        if self._key() != self._requested or self._waiting:
            self.refresh()

    def _selected_village(self) -> str | None:
        """The code of the selected village, or of the selected feature's village."""
        layer, feature_id = self.session.selection
        if not feature_id or layer not in LAYERS:
            return None
        if layer == "villages":
            return feature_id
        frame = self.session.dataset[layer]
        id_field = LAYERS[layer].id_field
        if not id_field or "village" not in frame.columns:
            return None
        villages = frame.loc[frame[id_field].astype(str) == str(feature_id), "village"]
        return str(villages.iloc[0]) if len(villages) and pd.notna(villages.iloc[0]) else None

    def _place_name(self, village: str | None) -> str:
        if village is None:
            return _("the township")
        villages = self.session.dataset.villages
        names = villages.loc[villages["code"] == village, "name"]
        return str(names.iloc[0]) if len(names) else village


def install(window) -> TrendPanel:
    """The trend dock in ``window``, tabified with the statistics dock."""
    panel = TrendPanel(window.session, on_screen=False)
    dock = window.add_tool_dock("trend", _("Trend"), panel, Qt.DockWidgetArea.BottomDockWidgetArea)
    window.tabifyDockWidget(window.docks["statistics"], dock)
    window.docks["statistics"].raise_()  # the figures stay in front, as before
    # Computed once Qt says the dock is seen (at the window's first show, or its tab chosen).
    dock.visibilityChanged.connect(panel.set_on_screen)
    return panel
