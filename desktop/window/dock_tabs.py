"""Keep only the tab bars of tabbed docks that belong to a tab group on screen.

With two groups of tabbed docks (figures and trend at the bottom, details and planning on the
right), Qt 6.11's main window lays a group out once at the window's first size (640 × 480),
makes its tab bar, then makes another for the real layout and never hides the first: a
"Figures by village | Trend" bar stayed drawn over the layers panel, on X11 as offscreen, and
more such bars after a saved layout was restored. Qt hides only bars it once used and retired.
"""

from __future__ import annotations

from PyQt6.QtCore import QRect, Qt, QTimer
from PyQt6.QtWidgets import QDockWidget, QMainWindow, QTabBar

# How far (px) a group's tab bar may sit from its dock's frame, and its ends from the dock's.
_SLACK = 6


def hide_stray_tab_bars(window: QMainWindow) -> list[QTabBar]:
    """Hide each shown dock tab bar of ``window`` that lies against none of the docks it names,
    and return those hidden."""
    docked = {
        dock.windowTitle(): dock.geometry()
        for dock in window.findChildren(QDockWidget)
        if dock.isVisible() and not dock.isFloating()
    }
    hidden = []
    for bar in window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
        if not bar.isVisible():
            continue
        frames = [docked[title] for title in _titles(bar) if title in docked]
        if not any(_against(bar.geometry(), frame) for frame in frames):
            bar.hide()
            hidden.append(bar)
    return hidden


def keep_tab_bars_true(window: QMainWindow) -> None:
    """Tidy ``window``'s tab bars whenever a dock moves, floats or docks again; the window
    calls :func:`tidy_soon` when it is shown."""
    for dock in window.findChildren(QDockWidget):
        dock.dockLocationChanged.connect(lambda *_args: tidy_soon(window))
        dock.topLevelChanged.connect(lambda *_args: tidy_soon(window))


def tidy_soon(window: QMainWindow) -> None:
    """Hide stray tab bars once Qt has settled the layout (on the next turn of the event loop)."""
    QTimer.singleShot(0, lambda: hide_stray_tab_bars(window))


def _titles(bar: QTabBar) -> list[str]:
    return [bar.tabText(index) for index in range(bar.count())]


def _against(bar: QRect, dock: QRect) -> bool:
    """The bar runs along one side of the dock's frame (tabs may sit on any side)."""
    along_width = abs(bar.left() - dock.left()) <= _SLACK and abs(bar.right() - dock.right()) <= _SLACK
    along_height = abs(bar.top() - dock.top()) <= _SLACK and abs(bar.bottom() - dock.bottom()) <= _SLACK
    below_or_above = abs(bar.top() - dock.bottom()) <= _SLACK or abs(bar.bottom() - dock.top()) <= _SLACK
    beside = abs(bar.left() - dock.right()) <= _SLACK or abs(bar.right() - dock.left()) <= _SLACK
    return (along_width and below_or_above) or (along_height and beside)
