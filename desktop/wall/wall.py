"""The wall display: the situation on a big screen, all day, with nobody at the keyboard.

Full screen on a chosen screen, no menus, docks or cursor; a header readable from across the
room; the map cycles through view presets. The store is watched: a change written by any
program or desk is drawn through the page's update API within the refresh interval, without
reloading the page. When the data cannot be read, the last good picture stays and the header
says since when the data is stale; it recovers on its own.

Visitors and cameras see a wall, so it shows the public map unless a preset asks for the
internal one (household points). Everything is sized from the wall's height: the header's
text, the page's zoom (village labels and legend grow with the screen), and the fit of the
preset's place into the space under the header, kept whenever the wall is resized. Under the
header, a strip charts the last 14 days (:mod:`desktop.wall.trend_strip`), following the same
refreshes and presets as the header.
"""

from __future__ import annotations

import json
import logging
import tempfile
from datetime import datetime
from pathlib import Path

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PyQt6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from desktop.background import BackgroundJob
from desktop.map_view import MapView
from desktop.shared_store.store_watcher import StoreWatcher
from desktop.wall.trend_strip import TrendStrip, strip_series
from desktop.wall.wall_header import WallHeader, shown_text, situation_figures, township_name
from geodata.dataset import Dataset
from geodata.messages import N_, Message
from layers.dataset_diff import changed_features
from layers.filters import resolve_as_of
from layers.i18n import language
from layers.map_state import Filters, MapState, MapStateError
from layers.webmap import page_view

log = logging.getLogger(__name__)

DEFAULT_REFRESH_S = 30
DEFAULT_DWELL_S = 60

# The page is a desk page zoomed for the room: 1.25× a desk at 1080 lines, in proportion above.
_ZOOM_AT_1080 = 1.25

# Run after every page load and preset: fit the preset's place to the page, again at every
# resize (a window manager may grant full screen only after the page drew in a small window),
# at fractional zooms, so the place fills the space rather than the next smaller whole zoom.
_FIT_SCRIPT = """
(function (view) {
  var map = SituationMap.map();
  var wall = window.SituationWall = window.SituationWall || {};
  map.options.zoomSnap = 0.05;
  if (!wall.fitsOnResize) {
    wall.fitsOnResize = true;
    map.on("resize", function () { SituationMap.setView(wall.view); });
  }
  wall.view = view;
  map.invalidateSize({ animate: false });
  SituationMap.setView(view);
  return true;
})(%s)
"""


def page_zoom(height: int) -> float:
    """The zoom factor of the wall's page for a wall ``height`` pixels high."""
    return max(1.0, _ZOOM_AT_1080 * height / 1080)


def township_and_villages(dataset: Dataset) -> list[MapState]:
    """The default rotation for the public: the whole township, then each village in turn
    (filtered to it, so the header shows that village's figures)."""
    township = township_name(dataset)  # in the wall's language, as the header says it
    presets = [MapState()]
    for code, name in zip(dataset.villages["code"], dataset.villages["name"], strict=False):
        code, name = shown_text(code), shown_text(name)
        if code:
            title = " · ".join(part for part in (township, name or code) if part)
            presets.append(MapState(title=title, filters=Filters(villages=(code,))))
    return presets


def load_presets(location: str | Path) -> list[MapState]:
    """View presets from one MapState file, or every ``*.json`` of a folder in name order."""
    path = Path(location)
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    if not files:
        raise MapStateError(Message(N_("{path}: no view presets (*.json) in this folder"), path=str(path)))
    return [MapState.load(file) for file in files]


