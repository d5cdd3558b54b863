"""The header of the wall display: the township, a live clock and the key figures, big.

The wall display shows the map on a large screen all day, to be read from across the
command centre. Its header is one row: the township's name with today's date, a clock and
the time the data describes; then the key figures, each a big number with its label and its
change since the previous day (a rising bad figure in red, a falling one in green). Above the
row, a banner in a strong colour says when the data has gone stale.

While the wall shows one village (a preset filtered to it), the figures are that village's:
a header saying the township's numbers over one village's map would misinform the room.

Every size is a fraction of the screen's height (big numbers about height/22 pixels), taken
again whenever the header is shown or resized, so one header reads as well on a 1080p
projector as on a 4K panel. The figures are those of :func:`layers.statistics.figures_with_change`,
so the header agrees with the statistics panel and the briefing.

    header = WallHeader(theme="dark")
    header.show_situation(dataset, as_of)
    header.show_situation(dataset, as_of, villages=("411771360202",))   # one village's figures
    header.show_stale(last_update)   # the feed has stopped: say so
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from PyQt6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PyQt6.QtGui import QColor, QFont, QPalette
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from desktop.plain_text import plain_label
from geodata.schema import CHECKPOINT_TIERS, choice_label
from layers.i18n import _, format_day, language
from layers.map_state import MapState
from layers.page_text import township_name as page_township_name
from layers.situation import as_timestamp, resolve_as_of
from layers.statistics import FIGURES, evening_before, figure_label, figures_with_change, village_table

__all__ = [
    "FIGURES_SHOWN",
    "THEMES",
    "WallHeader",
    "format_change",
    "shown_text",
    "township_name",
    "village_figures_with_change",
]

# The figures the header shows, in order.
FIGURES_SHOWN = (
    "checkpoints_active",
    "households_under_observation",
    "new_today",
    "releasing_today",
    "disinfection_overdue",
)
# How a rise reads: +1 a rise is bad (red), -1 a rise is good (green), 0 neither.
_RISE_IS = {
    "checkpoints_active": 0,
    "households_under_observation": +1,
    "new_today": +1,
    "releasing_today": -1,
    "disinfection_overdue": +1,
}

# Colours: the dark theme is for a projector (near-black, white, saturated accents).
THEMES = {
    "dark": {
        "background": "#0b0d12",
        "text": "#ffffff",
        "muted": "#b8c0cc",
        "accent": "#4fc3f7",
        "tile": "#171b24",
        "bad": "#ff4d4d",
        "good": "#3ee07a",
        "neutral": "#d0d6de",
        "stale_background": "#ff9f00",
        "stale_text": "#000000",
    },
    "light": {
        "background": "#ffffff",
        "text": "#111111",
        "muted": "#4a5260",
        "accent": "#0063b1",
        "tile": "#eef1f5",
        "bad": "#c62828",
        "good": "#1b7f3b",
        "neutral": "#3a3f48",
        "stale_background": "#d32f2f",
        "stale_text": "#ffffff",
    },
}

# Font pixel sizes as fractions of the screen height (1080 -> 49, 32, 32, 27, 23, 18 px).
_BIG, _TITLE, _CHANGE, _CLOCK, _LABEL, _SMALL = 1 / 22, 1 / 34, 1 / 34, 1 / 40, 1 / 47, 1 / 60
# Where the figures are too wide for the row (a city's), type shrinks to no less than this share.
_SMALLEST_SCALE = 0.6
_MINUS = "\u2212"


def format_change(change: int) -> str:
    """A change since the previous day as shown: "+2", "−1" (a true minus sign), "±0"."""
    if change > 0:
        return f"+{change}"
    if change < 0:
        return f"{_MINUS}{-change}"
    return "±0"


def situation_figures(dataset, as_of, villages=None) -> dict[str, tuple[int, int]]:
    """The header's figures and their changes: the township's (``villages`` None) or summed
    over those villages. No Qt: it may run on any thread."""
    if villages is None:
        return figures_with_change(dataset, as_of)
    return village_figures_with_change(dataset, as_of, villages)


def village_figures_with_change(dataset, as_of, villages) -> dict[str, tuple[int, int]]:
    """The figures of :func:`layers.statistics.figures_with_change`, summed over the villages
    whose codes are in ``villages`` instead of over the township (``villages`` is the count
    of those found)."""
    as_of = as_timestamp(as_of)
    now, day_before = (village_table(dataset, moment) for moment in (as_of, evening_before(as_of)))
    chosen = [str(code) for code in villages]
    rows_now, rows_before = (table[table["code"].astype(str).isin(chosen)] for table in (now, day_before))
    result = {"villages": (len(rows_now), 0)}
    for figure in FIGURES:
        value = int(rows_now[figure].sum())  # a plain int, never a numpy scalar, reaches the text
        result[figure] = (value, value - int(rows_before[figure].sum()))
    return result


def shown_text(value) -> str:
    """Metadata or a record's text as shown: missing (None, NaN, pd.NA) is empty, never "nan"."""
    if value is None or (np.ndim(value) == 0 and not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _local_clock(now: dt.datetime) -> str:
    """Today's date and the time, "2026年11月29日 07:50:12" or "29 November 2026 07:50:12"."""
    return f"{format_day(now, language())} {now:%H:%M:%S}"


class _FigureTile(QWidget):
    """One key figure: its label, the big number with its change, and an optional detail."""

    def __init__(self, key: str, parent=None):
        super().__init__(parent)
        self.key = key
        self.setAutoFillBackground(True)
        self.label = plain_label()
        self.label.setWordWrap(True)  # "Households under observation" on two lines, not cut
        self.number = plain_label("–")
        self.change = plain_label("")
        self.detail = plain_label("")
        self.detail.setVisible(False)
        for part, label in (
            ("label", self.label),
            ("number", self.number),
            ("change", self.change),
            ("detail", self.detail),
        ):
            label.setObjectName(f"{key}_{part}")
        self.number.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBaseline)
        self.change.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBaseline)

        value_row = QHBoxLayout()
        value_row.setSpacing(0)
        value_row.addWidget(self.number, 0, Qt.AlignmentFlag.AlignBaseline)
        value_row.addWidget(self.change, 0, Qt.AlignmentFlag.AlignBaseline)
        value_row.addStretch(1)
        column = QVBoxLayout(self)
        column.setSpacing(0)
        column.addWidget(self.label)
        column.addLayout(value_row)
        column.addWidget(self.detail)
        column.addStretch(1)


