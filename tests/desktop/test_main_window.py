"""The window opens on the sample and shows what the data holds."""

from desktop.main_window import MainWindow
from geodata.store import GeoPackageStore


def test_window_opens_on_the_sample_with_its_counts(qtbot, sample_copy):
    store = GeoPackageStore(sample_copy)
    window = MainWindow(store, store.read_all())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert "关王庙乡" in window.windowTitle()
    assert window.count_for("villages") == 10
    assert window.count_for("checkpoints") == 29
    assert window.count_for("checkpoints.natural_village") == 16
    assert "示例" in window.disclaimer.text()