class WallWindow(QWidget):
    """The wall display on one dataset file."""

    def __init__(
        self,
        path: Path,
        dataset: Dataset,
        presets: list[MapState] | None = None,
        *,
        theme: str = "dark",
        refresh_s: float = DEFAULT_REFRESH_S,
        dwell_s: float = DEFAULT_DWELL_S,
        parent=None,
    ):
        super().__init__(parent)
        self.setWindowTitle(township_name(dataset))
        self.dataset = dataset
        self.presets = presets or township_and_villages(dataset)
        self.preset_index = 0
        self.theme = theme
        # What waits for the page: script run before it has drawn finds no SituationMap.
        self._dataset_to_draw: Dataset | None = None
        self._preset_to_show = False
        # The header's figures and trend of a newly read dataset, worked out off the Qt thread.
        self._header_job: BackgroundJob | None = None
        self._header_again = False

        self.header = WallHeader(theme=theme)
        # The wall is as wide as its screen, never wider: on a small screen the header gives.
        self.header.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.trend_strip = TrendStrip(theme=theme)
        self._page_folder = tempfile.TemporaryDirectory(prefix="situation-map-wall-")
        self.map_view = MapView(Path(self._page_folder.name))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.trend_strip)
        layout.addWidget(self.map_view, 1)
        self.setCursor(Qt.CursorShape.BlankCursor)  # nobody points at a wall
        self.map_view.setCursor(Qt.CursorShape.BlankCursor)

        self.watcher = StoreWatcher(path, interval_ms=int(refresh_s * 1000), parent=self)
        self.watcher.loaded.connect(self.show_dataset)
        # The data was read good just now (by whoever opened the wall), until the watcher knows better.
        self.last_good_read = datetime.now()
        self.watcher.loaded.connect(lambda _dataset: setattr(self, "last_good_read", datetime.now()))
        self.watcher.failed.connect(lambda _reason, since: self.header.show_stale(since or self.last_good_read))
        self.watcher.recovered.connect(self.header.clear_stale)
        self.rotation = QTimer(self)
        self.rotation.setInterval(int(dwell_s * 1000))
        self.rotation.timeout.connect(self.next_preset)
        self.map_view.drawn.connect(self._on_page_drawn)
        for keys, slot in (("Esc", self.close), ("F11", self.close), ("Space", self.next_preset)):
            QShortcut(QKeySequence(keys), self, activated=slot)

        self._show_header()
        self.map_view.show_dataset(dataset, self.preset, language())

    @property
    def preset(self) -> MapState:
        """The preset on the wall now."""
        return self.presets[self.preset_index]

    # -- showing ---------------------------------------------------------------------------

    def start(self, screen_number: int = 0) -> None:
        """Go full screen on screen ``screen_number`` and start watching and rotating."""
        screens = QGuiApplication.screens()
        screen = screens[screen_number] if 0 <= screen_number < len(screens) else QGuiApplication.primaryScreen()
        self.setScreen(screen)
        self.move(screen.geometry().topLeft())
        self.showFullScreen()
        if self.geometry() != screen.geometry():
            # No window manager (a kiosk X session) to make it full size: size it ourselves,
            # after showFullScreen, which a geometry set before it would cancel.
            self.setGeometry(screen.geometry())
        self.watcher.start()
        if len(self.presets) > 1:
            self.rotation.start()

    def show_dataset(self, dataset: Dataset) -> None:
        """Draw a newly read dataset through the update API (no reload); while the page is
        still loading (the first read often beats it), once it has drawn. The map goes
        first; the header's figures and trend follow when worked out in the background (a
        second at a million households, which the map need not wait for)."""
        self.dataset = dataset
        if self.map_view.is_drawn:
            self._draw_dataset(dataset)
        else:
            self._dataset_to_draw = dataset
        self._show_header_later()

    def next_preset(self) -> None:
        self.preset_index = (self.preset_index + 1) % len(self.presets)
        self._show_header()
        if self.map_view.is_drawn:
            self._show_preset()
        else:
            self._preset_to_show = True

    def set_theme(self, theme: str) -> None:
        self.theme = theme
        self.header.set_theme(theme)
        self.trend_strip.set_theme(theme)
        if self.map_view.is_drawn:
            self.map_view.set_theme(theme)

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        # Sized from the wall itself, which is its screen once full screen.
        height = self.height()
        self.header.set_reference_height(height)
        self.trend_strip.set_reference_height(height)
        self.map_view.setZoomFactor(page_zoom(height))
        super().resizeEvent(event)

    # -- inside ----------------------------------------------------------------------------

    def _show_header(self) -> None:
        preset = self.preset
        as_of = resolve_as_of(preset, self.dataset)
        self.header.show_situation(self.dataset, as_of, preset.filters.villages)
        self.trend_strip.show_trend(self.dataset, as_of, preset.filters.villages)

    def _show_header_later(self) -> None:
        if self._header_job is not None:
            self._header_again = True  # for the dataset and preset shown when it ends
            return
        dataset, preset = self.dataset, self.preset

        def work(_feedback):
            as_of = resolve_as_of(preset, dataset)
            villages = preset.filters.villages
            return as_of, situation_figures(dataset, as_of, villages), strip_series(dataset, as_of, villages)

        job = BackgroundJob(work, name="wall-header", owner=self)
        job.finished.connect(lambda result: self._header_worked_out(dataset, preset, result))
        job.failed.connect(lambda exc: self._header_worked_out(dataset, preset, None, exc))
        self._header_job = job
        job.start()

    def _header_worked_out(self, dataset: Dataset, preset: MapState, result, error=None) -> None:
        self._header_job = None
        if dataset is self.dataset and preset == self.preset:
            if result is None:
                log.warning("the wall's header could not be worked out: %s", type(error).__name__)
                self._show_header()  # on this thread, where its error is seen as before
            else:
                as_of, figures, series = result
                self.header.show_figures(dataset, as_of, preset.filters.villages, figures)
                self.trend_strip.show_series(series)
        if self._header_again:
            self._header_again = False
            if dataset is not self.dataset:  # a preset change showed its header itself
                self._show_header_later()

    def _draw_dataset(self, dataset: Dataset) -> None:
        # Against what the page holds, which a deferred dataset may be several reads ahead of.
        self.map_view.apply_dataset(dataset, changed_features(self.map_view.dataset, dataset))

    def _show_preset(self) -> None:
        self.map_view.set_state(self.preset)
        if self.map_view.is_drawn:  # else a reload for another audience: fitted when drawn
            self._fit_view()

    def _fit_view(self) -> None:
        view = page_view(self.map_view.dataset, self.map_view.state)
        self.map_view.run_js(_FIT_SCRIPT % json.dumps(view))

    def _on_page_drawn(self, _summary=None) -> None:
        self.map_view.set_theme(self.theme)
        self.map_view.run_js("SituationMap.setWall(true)")
        if self._preset_to_show:
            self._preset_to_show = False
            if self.map_view.state != self.preset:
                self.map_view.set_state(self.preset)
                if not self.map_view.is_drawn:
                    return  # reloading for another audience: back here when drawn
        if self._dataset_to_draw is not None:
            dataset, self._dataset_to_draw = self._dataset_to_draw, None
            self._draw_dataset(dataset)
        self._fit_view()

    def closeEvent(self, event):  # noqa: N802 (Qt name)
        self.watcher.stop()
        self.rotation.stop()
        super().closeEvent(event)
        self._page_folder.cleanup()
