"""The Qt application: one QApplication, one main window on one dataset."""

from __future__ import annotations

import sys
from pathlib import Path

from PyQt6.QtWidgets import QApplication, QMessageBox

from geodata import __version__
from geodata.errors import GeodataError
from geodata.store import open_store


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName("situation-map")
    app.setApplicationDisplayName("乡镇疫情防控态势图")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("situation-map")
    return app


def run_app(path: Path) -> int:
    from desktop.main_window import MainWindow

    app = create_application()
    try:
        store = open_store(path)
        dataset = store.read_all()
    except GeodataError as exc:
        QMessageBox.critical(None, "无法打开数据 / Cannot open the data", str(exc))
        return 2
    window = MainWindow(store, dataset)
    window.show()
    return app.exec()
