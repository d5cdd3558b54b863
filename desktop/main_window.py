"""The main window: the situation map in the centre, the dataset's figures beside it."""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.map_view import MapView
from geodata.dataset import Dataset
from layers.map_state import MapState
from layers.statistics import layer_counts


class MainWindow(QMainWindow):
    def __init__(self, store, dataset: Dataset, state: MapState | None = None, parent=None):
        super().__init__(parent)
        self.store = store
        self.dataset = dataset
        self.state = state or MapState(audience="internal")
        meta = dataset.metadata
        township = meta.get("township_name", "")
        self.setWindowTitle(f"{township} 疫情防控态势图 — {store.path.name}")

        # The page lives in a private folder for as long as the window does.
        self._page_folder = tempfile.TemporaryDirectory(prefix="situation-map-page-")
        self.map_view = MapView(Path(self._page_folder.name))
        self.setCentralWidget(self.map_view)

        self.disclaimer = QLabel(html.escape(meta.get("disclaimer", "")))
        self.disclaimer.setWordWrap(True)
        self.counts = layer_counts(dataset)
        self.counts_table = self._build_counts_table()
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.addWidget(self.counts_table)
        layout.addWidget(self.disclaimer)
        dock = QDockWidget("数据概况 Data", self)
        dock.setObjectName("data-dock")
        dock.setWidget(panel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)

        self.map_view.cursor_moved.connect(self._show_cursor)
        self.statusBar().showMessage(f"{store.path}  ·  截至 as of {meta.get('as_of', '?')}")
        self.resize(1280, 800)
        self.map_view.show_dataset(dataset, self.state)

    def _build_counts_table(self) -> QTableWidget:
        counts = self.counts
        table = QTableWidget(len(counts), 2)
        table.setHorizontalHeaderLabels(["图层 Layer", "数量 Count"])
        for row, item in enumerate(counts.itertuples()):
            label = f"{item.label_zh} {item.label_en}"
            if "." in item.layer:
                label = "    " + label
            table.setItem(row, 0, QTableWidgetItem(label))
            count = QTableWidgetItem(str(item.count))
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(row, 1, count)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, header.ResizeMode.Stretch)
        header.setSectionResizeMode(1, header.ResizeMode.ResizeToContents)
        table.setMinimumWidth(340)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        return table

    def count_for(self, layer: str) -> int:
        """The count shown in the table for ``layer`` (e.g. ``checkpoints.district``)."""
        row = self.counts.index[self.counts["layer"] == layer][0]
        return int(self.counts_table.item(row, 1).text())

    def _show_cursor(self, longitude: float, latitude: float) -> None:
        self.statusBar().showMessage(f"{longitude:.5f} E, {latitude:.5f} N")

    def closeEvent(self, event):  # noqa: N802 (Qt name)
        super().closeEvent(event)
        self._page_folder.cleanup()
