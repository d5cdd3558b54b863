"""The PostGIS store against a real server: same data in and out, versions, conflicts, roles."""

import datetime as dt

import pandas as pd
import psycopg
import pytest
from shapely.geometry import Point

from geodata.editing import ConflictError, record_of, release_household, update_feature
from geodata.errors import StoreError
from geodata.stores import GeoPackageStore, open_store
from geodata.stores.postgis.store import PostGISStore
from tests.postgis.cluster import init_as_of_version


def _assert_same_dataset(first, second):
    for name in set(first.frames) | set(second.frames):
        pd.testing.assert_frame_equal(first[name].reset_index(drop=True), second[name].reset_index(drop=True), obj=name)
    assert first.metadata == second.metadata


def test_written_dataset_reads_back_equal(pushed, sample_dataset):
    store = open_store(pushed)
    assert isinstance(store, PostGISStore)
    _assert_same_dataset(store.read_all(), sample_dataset)
    assert len(store.read("households")) == len(sample_dataset.households)


def test_location_shown_without_password(pg_cluster, pg_database, monkeypatch):
    monkeypatch.delenv("PGPASSFILE")
    url = pg_cluster.tcp_url("desk_writer", pg_database).replace("desk_writer@", "desk_writer:writer-secret-7@")
    store = open_store(url)
    assert "writer-secret-7" not in str(store.path)
    assert "writer-secret-7" not in repr(store)
    assert store.path.name == pg_database
    assert len(store.read("villages")) == 0  # connected, with the password from the URL


def test_wrong_password_is_one_clear_line_without_secrets(pg_cluster, pg_database, monkeypatch):
    monkeypatch.delenv("PGPASSFILE")
    url = pg_cluster.tcp_url("desk_writer", pg_database).replace("desk_writer@", "desk_writer:not-the-one@")
    with pytest.raises(StoreError) as refused:
        open_store(url)
    assert "not-the-one" not in str(refused.value)
    assert "password authentication failed" in str(refused.value)


def test_concurrent_edit_of_one_household_refused_for_second_writer(pushed, second_writer_url):
    first_desk = open_store(pushed)
    second_desk = open_store(second_writer_url)
    seen_by_first, seen_by_second = first_desk.read_all(), second_desk.read_all()
    observing = seen_by_first.households[seen_by_first.households["status"] == "observing"]
    household = observing["id"].iloc[0]
    start = record_of(seen_by_first, "households", household)["observation_start"]
    version_before = first_desk.versions_of("households")[household]

    first_edit = release_household(seen_by_first, household, start + dt.timedelta(days=14))
    second_edit = update_feature(seen_by_second, "households", household, persons=9)
    first_desk.apply_edits([first_edit], who="一组")
    with pytest.raises(ConflictError) as refused:
        second_desk.apply_edits([second_edit], who="二组")

    conflict = refused.value
    assert conflict.base_version == version_before
    assert conflict.current_version == version_before + 1
    assert conflict.changed_by == "一组"
    assert set(conflict.changed_fields) == {"status", "status_date"}
    assert f"version {version_before}" in str(conflict) and f"version {version_before + 1}" in str(conflict)
    # Nothing lost: the first desk's change is stored, the second's is not.
    stored = record_of(open_store(pushed).read_all(), "households", household)
    assert (
        stored["status"] == "released"
        and stored["persons"] == record_of(seen_by_first, "households", household)["persons"]
    )
    journal = open_store(pushed).journal()
    assert journal["who"].tolist() == ["一组"]
    assert journal["db_user"].tolist() == ["desk_writer"]


def test_overwrite_after_conflict_saves_the_second_change(pushed, second_writer_url):
    from geodata.editing import rebased

    first_desk, second_desk = open_store(pushed), open_store(second_writer_url)
    seen_by_first, seen_by_second = first_desk.read_all(), second_desk.read_all()
    checkpoint = seen_by_first.checkpoints["id"].iloc[3]
    first_desk.apply_edits([update_feature(seen_by_first, "checkpoints", checkpoint, staff_on_shift=5)], who="a")
    edit = update_feature(seen_by_second, "checkpoints", checkpoint, geometry=Point(113.98, 33.0))
    with pytest.raises(ConflictError) as refused:
        second_desk.apply_edits([edit], who="b")
    second_desk.apply_edits([rebased(edit, refused.value.current)], who="b")
    stored = record_of(open_store(pushed).read_all(), "checkpoints", checkpoint)
    assert stored["geometry"].equals(Point(113.98, 33.0))
    assert stored["staff_on_shift"] == record_of(seen_by_second, "checkpoints", checkpoint)["staff_on_shift"]


