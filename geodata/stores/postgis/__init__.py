"""The shared PostGIS store: several desks on one PostgreSQL database.

``location`` parses and displays connection strings without their password, ``migrations``
creates and upgrades the database schema, ``store`` reads and writes a dataset with row
versions, ``notifications`` tells other desks a change was committed (LISTEN/NOTIFY).
psycopg is imported here only when a database is actually used.
"""

from geodata.stores.postgis.location import DatabaseLocation, is_database_location

__all__ = ["DatabaseLocation", "is_database_location", "open_postgis_store"]


def open_postgis_store(location, *, read_only: bool = False):
    """A :class:`geodata.stores.postgis.store.PostGISStore` on ``location`` (URL or libpq service)."""
    from geodata.stores.postgis.store import PostGISStore

    return PostGISStore(location, read_only=read_only)
