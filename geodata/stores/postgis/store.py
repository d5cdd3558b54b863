"""The PostGIS store: the GeoPackage store's interface on a shared PostgreSQL database.

Several desks read and write one database. Each thread gets its own connection (the live
updater reads on a worker thread while the window saves). A read of the whole dataset is one
REPEATABLE READ snapshot, so layers never come from two different moments. A save is one
transaction: the edited rows are locked (SELECT … FOR UPDATE), compared with what the edit
was made on, and only then changed, so of two desks saving the same household the second is
refused with :class:`geodata.editing.ConflictError` naming both versions, never silently
overwriting the first. A layer write (an import) is checked the same way as a whole: of two
desks importing into one layer at once, the second waits for the first, then is refused
naming the desk that changed the layer since it read it (see :mod:`.layer_writes`). Every
statement is parameterised; identifiers are quoted with
:mod:`psycopg.sql`. The password, if the location held one, is never part of a message.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence

import pandas as pd
import psycopg
from psycopg import sql

from geodata.dataset import Dataset
from geodata.editing import ConflictError, Edit, EditError, apply_to_dataset, journal_frame
from geodata.errors import StoreError
from geodata.schema import JOURNAL, METADATA_KEYS, SCHEMA_VERSION, SCHEMAS, schema_for
from geodata.stores import storable_frame
from geodata.stores.postgis import migrations
from geodata.stores.postgis.layer_writes import (
    LayerStamp,
    lock_layers,
    refuse_if_changed,
    refuse_repeated_ids,
    replace_rows,
)
from geodata.stores.postgis.location import DatabaseLocation
from geodata.stores.postgis.notifications import ChangeListener
from geodata.stores.postgis.tables import (
    columns,
    frame_from_rows,
    journal_from_rows,
    now_local,
    rows_from_frame,
    select_statement,
    table,
)

_VERSIONED = 4  # select_statement(versions=True) puts fid and the three version columns first
_CONNECT_TIMEOUT_S = 10


class PostGISStore:
    """Layers, tables, metadata and journal of one township in a PostgreSQL/PostGIS database.

    Parameters
    ----------
    location
        A ``postgresql://user@host/db`` URL or a libpq keyword string such as
        ``service=command_centre``; passwords come from ``~/.pgpass``, the service file or
        ``PGPASSWORD``, never from the program's settings.
    password
        A password typed for this session only (the connect dialog), used when libpq has none.
    read_only
        Open for reading only (the wall display): every transaction is read-only on the
        server, and :meth:`write` and :meth:`apply_edits` refuse at once.
    """

    def __init__(self, location, *, read_only: bool = False, password: str | None = None):
        self._conninfo = str(location)  # may hold a password: never shown, logged or kept
        self._password = password or None  # typed for this connection only
        self.location = self.path = DatabaseLocation(self._conninfo)
        self.read_only = read_only
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[psycopg.Connection] = []
        self._seen_versions: dict[tuple[str, str], int] = {}
        self._last_dataset: Dataset | None = None
        with self._errors("cannot open the database"):
            migrations.check_version(self._connection())

    def __repr__(self) -> str:
        return f"PostGISStore({str(self.location)!r})"

    # -- connections -------------------------------------------------------------------------

    def connect(self, **options) -> psycopg.Connection:
        """A new autocommit connection to this store's database (the caller closes it)."""
        if self.read_only:
            options.setdefault("options", "-c default_transaction_read_only=on")
        if self._password:
            options.setdefault("password", self._password)
        try:
            return psycopg.connect(
                self._conninfo,
                autocommit=True,
                application_name="situation-map",
                connect_timeout=_CONNECT_TIMEOUT_S,
                **options,
            )
        except psycopg.Error as exc:
            raise StoreError(f"{self.location}: cannot connect: {_reason(exc)}") from None

    def _connection(self) -> psycopg.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.broken:
            conn = self.connect()
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def close(self) -> None:
        """Close every connection this store opened (any thread's)."""
        with self._lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()

    def listener(self, on_change, on_error=None) -> ChangeListener:
        """A :class:`ChangeListener` on this database (not started)."""
        return ChangeListener(self.connect, on_change, on_error)

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        try:
            yield
        except psycopg.errors.InsufficientPrivilege:
            raise StoreError(
                f"{self.location}: {doing}: this database user may not do that (a read-only role?)"
            ) from None
        except psycopg.errors.ReadOnlySqlTransaction:
            raise StoreError(f"{self.location}: {doing}: the connection is read-only") from None
        except psycopg.Error as exc:
            raise StoreError(f"{self.location}: {doing}: {_reason(exc)}") from None

    # -- reading ----------------------------------------------------------------------------

    def layer_names(self) -> list[str]:
        return list(SCHEMAS)

    def read(self, name: str) -> pd.DataFrame:
        """Layer or table ``name`` in its schema's columns and types (empty when it has no rows)."""
        schema = schema_for(name)
        with self._errors(f"cannot read layer {name!r}"):
            conn = self._connection()
            with conn.transaction():
                return self._read_layer(conn, schema)

    def read_all(self) -> Dataset:
        """Every layer and table, and the metadata, from one consistent snapshot."""
        with self._errors("cannot read the dataset"):
            conn = self._connection()
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                frames = {name: self._read_layer(conn, schema) for name, schema in SCHEMAS.items()}
                metadata = self._metadata(conn)
        dataset = Dataset(frames, metadata)
        self._last_dataset = dataset
        return dataset

    def metadata(self) -> dict[str, str]:
        with self._errors("cannot read the metadata"):
            return self._metadata(self._connection())

    def journal(self) -> pd.DataFrame:
        """Every edit saved with :meth:`apply_edits`, oldest first (columns of JOURNAL, plus
        ``db_user``: the database user who saved it). Holds personal data: internal use."""
        names = [sql.Identifier(n) for n in JOURNAL.field_names] + [sql.Identifier("db_user")]
        query = sql.SQL("SELECT {} FROM {} ORDER BY fid").format(sql.SQL(", ").join(names), table("journal"))
        with self._errors("cannot read the edit journal"):
            rows = self._connection().execute(query).fetchall()
        frame = journal_from_rows(rows)
        frame["db_user"] = pd.Series([row[-1] for row in rows], dtype="str")
        return frame

    def change_serial(self) -> int:
        """A number that grows with every committed write (cheap: one row)."""
        with self._errors("cannot read the change counter"):
            row = (
                self._connection()
                .execute(sql.SQL("SELECT serial FROM {} WHERE id = 1").format(table("change_counter")))
                .fetchone()
            )
        assert row is not None  # the counter's one row is made with the schema
        return int(row[0])

    def versions_of(self, layer: str) -> dict[str, int]:
        """Feature id → the record version this store last read or wrote."""
        return {fid: v for (name, fid), v in self._seen_versions.items() if name == layer}

    def _read_layer(self, conn, schema) -> pd.DataFrame:
        rows = conn.execute(select_statement(schema, versions=True)).fetchall()
        self._stamps()[schema.name] = LayerStamp.of_rows(rows)
        if schema.id_field:
            at = _VERSIONED + schema.field_names.index(schema.id_field)
            versions = {(schema.name, str(row[at])): row[1] for row in rows}
            with self._lock:
                for key in [k for k in self._seen_versions if k[0] == schema.name]:
                    del self._seen_versions[key]
                self._seen_versions.update(versions)
        return frame_from_rows(schema, [row[_VERSIONED:] for row in rows])

    def _stamps(self) -> dict[str, LayerStamp]:
        """Layer -> its stamp when this thread last read or wrote it. Per thread: the live
        updater's reads on its worker must not vouch for what an import on another thread
        compared its file with."""
        stamps = getattr(self._local, "stamps", None)
        if stamps is None:
            stamps = self._local.stamps = {}
        return stamps

    def _metadata(self, conn) -> dict[str, str]:
        rows = conn.execute(sql.SQL("SELECT key, value FROM {} ORDER BY key").format(table("metadata"))).fetchall()
        return {str(k): "" if v is None else str(v) for k, v in rows}

    # -- writing ----------------------------------------------------------------------------

    def write(
        self,
        frames: Mapping[str, pd.DataFrame],
        *,
        metadata: Mapping[str, str] | None = None,
        journal: pd.DataFrame | None = None,
    ) -> None:
        """Replace the given layers (and update metadata keys, and replace the journal when
        ``journal`` is given) in one transaction.

        Raises
        ------
        geodata.stores.postgis.layer_writes.LayerChangedError
            When this thread read a layer through this store and another desk has changed it
            since (the import compared its file with what it read); nothing is written.
        StoreError
            When a layer repeats an id, or the database refuses; nothing is written.
        """
        self._refuse_if_read_only()
        prepared = {name: storable_frame(name, frame) for name, frame in frames.items()}
        for name, frame in prepared.items():
            refuse_repeated_ids(schema_for(name), frame)
        if metadata:
            unknown = sorted(set(metadata) - set(METADATA_KEYS))
            if unknown:
                raise StoreError(f"unknown metadata key(s): {', '.join(unknown)}")
        with self._errors("cannot write the dataset"):
            conn = self._connection()
            with conn.transaction():
                # A second desk's write waits here for the first one's commit, then compares.
                lock_layers(conn, prepared, shared=False)
                seen = self._stamps()
                for name in prepared:
                    refuse_if_changed(conn, name, seen.get(name))
                for name, frame in prepared.items():
                    replace_rows(conn, schema_for(name), frame)
                written = {name: LayerStamp.now(conn, name) for name in prepared}
                values = {k: str(v) for k, v in (metadata or {}).items()}
                has_version = conn.execute(
                    sql.SQL("SELECT 1 FROM {} WHERE key = 'schema_version'").format(table("metadata"))
                ).fetchone()
                if not has_version:
                    values.setdefault("schema_version", SCHEMA_VERSION)
                for key, value in values.items():
                    conn.execute(
                        sql.SQL(
                            "INSERT INTO {} (key, value) VALUES (%s, %s) ON CONFLICT (key) "
                            "DO UPDATE SET value = EXCLUDED.value"
                        ).format(table("metadata")),
                        (key, value),
                    )
                if journal is not None:
                    conn.execute(sql.SQL("DELETE FROM {}").format(table("journal")))
                    if len(journal):
                        self._append_journal(conn, journal)
        self._stamps().update(written)
        self._last_dataset = None

    def write_dataset(self, dataset: Dataset, *, journal: pd.DataFrame | None = None) -> None:
        self.write(dataset.frames, metadata=dataset.metadata, journal=journal)

    def apply_edits(self, edits: Sequence[Edit], *, who: str, describe: Callable[[str], str] = str) -> Dataset:
        """Save ``edits`` and their journal rows in one transaction (see the module notes).

        Raises
        ------
        geodata.editing.ConflictError
            When a feature changed (or went) since the edit was made; it names the version
            the edit was made on and the version stored now. Nothing is written.
        geodata.editing.EditError
            When an edit does not fit the data otherwise; nothing is written.
        StoreError
            When ``who`` is empty, the store is read-only, or the database refuses.
        """
        edits = list(edits)
        if not isinstance(who, str) or not who.strip():
            raise StoreError("say who is saving the edits (a person or desk name) for the journal")
        self._refuse_if_read_only()
        if not edits:
            return self._last_dataset or self.read_all()
        with self._errors("cannot save the edit"):
            conn = self._connection()
            with conn.transaction():
                conn.execute("SELECT set_config('situation_map.who', %s, true)", (who,))
                stored, stamps = self._lock_rows(conn, edits)
                try:
                    updated = apply_to_dataset(Dataset(stored), edits)
                except ConflictError as conflict:
                    raise self._explained(conflict, stamps) from None
                new_versions, moves = self._write_rows(conn, edits, stamps, updated)
                self._append_journal(conn, journal_frame(edits, who=who, time=now_local(), describe=describe))
        # This desk's own edit is no reason to refuse its next layer write; another desk's
        # change since the read still is (the stamp stays that far behind).
        seen = self._stamps()
        for layer, move in moves.items():
            if layer in seen:
                seen[layer] = seen[layer].moved(*move)
        with self._lock:
            for key, version in new_versions.items():
                if version is None:
                    self._seen_versions.pop(key, None)
                else:
                    self._seen_versions[key] = version
        return self._after_edits(edits)

    def _refuse_if_read_only(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.location}: opened read-only (wall display): nothing can be saved")

    def _lock_rows(
        self, conn: psycopg.Connection, edits: Sequence[Edit]
    ) -> tuple[dict[str, pd.DataFrame], dict[tuple[str, str], tuple]]:
        """The stored rows of the edited features, locked until commit, and their stamps."""
        stored: dict[str, pd.DataFrame] = {}
        stamps: dict[tuple[str, str], tuple] = {}  # (layer, id) -> (fid, version, by, at)
        lock_layers(conn, {edit.layer for edit in edits}, shared=True)  # no layer write meanwhile
        # Row locks cannot hold a row that does not exist yet: two desks adding the same id
        # queue on a lock named by layer and id instead (in one order: no deadlock).
        for layer, feature_id in sorted({(edit.layer, edit.feature_id) for edit in edits}):
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"{layer}\x1f{feature_id}",))
        for layer in dict.fromkeys(edit.layer for edit in edits):
            schema = schema_for(layer)
            id_field = schema.id_field
            assert id_field is not None  # an Edit is refused for a table without ids
            ids = sorted({edit.feature_id for edit in edits if edit.layer == layer})
            where = sql.SQL("{} = ANY(%s)").format(sql.Identifier(id_field))
            rows = conn.execute(select_statement(schema, where=where, versions=True, lock=True), (ids,)).fetchall()
            at = _VERSIONED + schema.field_names.index(id_field)
            for row in rows:
                stamps[(layer, str(row[at]))] = row[:_VERSIONED]
            stored[layer] = frame_from_rows(schema, [row[_VERSIONED:] for row in rows])
        return stored, stamps

    def _explained(self, conflict: ConflictError, stamps) -> ConflictError:
        """The conflict with the two versions: the one the edit was made on, the stored one."""
        edit = conflict.edit
        key = (edit.layer, edit.feature_id)
        stamp = stamps.get(key)
        conflict.base_version = self._seen_versions.get(key)
        where = f"{edit.layer} {edit.feature_id}"
        if stamp is None:
            message = f"{where} was deleted by another desk since you read it"
        elif edit.kind == "add":
            conflict.current_version, conflict.changed_by, conflict.changed_at = stamp[1:]
            message = (
                f"cannot add {where}: another desk ({conflict.changed_by}) added a feature "
                f"with this id at {_clock(conflict.changed_at)} (version {conflict.current_version})"
            )
        else:
            conflict.current_version, conflict.changed_by, conflict.changed_at = stamp[1:]
            base = conflict.base_version if conflict.base_version is not None else "?"
            fields = ", ".join(conflict.changed_fields)
            message = (
                f"{where} was changed by {conflict.changed_by} at {_clock(conflict.changed_at)} "
                f"since you read it: you edited version {base}, the database holds version "
                f"{conflict.current_version} (changed: {fields})"
            )
        conflict.args = (message + "; reload to see it, or overwrite it with your change",)
        return conflict

    def _write_rows(
        self, conn, edits, stamps, updated: Dataset
    ) -> tuple[dict[tuple[str, str], int | None], dict[str, list[int]]]:
        versions: dict[tuple[str, str], int | None] = {}
        moves: dict[str, list[int]] = {}  # layer -> [rows, version sum, fid sum] added
        for key in dict.fromkeys((edit.layer, edit.feature_id) for edit in edits):
            layer, feature_id = key
            schema = schema_for(layer)
            frame = updated[layer]
            matches = (frame[schema.id_field].astype(object) == feature_id).to_numpy().nonzero()[0]
            stamp = stamps.get(key)
            names = columns(schema)
            move = moves.setdefault(layer, [0, 0, 0])
            if not len(matches):
                if stamp is not None:
                    conn.execute(sql.SQL("DELETE FROM {} WHERE fid = %s").format(table(layer)), (stamp[0],))
                    move[0], move[1], move[2] = move[0] - 1, move[1] - stamp[1], move[2] - stamp[0]
                versions[key] = None
                continue
            row = rows_from_frame(schema, frame.iloc[[int(matches[0])]])[0]
            if stamp is None:
                query = sql.SQL("INSERT INTO {} ({}) VALUES ({}) RETURNING fid, row_version").format(
                    table(layer),
                    sql.SQL(", ").join(map(sql.Identifier, names)),
                    sql.SQL(", ").join(sql.Placeholder() * len(names)),
                )
                fid, version = conn.execute(query, row).fetchone()
                versions[key] = version
                move[0], move[1], move[2] = move[0] + 1, move[1] + version, move[2] + fid
            else:
                assignments = sql.SQL(", ").join(sql.SQL("{} = %s").format(sql.Identifier(name)) for name in names)
                query = sql.SQL("UPDATE {} SET {} WHERE fid = %s RETURNING row_version").format(
                    table(layer), assignments
                )
                version = conn.execute(query, [*row, stamp[0]]).fetchone()[0]
                versions[key] = version
                move[1] += version - stamp[1]
        return versions, moves

    def _append_journal(self, conn, rows: pd.DataFrame) -> None:
        names = list(JOURNAL.field_names)
        query = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            table("journal"),
            sql.SQL(", ").join(map(sql.Identifier, names)),
            sql.SQL(", ").join(sql.Placeholder() * len(names)),
        )
        with conn.cursor() as cur:
            cur.executemany(
                query,
                [
                    [None if pd.isna(v) else (v.to_pydatetime() if isinstance(v, pd.Timestamp) else v) for v in record]
                    for record in rows[names].itertuples(index=False)
                ],
            )

    def _after_edits(self, edits) -> Dataset:
        """The dataset this desk holds with the edits applied: what it showed, plus its own
        change (other desks' changes arrive through the live update, which paints them)."""
        base = self._last_dataset
        if base is not None:
            try:
                result = apply_to_dataset(base, edits)
                self._last_dataset = result
                return result
            except EditError:
                pass  # this desk's copy was behind the database: take a fresh one
        return self.read_all()


def _reason(exc: psycopg.Error) -> str:
    """The server's or libpq's first line: names hosts, users and objects, never a password."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _clock(moment) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment is not None else "?"
