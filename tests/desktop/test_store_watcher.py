"""Tests of desktop.shared_store.store_watcher: rereading the GeoPackage another program writes."""

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.shared_store.store_watcher import StoreWatcher

PROJECT = Path(__file__).resolve().parents[2]
INTERVAL = 200
WAIT = 8000

WRITER = """
import sys
from geodata.stores import GeoPackageStore
store = GeoPackageStore(sys.argv[1])
points = store.read("checkpoints")
points.loc[points.index[0], "name"] = sys.argv[2]
store.write({"checkpoints": points})
"""


@pytest.fixture
def watcher(sample_copy, qtbot):
    w = StoreWatcher(sample_copy, interval_ms=INTERVAL)
    yield w
    w.close()


def _started(watcher, qtbot):
    with qtbot.waitSignal(watcher.loaded, timeout=WAIT) as blocker:
        watcher.start()
    return blocker.args[0]


def test_write_by_another_process_is_loaded(watcher, sample_copy, qtbot):
    first = _started(watcher, qtbot)
    assert first.checkpoints["name"].iloc[0] != "外部写入卡点"
    with qtbot.waitSignal(watcher.loaded, timeout=WAIT) as blocker:
        subprocess.run(
            [sys.executable, "-c", WRITER, str(sample_copy), "外部写入卡点"],
            cwd=PROJECT,
            check=True,
            timeout=60,
        )
    assert blocker.args[0].checkpoints["name"].iloc[0] == "外部写入卡点"
    assert watcher.dataset is blocker.args[0]


def test_unchanged_file_emits_nothing(watcher, qtbot):
    _started(watcher, qtbot)
    with qtbot.assertNotEmitted(watcher.loaded, wait=5 * INTERVAL), qtbot.assertNotEmitted(watcher.failed):
        watcher.check_now()


def test_moved_file_fails_with_last_good_time(watcher, sample_copy, qtbot):
    _started(watcher, qtbot)
    good = watcher.last_good_read
    assert isinstance(good, dt.datetime)
    sample_copy.rename(sample_copy.with_name("elsewhere.gpkg"))
    with qtbot.waitSignal(watcher.failed, timeout=WAIT) as blocker:
        pass
    reason, since = blocker.args
    assert "missing" in reason
    assert since == good


def test_deleted_file_fails(watcher, sample_copy, qtbot):
    _started(watcher, qtbot)
    sample_copy.unlink()
    with qtbot.waitSignal(watcher.failed, timeout=WAIT) as blocker:
        pass
    assert blocker.args[1] == watcher.last_good_read


def test_corrupt_then_restored(watcher, sample_copy, tmp_path, qtbot):
    backup = tmp_path / "backup.gpkg"
    shutil.copyfile(sample_copy, backup)
    first = _started(watcher, qtbot)
    sample_copy.write_bytes(b"not a geopackage at all " * 500)
    with qtbot.waitSignal(watcher.failed, timeout=WAIT) as blocker:
        pass
    assert blocker.args[1] == watcher.last_good_read
    assert watcher.dataset is first  # the last good data stays available

    order = []
    watcher.recovered.connect(lambda: order.append("recovered"))
    watcher.loaded.connect(lambda ds: order.append("loaded"))
    with qtbot.waitSignals([watcher.recovered, watcher.loaded], timeout=WAIT, order="strict"):
        shutil.copyfile(backup, sample_copy)
    qtbot.wait(3 * INTERVAL)
    assert order == ["recovered", "loaded"]  # recovered once, then no more reloads


def test_missing_at_start_then_appears(tmp_path, sample_copy, qtbot):
    target = tmp_path / "later.gpkg"
    w = StoreWatcher(target, interval_ms=INTERVAL)
    try:
        with qtbot.waitSignal(w.failed, timeout=WAIT) as blocker:
            w.start()
        assert blocker.args[1] is None  # never read yet
        with qtbot.waitSignals([w.recovered, w.loaded], timeout=WAIT, order="strict"):
            shutil.copyfile(sample_copy, target)
    finally:
        w.close()


def test_stop_stops_polling(watcher, sample_copy, qtbot):
    _started(watcher, qtbot)
    watcher.stop()
    assert not watcher.is_active()
    with qtbot.assertNotEmitted(watcher.loaded, wait=5 * INTERVAL), qtbot.assertNotEmitted(watcher.failed):
        sample_copy.unlink()


