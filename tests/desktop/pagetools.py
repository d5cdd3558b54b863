"""Helpers for tests that load the real map page in QtWebEngine."""

from __future__ import annotations

import json
from collections import Counter

from PyQt6.QtGui import QImage

from desktop.map_view import MapView

PAGE_TIMEOUT_MS = 30_000


def open_map(qtbot, tmp_path, dataset, state, *, lang="zh", size=(1280, 860)) -> MapView:
    """A MapView showing ``dataset`` at ``state``, waited on until the page says it has drawn."""
    view = MapView(tmp_path / "page")
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    with qtbot.waitSignal(view.drawn, timeout=PAGE_TIMEOUT_MS):
        view.show_dataset(dataset, state, lang)
    return view


def open_window(qtbot, store):
    """A shown MainWindow on ``store`` whose errors are collected in ``window.errors``, waited
    on until its map has drawn."""
    from desktop.window.main_window import MainWindow

    window = MainWindow(store, store.read_all())
    window.errors = []
    window.show_error = window.errors.append
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.map_view.drawn, timeout=PAGE_TIMEOUT_MS):
        window.show()
    return window


def evaluate(qtbot, view, script: str):
    """The value of a JavaScript expression in the page of ``view`` (JSON-serialisable)."""
    results = []
    view.page().runJavaScript(f"JSON.stringify({script})", 0, results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=PAGE_TIMEOUT_MS)
    return json.loads(results[0]) if results[0] is not None else None


def wait_applied(qtbot, view: MapView, action) -> None:
    """Run ``action`` and wait until the page has applied the update it causes."""
    with qtbot.waitSignal(view.applied, timeout=PAGE_TIMEOUT_MS):
        action()


def apply_state(qtbot, view: MapView, state) -> dict:
    """Send ``state`` through the update API and return the page's state afterwards."""
    view.set_state(state)
    return evaluate(qtbot, view, "SituationMap.state()")


def grab(qtbot, view: MapView) -> QImage:
    """The view's pixels, after the page has painted twice more."""
    # runJavaScript does not await promises: the page raises a flag after two frames instead.
    evaluate(
        qtbot,
        view,
        "(window.__framesDone = false, requestAnimationFrame(() => "
        "requestAnimationFrame(() => { window.__framesDone = true; })), 1)",
    )
    qtbot.waitUntil(lambda: evaluate(qtbot, view, "window.__framesDone") is True, timeout=PAGE_TIMEOUT_MS)
    qtbot.wait(150)
    return view.grab().toImage()


def share_unlike_commonest(image: QImage) -> float:
    """The share of pixels whose colour differs from the most common one (not blank > 0)."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = bytes(image.constBits().asstring(image.sizeInBytes()))
    step = 4 * 3  # every third pixel is plenty
    colours = Counter(data[i : i + 3] for i in range(0, len(data), step))
    commonest = colours.most_common(1)[0][1]
    return 1 - commonest / sum(colours.values())


# -- reading what the page draws (tests/desktop/test_page_output.py) -------------------------

_SYMBOL_AT_PIXEL = """
(function (layer, id) {
  var map = SituationMap.map();
  var at = SituationMap.position(layer, id);
  if (!at) return null;
  var point = map.latLngToContainerPoint([at[1], at[0]]);
  var shift = SituationMap.displacement ? SituationMap.displacement(layer, id) : [0, 0];
  var x = point.x + shift[0], y = point.y + shift[1];
  var box = map.getContainer().getBoundingClientRect();
  var hit = document.elementFromPoint(box.left + x, box.top + y);
  var owner = hit && hit.closest("[data-feature-id]");
  return {
    x: x, y: y, inside: x >= 0 && y >= 0 && x < box.width && y < box.height,
    element: owner ? [owner.getAttribute("data-layer"), owner.getAttribute("data-feature-id")] : null,
    hitClass: hit ? hit.getAttribute("class") : null,
    pick: SituationMap.pick ? SituationMap.pick(x, y) : null,
  };
})(%s, %s)
"""


def symbol_at_pixel(qtbot, view: MapView, layer: str, feature_id: str) -> dict | None:
    """Where the page draws a feature's symbol (its position plus any displacement), in the
    map's pixels, and what is on top there: the marker element (``element``: [layer, id] of
    its data attributes) and the canvas layers' pick (``pick``)."""
    return evaluate(qtbot, view, _SYMBOL_AT_PIXEL % (json.dumps(layer), json.dumps(feature_id)))


def print_page_pdf(qtbot, view: MapView, path) -> None:
    """Print the page as shown into the PDF ``path``, on paper the size of the view (so the
    printed layout is the one on screen)."""
    from PyQt6.QtCore import QMarginsF, QSizeF
    from PyQt6.QtGui import QPageLayout, QPageSize

    points = QSizeF(view.width() * 0.75, view.height() * 0.75)  # 96 CSS px per inch, 72 pt
    layout = QPageLayout(
        QPageSize(points, QPageSize.Unit.Point), QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)
    )
    with qtbot.waitSignal(view.page().pdfPrintingFinished, timeout=PAGE_TIMEOUT_MS) as blocker:
        view.page().printToPdf(str(path), layout)
    assert blocker.args[1], "printing the page failed"


def rgb_at(image: QImage, x: float, y: float) -> tuple[int, int, int]:
    colour = image.pixelColor(int(round(x)), int(round(y)))
    return colour.red(), colour.green(), colour.blue()


def differing_pixels(before: QImage, after: QImage) -> int:
    """How many pixels differ between two grabs of the same size."""
    assert before.size() == after.size()
    a = before.convertToFormat(QImage.Format.Format_RGB32)
    b = after.convertToFormat(QImage.Format.Format_RGB32)
    import numpy as np

    pa = np.frombuffer(a.constBits().asstring(a.sizeInBytes()), dtype=np.uint32)
    pb = np.frombuffer(b.constBits().asstring(b.sizeInBytes()), dtype=np.uint32)
    return int(np.count_nonzero((pa ^ pb) & 0x00FFFFFF))
