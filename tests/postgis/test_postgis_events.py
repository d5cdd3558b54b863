"""Event tables in the shared database: migration 6 adds them to a database made before
events, a fresh database has them already, and they travel with `db push` and `db pull`."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import psycopg
import pytest

from geodata.editing import QUICK_ACTIONS, Edit, EditError, record_of
from geodata.schema import EVENTS
from geodata.stores import GeoPackageStore, open_store
from geodata.stores.postgis import migrations
from tests.geodata.test_store_events import township_with_events
from tests.postgis.cluster import init_as_of_version


def _catalog(conn, name: str) -> dict:
    """What a table carries besides its fields: version columns, triggers, unique ids, grants."""
    qualified = f"situation_map.{name}"
    columns = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'situation_map' AND table_name = %s ORDER BY column_name",
        (name,),
    ).fetchall()
    triggers = conn.execute(
        "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(%s) AND NOT tgisinternal ORDER BY tgname",
        (qualified,),
    ).fetchall()
    constraints = conn.execute(
        "SELECT conname, contype FROM pg_constraint WHERE conrelid = to_regclass(%s) ORDER BY conname", (qualified,)
    ).fetchall()
    indexes = conn.execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = 'situation_map' AND tablename = %s ORDER BY indexname",
        (name,),
    ).fetchall()
    grants = [
        (
            role,
            privilege,
            conn.execute("SELECT has_table_privilege(%s, %s, %s)", (role, qualified, privilege)).fetchone()[0],
        )
        for role in (migrations.READER_ROLE, migrations.WRITER_ROLE)
        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE")
    ]
    return {"columns": columns, "triggers": triggers, "constraints": constraints, "indexes": indexes, "grants": grants}


def _database_before_events(pg_cluster, name: str) -> str:
    """A database as a program that knew migrations up to 5, and no events, left it."""
    pg_cluster.admin(f"CREATE DATABASE {name}")
    url = pg_cluster.admin_url(name)
    with psycopg.connect(url, autocommit=True) as conn:
        init_as_of_version(conn, 5)
        for table in EVENTS:
            conn.execute(f"DROP TABLE situation_map.{table}")
        conn.execute("INSERT INTO situation_map.villages (code, name) VALUES ('411771360200', '关王庙村')")
        assert migrations.current_version(conn) == 5
    return url


def test_migration_6_adds_the_event_tables_to_a_database_made_before_them(pg_cluster, pg_database):
    url = _database_before_events(pg_cluster, "before_events")
    with psycopg.connect(url, autocommit=True) as conn:
        assert [m.version for m in migrations.upgrade(conn)] == [6]
        assert migrations.current_version(conn) == migrations.LATEST == 6
        upgraded = {name: _catalog(conn, name) for name in EVENTS}
    with psycopg.connect(pg_cluster.admin_url(pg_database), autocommit=True) as conn:
        fresh = {name: _catalog(conn, name) for name in EVENTS}
    assert upgraded == fresh  # the same tables as `db init` makes today
    followups = upgraded["followups"]
    assert {"row_version", "changed_by", "changed_at", "household", "note"} <= {c for c, _ in followups["columns"]}
    assert followups["triggers"] == [("note_change",), ("stamp_row",)]
    assert ("followups_id_unique", "u") in followups["constraints"]
    assert (migrations.READER_ROLE, "INSERT", False) in followups["grants"]
    assert (migrations.WRITER_ROLE, "INSERT", True) in followups["grants"]
    assert open_store(url).read("villages")["name"].tolist() == ["关王庙村"]  # its data kept


def test_after_migration_6_events_are_written_read_stamped_and_announced(pg_cluster, pg_database):
    url = _database_before_events(pg_cluster, "events_written")
    with psycopg.connect(url, autocommit=True) as conn:
        migrations.upgrade(conn)
    dataset = township_with_events()
    store = open_store(url)
    store.write_dataset(dataset)
    back = open_store(url).read_all()
    expected = dataset.conformed()
    for name in EVENTS:
        pd.testing.assert_frame_equal(
            back[name].reset_index(drop=True), expected[name].reset_index(drop=True), obj=name
        )
    with psycopg.connect(url, autocommit=True) as conn:
        serial = conn.execute("SELECT serial FROM situation_map.change_counter").fetchone()[0]
        conn.execute("UPDATE situation_map.followups SET result = 'referred' WHERE id = 'FU2'")
        assert conn.execute("SELECT row_version FROM situation_map.followups WHERE id = 'FU2'").fetchone() == (2,)
        assert conn.execute("SELECT serial FROM situation_map.change_counter").fetchone()[0] == serial + 1
        try:
            conn.execute("INSERT INTO situation_map.followups (id) VALUES ('FU1')")
            raise AssertionError("an event id was stored twice")
        except psycopg.errors.UniqueViolation:
            pass


def test_migration_6_changes_nothing_a_database_made_at_5_by_this_program_has(pg_cluster):
    pg_cluster.admin("CREATE DATABASE made_at_5_now")
    url = pg_cluster.admin_url("made_at_5_now")
    with psycopg.connect(url, autocommit=True) as conn:
        init_as_of_version(conn, 5)  # migration 1 made the event tables from today's schema
        before = {name: _catalog(conn, name) for name in EVENTS}
        assert [m.version for m in migrations.upgrade(conn)] == [6]
        assert {name: _catalog(conn, name) for name in EVENTS} == before


def test_push_and_pull_carry_the_events(writer_url, tmp_path):
    from desktop.cli import main

    source = GeoPackageStore(tmp_path / "desk.gpkg", create=True)
    source.write_dataset(township_with_events())
    assert main(["db", "push", "--from", str(source.path), "--url", writer_url]) == 0
    out = tmp_path / "pulled.gpkg"
    assert main(["db", "pull", "--url", writer_url, "--out", str(out)]) == 0
    pushed, pulled = open_store(writer_url).read_all(), GeoPackageStore(out).read_all()
    for name in EVENTS:
        original = source.read(name).reset_index(drop=True)
        assert len(original) > 0, name
        pd.testing.assert_frame_equal(pushed[name].reset_index(drop=True), original, obj=name)
        pd.testing.assert_frame_equal(pulled[name].reset_index(drop=True), original, obj=name)


def test_a_database_made_at_version_1_before_events_upgrades_to_the_fresh_tables(pg_cluster, pg_database):
    pg_cluster.admin("CREATE DATABASE made_at_1_before_events")
    url = pg_cluster.admin_url("made_at_1_before_events")
    with psycopg.connect(url, autocommit=True) as conn:
        init_as_of_version(conn, 1)
        for table in EVENTS:
            conn.execute(f"DROP TABLE situation_map.{table}")
        # Migrations 2, 3 and 5 stamp, watch and key only the tables the database has then.
        assert [m.version for m in migrations.upgrade(conn)] == [2, 3, 4, 5, 6]
        upgraded = {name: _catalog(conn, name) for name in [*EVENTS, "households"]}
    with psycopg.connect(pg_cluster.admin_url(pg_database), autocommit=True) as conn:
        assert upgraded == {name: _catalog(conn, name) for name in [*EVENTS, "households"]}


def test_a_quick_action_saves_its_event_with_the_record_and_undo_removes_it(pushed, sample_dataset):
    desk = open_store(pushed)
    data = desk.read_all()
    observing = data.households[data.households["status"] == "observing"]
    household = observing["id"].iloc[0]
    start = record_of(data, "households", household)["observation_start"]
    moment = dt.datetime.combine(start + dt.timedelta(days=14), dt.time(10, 0))
    edits = QUICK_ACTIONS["release_household"].edits(data, household, moment, reported_by="一组")
    desk.apply_edits(edits, who="一组")

    fresh = open_store(pushed).read_all()
    assert len(fresh["status_changes"]) == len(sample_dataset["status_changes"]) + 1
    event = record_of(fresh, "status_changes", edits[1].feature_id)
    assert (event["household"], event["status"], event["day"]) == (household, "released", moment.date())
    assert record_of(fresh, "households", household)["status"] == "released"
    assert list(open_store(pushed).journal()["layer"].iloc[-2:]) == ["households", "status_changes"]

    # A failure of one edit leaves the other unsaved: the record's change is refused with it.
    stale = Edit("status_changes", "SC-nowhere", dict(event, id="SC-nowhere"), None)
    with pytest.raises(EditError):
        desk.apply_edits([edits[0].inverted(), stale], who="一组")
    assert record_of(open_store(pushed).read_all(), "households", household)["status"] == "released"

    desk.apply_edits([edit.inverted() for edit in reversed(edits)], who="一组")
    back = open_store(pushed).read_all()
    pd.testing.assert_frame_equal(
        back["status_changes"].reset_index(drop=True), sample_dataset["status_changes"].reset_index(drop=True)
    )
    assert record_of(back, "households", household) == record_of(sample_dataset, "households", household)


@pytest.mark.parametrize(
    "action, layer, table, feature_field",
    [
        ("mark_disinfected", "disinfection_points", "disinfection_rounds", "point"),
        ("release_household", "households", "status_changes", "household"),
    ],
)
def test_two_desks_doing_one_quick_action_in_one_second_keep_both_events_after_an_overwrite(
    pushed, second_writer_url, action, layer, table, feature_field
):
    from geodata.editing import ConflictError, overwrite_edits

    first, second = open_store(pushed), open_store(second_writer_url)
    seen_by_first, seen_by_second = first.read_all(), second.read_all()
    frame = seen_by_first[layer]
    feature = (frame[frame["status"] == "observing"] if layer == "households" else frame)["id"].iloc[0]
    moment = dt.datetime(2020, 2, 19, 17, 0)
    quick = QUICK_ACTIONS[action]
    mine = quick.edits(seen_by_first, feature, moment, reported_by="一组")
    theirs = quick.edits(seen_by_second, feature, moment + dt.timedelta(milliseconds=400), reported_by="二组")
    assert mine[1].feature_id == theirs[1].feature_id  # the collision this is about
    first.apply_edits(mine, who="一组")
    with pytest.raises(ConflictError) as refused:
        second.apply_edits(theirs, who="二组")
    refused.value.batch = tuple(theirs)  # as the window's session gives it
    overwrite = overwrite_edits(refused.value, second.read_all())
    second.apply_edits(overwrite, who="二组")

    stored = open_store(pushed).read_all()
    assert len(stored[table]) == len(seen_by_first[table]) + 2
    for desk, event_id in (("一组", mine[1].feature_id), ("二组", f"{mine[1].feature_id}-2")):
        event = record_of(stored, table, event_id)
        assert (event["reported_by"], event[feature_field]) == (desk, feature)
    second.apply_edits([edit.inverted() for edit in reversed(overwrite)], who="二组")
    assert set(open_store(pushed).read(table)["id"]) == set(seen_by_first[table]["id"]) | {mine[1].feature_id}
