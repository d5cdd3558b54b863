"""Writing a whole layer into a table other desks write too: locks, stamps and upserts.

A layer write (an import, a push) and an edit never interleave: a write holds the layer's
advisory lock exclusively, an edit holds it shared, so edits of one layer still run side by
side. A write replaces a layer by upserting on its unique id (rows it leaves unchanged keep
their version, so other desks' edits made on them still save) and deleting the rows whose
id it no longer has.

A :class:`LayerStamp` tells whether a layer changed between a desk's read and its write:
the number of rows, the sum of their versions and the sum of their ``fid``. An update raises
the version sum; an insert takes a ``fid`` above every existing one, so it raises the fid
sum even when a delete took the row count back; a delete alone lowers the count. The stamp
costs nothing to take from the rows a read fetches anyway.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
from psycopg import sql

from geodata.errors import StoreError
from geodata.schema import LayerSchema
from geodata.stores.postgis.tables import columns, rows_from_frame, table

_LAYER_LOCKS = 7_320_912  # first key of the two-key advisory locks: one per layer name


@dataclass(frozen=True)
class LayerStamp:
    rows: int
    version_sum: int
    fid_sum: int
    last_change: object = None  # the newest changed_at seen (for naming who changed it since)

    @classmethod
    def of_rows(cls, rows) -> LayerStamp:
        """The stamp of rows as ``select_statement(versions=True)`` returns them."""
        times = [row[3] for row in rows if row[3] is not None]
        return cls(
            len(rows), sum(int(row[1]) for row in rows), sum(int(row[0]) for row in rows), max(times) if times else None
        )

    @classmethod
    def now(cls, conn, layer: str) -> LayerStamp:
        row = conn.execute(
            sql.SQL(
                "SELECT count(*), coalesce(sum(row_version), 0), coalesce(sum(fid), 0), max(changed_at) FROM {}"
            ).format(table(layer))
        ).fetchone()
        return cls(int(row[0]), int(row[1]), int(row[2]), row[3])

    def same_rows(self, other: LayerStamp) -> bool:
        return (self.rows, self.version_sum, self.fid_sum) == (other.rows, other.version_sum, other.fid_sum)

    def moved(self, rows: int = 0, versions: int = 0, fids: int = 0) -> LayerStamp:
        """The stamp after a change of known size (this desk's own edit)."""
        return replace(
            self, rows=self.rows + rows, version_sum=self.version_sum + versions, fid_sum=self.fid_sum + fids
        )


def lock_layers(conn, layers, *, shared: bool) -> None:
    """Hold each layer's lock until the transaction ends (always in one order: no deadlock)."""
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    for layer in sorted(set(layers)):
        conn.execute(f"SELECT {function}(%s, hashtext(%s))", (_LAYER_LOCKS, layer))


def refuse_if_changed(conn, layer: str, seen: LayerStamp | None) -> None:
    """Refuse (nothing written) when ``layer`` is not as this desk last read it."""
    if seen is None:
        return  # this desk never read the layer: the write is a plain replacement
    if LayerStamp.now(conn, layer).same_rows(seen):
        return
    since = seen.last_change if seen.last_change is not None else "-infinity"
    desks = conn.execute(
        sql.SQL(
            "SELECT changed_by, max(changed_at) FROM {} WHERE changed_at > %s "
            "GROUP BY changed_by ORDER BY 2 DESC LIMIT 3"
        ).format(table(layer)),
        (since,),
    ).fetchall()
    if desks:
        names = ", ".join(str(who) for who, _ in desks)
        what = f"{layer} was changed by {names} (at {_clock(desks[0][1])}) since this desk read it"
    else:
        what = f"rows of {layer} were deleted by another desk or program since this desk read it"
    raise LayerChangedError(
        f"{what}; nothing was written: read it again (for an import: check the file again) and repeat"
    )


class LayerChangedError(StoreError):
    """A layer write refused because another desk changed the layer since it was read."""


def refuse_repeated_ids(schema: LayerSchema, frame: pd.DataFrame) -> None:
    """Ids must be unique in the database: say which repeat before anything is sent."""
    if not schema.id_field or schema.id_field not in frame.columns:
        return
    ids = frame[schema.id_field].dropna().astype(str)
    counts = ids[ids.duplicated(keep=False)].value_counts(sort=False)
    if len(counts):
        shown = ", ".join(f"{value} ×{count}" for value, count in list(counts.items())[:5])
        more = f" and {len(counts) - 5} more" if len(counts) > 5 else ""
        raise StoreError(
            f"{schema.name}: ids used more than once ({shown}{more}); each feature needs "
            "its own id in a shared database: nothing was written"
        )


def replace_rows(conn, schema: LayerSchema, frame: pd.DataFrame) -> None:
    """Make ``schema``'s table hold exactly the rows of ``frame`` (conformed)."""
    names = columns(schema)
    listed = sql.SQL(", ").join(map(sql.Identifier, names))
    empty = not conn.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(table(schema.name))).fetchone()[0]
    if empty or not schema.id_field:  # nothing to keep, or no key to upsert on
        conn.execute(sql.SQL("DELETE FROM {}").format(table(schema.name)))
        _copy(conn, table(schema.name), names, rows_from_frame(schema, frame))
        return
    incoming = sql.Identifier(f"incoming_{schema.name}")
    key = sql.Identifier(schema.id_field)
    conn.execute(
        sql.SQL(
            "CREATE TEMPORARY TABLE {} ON COMMIT DROP AS SELECT {}, 0::bigint AS written_order FROM {} WITH NO DATA"
        ).format(incoming, listed, table(schema.name))
    )
    rows = rows_from_frame(schema, frame)
    for order, row in enumerate(rows):
        row.append(order)  # in place: a new list per row would cost a quarter second per 100,000
    _copy(conn, incoming, names + ["written_order"], rows)
    conn.execute(sql.SQL("ANALYZE {}").format(incoming))  # a temporary table has no statistics: plan joins well
    conn.execute(
        sql.SQL(
            "DELETE FROM {} AS stored WHERE stored.{} IS NULL OR NOT EXISTS "
            "(SELECT 1 FROM {} AS new WHERE new.{} = stored.{})"
        ).format(table(schema.name), key, incoming, key, key)
    )
    stored_values = sql.SQL(", ").join(sql.SQL("stored.{}").format(sql.Identifier(n)) for n in names)
    new_values = sql.SQL(", ").join(sql.SQL("new.{}").format(sql.Identifier(n)) for n in names)
    # Rows left as they were are not touched: their version (and who changed them) stays.
    conn.execute(
        sql.SQL(
            "UPDATE {} AS stored SET ({}) = ROW({}) FROM {} AS new WHERE new.{} = stored.{} "
            "AND ROW({}) IS DISTINCT FROM ROW({})"
        ).format(table(schema.name), listed, new_values, incoming, key, key, stored_values, new_values)
    )
    conn.execute(
        sql.SQL(
            "INSERT INTO {} ({}) SELECT {} FROM {} AS new WHERE new.{} IS NULL OR NOT EXISTS "
            "(SELECT 1 FROM {} AS stored WHERE stored.{} = new.{}) ORDER BY written_order"
        ).format(table(schema.name), listed, listed, incoming, key, table(schema.name), key, key)
    )
    conn.execute(sql.SQL("DROP TABLE {}").format(incoming))


def _copy(conn, target: sql.Composable, names: list[str], rows: list[list]) -> None:
    copy = sql.SQL("COPY {} ({}) FROM STDIN").format(target, sql.SQL(", ").join(map(sql.Identifier, names)))
    with conn.cursor() as cur, cur.copy(copy) as writer:
        for row in rows:
            writer.write_row(row)


def _clock(moment) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment is not None else "?"
