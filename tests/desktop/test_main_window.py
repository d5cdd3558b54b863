"""The window opens on the sample and shows its map and figures."""

from desktop.main_window import MainWindow
from geodata.store import GeoPackageStore
from tests.desktop.pagetools import PAGE_TIMEOUT_MS, evaluate


def test_window_opens_on_the_sample_with_its_map_and_counts(qtbot, sample_copy):
    store = GeoPackageStore(sample_copy)
    window = MainWindow(store, store.read_all())
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.map_view.drawn, timeout=PAGE_TIMEOUT_MS):
        window.show()
    assert "关王庙乡" in window.windowTitle()
    assert window.count_for("villages") == 10
    assert window.count_for("checkpoints") == 29
    assert window.count_for("checkpoints.natural_village") == 16
    assert "示例" in window.disclaimer.text()
    shown = evaluate(qtbot, window.map_view, "SituationMap.state().shown")
    assert shown["checkpoints"] == 29 and shown["villages"] == 10
