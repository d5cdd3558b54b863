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
    from desktop.main_window import MainWindow

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
    evaluate(qtbot, view, "(window.__framesDone = false, requestAnimationFrame(() => "
                          "requestAnimationFrame(() => { window.__framesDone = true; })), 1)")
    qtbot.waitUntil(lambda: evaluate(qtbot, view, "window.__framesDone") is True, timeout=PAGE_TIMEOUT_MS)
    qtbot.wait(150)
    return view.grab().toImage()


def share_unlike_commonest(image: QImage) -> float:
    """The share of pixels whose colour differs from the most common one (not blank > 0)."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = bytes(image.constBits().asstring(image.sizeInBytes()))
    step = 4 * 3  # every third pixel is plenty
    colours = Counter(data[i:i + 3] for i in range(0, len(data), step))
    commonest = colours.most_common(1)[0][1]
    return 1 - commonest / sum(colours.values())
