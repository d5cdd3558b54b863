"""Tests of geodata.stores.gpkg_changes: reading only the rows another program changed."""

import shutil
import sqlite3

import pandas as pd
import pytest

from geodata.editing import update_feature
from geodata.stores import GeoPackageStore
from geodata.stores import gpkg_changes as gc
from geodata.stores import gpkg_write as gw
from layers.dataset_diff import changed_features


@pytest.fixture
def store(sample_copy):
    store = GeoPackageStore(sample_copy)
    assert store.keep_change_log()  # the bundled sample was written before the log
    return store


def other_program(path):
    """A plain SQLite connection with the GeoPackage functions, as QGIS (GDAL) has them."""
    return gw.transaction(path)


def same_as_a_full_read(dataset, path):
    full = GeoPackageStore(path).read_all()
    assert set(dataset.frames) == set(full.frames)
    for name, frame in full.frames.items():
        pd.testing.assert_frame_equal(dataset.frames[name], frame, obj=name)
    assert dataset.metadata == full.metadata


def households_read(store):
    others = {name: rows for name, rows in store.rows_read.items() if name != "households"}
    assert set(others.values()) <= {0}, others
    return store.rows_read["households"]


def test_an_update_by_another_program_is_read_alone(store, sample_copy):
    first = store.read_all()
    with other_program(sample_copy) as db:
        db.execute("UPDATE households SET status = 'escalated' WHERE fid = 3")
    second = store.refresh(first)
    assert households_read(store) == 1
    same_as_a_full_read(second, sample_copy)
    assert second.households is not first.households
    assert second.checkpoints is first.checkpoints  # unchanged layers are the same frames
    assert first.households["status"].iloc[2] != "escalated"  # the old dataset is not changed
    assert changed_features(first, second) == {"households": [second.households["id"].iloc[2]]}


def test_nothing_changed_reads_no_row_and_keeps_every_frame(store):
    first = store.read_all()
    second = store.refresh(first)
    assert sum(store.rows_read.values()) == 0
    assert all(second.frames[name] is frame for name, frame in first.frames.items())


def test_deletes_inserts_and_a_moved_fid_are_read_alone(store, sample_copy):
    first = store.read_all()
    with other_program(sample_copy) as db:
        db.execute("DELETE FROM households WHERE fid = 5")
        db.execute("INSERT INTO households (id, village, status) VALUES ('NEW-1', 'V01', 'observing')")
        db.execute("UPDATE households SET fid = 1000 WHERE fid = 7")  # the row moves to the end
        db.execute("UPDATE households SET persons = 9 WHERE fid = 2")
    second = store.refresh(first)
    assert households_read(store) == 3  # the new row, the moved row and the updated one
    same_as_a_full_read(second, sample_copy)
    ids = first.households["id"]
    changed = changed_features(first, second)["households"]
    assert changed == sorted({ids.iloc[4], ids.iloc[1], "NEW-1"})  # a moved row is the same feature


def test_a_desks_saved_edit_is_read_alone_by_another_desk(store, sample_copy):
    watching = GeoPackageStore(sample_copy)
    first = watching.read_all()
    edit = update_feature(first, "households", str(first.households["id"].iloc[0]), persons=11)
    saved = store.apply_edits([edit], who="desk 2")
    same_as_a_full_read(saved, sample_copy)
    second = watching.refresh(first)
    assert households_read(watching) == 1
    same_as_a_full_read(second, sample_copy)


def test_an_edit_saved_reads_only_what_changed_since_the_stores_last_read(store, sample_copy):
    first = store.read_all()
    with other_program(sample_copy) as db:
        db.execute("UPDATE households SET persons = 7 WHERE fid = 4")
    edit = update_feature(first, "households", str(first.households["id"].iloc[0]), persons=11)
    saved = store.apply_edits([edit], who="desk 1")
    assert households_read(store) == 1  # the desk's own row, read back after writing it
    same_as_a_full_read(saved, sample_copy)
    assert saved.households["persons"].iloc[3] == 7  # the other program's change is in it


def test_a_layer_written_whole_is_read_whole_and_logs_no_row(store, sample_copy):
    first = store.read_all()
    households = first.households.copy()
    households.loc[0, "status"] = "escalated"
    GeoPackageStore(sample_copy).write({"households": households})
    second = store.refresh(first)
    assert store.rows_read["households"] == len(households)
    assert store.rows_read["checkpoints"] == 0
    same_as_a_full_read(second, sample_copy)
    with sqlite3.connect(sample_copy) as db:
        logged = db.execute(f"SELECT count(*) FROM {gc.LOG_TABLE} WHERE layer = 'households'").fetchone()[0]
    assert logged == 0


