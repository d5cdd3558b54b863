"""The window's MBTiles basemap: tiles answered from the file at ``smdata:tiles/<key>/z/x/y.ext``.

A page in the window (and the wall) reads its basemap's tiles through the application's URL
scheme (desktop/page_scheme.py), straight from the SQLite file: no server, no copy, no request
off the machine. A file is known by a key made from its path when a page is written for it
(:func:`tiles_for`), so a page can ask for no other file; each file is opened once, read-only
(layers/basemap_tiles.py). A tile the file does not hold is a transparent tile: blank.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from layers.basemap_tiles import TileSource, mbtiles_path, open_mbtiles

ROUTE = "tiles"
# A transparent 1 x 1 PNG, for a tile the file does not hold (Leaflet stretches it: blank).
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII="
)

_files: dict[str, Path] = {}


def tiles_for(choice: str, scheme: str) -> TileSource | None:
    """Where a page served by ``scheme`` reads the tiles of basemap ``choice`` (an
    ``mbtiles:`` one; None for any other). Opens the file now, so a bad one is said now."""
    path = mbtiles_path(choice)
    if path is None:
        return None
    open_mbtiles(path)
    key = hashlib.sha1(str(path.absolute()).encode("utf-8")).hexdigest()[:16]
    _files[key] = path
    return TileSource(f"{scheme}:{ROUTE}/{key}/")


def tile_route(rest: str) -> tuple[bytes, bytes] | None:
    """``<key>/<z>/<x>/<y>.<ext>`` → (MIME type, image); None (not found) for a file not known."""
    parts = rest.split("?")[0].split("/")
    if len(parts) != 4 or parts[0] not in _files:
        return None
    y_text = parts[3].partition(".")[0]
    if not (parts[1].isdigit() and parts[2].isdigit() and y_text.isdigit()):
        return None
    tiles = open_mbtiles(_files[parts[0]])
    image = tiles.tile(int(parts[1]), int(parts[2]), int(y_text))
    if image is None:
        return b"image/png", BLANK_PNG
    return tiles.info.media_type.encode("ascii"), image
