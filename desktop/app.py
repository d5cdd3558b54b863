"""The Qt application: one QApplication, windows on datasets, a log file.

Windows ask for other windows (another dataset, the wall display) with signals; this module
answers them, so a window never imports the application that made it.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PyQt6.QtCore import QLibraryInfo, Qt, QTranslator
from PyQt6.QtWidgets import QApplication, QMessageBox

from desktop import quiet
from desktop.os_errors import error_text
from desktop.wall.wall import WallWindow, load_presets, township_and_villages
from desktop.window.main_window import MainWindow
from geodata import __version__
from geodata.errors import GeodataError
from geodata.stores import open_store
from layers.i18n import _, language

log = logging.getLogger(__name__)
_open_windows: list = []  # windows live until closed, whatever opened them


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("situation-map")
    app.setApplicationDisplayName(_("Township Situation Map"))
    app.setApplicationVersion(__version__)
    app.setOrganizationName("situation-map")
    install_qt_translations(app)
    return app


def install_qt_translations(app: QApplication) -> QTranslator | None:
    """Qt's own words (Cancel, Show Details…, the file dialog) in the window's language;
    called again after the language changed, it follows."""
    previous = app.findChild(QTranslator, "qt-translations")
    if previous is not None:
        app.removeTranslator(previous)
        previous.setParent(None)
    if language() != "zh":
        return None
    translator = QTranslator(app)
    translator.setObjectName("qt-translations")
    if not translator.load("qtbase_zh_CN", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        return None
    app.installTranslator(translator)
    return translator


def start_logging() -> Path:
    """Log to a rotating file in the log folder (see :mod:`desktop.quiet`)."""
    return quiet.start_logging()


def open_window(path, on_error=None, basemap: dict | None = None):
    """A shown MainWindow on the dataset at ``path`` (a .gpkg path or a database location);
    None (after telling the user) if it cannot be read. ``basemap``: MapState changes from the
    command line (--basemap, --basemap-datum) over the remembered view."""
    try:
        store = open_store(path)
        dataset = store.read_all()
    except (GeodataError, OSError) as exc:
        log.warning("cannot open a dataset: %s", type(exc).__name__)
        message = _("Cannot open the data: {reason}").format(reason=error_text(exc))
        if on_error is not None:
            on_error(message)
        else:
            box = QMessageBox(QMessageBox.Icon.Critical, _("Township Situation Map"), message)
            box.setTextFormat(Qt.TextFormat.PlainText)  # the reason may quote a file's text
            box.exec()
        return None
    return show_window(store, dataset, basemap)


def show_window(store, dataset, basemap: dict | None = None):
    """A shown MainWindow on a store already opened and read (e.g. on a worker thread)."""
    window = MainWindow(store, dataset, basemap=basemap)
    _keep(window)
    window.open_requested.connect(lambda path, w=window: _replace(w, open_window(path, on_error=w.show_error)))
    window.store_opened.connect(lambda store, dataset, w=window: _replace(w, show_window(store, dataset)))
    window.wall_requested.connect(lambda screen, w=window: open_wall(w.session.store.path, screen=screen))
    window.show()
    log.info("opened a dataset with %d layers", len(dataset.frames))
    return window


def _keep(window) -> None:
    """Keep ``window`` until it is closed, then delete it inside the event loop: its web page
    must go before the profile."""
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    _open_windows.append(window)
    window.destroyed.connect(lambda _obj=None, w=window: _open_windows.remove(w) if w in _open_windows else None)


def _replace(old, new) -> None:
    """A window opened on the user's request takes the place of the one that asked."""
    if new is not None:
        old.close()


def open_wall(
    path: Path,
    *,
    presets=None,
    screen: int = 0,
    refresh_s: float = 30,
    dwell_s: float = 60,
    theme: str = "dark",
    basemap: dict | None = None,
):
    """A started WallWindow on the dataset at ``path`` (errors as for :func:`open_window`).

    A database is opened read-only: the wall has no write path, and a reader role is enough.
    """
    store = open_store(path, read_only=True)
    dataset = store.read_all()
    states = load_presets(presets) if presets else None
    if basemap:  # the command line's basemap under every preset
        states = [state.replace(**basemap) for state in states or township_and_villages(dataset)]
    wall = WallWindow(path, dataset, states, theme=theme, refresh_s=refresh_s, dwell_s=dwell_s)
    _keep(wall)
    wall.start(screen)
    return wall


def run_wall(path, args, basemap: dict | None = None) -> int:
    app = create_application()
    start_logging()
    try:
        open_wall(
            path,
            presets=args.presets,
            screen=args.screen,
            refresh_s=args.refresh,
            dwell_s=args.dwell,
            theme=args.theme,
            basemap=basemap,
        )
    except (GeodataError, ValueError, OSError) as exc:
        print(f"situation-map: {error_text(exc)}", file=sys.stderr)
        return 2
    return app.exec()


def run_app(path, basemap: dict | None = None) -> int:
    app = create_application()
    start_logging()
    log.info("situation-map %s starting", __version__)
    if open_window(path, basemap=basemap) is None:
        return 2
    return app.exec()