def test_edit_updates_only_its_row_and_bumps_its_version(pushed):
    store = open_store(pushed)
    dataset = store.read_all()
    point = dataset.disinfection_points["id"].iloc[2]
    versions = store.versions_of("disinfection_points")
    updated = store.apply_edits(
        [update_feature(dataset, "disinfection_points", point, interval_hours=6.0)], who="消杀组"
    )
    fresh = PostGISStore(pushed)
    after = fresh.read_all()
    assert record_of(after, "disinfection_points", point)["interval_hours"] == 6.0
    assert record_of(updated, "disinfection_points", point)["interval_hours"] == 6.0
    new_versions = fresh.versions_of("disinfection_points")
    assert new_versions[point] == versions[point] + 1
    assert {k: v for k, v in new_versions.items() if k != point} == {k: v for k, v in versions.items() if k != point}


def test_push_then_pull_gives_an_equal_geopackage_with_the_journal(pushed, tmp_path):
    from desktop.cli import main

    desk = open_store(pushed)
    first = desk.read_all().checkpoints["id"].iloc[0]
    desk.apply_edits([update_feature(desk.read_all(), "checkpoints", first, staff_on_shift=7)], who="一组")
    out = tmp_path / "pulled.gpkg"
    assert main(["db", "pull", "--url", pushed, "--out", str(out)]) == 0
    pulled = GeoPackageStore(out)
    _assert_same_dataset(pulled.read_all(), open_store(pushed).read_all())
    assert _journal_rows(pulled) == _journal_rows(open_store(pushed))
    assert [(r[1], r[3]) for r in _journal_rows(pulled)] == [("一组", first)]


def test_push_command_fills_an_empty_database_with_the_history(writer_url, sample_copy, sample_dataset, capsys):
    from desktop.cli import main

    source = GeoPackageStore(sample_copy)
    household = sample_dataset.households["id"].iloc[0]
    source.apply_edits([update_feature(sample_dataset, "households", household, persons=5)], who="二组")
    assert main(["db", "push", "--from", str(sample_copy), "--url", writer_url]) == 0
    _assert_same_dataset(open_store(writer_url).read_all(), source.read_all())
    assert _journal_rows(open_store(writer_url)) == _journal_rows(source)
    assert "writer-secret" not in capsys.readouterr().out


def _journal_rows(store):
    journal = store.journal()
    return [
        tuple(record)
        for record in journal[["time", "who", "layer", "feature_id", "action", "before", "after"]].itertuples(
            index=False
        )
    ]


def test_read_only_role_cannot_write(pushed, reader_url):
    wall = open_store(reader_url, read_only=True)
    dataset = wall.read_all()
    assert len(dataset.households) > 0
    with pytest.raises(StoreError, match="read-only"):
        wall.apply_edits(
            [update_feature(dataset, "checkpoints", dataset.checkpoints["id"].iloc[0], staff_on_shift=3)], who="wall"
        )
    # Not only the application refuses: the server does, for the role itself.
    as_reader = open_store(reader_url)
    with pytest.raises(StoreError, match="may not"):
        as_reader.write({"households": dataset.households.iloc[:1]})
    with psycopg.connect(reader_url, autocommit=True) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("DELETE FROM situation_map.households")
    assert len(open_store(pushed).read("households")) == len(dataset.households)


def test_failed_write_changes_nothing(pushed):
    store = open_store(pushed)
    before = store.read_all()
    bad = before.households.copy()
    bad.loc[bad.index[-1], "villager_group"] = 2
    bad.loc[bad.index[-1], "note"] = "text PostgreSQL refuses: \x00"  # after the other layer went in
    with pytest.raises(StoreError):
        store.write({"checkpoints": before.checkpoints.iloc[:3], "households": bad})
    _assert_same_dataset(open_store(pushed).read_all(), before)


def test_old_schema_is_refused_with_the_command_to_run(pg_cluster, pg_database):
    from geodata.stores.postgis import migrations

    pg_cluster.admin(f"DELETE FROM situation_map.schema_migrations WHERE version = {migrations.LATEST}", pg_database)
    with pytest.raises(StoreError, match="db upgrade"):
        open_store(pg_cluster.admin_url(pg_database))


def test_empty_values_of_every_type_read_back_as_from_a_geopackage(writer_url, sample_dataset, tmp_path):
    households = sample_dataset.households.iloc[:4].copy()
    for column in ("villager_group", "status_date", "last_check", "head_name", "phone", "note"):
        households[column] = None
    households.loc[households.index[1], "geometry"] = None
    store = open_store(writer_url)
    store.write({"households": households})
    reference = GeoPackageStore(tmp_path / "reference.gpkg", create=True)
    reference.write({"households": households})
    pd.testing.assert_frame_equal(store.read("households"), reference.read("households"))


def test_init_upgrade_and_roles_through_the_command(pg_cluster, capsys):
    from desktop.cli import main
    from geodata.stores.postgis import migrations

    pg_cluster.admin("CREATE DATABASE fresh_for_init")
    url = pg_cluster.admin_url("fresh_for_init")
    assert main(["db", "init", "--url", url, "--roles"]) == 0
    out = capsys.readouterr().out
    assert f"version {migrations.LATEST}" in out and migrations.READER_ROLE in out
    assert main(["db", "init", "--url", url]) == 2  # never twice
    assert "db upgrade" in capsys.readouterr().err
    assert main(["db", "upgrade", "--url", url]) == 0
    assert "up to date" in capsys.readouterr().out