def test_main_window_follows_another_programs_write_without_reloading(qtbot, sample_copy):
    from geodata.stores import GeoPackageStore
    from tests.desktop.pagetools import open_window

    window = open_window(qtbot, GeoPackageStore(sample_copy))
    assert window.live_updates.watcher.path == sample_copy and not window.live_updates.watcher.is_database
    loads = []
    window.map_view.loadStarted.connect(lambda: loads.append(1))
    qtbot.wait(500)  # the watcher's first read (nothing changed) is done
    with qtbot.waitSignal(window.session.dataset_changed, timeout=WAIT + 5000) as blocker:
        subprocess.run(
            [sys.executable, "-c", WRITER, str(sample_copy), "外部写入卡点"], cwd=PROJECT, check=True, timeout=60
        )
    first_id = window.session.dataset.checkpoints["id"].iloc[0]
    assert blocker.args[0] == {"checkpoints": [first_id]}
    assert window.session.dataset.checkpoints["name"].iloc[0] == "外部写入卡点"
    assert loads == []


def test_a_commit_held_in_the_wal_is_seen(watcher, sample_copy, qtbot):
    """QGIS keeps a GeoPackage in WAL mode: another program's commit sits in ``-wal`` and no
    checkpoint moves it into the file while a reader holds it open, so the file's own stat
    does not change."""
    import sqlite3

    holder = sqlite3.connect(sample_copy)
    holder.execute("PRAGMA journal_mode=WAL")  # before the watcher starts: that rewrites the file
    _started(watcher, qtbot)
    holder.execute("BEGIN")
    holder.execute("SELECT count(*) FROM metadata").fetchone()  # a read held open: no checkpoint
    writer = sqlite3.connect(sample_copy)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    for _ in range(10):  # settled: the first reads of a WAL file may create its -wal and -shm
        reloaded = []
        watcher.loaded.connect(reloaded.append)
        qtbot.wait(4 * INTERVAL)
        watcher.loaded.disconnect(reloaded.append)
        if not reloaded:
            break
    assert not reloaded, "the watcher kept reloading an unchanged file"
    try:
        with qtbot.waitSignal(watcher.loaded, timeout=WAIT) as blocker:
            writer.execute("UPDATE metadata SET value = '在WAL里的指挥部' WHERE key = 'issuing_body'")
            writer.commit()
        assert blocker.args[0].metadata["issuing_body"] == "在WAL里的指挥部"
    finally:
        writer.close()
        holder.rollback()
        holder.close()


def test_the_main_window_does_not_read_the_file_again_to_start_watching_it(qtbot, sample_copy, monkeypatch):
    # It has just read it: at a million households a second read cost seconds of the start,
    # and comparing the two datasets seconds more.
    from desktop.shared_store import store_watcher
    from geodata.stores import GeoPackageStore
    from tests.desktop.pagetools import open_window

    reads = []
    real = store_watcher._read_file
    monkeypatch.setattr(store_watcher, "_read_file", lambda *a: reads.append(a) or real(*a))
    window = open_window(qtbot, GeoPackageStore(sample_copy))
    qtbot.wait(500)
    assert reads == []
    assert window.live_updates.watcher.dataset is window.session.dataset


@pytest.mark.parametrize("change", ["layer", "metadata"])
def test_a_change_between_the_windows_read_and_its_start_is_loaded(qtbot, sample_copy, change):
    import sqlite3

    from desktop.window.main_window import MainWindow
    from geodata.stores import GeoPackageStore

    store = GeoPackageStore(sample_copy)
    dataset = store.read_all()
    if change == "layer":
        subprocess.run(
            [sys.executable, "-c", WRITER, str(sample_copy), "启动前写入"], cwd=PROJECT, check=True, timeout=60
        )
    else:  # a metadata row changed by another program: no layer's version moves
        with sqlite3.connect(sample_copy) as db:
            db.execute("UPDATE metadata SET value = '启动前的指挥部' WHERE key = 'issuing_body'")
    window = MainWindow(store, dataset)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.live_updates.watcher.loaded, timeout=WAIT) as blocker:
        window.show()
    if change == "layer":
        assert blocker.args[0].checkpoints["name"].iloc[0] == "启动前写入"
    else:
        assert blocker.args[0].metadata["issuing_body"] == "启动前的指挥部"
