"""The briefing's tables as the browser lays them out: each cell's box and its text's boxes.

For property tests that print too many documents to make a PDF of each: the document is
loaded in an offscreen QtWebEngine view at the printed width (as the printer loads it) and
its tables are measured in the page.
"""

from __future__ import annotations

import json
from pathlib import Path

from PyQt6.QtCore import QEventLoop, Qt, QTimer, QUrl
from PyQt6.QtWebEngineCore import QWebEnginePage, QWebEngineSettings
from PyQt6.QtWebEngineWidgets import QWebEngineView

WAIT_MS = 30_000

# Per table: its class and, per body row, each cell's [left, right, top, bottom] and the
# boxes of the cell's text (Range.getClientRects: one per line fragment).
MEASURE_TABLES = """
(function () {
  function box(r) { return [r.left, r.right, r.top, r.bottom]; }
  return JSON.stringify([].map.call(document.querySelectorAll("table.bt"), function (table) {
    return {
      cls: table.className,
      columns: table.querySelectorAll("col").length,
      rows: [].map.call(table.querySelectorAll("tbody tr"), function (row) {
        return [].map.call(row.children, function (cell) {
          var range = document.createRange();
          range.selectNodeContents(cell);
          return { cell: box(cell.getBoundingClientRect()),
                   text: [].map.call(range.getClientRects(), box).filter(function (b) { return b[1] > b[0]; }) };
        });
      }),
    };
  }));
})()
"""


class TableLayout:
    """Loads briefing documents one after another in one offscreen view."""

    def __init__(self, width_px: int):
        from desktop.map_view import shared_profile

        self.view = QWebEngineView()
        self.view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self.view.setPage(QWebEnginePage(shared_profile(), self.view))
        settings = self.view.page().settings()
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)
        settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, False)
        self.view.resize(width_px, 1200)
        self.view.show()

    def measure(self, document: Path) -> list[dict]:
        loop = QEventLoop()
        loaded = {}
        self.view.page().loadFinished.connect(lambda ok: (loaded.update(ok=ok), loop.quit()))
        QTimer.singleShot(WAIT_MS, loop.quit)
        self.view.load(QUrl.fromLocalFile(str(Path(document).resolve())))
        loop.exec()
        self.view.page().loadFinished.disconnect()
        assert loaded.get("ok"), f"{document} did not load"
        result = {}
        self.view.page().runJavaScript(MEASURE_TABLES, lambda value: (result.update(value=value), loop.quit()))
        QTimer.singleShot(WAIT_MS, loop.quit)
        loop.exec()
        return json.loads(result["value"])

    def close(self) -> None:
        from PyQt6.QtCore import QCoreApplication, QEvent

        self.view.close()
        self.view.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def column_edges(table: dict) -> list[tuple[float, float]]:
    """The left and right edge of each column, from the table's first full row."""
    full = next((row for row in table["rows"] if len(row) == table["columns"]), None)
    return [] if full is None else [(round(c["cell"][0], 1), round(c["cell"][1], 1)) for c in full]


def text_outside_its_cell(table: dict, tolerance: float = 0.5) -> list:
    """Text boxes that reach out of their cell's box."""
    found = []
    for row in table["rows"]:
        for cell in row:
            left, right, top, bottom = cell["cell"]
            for box in cell["text"]:
                if (
                    box[0] < left - tolerance
                    or box[1] > right + tolerance
                    or box[2] < top - tolerance
                    or box[3] > bottom + tolerance
                ):
                    found.append((cell["cell"], box))
    return found
