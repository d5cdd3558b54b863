"""A real PostgreSQL + PostGIS server for the shared-store tests (started once per session).

Every test gets a database of its own, copied from a template that holds the schema
(``db init``) and the reader and writer roles; login roles ``desk_writer`` and
``wall_reader`` connect over TCP with passwords from a private ``PGPASSFILE``.
"""

from __future__ import annotations

import itertools

import pytest

from tests.desktop.conftest import private_settings  # noqa: F401  (autouse: no real QSettings)
from tests.postgis.cluster import TemporaryCluster

TEMPLATE = "situation_template"
PASSWORDS = {"desk_writer": "writer-secret-7", "desk_two": "second-secret-8", "wall_reader": "reader-secret-9"}
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory):
    """The running server (fails, never skips, when PostgreSQL or PostGIS is missing)."""
    from geodata.stores.postgis import migrations

    cluster = TemporaryCluster().start()
    try:
        cluster.admin(f"CREATE DATABASE {TEMPLATE}")
        import psycopg

        with psycopg.connect(cluster.admin_url(TEMPLATE), autocommit=True) as conn:
            migrations.init(conn)
            migrations.create_roles(conn)
            for user, password in PASSWORDS.items():
                group = migrations.READER_ROLE if user == "wall_reader" else migrations.WRITER_ROLE
                conn.execute(f"CREATE ROLE {user} LOGIN PASSWORD '{password}' IN ROLE {group}")
        passfile = tmp_path_factory.mktemp("pgpass") / "pgpass"
        passfile.write_text(
            "".join(f"127.0.0.1:{cluster.port}:*:{user}:{password}\n" for user, password in PASSWORDS.items())
        )
        passfile.chmod(0o600)
        cluster.passfile = passfile
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_database(pg_cluster, monkeypatch):
    """The name of a fresh database with the schema, for this test alone."""
    monkeypatch.setenv("PGPASSFILE", str(pg_cluster.passfile))
    name = f"situation_test_{next(_numbers)}"
    pg_cluster.admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    return name


@pytest.fixture
def writer_url(pg_cluster, pg_database):
    return pg_cluster.tcp_url("desk_writer", pg_database)


@pytest.fixture
def second_writer_url(pg_cluster, pg_database):
    return pg_cluster.tcp_url("desk_two", pg_database)


@pytest.fixture
def reader_url(pg_cluster, pg_database):
    return pg_cluster.tcp_url("wall_reader", pg_database)


@pytest.fixture
def sample_dataset():
    from geodata.sample.bundled import bundled_sample_path
    from geodata.stores import GeoPackageStore

    return GeoPackageStore(bundled_sample_path()).read_all()


@pytest.fixture
def pushed(pg_cluster, pg_database, writer_url, sample_dataset):
    """The writer's URL of a database holding the bundled sample."""
    from geodata.stores import open_store

    store = open_store(writer_url)
    store.write_dataset(sample_dataset)
    store.close()
    return writer_url
