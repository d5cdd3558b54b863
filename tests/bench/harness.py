"""Measurements and the table they are reported in."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Result:
    benchmark: str
    measure: str
    value: float
    unit: str
    target: float | None = None
    at_least: bool = False  # the target is a floor (a speed-up), not a ceiling (a time)

    @property
    def met(self) -> bool | None:
        if self.target is None:
            return None
        return self.value >= self.target if self.at_least else self.value <= self.target


def median_seconds(action: Callable[[], object], repeat: int = 5) -> float:
    """The median wall time of ``action`` over ``repeat`` runs, after one warm-up run."""
    action()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


_application = None


def qt_application():
    """The QApplication for benchmarks of the page (offscreen; Chromium unsandboxed as root)."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
    import PyQt6.QtWebEngineWidgets  # noqa: F401  (before the QApplication)
    from PyQt6.QtWidgets import QApplication

    import desktop.page_scheme  # noqa: F401  (registers the pages' URL scheme before the QApplication)

    global _application
    # Kept here: a QApplication whose last Python reference goes is deleted, and with it
    # every web profile and page of the benchmarks that follow.
    _application = QApplication.instance() or QApplication(["bench"])
    return _application


def dispose(app, widget) -> None:
    """Close and delete a widget now: a web page must be gone before its profile is."""
    from PyQt6.QtCore import QCoreApplication, QEvent

    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    app.processEvents()


def wait_for_signal(app, signal, timeout: float) -> None:
    """Process events until ``signal`` fires; TimeoutError after ``timeout`` seconds."""
    fired = []
    connection = signal.connect(lambda *args: fired.append(args))
    deadline = time.perf_counter() + timeout
    try:
        while not fired:
            if time.perf_counter() > deadline:
                raise TimeoutError(f"no signal within {timeout} s")
            app.processEvents()
            time.sleep(0.0005)
    finally:
        signal.disconnect(connection)


def format_table(results: list[Result]) -> str:
    header = ("benchmark", "measure", "value", "unit", "target", "ok")
    rows = [header] + [
        (
            r.benchmark,
            r.measure,
            "missing" if math.isnan(r.value) else f"{r.value:,.3f}" if r.value < 100 else f"{r.value:,.0f}",
            r.unit,
            "" if r.target is None else f"{'≥' if r.at_least else '≤'} {r.target:g}",
            {True: "yes", False: "NO", None: ""}[r.met],
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
