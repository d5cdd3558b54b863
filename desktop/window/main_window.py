"""The workbench: the map in the centre, layers, details and figures around it.

The window wires panels to the :class:`~desktop.window.session.Session` and the session to the map;
panels never call each other. It also keeps what a desktop user expects to be kept: window
layout, the last dataset and view, recent files (QSettings), undo/redo, view presets.

Opening another dataset or the wall display is the application's (:mod:`desktop.app`): the
window asks for it with :attr:`MainWindow.open_requested`, :attr:`MainWindow.store_opened` and
:attr:`MainWindow.wall_requested`, which the application connects.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from pathlib import Path

from PyQt6.QtCore import QByteArray, QSettings, Qt, pyqtSignal
from PyQt6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PyQt6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QMessageBox, QToolBar
from shapely.geometry import Point

from desktop.briefing import briefing_dialog
from desktop.map_view import MapView
from desktop.os_errors import error_text
from desktop.plain_text import plain_box, plain_label
from desktop.planning import planning_panel
from desktop.shared_store import connect_dialog
from desktop.transfer import transfer_dialog
from desktop.window import basemap_menu
from desktop.window.date_bar import DateBar
from desktop.window.details_panel import DetailsPanel
from desktop.window.dock_tabs import keep_tab_bars_true, tidy_soon
from desktop.window.feature_dialog import FeatureDialog
from desktop.window.layers_panel import LayersPanel
from desktop.window.search_box import SearchBox
from desktop.window.session import Session
from desktop.window.statistics_panel import StatisticsPanel
from desktop.window.trend_dock import install as install_trend_dock
from geodata import __version__
from geodata.dataset import Dataset
from geodata.editing import EditError, update_feature
from layers.features import layer_label, village_at
from layers.i18n import _, language
from layers.map_state import MapState, MapStateError, View
from layers.webmap import page_view

log = logging.getLogger(__name__)

RECENT_LIMIT = 8
# Raised when the set of docks changes: a layout saved with other docks is then not restored
# (the new docks would land in odd places), and the default layout is used once.
LAYOUT_VERSION = 2


class MainWindow(QMainWindow):
    """One dataset's workbench."""

    open_requested = pyqtSignal(object)  # a dataset location: open it in a window that replaces this one
    store_opened = pyqtSignal(object, object)  # a store opened and read elsewhere, and its dataset: likewise
    wall_requested = pyqtSignal(int)  # the screen to show this dataset's wall display on

    def __init__(
        self, store, dataset: Dataset, state: MapState | None = None, parent=None, basemap: dict | None = None
    ):
        super().__init__(parent)
        self.setObjectName("main-window")
        self.settings = QSettings()
        state = (state or self._remembered_state(store.path)).replace(**(basemap or {}))  # --basemap
        self.session = Session(store, dataset, state, parent=self)
        self.show_error = lambda text: plain_box(
            QMessageBox.Icon.Warning, _("Township Situation Map"), text, parent=self
        ).exec()
        self._adding: str | None = None  # the layer a map click will add a feature to
        self._last_view: View | None = None

        # The page lives in a private folder for as long as the window does.
        self._page_folder = tempfile.TemporaryDirectory(prefix="situation-map-page-")
        self.map_view = MapView(Path(self._page_folder.name))
        self.setCentralWidget(self.map_view)

        # Connected before the panels are made, so that the page (another process) starts
        # drawing a new state while the panels bring themselves up to date.
        self.session.state_changed.connect(self.map_view.set_state)

        self.layers_panel = LayersPanel(self.session)
        self.details_panel = DetailsPanel(self.session)
        self.statistics_panel = StatisticsPanel(self.session)
        self.date_bar = DateBar(self.session)
        self.search_box = SearchBox(self.session)
        self.docks = {
            "layers": self._dock("layers-dock", _("Layers"), self.layers_panel, Qt.DockWidgetArea.LeftDockWidgetArea),
            "details": self._dock(
                "details-dock", _("Details"), self.details_panel, Qt.DockWidgetArea.RightDockWidgetArea
            ),
            "statistics": self._dock(
                "statistics-dock",
                _("Figures by village"),
                self.statistics_panel,
                Qt.DockWidgetArea.BottomDockWidgetArea,
            ),
        }
        self.cursor_label = plain_label()  # names the village under the cursor
        self.statusBar().addPermanentWidget(self.cursor_label)

        self._build_toolbar()
        self._build_menus()
        # Tools add their File actions and docks with add_file_action and add_tool_dock.
        self.transfer = transfer_dialog.install(self)
        self.briefing = briefing_dialog.install(self)
        self.planning_panel = planning_panel.install(self)
        self.trend_panel = install_trend_dock(self)
        self.basemap_menu = basemap_menu.install(self)
        self.live_updates = connect_dialog.install(self)
        self._connect()
        self._update_title()
        self.resize(1600, 960)
        # Room for Chinese labels and full values; a saved layout replaces these.
        self.resizeDocks([self.docks["layers"], self.docks["details"]], [290, 380], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["statistics"]], [230], Qt.Orientation.Vertical)
        self._restore_layout()
        keep_tab_bars_true(self)
        self.map_view.show_dataset(dataset, self.session.state, language())

    # -- construction ------------------------------------------------------------------------

    def add_file_action(self, text: str, slot, shortcut=None) -> QAction:
        """A tool's entry in the File menu, above Quit."""
        action = self._action(text, slot, shortcut)
        self.file_menu.insertAction(self._file_tools_end, action)
        return action

    def add_tool_dock(self, key: str, title: str, widget, area=Qt.DockWidgetArea.RightDockWidgetArea) -> QDockWidget:
        """A tool's panel, listed in the View menu like the built-in ones."""
        dock = self._dock(f"{key}-dock", title, widget, area)
        self.docks[key] = dock
        self.view_menu.addAction(dock.toggleViewAction())
        return dock

    def _dock(self, name: str, title: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # saveState() needs it
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_toolbar(self) -> None:
        bar = QToolBar(_("Situation"), self)
        bar.setObjectName("situation-toolbar")
        bar.addWidget(self.date_bar)
        bar.addSeparator()
        bar.addWidget(self.search_box)
        self.addToolBar(bar)

    def _action(self, text: str, slot, shortcut=None, checkable=False) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file_menu = menus.addMenu(_("&File"))
        file_menu.addAction(self._action(_("&Open dataset…"), self.choose_dataset, QKeySequence.StandardKey.Open))
        self.recent_menu = file_menu.addMenu(_("Open &recent"))
        self._fill_recent_menu()
        file_menu.addSeparator()
        file_menu.addAction(self._action(_("&Save view as preset…"), self.save_preset, "Ctrl+Shift+S"))
        file_menu.addAction(self._action(_("&Load view preset…"), self.load_preset, "Ctrl+L"))
        # Tools (import, export, briefing, database) insert their actions before this separator.
        self._file_tools_end = file_menu.addSeparator()
        file_menu.addAction(self._action(_("&Quit"), self.close, QKeySequence.StandardKey.Quit))
        self.file_menu = file_menu

        edit_menu = menus.addMenu(_("&Edit"))
        self.undo_action = self.session.undo_stack.createUndoAction(self, _("&Undo"))
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.redo_action = self.session.undo_stack.createRedoAction(self, _("&Redo"))
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        for layer, text in (
            ("checkpoints", _("Add &checkpoint on the map")),
            ("households", _("Add &household on the map")),
            ("disinfection_points", _("Add &disinfection point on the map")),
        ):
            edit_menu.addAction(self._action(text, lambda _checked=False, name=layer: self.start_adding(name)))
        edit_menu.addSeparator()
        self.move_action = self._action(_("&Move points by dragging"), self.map_view.set_editable, "Ctrl+M", True)
        edit_menu.addAction(self.move_action)

        view_menu = self.view_menu = menus.addMenu(_("&View"))
        view_menu.addAction(self._action(_("Zoom to the &township"), self.zoom_to_township, "Ctrl+0"))
        view_menu.addAction(self._action(_("&Previous day"), lambda: self.date_bar.step(-1), "Alt+Left"))
        view_menu.addAction(self._action(_("&Next day"), lambda: self.date_bar.step(1), "Alt+Right"))
        self.labels_action = self._action(
            _("Village &labels"), lambda on: self.session.update_state(labels=on), checkable=True
        )
        self.labels_action.setChecked(self.session.state.labels)
        view_menu.addAction(self.labels_action)
        audience_menu = view_menu.addMenu(_("&Audience"))
        self.audience_group = QActionGroup(self)
        for audience, text in (
            ("internal", _("&Internal (names and household points)")),
            ("public", _("&Public (counts only, no personal data)")),
        ):
            action = self._action(
                text, lambda _c=False, a=audience: self.session.update_state(audience=a), checkable=True
            )
            action.setData(audience)
            action.setChecked(self.session.state.audience == audience)
            self.audience_group.addAction(action)
            audience_menu.addAction(action)
        self.wall_action = self._action(_("&Wall display"), self.request_wall, "F11")
        view_menu.addAction(self.wall_action)
        view_menu.addSeparator()
        for dock in self.docks.values():
            view_menu.addAction(dock.toggleViewAction())

        help_menu = menus.addMenu(_("&Help"))
        help_menu.addAction(self._action(_("&About"), self.show_about))

    def _connect(self) -> None:
        session, view = self.session, self.map_view
        session.state_changed.connect(self._on_state_changed)
        session.dataset_changed.connect(lambda changed: view.apply_dataset(session.dataset, changed))
        session.selection_changed.connect(view.highlight)
        session.fly_requested.connect(lambda layer, fid: view.highlight(layer, fid, True))
        session.bounds_requested.connect(view.fit_bounds)
        session.error.connect(lambda text: self.show_error(text))
        view.feature_clicked.connect(lambda layer, fid: session.select(layer, fid))
        view.cursor_moved.connect(self._show_cursor)
        view.map_clicked.connect(self._on_map_click)
        view.feature_moved.connect(self._on_feature_moved)
        view.view_changed.connect(self._remember_view)

    # -- reacting ----------------------------------------------------------------------------

    def _on_state_changed(self, state: MapState) -> None:
        self.labels_action.setChecked(state.labels)
        for action in self.audience_group.actions():
            action.setChecked(action.data() == state.audience)
        self._update_title()

    def _update_title(self) -> None:
        meta = self.session.dataset.metadata
        audience = _("internal") if self.session.state.audience == "internal" else _("public")
        self.setWindowTitle(f"{meta.get('township_name', '')} — {self.session.store.path.name} [{audience}]")

    def _show_cursor(self, longitude: float, latitude: float) -> None:
        village = village_at(self.session.dataset.villages, longitude, latitude)
        place = f"  ·  {village}" if village else ""
        self.cursor_label.setText(f"{longitude:.5f}°E  {latitude:.5f}°N{place}")

    def _remember_view(self, view: dict) -> None:
        # A view the page reports mid-animation may be incomplete; the next one will do.
        with contextlib.suppress(KeyError, TypeError, ValueError, MapStateError):
            self._last_view = View(center=tuple(view["center"]), zoom=float(view["zoom"]))

    # -- editing on the map ------------------------------------------------------------------

    def start_adding(self, layer: str) -> None:
        """The next click on the map places a new feature of ``layer``."""
        self._adding = layer
        self.statusBar().showMessage(
            _("Click on the map where the new {layer} is (Esc to cancel)").format(layer=layer_label(layer))
        )
        self.map_view.setCursor(Qt.CursorShape.CrossCursor)

    @property
    def adding_layer(self) -> str | None:
        """The layer the next map click adds a feature to; None when a click adds nothing
        (tools that place things on the map by clicking leave such a click alone)."""
        return self._adding

    def keyPressEvent(self, event):  # noqa: N802 (Qt name)
        if event.key() == Qt.Key.Key_Escape and self._adding:
            self._stop_adding()
        super().keyPressEvent(event)

    def _stop_adding(self) -> None:
        self._adding = None
        self.statusBar().clearMessage()
        self.map_view.unsetCursor()

    def _on_map_click(self, longitude: float, latitude: float) -> None:
        if not self._adding:
            return
        layer = self._adding
        self._stop_adding()
        FeatureDialog(self.session, layer, position=(longitude, latitude), parent=self).open()

    def _on_feature_moved(self, layer: str, feature_id: str, longitude: float, latitude: float) -> None:
        try:
            edit = update_feature(self.session.dataset, layer, feature_id, geometry=Point(longitude, latitude))
        except EditError as exc:
            self.show_error(error_text(exc))
            self.map_view.refresh_features(layer, [feature_id])
            return
        if not self.session.edit(edit, _("Move {layer} {id}").format(layer=layer_label(layer), id=feature_id)):
            self.map_view.refresh_features(layer, [feature_id])  # the map must show what is stored

    # -- views, files and presets --------------------------------------------------------------

    def request_wall(self) -> None:
        """Ask for the wall display of this dataset, full screen on the window's screen."""
        screens = QGuiApplication.screens()
        self.wall_requested.emit(screens.index(self.screen()) if self.screen() in screens else 0)

    def zoom_to_township(self) -> None:
        self.session.show_bounds(page_view(self.session.dataset, MapState())["bounds"])

    def save_preset(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save view as preset"), str(Path.home()), _("View presets (*.json)")
        )
        if path:
            self.session.state.save(path if path.endswith(".json") else path + ".json")

    def load_preset(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Load view preset"), str(Path.home()), _("View presets (*.json)")
        )
        if path:
            self.apply_preset(Path(path))

    def apply_preset(self, path: Path) -> None:
        try:
            self.session.set_state(MapState.load(path))
        except (MapStateError, OSError) as exc:
            self.show_error(_("Cannot use this preset: {reason}").format(reason=error_text(exc)))

    def choose_dataset(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Open dataset"), str(self.session.store.path.parent), _("GeoPackage datasets (*.gpkg)")
        )
        if path:
            self.open_requested.emit(Path(path))

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for path in self.recent_files():
            self.recent_menu.addAction(
                self._action(path, lambda _c=False, p=path: self.open_requested.emit(_location(p)))
            )
        self.recent_menu.setEnabled(bool(self.recent_files()))

    def recent_files(self) -> list[str]:
        value = self.settings.value("recent_files", [])
        return [value] if isinstance(value, str) else list(value or [])

    def show_about(self) -> None:
        from PyQt6.QtCore import PYQT_VERSION_STR, QT_VERSION_STR

        meta = self.session.dataset.metadata
        text = _("Township Situation Map {version}\nQt {qt}, PyQt {pyqt}\n\nDataset: {path}\n{disclaimer}").format(
            version=__version__,
            qt=QT_VERSION_STR,
            pyqt=PYQT_VERSION_STR,
            path=self.session.store.path,
            disclaimer=meta.get("disclaimer", ""),
        )
        box = QMessageBox(QMessageBox.Icon.Information, _("About"), text, parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # the disclaimer is data: never markup
        box.open()
        self.about_box = box

    # -- what is kept between runs -------------------------------------------------------------

    def _remembered_state(self, path: Path) -> MapState:
        if self.settings.value("last_dataset") == str(path):
            try:
                return MapState.from_json(self.settings.value("last_state", ""))
            except (MapStateError, ValueError, TypeError):
                log.info("the remembered view could not be read; starting from the default")
        return MapState(audience="internal")

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        layout = self.settings.value("window/state")
        if isinstance(layout, QByteArray):
            self.restoreState(layout, LAYOUT_VERSION)

    def showEvent(self, event):  # noqa: N802 (Qt name)
        super().showEvent(event)
        tidy_soon(self)

    def closeEvent(self, event):  # noqa: N802 (Qt name)
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState(LAYOUT_VERSION))
        path = str(self.session.store.path)
        self.settings.setValue("last_dataset", path)
        state = self.session.state
        if self._last_view is not None:
            state = state.replace(view=self._last_view)  # reopen where the user was looking
        self.settings.setValue("last_state", state.to_json())
        recent = [path] + [p for p in self.recent_files() if p != path]
        self.settings.setValue("recent_files", recent[:RECENT_LIMIT])
        super().closeEvent(event)
        self._page_folder.cleanup()


def _location(text: str):
    """A remembered dataset: a database location stays text (a Path would drop its "//")."""
    from geodata.stores.postgis.location import is_database_location

    return text if is_database_location(text) else Path(text)
