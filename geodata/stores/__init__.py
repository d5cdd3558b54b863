"""Where a township's data is kept: one GeoPackage file, or a shared PostGIS database.

Both stores offer the same :class:`Store` interface (read layers, write layers in one
transaction, save edits with their journal lines), and :func:`open_store` picks one from a
location. ``gpkg`` is the file store (``gpkg_read`` and ``gpkg_write`` hold how it reads and
writes the live file), ``postgis`` the shared database.
"""

from __future__ import annotations

import os

from geodata.stores.base import Store, storable_frame
from geodata.stores.gpkg import GeoPackageStore, StaleLayerError, lock_path_of
from geodata.stores.postgis.location import is_database_location

__all__ = ["GeoPackageStore", "StaleLayerError", "Store", "lock_path_of", "open_store", "storable_frame"]


def open_store(location: str | os.PathLike, *, read_only: bool = False) -> Store:
    """The store at ``location``: a ``.gpkg`` path, or a PostgreSQL database given as a
    ``postgresql://user@host/db`` URL or a libpq string such as ``service=NAME``.

    ``read_only`` opens a database so that nothing can be written through it (the wall
    display); a GeoPackage is opened as usual.
    """
    if is_database_location(location):
        from geodata.stores.postgis import open_postgis_store

        return open_postgis_store(location, read_only=read_only)
    return GeoPackageStore(location)
