"""The store watcher reads only the rows another program or desk changed in a GeoPackage."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from desktop.shared_store.store_watcher import StoreWatcher
from geodata.stores import GeoPackageStore
from geodata.stores import gpkg_write as gw

PROJECT = Path(__file__).resolve().parents[2]
WAIT = 8000

# Another desk saving one edit through its own store, in its own process.
DESK = """
import sys
from geodata.editing import update_feature
from geodata.stores import GeoPackageStore
store = GeoPackageStore(sys.argv[1])
dataset = store.read_all()
first = str(dataset.households["id"].iloc[0])
store.apply_edits([update_feature(dataset, "households", first, persons=12)], who="desk 2")
"""


@pytest.fixture
def watcher(sample_copy, qtbot):
    # As a desk's window does when it opens the file (the bundled sample predates the log).
    assert GeoPackageStore(sample_copy).keep_change_log()
    # A long poll: what follows a write is the system's notice of it.
    w = StoreWatcher(sample_copy, interval_ms=60_000)
    with qtbot.waitSignal(w.loaded, timeout=WAIT):
        w.start()
    yield w
    w.close()


def read_alone(watcher, layer: str) -> int:
    rows = watcher._store.rows_read
    assert all(count == 0 for name, count in rows.items() if name != layer), rows
    return rows[layer]


def full_read(path) -> dict:
    return GeoPackageStore(path).read_all().frames


def test_a_plain_sql_update_is_read_alone_and_at_once(watcher, sample_copy, qtbot):
    first = watcher.dataset
    # As QGIS writes: SQL, and the file's triggers run.
    with qtbot.waitSignal(watcher.loaded, timeout=WAIT) as blocker, gw.transaction(sample_copy) as db:
        db.execute("UPDATE households SET status = 'escalated' WHERE fid = 3")
    dataset = blocker.args[0]
    assert read_alone(watcher, "households") == 1
    assert dataset.households["status"].iloc[2] == "escalated"
    assert dataset.checkpoints is first.checkpoints
    for name, frame in full_read(sample_copy).items():
        pd.testing.assert_frame_equal(dataset.frames[name], frame, obj=name)


def test_another_desks_saved_edit_is_read_alone(watcher, sample_copy, qtbot):
    with qtbot.waitSignal(watcher.loaded, timeout=WAIT) as blocker:
        subprocess.run([sys.executable, "-c", DESK, str(sample_copy)], cwd=PROJECT, check=True, timeout=60)
    assert read_alone(watcher, "households") == 1
    assert blocker.args[0].households["persons"].iloc[0] == 12


def test_a_delete_and_an_insert_are_read_alone(watcher, sample_copy, qtbot):
    with qtbot.waitSignal(watcher.loaded, timeout=WAIT) as blocker, gw.transaction(sample_copy) as db:
        db.execute("DELETE FROM checkpoints WHERE fid = 2")
        db.execute("INSERT INTO checkpoints (id, name, status) VALUES ('CP-NEW', '新卡点', 'active')")
    dataset = blocker.args[0]
    assert read_alone(watcher, "checkpoints") == 1  # the new row; the deleted one is gone
    pd.testing.assert_frame_equal(dataset.checkpoints, full_read(sample_copy)["checkpoints"])


def test_a_layer_replaced_whole_is_read_whole(watcher, sample_copy, qtbot):
    desk = GeoPackageStore(sample_copy)
    households = desk.read("households")
    households.loc[0, "status"] = "escalated"
    with qtbot.waitSignal(watcher.loaded, timeout=WAIT) as blocker:
        desk.write({"households": households})
    assert watcher._store.rows_read["households"] == len(households)
    pd.testing.assert_frame_equal(blocker.args[0].households, full_read(sample_copy)["households"])


def test_a_watcher_only_reads_a_file_that_logs_no_rows(sample_copy, qtbot):
    """The wall has no write path: on a file an earlier version wrote, its watcher reads the
    changed layer whole rather than change the file's schema."""
    before = sample_copy.read_bytes()
    w = StoreWatcher(sample_copy, interval_ms=60_000)
    with qtbot.waitSignal(w.loaded, timeout=WAIT):
        w.start()
    try:
        assert sample_copy.read_bytes() == before
        with qtbot.waitSignal(w.loaded, timeout=WAIT) as blocker, gw.transaction(sample_copy) as db:
            db.execute("UPDATE households SET status = 'escalated' WHERE fid = 3")
        assert blocker.args[0].households["status"].iloc[2] == "escalated"
        assert w._store.rows_read["households"] == len(blocker.args[0].households)
    finally:
        w.close()
