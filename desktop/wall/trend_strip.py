"""The wall's trend strip: the last 14 days of households under observation and new, under the
header, readable across the room.

The chart is :func:`layers.trend_chart.trend_svg` (the one renderer of the trend), asked for
those two lines only, in a compact layout, and drawn with Qt's SVG renderer. The SVG is written
at a size smaller than the strip by :meth:`TrendStrip.scale`, so that its text, drawn scaled
up, is :data:`TEXT_AT_1080` pixels high on a 1080-line wall and in proportion above. The strip
is :data:`HEIGHT_FRACTION` of the wall's height: the map keeps the rest.

    strip = TrendStrip(theme="dark")
    strip.set_reference_height(1080)
    strip.show_trend(dataset, as_of, villages=None)
"""

from __future__ import annotations

import pandas as pd
from PyQt6.QtCore import QByteArray, QRectF
from PyQt6.QtGui import QColor, QPainter
from PyQt6.QtSvg import QSvgRenderer
from PyQt6.QtWidgets import QSizePolicy, QWidget

from desktop.wall.wall_header import THEMES
from layers.situation import as_timestamp
from layers.trend import COLUMNS, daily_series
from layers.trend_chart import trend_svg

__all__ = ["CHART_FONT_PX", "DAYS", "HEIGHT_FRACTION", "SHOWN", "TEXT_AT_1080", "TrendStrip"]

DAYS = 14
SHOWN = ("under_observation", "new")
HEIGHT_FRACTION = 0.11
TEXT_AT_1080 = 26  # pixels; above the header's labels (23): day labels are small characters
CHART_FONT_PX = 13  # the font size the chart's SVG is written with


def strip_series(dataset, as_of, villages=None) -> pd.DataFrame:
    """The 14 days up to the day of ``as_of``: the township's, or summed over the villages
    whose codes are in ``villages``. No Qt: it may run on any thread."""
    end = as_timestamp(as_of).normalize()
    start = end - pd.Timedelta(days=DAYS - 1)
    if villages is None:
        return daily_series(dataset, start, end)
    parts = [daily_series(dataset, start, end, village=str(code)) for code in villages]
    series = parts[0].copy() if parts else daily_series(dataset, start, end).assign(**dict.fromkeys(SHOWN, 0))
    for part in parts[1:]:
        for name in COLUMNS[1:]:
            series[name] += part[name]
    return series


class TrendStrip(QWidget):
    """A strip showing the 14 days up to the as-of day: under observation and new.

    Attributes
    ----------
    series : DataFrame or None
        The daily series shown (:func:`layers.trend.daily_series`, those villages summed).
    svg : str
        The SVG drawn ("" before any data).
    """

    def __init__(self, theme: str = "dark", parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.series: pd.DataFrame | None = None
        self.svg = ""
        self._theme = theme
        self._reference_height = 1080
        self._renderer = QSvgRenderer(self)
        self.set_reference_height(1080)

    def show_trend(self, dataset, as_of, villages=None) -> None:
        """Show the 14 days up to the day of ``as_of``: the township's, or summed over the
        villages whose codes are in ``villages``."""
        self.show_series(strip_series(dataset, as_of, villages))

    def show_series(self, series: pd.DataFrame) -> None:
        """Show ``series`` (:func:`strip_series`, worked out before, perhaps on another thread)."""
        self.series = series
        self._render()

    def set_theme(self, theme: str) -> None:
        self._theme = theme
        self._render()

    def set_reference_height(self, height: int) -> None:
        """Size the strip and its text for a wall ``height`` pixels high."""
        self._reference_height = max(1, height)
        self.setFixedHeight(round(self._reference_height * HEIGHT_FRACTION))
        self._render()

    def scale(self) -> float:
        """How much the chart is drawn enlarged: its text comes out TEXT_AT_1080 pixels at 1080."""
        return TEXT_AT_1080 * self._reference_height / 1080 / CHART_FONT_PX

    def text_pixels(self) -> float:
        """The height on screen of the chart's text (its font size, drawn scaled)."""
        return CHART_FONT_PX * self.scale()

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        self._render()
        super().resizeEvent(event)

    def paintEvent(self, event):  # noqa: N802 (Qt name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(THEMES[self._theme]["background"]))
        if self.svg:
            self._renderer.render(painter, QRectF(self.rect()))
        painter.end()

    def _render(self) -> None:
        if self.series is None:
            return
        scale = self.scale()
        width, height = max(400, round(self.width() / scale)), max(60, round(self.height() / scale))
        self.svg = trend_svg(self.series, width, height, columns=SHOWN, compact=True, dark=self._theme == "dark")
        self._renderer.load(QByteArray(self.svg.encode("utf-8")))
        self.update()