def test_upgrade_brings_an_old_database_up_keeping_its_data(pg_cluster, sample_dataset):
    import psycopg

    from geodata.stores.postgis import migrations

    pg_cluster.admin("CREATE DATABASE old_schema")
    url = pg_cluster.admin_url("old_schema")
    with psycopg.connect(url, autocommit=True) as conn:
        init_as_of_version(conn, 1)  # a database made by a program that knew version 1 only
        # The program that knew version 1 had no volunteers per village.
        conn.execute("ALTER TABLE situation_map.villages DROP COLUMN volunteers")
        conn.execute("INSERT INTO situation_map.villages (code, name) VALUES (%s, %s)", ("411771360200", "关王庙村"))
        assert migrations.current_version(conn) == 1
        applied = migrations.upgrade(conn)
        assert [m.version for m in applied] == [2, 3, 4, 5, 6]
    villages = open_store(url).read("villages")
    assert villages["name"].tolist() == ["关王庙村"]
    assert villages["volunteers"].isna().all()


def test_check_command_takes_a_database_url(pushed, capsys):
    from desktop.cli import main

    assert main(["check", "--data", pushed]) in (0, 1)
    out = capsys.readouterr().out
    assert "households" in out or "居家" in out


@pytest.mark.parametrize("form", ["service=command_centre", "postgresql:///?service=command_centre"])
def test_a_libpq_service_names_the_database(pushed, pg_cluster, pg_database, tmp_path, monkeypatch, form):
    services = tmp_path / "pg_service.conf"
    services.write_text(
        f"[command_centre]\nhost=127.0.0.1\nport={pg_cluster.port}\ndbname={pg_database}\nuser=desk_writer\n"
    )
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    store = open_store(form)
    assert str(store.path) == form
    assert len(store.read("checkpoints")) == 29


def test_the_journal_names_the_configured_desk_and_the_database_user(pushed, monkeypatch, qapp):
    from desktop.window.session import Session
    from layers.map_state import MapState

    monkeypatch.setenv("SITUATION_MAP_DESK", "三号席")
    store = open_store(pushed)
    session = Session(store, store.read_all(), MapState())
    checkpoint = session.dataset.checkpoints["id"].iloc[2]
    staff = record_of(session.dataset, "checkpoints", checkpoint)["staff_on_shift"] or 0
    assert session.edit(update_feature(session.dataset, "checkpoints", checkpoint, staff_on_shift=staff + 1))
    journal = store.journal()
    assert journal[["who", "db_user", "feature_id"]].values.tolist() == [["三号席", "desk_writer", checkpoint]]


@pytest.mark.parametrize(
    "given, shown",
    [
        (
            "postgresql://desk:s3cret@db.local:5433/township?sslmode=require&password=s3cret",
            "postgresql://desk@db.local:5433/township?sslmode=require",
        ),
        ("postgresql:///?service=command_centre", "postgresql:///?service=command_centre"),
        ("host=db.local dbname=township user=desk password=s3cret", "host=db.local dbname=township user=desk"),
    ],
)
def test_locations_are_shown_without_passwords(given, shown):
    from geodata.stores.postgis.location import DatabaseLocation, is_database_location

    assert is_database_location(given)
    location = DatabaseLocation(given)
    assert "s3cret" not in location
    if given.startswith("postgresql"):
        assert location == shown
    else:  # keyword strings may come back in another order
        assert set(location.split()) == set(shown.split())


def test_file_paths_are_not_database_locations(tmp_path):
    from geodata.stores.postgis.location import is_database_location

    assert not is_database_location(tmp_path / "a.gpkg")
    assert not is_database_location("data/guanwangmiao.gpkg")


def test_two_desks_adding_the_same_id_at_once_store_it_once(pushed, second_writer_url):
    import threading

    from geodata.editing import add_feature

    desks = [open_store(pushed), open_store(second_writer_url)]
    seen = [desk.read_all() for desk in desks]
    record = record_of(seen[0], "checkpoints", seen[0].checkpoints["id"].iloc[0])
    record.update(id="CP-NEW", name="新卡点")
    edits = [add_feature(dataset, "checkpoints", record) for dataset in seen]
    outcomes = []
    barrier = threading.Barrier(2)

    def save(desk, edit):
        barrier.wait()
        try:
            desk.apply_edits([edit], who="desk")
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("refused")

    threads = [threading.Thread(target=save, args=pair) for pair in zip(desks, edits, strict=False)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["refused", "saved"]
    assert (open_store(pushed).read("checkpoints")["id"] == "CP-NEW").sum() == 1
