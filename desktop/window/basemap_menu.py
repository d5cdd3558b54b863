"""View → Basemap: what the map is drawn on, kept in the MapState (so a view preset keeps it).

None, an MBTiles file the user opens (the container QGIS's "Generate XYZ tiles (MBTiles)",
tile downloaders and mobile GIS write), the local tile folder when the view has one, and the
datum of the tiles: read from the file (automatic), WGS-84 (Tianditu's CGCS2000 too) or GCJ-02
(Gaode, Tencent), on which the overlays are then drawn shifted. A change redraws the page.
"""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QTimer
from PyQt6.QtGui import QAction, QActionGroup
from PyQt6.QtWidgets import QFileDialog, QMenu

from desktop.os_errors import error_text
from geodata.errors import GeodataError
from layers.basemap_tiles import PREFIX, mbtiles_path, open_mbtiles
from layers.i18n import _


class BasemapMenu(QMenu):
    """The menu of one window; its entries follow the window's MapState."""

    def __init__(self, window):
        super().__init__(_("&Basemap"), window)
        self.setObjectName("basemap-menu")
        self.window_ = window
        self.session = window.session
        self._groups: list[QActionGroup] = []
        # Made anew each time it opens (never while one of its actions is still being handled).
        self.aboutToShow.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """The entries for the state shown now: the current choice and datum ticked."""
        self.clear()
        for group in self._groups:
            group.deleteLater()
        state = self.session.state
        choices = QActionGroup(self)
        self._choice(choices, _("&None"), "none", state.basemap)
        path = mbtiles_path(state.basemap)
        if path is not None:
            self._choice(choices, path.name, state.basemap, state.basemap)
        if state.basemap.startswith("local:"):
            folder = state.basemap[len("local:") :]
            self._choice(choices, _("Local tile folder: {folder}").format(folder=folder), state.basemap, state.basemap)
        opener = self.addAction(_("&Open MBTiles file…"))
        opener.setObjectName("open-mbtiles")
        opener.triggered.connect(self.choose_file)
        self.addSeparator()
        datum_menu = self.addMenu(_("&Datum of the tiles"))
        datums = QActionGroup(self)
        self._groups = [choices, datums]
        for datum, text in (
            ("auto", _("&Automatic (as the file says)")),
            ("wgs84", _("&WGS-84 (Tianditu, OpenStreetMap)")),
            ("gcj02", _("&GCJ-02 (Gaode, Tencent: overlays shifted)")),
        ):
            action = QAction(text, self)
            action.setCheckable(True)
            action.setData(datum)
            action.setChecked(state.basemap_datum == datum)
            action.triggered.connect(lambda _checked=False, d=datum: self.session.update_state(basemap_datum=d))
            datums.addAction(action)
            datum_menu.addAction(action)

    def _choice(self, group: QActionGroup, text: str, choice: str, current: str) -> QAction:
        action = QAction(text, self)
        action.setCheckable(True)
        action.setData(choice)
        action.setChecked(choice == current)
        action.triggered.connect(lambda _checked=False, c=choice: self.choose(c))
        group.addAction(action)
        self.addAction(action)
        return action

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self.window_, _("Open MBTiles basemap"), str(Path.home()), _("MBTiles basemaps (*.mbtiles)")
        )
        if path:
            self.choose(PREFIX + str(Path(path).absolute()))

    def choose(self, choice: str) -> bool:
        """Draw the map on ``choice``; a file that cannot be read is said, and nothing changes."""
        path = mbtiles_path(choice)
        if path is not None:
            try:
                open_mbtiles(path)
            except (GeodataError, OSError) as exc:
                self.window_.show_error(error_text(exc))
                return False
        self.session.update_state(basemap=choice)
        return True


def install(window) -> BasemapMenu:
    """View → Basemap, above the wall display; the page's basemap failures are said too."""
    menu = BasemapMenu(window)
    window.view_menu.insertMenu(window.wall_action, menu)
    # Said once the window is up: the page is first written while the window is being made.
    window.map_view.basemap_failed.connect(lambda text: QTimer.singleShot(0, lambda: window.show_error(text)))
    return menu
