"""The wall display: the situation on a big screen, all day, with nobody at the keyboard.

Full screen on a chosen screen, no menus, docks or cursor; a header readable from across the
room; the map cycles through view presets. The store is watched: a change written by any
program or desk is drawn through the page's update API within the refresh interval, without
reloading the page. When the data cannot be read, the last good picture stays and the header
says since when the data is stale; it recovers on its own.
"""

from __future__ import annotations

import logging
import tempfile
from datetime import datetime
from pathlib import Path

from PyQt6.QtCore import Qt, QTimer
from PyQt6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PyQt6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from desktop.map_view import MapView
from desktop.store_watcher import StoreWatcher
from desktop.wall_header import WallHeader
from geodata.dataset import Dataset
from layers.dataset_diff import changed_features
from layers.filters import resolve_as_of
from layers.i18n import language
from layers.map_state import MapState, MapStateError, View

log = logging.getLogger(__name__)

DEFAULT_REFRESH_S = 30
DEFAULT_DWELL_S = 60


def township_and_villages(dataset: Dataset) -> list[MapState]:
    """The default rotation: the whole township, then each village in turn."""
    township = dataset.metadata.get("township_name", "")
    presets = [MapState(audience="internal")]
    for village in dataset.villages.itertuples():
        bounds = tuple(float(b) for b in village.geometry.bounds)
        presets.append(MapState(audience="internal", title=f"{township} · {village.name}", view=View(bounds=bounds)))
    return presets


def load_presets(location: str | Path) -> list[MapState]:
    """View presets from one MapState file, or every ``*.json`` of a folder in name order."""
    path = Path(location)
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    if not files:
        raise MapStateError(f"{path}: no view presets (*.json) in this folder")
    return [MapState.load(file) for file in files]


class WallWindow(QWidget):
    """The wall display on one dataset file."""

    def __init__(self, path: Path, dataset: Dataset, presets: list[MapState] | None = None, *,
                 theme: str = "dark", refresh_s: float = DEFAULT_REFRESH_S, dwell_s: float = DEFAULT_DWELL_S,
                 parent=None):
        super().__init__(parent)
        self.setWindowTitle(dataset.metadata.get("township_name", ""))
        self.dataset = dataset
        self.presets = presets or township_and_villages(dataset)
        self.preset_index = 0
        self.theme = theme

        self.header = WallHeader(theme=theme)
        # The wall is as wide as its screen, never wider: on a small screen the header gives.
        self.header.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._page_folder = tempfile.TemporaryDirectory(prefix="situation-map-wall-")
        self.map_view = MapView(Path(self._page_folder.name))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
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
        self.map_view.drawn.connect(self._dress_page)
        for keys, slot in (("Esc", self.close), ("F11", self.close), ("Space", self.next_preset)):
            QShortcut(QKeySequence(keys), self, activated=slot)

        self.header.show_situation(dataset, resolve_as_of(self.presets[0], dataset))
        self.map_view.show_dataset(dataset, self.presets[0], language())
        self.map_view.setZoomFactor(1.0)

    # -- showing ---------------------------------------------------------------------------

    def start(self, screen_number: int = 0) -> None:
        """Go full screen on screen ``screen_number`` and start watching and rotating."""
        screens = QGuiApplication.screens()
        screen = screens[screen_number] if 0 <= screen_number < len(screens) else QGuiApplication.primaryScreen()
        self.setScreen(screen)
        self.move(screen.geometry().topLeft())
        # Text on the page grows with the screen: at 1080 lines, 1.25× a desk (and the legend
        # still fits the height under the header).
        self.map_view.setZoomFactor(max(1.0, 1.25 * screen.geometry().height() / 1080))
        self.showFullScreen()
        if self.geometry() != screen.geometry():
            # No window manager (a kiosk X session) to make it full size: size it ourselves,
            # after showFullScreen, which a geometry set before it would cancel.
            self.setGeometry(screen.geometry())
        self.watcher.start()
        if len(self.presets) > 1:
            self.rotation.start()

    def show_dataset(self, dataset: Dataset) -> None:
        """Draw a newly read dataset through the update API (no reload)."""
        changed = changed_features(self.dataset, dataset)
        self.dataset = dataset
        self.map_view.apply_dataset(dataset, changed)
        self.header.show_situation(dataset, resolve_as_of(self.map_view.state, dataset))

    def next_preset(self) -> None:
        self.preset_index = (self.preset_index + 1) % len(self.presets)
        self.map_view.set_state(self.presets[self.preset_index])

    def _dress_page(self, _summary=None) -> None:
        self.map_view.set_theme(self.theme)
        self.map_view.run_js("SituationMap.setWall(true)")

    def set_theme(self, theme: str) -> None:
        self.theme = theme
        self.header.set_theme(theme)
        self.map_view.set_theme(theme)

    def closeEvent(self, event):  # noqa: N802 (Qt name)
        self.watcher.stop()
        self.rotation.stop()
        super().closeEvent(event)
        self._page_folder.cleanup()
