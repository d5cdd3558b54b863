"""The window's tabbed docks show one tab bar per group, where the group is, and no other."""

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QDockWidget, QTabBar

from geodata.stores import GeoPackageStore
from tests.desktop.pagetools import open_window


def shown_tab_bars(window) -> list[QTabBar]:
    bars = window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
    return [bar for bar in bars if bar.isVisible()]


def titles(bar: QTabBar) -> list[str]:
    return [bar.tabText(index) for index in range(bar.count())]


def docks_under(window, bar: QTabBar) -> list[QDockWidget]:
    """The docked panels named by ``bar`` whose frame the bar's area overlaps."""
    named = [d for d in window.findChildren(QDockWidget) if d.windowTitle() in titles(bar) and not d.isFloating()]
    others = [d for d in window.findChildren(QDockWidget) if d not in named and d.isVisible()]
    return [d for d in others if d.geometry().intersects(bar.geometry())]


def settle(qtbot, window):
    qtbot.waitUntil(lambda: not any(docks_under(window, bar) for bar in shown_tab_bars(window)), timeout=3000)


def assert_one_bar_per_group_against_its_panel(window):
    groups = sorted(tuple(titles(bar)) for bar in shown_tab_bars(window))
    figures, trend = window.docks["statistics"].windowTitle(), window.docks["trend"].windowTitle()
    details, planning = window.docks["details"].windowTitle(), window.docks["planning"].windowTitle()
    assert groups == sorted([(figures, trend), (details, planning)])
    for bar in shown_tab_bars(window):
        assert docks_under(window, bar) == []
        # The bar is drawn against the panel it switches, not somewhere else on the window.
        shown = bar.tabText(bar.currentIndex())
        current = next(d for d in window.findChildren(QDockWidget) if d.windowTitle() == shown)
        assert abs(bar.geometry().top() - current.geometry().bottom()) <= 6
        assert abs(bar.geometry().left() - current.geometry().left()) <= 6


def test_a_new_window_shows_one_tab_bar_per_group_over_no_other_panel(qtbot, sample_copy):
    window = open_window(qtbot, GeoPackageStore(sample_copy))
    settle(qtbot, window)
    assert_one_bar_per_group_against_its_panel(window)


def stray_bar_like_qts(window) -> QTabBar:
    """A tab bar as Qt 6.11 leaves behind when the real app lays out its window at 640 x 480
    first (seen on X11 and offscreen, not under this test's application): naming the bottom
    group, shown over the layers panel."""
    bar = QTabBar(window)
    for key in ("statistics", "trend"):
        bar.addTab(window.docks[key].windowTitle())
    bar.setGeometry(0, 469, 640, 26)
    bar.show()
    return bar


def test_a_stray_tab_bar_is_hidden_once_the_window_is_shown(qtbot, sample_copy):
    from desktop.window.main_window import MainWindow

    store = GeoPackageStore(sample_copy)
    window = MainWindow(store, store.read_all())
    qtbot.addWidget(window)
    stray = stray_bar_like_qts(window)
    with qtbot.waitSignal(window.map_view.drawn, timeout=30000):
        window.show()
    qtbot.waitUntil(lambda: not stray.isVisible(), timeout=3000)
    assert_one_bar_per_group_against_its_panel(window)


def test_a_stray_tab_bar_is_hidden_when_a_panel_moves(qtbot, sample_copy):
    window = open_window(qtbot, GeoPackageStore(sample_copy))
    stray = stray_bar_like_qts(window)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, window.docks["details"])
    qtbot.waitUntil(lambda: not stray.isVisible(), timeout=3000)
    assert all(docks_under(window, bar) == [] for bar in shown_tab_bars(window))


def test_a_window_reopened_on_its_saved_layout_shows_no_bar_of_the_layout_before(qtbot, sample_copy):
    first = open_window(qtbot, GeoPackageStore(sample_copy))
    first.resize(1400, 900)
    first.close()  # saves its size and layout
    window = open_window(qtbot, GeoPackageStore(sample_copy))
    settle(qtbot, window)
    assert_one_bar_per_group_against_its_panel(window)
