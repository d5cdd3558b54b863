"""The database schema, created and upgraded by numbered migrations.

``situation_map.schema_migrations`` records which migrations a database has had. ``init``
creates the schema on an empty database (PostGIS included, which needs a superuser or a
database where the extension is installed already); ``upgrade`` applies the migrations a
database lacks, each in its own transaction, under an advisory lock so two desks upgrading
at once cannot both apply one. A store refuses a database that is older or newer than this
program and says which command fixes it.

Roles: :func:`create_roles` makes the group roles ``situation_map_reader`` (SELECT only: the
wall display) and ``situation_map_writer`` (reader plus INSERT, UPDATE, DELETE); people and
desks are login roles granted one of them (README: "A shared database").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from psycopg import sql

from geodata.errors import StoreError
from geodata.schema import EVENTS, SCHEMAS
from geodata.stores.postgis.tables import (
    SCHEMA,
    WHO_EXPRESSION,
    create_statement,
    table,
)

READER_ROLE = "situation_map_reader"
WRITER_ROLE = "situation_map_writer"
CHANNEL = "situation_map"
_LOCK_KEY = 7_320_911  # pg_advisory_xact_lock key shared by every migrating desk


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable  # apply(cursor)


def _create_tables(cur) -> None:
    for schema in SCHEMAS.values():
        cur.execute(create_statement(schema))
        if schema.id_field:
            cur.execute(sql.SQL("CREATE INDEX ON {} ({})").format(table(schema.name), sql.Identifier(schema.id_field)))
    cur.execute(sql.SQL("CREATE TABLE {} (key text PRIMARY KEY, value text)").format(table("metadata")))
    cur.execute(
        sql.SQL(
            "CREATE TABLE {} (fid bigserial PRIMARY KEY, time timestamp NOT NULL, who text NOT NULL, "
            "layer text NOT NULL, feature_id text NOT NULL, action text NOT NULL, description text, "
            "before text, after text, db_user text NOT NULL DEFAULT session_user)"
        ).format(table("journal"))
    )


def _add_row_versions(cur) -> None:
    cur.execute(
        sql.SQL(
            "CREATE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "NEW.row_version := OLD.row_version + 1; NEW.changed_at := now(); "
            "NEW.changed_by := " + WHO_EXPRESSION + "; RETURN NEW; END $$"
        ).format(table("stamp_row"))
    )
    for name in _present(cur, SCHEMAS):
        _stamp_rows(cur, name)


def _stamp_rows(cur, name: str) -> None:
    cur.execute(
        sql.SQL(
            "ALTER TABLE {} ADD COLUMN IF NOT EXISTS row_version bigint NOT NULL DEFAULT 1, "
            "ADD COLUMN IF NOT EXISTS changed_by text NOT NULL DEFAULT " + WHO_EXPRESSION + ", "
            "ADD COLUMN IF NOT EXISTS changed_at timestamptz NOT NULL DEFAULT now()"
        ).format(table(name))
    )
    cur.execute(sql.SQL("DROP TRIGGER IF EXISTS stamp_row ON {}").format(table(name)))
    cur.execute(
        sql.SQL("CREATE TRIGGER stamp_row BEFORE UPDATE ON {} FOR EACH ROW EXECUTE FUNCTION {}()").format(
            table(name), table("stamp_row")
        )
    )


def _add_change_notifications(cur) -> None:
    # One counter row: a desk that missed a notification (reconnecting) still sees by the
    # counter that the data changed. NOTIFY is delivered at commit, never for a rollback.
    cur.execute(
        sql.SQL(
            "CREATE TABLE {} (id int PRIMARY KEY CHECK (id = 1), serial bigint NOT NULL, "
            "changed_at timestamptz NOT NULL DEFAULT now())"
        ).format(table("change_counter"))
    )
    cur.execute(sql.SQL("INSERT INTO {} (id, serial) VALUES (1, 0)").format(table("change_counter")))
    cur.execute(
        sql.SQL(
            "CREATE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "UPDATE {} SET serial = serial + 1, changed_at = now() WHERE id = 1; "
            "PERFORM pg_notify({}, TG_TABLE_NAME); RETURN NULL; END $$"
        ).format(table("note_change"), table("change_counter"), sql.Literal(CHANNEL))
    )
    for name in _present(cur, [*SCHEMAS, "metadata"]):
        _note_changes(cur, name)


def _note_changes(cur, name: str) -> None:
    cur.execute(sql.SQL("DROP TRIGGER IF EXISTS note_change ON {}").format(table(name)))
    cur.execute(
        sql.SQL(
            "CREATE TRIGGER note_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {} "
            "FOR EACH STATEMENT EXECUTE FUNCTION {}()"
        ).format(table(name), table("note_change"))
    )


def _add_village_volunteers(cur) -> None:
    # A database created at migration 1 by this program already has the column (the tables
    # are made from the current schema); one made by an older program does not.
    cur.execute(sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS volunteers integer").format(table("villages")))


def _make_ids_unique(cur) -> None:
    # Refused before anything changes when ids are used twice: the constraint would fail
    # with a bare "could not create unique index", and only people can tell which row is right.
    schemas = [SCHEMAS[name] for name in _present(cur, SCHEMAS) if SCHEMAS[name].id_field]
    repeated = {}
    for schema in schemas:
        if schema.id_field:
            found = _repeated_ids(cur, schema.name, schema.id_field)
            if found:
                repeated[schema.name] = found
    if repeated:
        layers = "; ".join(f"{layer}: {_listed(found)}" for layer, found in repeated.items())
        raise StoreError(
            f"cannot make feature ids unique (database migration 5): ids used more than "
            f"once in {layers}. Remove or renumber the repeated rows (`situation-map check "
            "--data …` lists them), then run `situation-map db upgrade` again; "
            "the database is unchanged by this step"
        )
    for schema in schemas:
        _unique_ids(cur, schema.name, schema.id_field)


def _unique_ids(cur, name: str, id_field: str | None) -> None:
    if id_field is None:
        return
    constraint = f"{name}_{id_field}_unique"
    exists = cur.execute(
        "SELECT 1 FROM pg_constraint WHERE conname = %s AND conrelid = to_regclass(%s)",
        (constraint, f"{SCHEMA}.{name}"),
    ).fetchone()
    if not exists:
        cur.execute(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} UNIQUE ({})").format(
                table(name), sql.Identifier(constraint), sql.Identifier(id_field)
            )
        )
    # The unique constraint's index serves every lookup the plain one did.
    cur.execute(sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier(SCHEMA, f"{name}_{id_field}_idx")))


def _add_event_tables(cur) -> None:
    # A database created by this program has the event tables from migration 1 (tables are
    # made from the current schema) and their stamps, triggers and unique ids from 2, 3 and 5;
    # one made before events has none of it. Each part is made only where it is missing, so
    # both end alike. Grants follow every migration (_grant_if_roles_exist).
    present = set(_present(cur, EVENTS))
    for name, schema in EVENTS.items():
        if name not in present:
            cur.execute(create_statement(schema))
        _stamp_rows(cur, name)
        _note_changes(cur, name)
        _unique_ids(cur, name, schema.id_field)


def _present(cur, names) -> list[str]:
    """Those of ``names`` that are tables of the database: a database made by an older program
    lacks tables the schema has gained since (they are added by later migrations)."""
    found = cur.execute(
        "SELECT name FROM unnest(%s::text[]) AS name WHERE to_regclass(%s || '.' || quote_ident(name)) IS NOT NULL",
        (list(names), SCHEMA),
    ).fetchall()
    return [row[0] for row in found]


def _repeated_ids(cur, layer: str, id_field: str) -> list[tuple[str, int]]:
    key = sql.Identifier(id_field)
    return cur.execute(
        sql.SQL("SELECT {}, count(*) FROM {} WHERE {} IS NOT NULL GROUP BY {} HAVING count(*) > 1 ORDER BY {}").format(
            key, table(layer), key, key, key
        )
    ).fetchall()


def _listed(found: list[tuple[str, int]], shown: int = 5) -> str:
    named = ", ".join(f"{value} ×{count}" for value, count in found[:shown])
    more = f" and {len(found) - shown} more" if len(found) > shown else ""
    return f"{len(found)} id(s) ({named}{more})"


MIGRATIONS = (
    Migration(1, "layers, tables, metadata and the edit journal", _create_tables),
    Migration(2, "row versions: every record's version, who changed it and when", _add_row_versions),
    Migration(3, "change counter and LISTEN/NOTIFY on every write", _add_change_notifications),
    Migration(4, "party-member volunteers per village", _add_village_volunteers),
    Migration(5, "feature ids unique per layer (village codes too)", _make_ids_unique),
    Migration(6, "event tables", _add_event_tables),
)
LATEST = MIGRATIONS[-1].version


def has_schema(conn) -> bool:
    row = conn.execute("SELECT to_regclass(%s)", (f"{SCHEMA}.schema_migrations",)).fetchone()
    return row[0] is not None


def current_version(conn) -> int:
    """The migration a database has reached (0: no schema of ours yet)."""
    if not has_schema(conn):
        return 0
    row = conn.execute(sql.SQL("SELECT max(version) FROM {}").format(table("schema_migrations"))).fetchone()
    return int(row[0] or 0)


def init(conn) -> list[Migration]:
    """Create PostGIS (if needed) and the whole schema on a database that has none."""
    if has_schema(conn):
        raise StoreError(
            "the database already holds a situation-map schema; use `situation-map db upgrade` to bring it up to date"
        )
    with conn.transaction():
        has_postgis = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone()
        if not has_postgis:
            try:
                conn.execute("CREATE EXTENSION postgis")
            except Exception as exc:
                raise StoreError(
                    "PostGIS is not installed in this database and this user may not "
                    "install it: ask the administrator to run CREATE EXTENSION postgis "
                    f"({type(exc).__name__})"
                ) from None
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(SCHEMA)))
        conn.execute(
            sql.SQL(
                "CREATE TABLE {} (version int PRIMARY KEY, description text NOT NULL, "
                "applied_at timestamptz NOT NULL DEFAULT now())"
            ).format(table("schema_migrations"))
        )
    return upgrade(conn)


def upgrade(conn, progress: Callable[[Migration], None] | None = None) -> list[Migration]:
    """Apply every migration the database lacks, oldest first; the ones applied."""
    if not has_schema(conn):
        raise StoreError("the database has no situation-map schema yet: run `situation-map db init` first")
    applied = []
    for migration in MIGRATIONS:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            if current_version(conn) >= migration.version:
                continue
            if progress is not None:
                progress(migration)
            with conn.cursor() as cur:
                migration.apply(cur)
                cur.execute(
                    sql.SQL("INSERT INTO {} (version, description) VALUES (%s, %s)").format(table("schema_migrations")),
                    (migration.version, migration.description),
                )
            _grant_if_roles_exist(conn)
        applied.append(migration)
    return applied


def check_version(conn) -> None:
    """Refuse a database this program cannot use, saying what to run."""
    version = current_version(conn)
    if version == 0:
        raise StoreError("the database has no situation-map schema: run `situation-map db init --url …`")
    if version < LATEST:
        raise StoreError(
            f"the database schema is version {version}, this program needs {LATEST}: "
            "run `situation-map db upgrade --url …`"
        )
    if version > LATEST:
        raise StoreError(
            f"the database schema is version {version}, newer than this program "
            f"knows ({LATEST}): update situation-map on this desk"
        )


def create_roles(conn) -> list[str]:
    """Create the reader and writer group roles (if missing) and grant them the schema."""
    created = []
    with conn.transaction():
        for role in (READER_ROLE, WRITER_ROLE):
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
                created.append(role)
        conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(READER_ROLE), sql.Identifier(WRITER_ROLE)))
        _grant_if_roles_exist(conn)
    return created


def _grant_if_roles_exist(conn) -> None:
    roles = {
        row[0]
        for row in conn.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", ([READER_ROLE, WRITER_ROLE],))
    }
    schema = sql.Identifier(SCHEMA)
    if READER_ROLE in roles:
        reader = sql.Identifier(READER_ROLE)
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, reader))
        conn.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(schema, reader))
    if WRITER_ROLE in roles:
        writer = sql.Identifier(WRITER_ROLE)
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, writer))
        conn.execute(
            sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}").format(schema, writer)
        )
        conn.execute(sql.SQL("GRANT USAGE ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema, writer))
        # Migrations and schema history stay the administrator's.
        conn.execute(sql.SQL("REVOKE INSERT, UPDATE, DELETE ON {} FROM {}").format(table("schema_migrations"), writer))
