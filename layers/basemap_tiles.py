"""An MBTiles basemap on the page: what the tile layer is told, and tiles copied beside a page.

The window serves tiles straight from the file (``smdata:tiles/``, desktop/map_view.py); a page
written to a folder for a browser (``situation-map map``) and the printed briefing read them from
``tiles/{z}/{x}/{y}.<ext>`` beside the page, copied here: the tiles over the township (the
page's view, with a margin for panning), every zoom level of the file from the lowest up, as
long as the copy stays under :data:`COPY_LIMIT` tiles. A level that would pass it is left out;
the page then enlarges the deepest level copied, and the caller says so.

Each file is opened once per process and kept open, read-only (:func:`open_mbtiles`).
"""

from __future__ import annotations

import html
import math
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from geodata.mbtiles import MBTiles

PREFIX = "mbtiles:"
COPY_LIMIT = 20_000  # tiles copied beside a page: a township at zoom 10-17 needs a few thousand
MARGIN = 0.5  # of the view's width and height, added on each side for panning

_open: dict[Path, tuple[float, MBTiles]] = {}
_lock = threading.Lock()


def mbtiles_path(choice: str) -> Path | None:
    """The file of an ``mbtiles:`` basemap choice, else None."""
    return Path(choice[len(PREFIX) :].strip()).expanduser() if choice.startswith(PREFIX) else None


def open_mbtiles(path: str | Path) -> MBTiles:
    """The file at ``path``, opened once (again only when it changed on disk); raises
    :class:`~geodata.mbtiles.MBTilesError` naming it when it is missing or not MBTiles."""
    key = Path(path).expanduser().absolute()
    with _lock:
        try:
            stamp = key.stat().st_mtime
        except OSError:
            stamp = math.nan
        known = _open.get(key)
        if known is not None and known[0] == stamp:
            return known[1]
        tiles = MBTiles(key)  # raises for a missing file
        _open[key] = (stamp, tiles)
        return tiles


def tile_range(bounds: tuple[float, float, float, float], z: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """The XYZ columns and rows (inclusive) covering ``bounds`` (west, south, east, north) at ``z``."""
    west, south, east, north = bounds
    n = 2**z

    def column(lon: float) -> int:
        return min(n - 1, max(0, int((lon + 180.0) / 360.0 * n)))

    def row(lat: float) -> int:
        lat = max(-85.0511, min(85.0511, lat))
        y = (1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n
        return min(n - 1, max(0, int(y)))

    return (column(west), column(east)), (row(north), row(south))


@dataclass(frozen=True)
class CopiedTiles:
    """What :func:`copy_tiles` wrote: how many tiles, the deepest zoom copied (None: none),
    and whether deeper levels were left out to stay under the limit."""

    count: int
    max_zoom: int | None
    capped: bool


def copy_tiles(
    tiles: MBTiles, folder: Path, bounds: tuple[float, float, float, float] | None, limit: int = COPY_LIMIT
) -> CopiedTiles:
    """Write the tiles over ``bounds`` (with a margin; the file's own bounds if None) into
    ``folder/tiles/{z}/{x}/{y}.<ext>``, zoom level by level from the lowest, up to ``limit``."""
    info = tiles.info
    area = _padded(bounds) if bounds is not None else (info.bounds or (-180.0, -85.0, 180.0, 85.0))
    if info.bounds is not None:  # no tiles outside the file's own bounds: no need to look there
        area = (
            max(area[0], info.bounds[0]),
            max(area[1], info.bounds[1]),
            min(area[2], info.bounds[2]),
            min(area[3], info.bounds[3]),
        )
        if not (area[0] < area[2] and area[1] < area[3]):
            area = info.bounds
    target = Path(folder) / "tiles"
    count, deepest, capped = 0, None, False
    for z in range(info.min_zoom, info.max_zoom + 1):
        columns, rows = tile_range(area, z)
        here = tiles.count_in(z, columns, rows)
        if count + here > limit and deepest is not None:  # the lowest level is always copied
            capped = True
            break
        for x, y, image in tiles.tiles_in(z, columns, rows):
            (target / str(z) / str(x)).mkdir(parents=True, exist_ok=True)
            (target / str(z) / str(x) / f"{y}.{info.tile_format}").write_bytes(image)
        count += here
        deepest = z
    return CopiedTiles(count, deepest, capped)


def _padded(bounds: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    west, south, east, north = bounds
    dx = max(east - west, 0.01) * MARGIN
    dy = max(north - south, 0.01) * MARGIN
    return max(-180.0, west - dx), max(-85.0, south - dy), min(180.0, east + dx), min(85.0, north + dy)


@dataclass(frozen=True)
class TileSource:
    """Where a page reads an MBTiles basemap's tiles: ``url`` + ``{z}/{x}/{y}.<ext>``, the
    window's ``smdata:tiles/<key>/`` or ``tiles/`` beside the page; ``max_zoom`` the deepest
    level there when fewer than the file's were copied."""

    url: str
    max_zoom: int | None = None
    copied: CopiedTiles | None = None


def tiles_beside(choice: str, folder: Path, bounds: tuple[float, float, float, float] | None) -> TileSource | None:
    """For a page in ``folder`` opened from disk: the tiles of an ``mbtiles:`` basemap copied
    into ``folder/tiles`` (see :func:`copy_tiles`), or None for any other basemap."""
    path = mbtiles_path(choice)
    if path is None:
        return None
    copied = copy_tiles(open_mbtiles(path), folder, bounds)
    return TileSource("tiles/", copied.max_zoom, copied)


def plain_attribution(text: str) -> str:
    """An attribution as the text it reads: files (QGIS, downloaders) often hold HTML links,
    but the page and the briefing show metadata as text, never as markup."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", text or "")).split())