def test_a_log_pruned_past_the_readers_version_reads_the_layer_whole(store, sample_copy):
    first = store.read_all()
    with other_program(sample_copy) as db:
        db.execute("UPDATE households SET status = 'escalated' WHERE fid = 3")
        db.execute("UPDATE households SET status = 'released' WHERE fid = 4")
        gc.prune(db, "households", kept=1)
    second = store.refresh(first)
    assert households_read(store) == len(first.households)
    same_as_a_full_read(second, sample_copy)


@pytest.mark.parametrize("how", ["triggers dropped", "table made again"])
def test_a_table_without_the_triggers_is_read_whole(store, sample_copy, how):
    first = store.read_all()
    with other_program(sample_copy) as db:
        if how == "triggers dropped":
            for event in ("insert", "update", "delete"):
                db.execute(f'DROP TRIGGER "{gc.trigger_name("households", event)}"')
        else:  # as a program saving a layer by writing it afresh: the old table's triggers go
            # (and CREATE TABLE AS keeps no primary key: rows VACUUM may number anew)
            db.execute("CREATE TABLE kept AS SELECT * FROM households")
            db.execute("DROP TABLE households")
            db.execute("ALTER TABLE kept RENAME TO households")
        db.execute("UPDATE households SET status = 'escalated' WHERE rowid = 3")
    second = store.refresh(first)
    assert households_read(store) == len(first.households)
    same_as_a_full_read(second, sample_copy)


def test_an_earlier_versions_triggers_read_the_layer_whole(sample_copy):
    """The bundled sample counts changes without logging them: a change the log missed."""
    store = GeoPackageStore(sample_copy)
    first = store.read_all()
    with other_program(sample_copy) as db:
        db.execute("UPDATE households SET status = 'escalated' WHERE fid = 3")
    second = store.refresh(first)
    assert store.rows_read["households"] == len(first.households)
    same_as_a_full_read(second, sample_copy)


def test_keeping_the_log_leaves_the_versions_so_a_write_on_an_earlier_read_still_goes(sample_copy):
    desk = GeoPackageStore(sample_copy)
    checkpoints = desk.read("checkpoints")
    assert GeoPackageStore(sample_copy).keep_change_log()
    checkpoints.loc[0, "name"] = "改名"
    desk.write({"checkpoints": checkpoints})  # not refused as changed since read
    assert GeoPackageStore(sample_copy).read("checkpoints")["name"].iloc[0] == "改名"


def test_a_file_renamed_over_the_one_read_is_read_whole(store, sample_copy, tmp_path):
    first = store.read_all()
    other = tmp_path / "other.gpkg"
    shutil.copyfile(sample_copy, other)
    with other_program(other) as db:
        db.execute("UPDATE households SET status = 'escalated' WHERE fid = 3")
    other.replace(sample_copy)
    second = store.refresh(first)
    assert store.rows_read["households"] == len(first.households)
    same_as_a_full_read(second, sample_copy)


def test_a_refused_edit_leaves_the_next_read_right(store, sample_copy):
    first = store.read_all()
    stale = update_feature(first, "households", str(first.households["id"].iloc[0]), persons=11)
    with other_program(sample_copy) as db:
        db.execute("UPDATE households SET persons = 8 WHERE fid = 1")
    with pytest.raises(Exception, match="changed|no longer"):
        store.apply_edits([stale], who="desk 1")
    same_as_a_full_read(store.refresh(), sample_copy)


def test_a_table_whose_rows_may_be_numbered_anew_is_read_whole(store, sample_copy):
    with other_program(sample_copy) as db:
        db.execute("CREATE TABLE kept AS SELECT * FROM households")  # no primary key
        db.execute("DROP TABLE households")
        db.execute("ALTER TABLE kept RENAME TO households")
        gc.track(db, "households")  # triggers as this program makes them
    first = store.read_all()
    plain = sqlite3.connect(sample_copy, isolation_level=None)
    try:
        plain.execute("DELETE FROM households WHERE rowid = 3")
        plain.execute("VACUUM")  # the rows after the deleted one are numbered anew
        plain.execute("UPDATE households SET status = 'escalated' WHERE rowid = 10")
    finally:
        plain.close()
    second = store.refresh(first)
    assert households_read(store) == len(first.households) - 1
    same_as_a_full_read(second, sample_copy)


def test_a_log_grown_by_another_programs_many_changes_is_pruned_when_a_reader_starts(store, sample_copy, monkeypatch):
    monkeypatch.setattr(gc, "KEPT_CHANGES", 10)
    with other_program(sample_copy) as db:
        db.execute("UPDATE households SET persons = persons + 1")  # 50 rows, 50 changes
    assert store.keep_change_log()
    with sqlite3.connect(sample_copy) as db:
        logged = db.execute(f"SELECT count(*) FROM {gc.LOG_TABLE} WHERE layer = 'households'").fetchone()[0]
    assert logged == 10