class WallHeader(QWidget):
    """The wall display's header: township, date and clock, as-of time and key figures.

    Parameters
    ----------
    theme : {"dark", "light"}
        Dark (near-black, for a projector) or light (white).
    parent : QWidget, optional

    Attributes
    ----------
    figures : dict of str to (int, int)
        What :func:`layers.statistics.figures_with_change` (or, for villages,
        :func:`village_figures_with_change`) said at the last :meth:`show_situation` (empty
        before).
    as_of : Timestamp or None
        The as-of time shown.
    """

    def __init__(self, theme: str = "dark", parent=None):
        super().__init__(parent)
        self.setAutoFillBackground(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.figures: dict[str, tuple[int, int]] = {}
        self.as_of: pd.Timestamp | None = None
        self.stale_since: dt.datetime | None = None
        self._theme = "dark"
        self._reference_height: int | None = None
        self._sized_for: tuple = ()
        self._sizing = False

        self.stale_banner = plain_label()
        self.stale_banner.setObjectName("stale_banner")
        self.stale_banner.setAutoFillBackground(True)
        self.stale_banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stale_banner.setVisible(False)

        self.township_label = plain_label("")
        # The village(s) a preset shows, on a line of their own: after the township's name
        # they would make the column wider than a 1920-pixel row has room for.
        self.place_label = plain_label("")
        self.place_label.setVisible(False)
        self.clock_label = plain_label("")
        self.as_of_label = plain_label("")
        self.township_label.setObjectName("township")
        self.place_label.setObjectName("place")
        self.clock_label.setObjectName("clock")
        self.as_of_label.setObjectName("as_of")
        identity = QVBoxLayout()
        identity.setSpacing(0)
        identity.addWidget(self.township_label)
        identity.addWidget(self.place_label)
        identity.addWidget(self.clock_label)
        identity.addWidget(self.as_of_label)
        identity.addStretch(1)

        self.tiles = {key: _FigureTile(key) for key in FIGURES_SHOWN}
        self._row = QHBoxLayout()
        self._row.addLayout(identity)
        for tile in self.tiles.values():
            self._row.addWidget(tile, 1)  # the tiles share the width left by the township
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.stale_banner)
        outer.addLayout(self._row)

        for key, tile in self.tiles.items():
            tile.label.setText(self._figure_label(key))

        # The one timer: the clock, every second.
        self.clock_timer = QTimer(self)
        self.clock_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.clock_timer.setInterval(1000)
        self.clock_timer.timeout.connect(self._tick)
        self.clock_timer.start()
        self._tick()

        self.set_theme(theme)
        self._apply_sizes()

    # -- data ---------------------------------------------------------------------------

    def show_situation(self, dataset, as_of=None, villages=None) -> None:
        """Show the situation of ``dataset`` at ``as_of`` (None: the dataset's own as-of).

        ``villages``, village codes (a MapState's ``filters.villages``): show the figures of
        those villages and name them after the township; None: the township's figures.

        Raises
        ------
        AsOfError
            When ``as_of`` cannot be read as a date and time (or there is none at all).
        """
        as_of = resolve_as_of(MapState(), dataset) if as_of is None else as_timestamp(as_of)
        self.show_figures(dataset, as_of, villages, situation_figures(dataset, as_of, villages))

    def show_figures(self, dataset, as_of, villages, figures: dict[str, tuple[int, int]]) -> None:
        """Show ``figures`` (:func:`situation_figures` of the same arguments, worked out
        before, perhaps on another thread: a million households take a second)."""
        self.figures = figures
        self.as_of = as_of
        self.township_label.setText(township_name(dataset))
        self.place_label.setText(" · ".join(_village_names(dataset, villages)))
        self.place_label.setVisible(bool(self.place_label.text()))
        self.as_of_label.setText(_("Data as of {time}").format(time=f"{as_of:%Y-%m-%d %H:%M}"))
        for key, tile in self.tiles.items():
            value, change = self.figures[key]
            tile.label.setText(self._figure_label(key))
            tile.number.setText(f"{value:,}")
            tile.change.setText(f" {format_change(change)}")
            tile.change.setProperty("trend", self._trend(key, change))
        tiers = [
            f"{choice_label('checkpoints', 'tier', tier, language())} {self.figures[f'checkpoints_{tier}'][0]}"
            for tier in CHECKPOINT_TIERS
        ]
        # Two lines of two tiers, so that the tile is no wider than its neighbours, then who
        # keeps the checkpoints staffed around the clock.
        lines = [" · ".join(tiers[i : i + 2]) for i in range(0, len(tiers), 2)]
        lines.append(f"{self._figure_label('volunteers')} {self.figures['volunteers'][0]:,}")
        detail = self.tiles["checkpoints_active"].detail
        detail.setText("\n".join(lines))
        detail.setVisible(True)
        self._apply_colours()
        self._apply_sizes()  # a city's six-digit figures may need smaller type to fit

    def figure_text(self, key: str) -> str:
        """The number shown for figure ``key`` ("–" before any data)."""
        return self.tiles[key].number.text()

    def change_text(self, key: str) -> str:
        """The change shown for figure ``key``: "+2", "−1", "±0" ("" before any data)."""
        return self.tiles[key].change.text().strip()

    def clock_text(self) -> str:
        return self.clock_label.text()

    # -- staleness ----------------------------------------------------------------------

    def show_stale(self, since: dt.datetime) -> None:
        """Show the banner saying the data has not been updated since ``since``."""
        self.stale_since = since
        today = dt.datetime.now().date()
        when = f"{since:%H:%M}" if since.date() == today else f"{since:%Y-%m-%d %H:%M}"
        self.stale_banner.setText(_("Data stale since {time}").format(time=when))
        self.stale_banner.setVisible(True)

    def clear_stale(self) -> None:
        """Hide the stale-data banner."""
        self.stale_since = None
        self.stale_banner.setVisible(False)

    def is_stale_shown(self) -> bool:
        return not self.stale_banner.isHidden()

    # -- look ---------------------------------------------------------------------------

    @property
    def theme(self) -> str:
        return self._theme

    def set_theme(self, theme: str) -> None:
        """Use the "dark" or the "light" colours."""
        if theme not in THEMES:
            raise ValueError(f"theme must be one of {sorted(THEMES)}, not {theme!r}")
        self._theme = theme
        self._apply_colours()

    def background_color(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Window)

    def set_reference_height(self, height: int | None) -> None:
        """Size the text for a screen ``height`` pixels high (None: the widget's own screen)."""
        self._reference_height = height
        self._apply_sizes()

    def reference_height(self) -> int:
        """The screen height the sizes are computed from."""
        if self._reference_height:
            return self._reference_height
        screen = self.screen()
        return screen.geometry().height() if screen is not None else 1080

    def showEvent(self, event):
        self._apply_sizes()
        super().showEvent(event)

    def resizeEvent(self, event):
        self._apply_sizes()
        super().resizeEvent(event)

    # -- inside -------------------------------------------------------------------------

    def _tick(self) -> None:
        self.clock_label.setText(_local_clock(dt.datetime.now()))

    @staticmethod
    def _figure_label(key: str) -> str:
        return figure_label(key, language())

    @staticmethod
    def _trend(key: str, change: int) -> str:
        if change == 0 or _RISE_IS[key] == 0:
            return "neutral"
        return "bad" if (change > 0) == (_RISE_IS[key] > 0) else "good"

    def _apply_colours(self) -> None:
        colours = THEMES[self._theme]
        _paint(self, colours["background"], colours["text"])
        _paint(self.stale_banner, colours["stale_background"], colours["stale_text"])
        _paint(self.township_label, None, colours["text"])
        _paint(self.place_label, None, colours["text"])
        _paint(self.clock_label, None, colours["accent"])
        _paint(self.as_of_label, None, colours["muted"])
        for tile in self.tiles.values():
            tile.setAutoFillBackground(True)
            _paint(tile, colours["tile"], colours["text"])
            _paint(tile.label, None, colours["muted"])
            _paint(tile.number, None, colours["text"])
            _paint(tile.change, None, colours[tile.change.property("trend") or "neutral"])
            _paint(tile.detail, None, colours["muted"])

    def _apply_sizes(self) -> None:
        """Size every text for the screen's height, then smaller, step by step, until the
        row fits the header's width: a city's figures (518,639) were cut at 1920 pixels."""
        height, width = self.reference_height(), self.width()
        texts = tuple(label.text() for label in self.findChildren(QLabel))
        key = (height, width, texts, self.isVisible())  # hidden, the row is not measured
        if self._sizing or key == self._sized_for:
            return  # measuring handles posted events: a resize among them comes back here
        self._sized_for = key
        self._sizing = True
        try:
            scale = 1.0
            self._size_texts(height, scale)
            while self.isVisible() and self._needed_width() > width and scale > _SMALLEST_SCALE:
                scale = max(_SMALLEST_SCALE, scale * 0.92)
                self._size_texts(height, scale)
        finally:
            self._sizing = False

    def _needed_width(self) -> int:
        """The row's least width with the texts and fonts just set (Qt measures the tiles'
        layouts again when their posted layout requests are handled: handled here, now)."""
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
        self._row.invalidate()
        return self._row.minimumSize().width()

    def _size_texts(self, screen_height: int, scale: float) -> None:
        height = screen_height * scale

        def px(fraction: float) -> int:
            return max(8, round(height * fraction))

        _font(self.stale_banner, px(_CHANGE), bold=True)
        self.stale_banner.setContentsMargins(px(1 / 100), px(1 / 200), px(1 / 100), px(1 / 200))
        _font(self.township_label, px(_TITLE), bold=True)
        _font(self.place_label, px(_TITLE), bold=True)
        _font(self.clock_label, px(_CLOCK), bold=True)
        _font(self.as_of_label, px(_LABEL))
        for tile in self.tiles.values():
            _font(tile.label, px(_LABEL))
            _font(tile.number, px(_BIG), bold=True)
            _font(tile.change, px(_CHANGE), bold=True)
            _font(tile.detail, px(_SMALL))
            tile.layout().setContentsMargins(px(1 / 90), px(1 / 150), px(1 / 70), px(1 / 150))
        self._row.setContentsMargins(px(1 / 80), px(1 / 120), px(1 / 80), px(1 / 120))
        self._row.setSpacing(px(1 / 110))
        self.updateGeometry()


def township_name(dataset) -> str:
    """The township's name in the language ("" when the metadata has none)."""
    return shown_text(page_township_name(dataset.metadata, language()))


def _village_names(dataset, villages) -> list[str]:
    """The names of the villages whose codes are in ``villages`` (None: none)."""
    if villages is None:
        return []
    frame = dataset.villages
    chosen = frame[frame["code"].astype(str).isin([str(code) for code in villages])]
    return [name for name in map(shown_text, chosen["name"]) if name]


def _paint(widget: QWidget, background: str | None, text: str) -> None:
    palette = widget.palette()
    if background is not None:
        palette.setColor(QPalette.ColorRole.Window, QColor(background))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(text))
    widget.setPalette(palette)


def _font(widget: QWidget, pixels: int, bold: bool = False) -> None:
    font = QFont(widget.font())
    font.setPixelSize(pixels)
    font.setBold(bold)
    widget.setFont(font)
