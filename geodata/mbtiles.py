"""Raster basemaps in one file: MBTiles, the SQLite container QGIS ("Generate XYZ tiles
(MBTiles)"), tile downloaders and mobile GIS write.

A township brings its basemap on a USB stick as one ``.mbtiles`` file; the map reads tiles from
it directly, with no server and no request off the machine. The file is opened read-only (QGIS
may still have it open); tiles are stored by TMS rows, so the row of an XYZ tile is flipped.

Which datum the tiles are drawn in matters in China: Gaode (AMap) and Tencent tiles are in
GCJ-02, offset by a few hundred metres from the WGS-84 of the data, while Tianditu's are in
CGCS2000, which agrees with WGS-84 to well under a metre. :attr:`MBTiles.datum` reads it from
the metadata (a ``crs``/``datum`` entry, else the tiles' name, description or attribution naming
the source); the user may override it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from geodata.errors import GeodataError
from geodata.messages import N_, Message

DATUMS = ("wgs84", "gcj02")
# Words in a file's metadata that name its source's datum. Tianditu (CGCS2000) and OpenStreetMap
# need no shift; Gaode/AMap, Tencent and Google's China tiles are GCJ-02.
_GCJ02_WORDS = ("gcj", "gaode", "amap", "autonavi", "高德", "tencent", "腾讯", "qq.com", "google.cn", "谷歌")
_MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}


class MBTilesError(GeodataError):
    """A file that cannot be read as a raster MBTiles basemap."""


@dataclass(frozen=True)
class TileSetInfo:
    """What the file's metadata says, with defaults for what it leaves out."""

    name: str
    attribution: str
    tile_format: str  # png, jpg or webp
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float] | None  # west, south, east, north in degrees
    datum: str  # one of DATUMS

    @property
    def media_type(self) -> str:
        return _MEDIA_TYPES[self.tile_format]


class MBTiles:
    """One MBTiles file, read-only. ``tile(z, x, y)`` takes XYZ numbers, as Leaflet asks."""

    def __init__(self, path: str | Path):
        self.path = Path(path).expanduser()
        if not self.path.is_file():
            raise MBTilesError(Message(N_("{path}: no such basemap file"), path=self.path))
        try:
            # Read-only, without taking the file over: another program (QGIS) may be writing it.
            self._connection = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
            )
            metadata = dict(self._connection.execute("SELECT name, value FROM metadata").fetchall())
            self._connection.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles LIMIT 0")
        except sqlite3.DatabaseError as exc:
            raise MBTilesError(
                Message(N_("{path}: not an MBTiles file ({reason})"), path=self.path, reason=exc)
            ) from None
        self.info = self._read_info({str(k).strip().lower(): str(v) for k, v in metadata.items() if v is not None})

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The image of XYZ tile (z, x, y), or None where the file has none (shown blank)."""
        if z < 0 or not (0 <= x < 2**z and 0 <= y < 2**z):
            return None
        row = self._connection.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
            (z, x, 2**z - 1 - y),
        ).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    def tiles_at(self, z: int) -> list[tuple[int, int]]:
        """Every (x, y) XYZ tile the file holds at zoom ``z``."""
        rows = self._connection.execute("SELECT tile_column, tile_row FROM tiles WHERE zoom_level = ?", (z,))
        return [(column, 2**z - 1 - row) for column, row in rows]

    def tiles_in(self, z: int, x_range: tuple[int, int], y_range: tuple[int, int]):
        """Every XYZ tile ``(x, y, image)`` at zoom ``z`` with x and y in the inclusive ranges."""
        rows = self._connection.execute(
            "SELECT tile_column, tile_row, tile_data FROM tiles WHERE zoom_level = ?"
            " AND tile_column BETWEEN ? AND ? AND tile_row BETWEEN ? AND ?",
            (z, x_range[0], x_range[1], 2**z - 1 - y_range[1], 2**z - 1 - y_range[0]),
        )
        for column, row, data in rows:
            if data is not None:
                yield column, 2**z - 1 - row, bytes(data)

    def count_in(self, z: int, x_range: tuple[int, int], y_range: tuple[int, int]) -> int:
        """How many tiles :meth:`tiles_in` would give."""
        (count,) = self._connection.execute(
            "SELECT COUNT(*) FROM tiles WHERE zoom_level = ?"
            " AND tile_column BETWEEN ? AND ? AND tile_row BETWEEN ? AND ?",
            (z, x_range[0], x_range[1], 2**z - 1 - y_range[1], 2**z - 1 - y_range[0]),
        ).fetchone()
        return int(count)

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> MBTiles:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _read_info(self, metadata: dict[str, str]) -> TileSetInfo:
        tile_format = metadata.get("format", "png").lower()
        if tile_format in ("pbf", "mvt"):
            raise MBTilesError(
                Message(
                    N_("{path}: holds vector tiles ({format}); choose a raster (PNG or JPEG) MBTiles"),
                    path=self.path,
                    format=tile_format,
                )
            )
        if tile_format not in _MEDIA_TYPES:
            raise MBTilesError(
                Message(
                    N_("{path}: tile format {format} is not PNG, JPEG or WebP"),
                    path=self.path,
                    format=repr(tile_format),
                )
            )
        zooms = self._connection.execute("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles").fetchone()
        min_zoom = _whole(metadata.get("minzoom"), zooms[0] if zooms[0] is not None else 0)
        max_zoom = _whole(metadata.get("maxzoom"), zooms[1] if zooms[1] is not None else 18)
        return TileSetInfo(
            name=metadata.get("name", self.path.stem),
            attribution=metadata.get("attribution", ""),
            tile_format=tile_format,
            min_zoom=min_zoom,
            max_zoom=max(max_zoom, min_zoom),
            bounds=_bounds(metadata.get("bounds")),
            datum=_datum(metadata),
        )


def _whole(text: str | None, default: int) -> int:
    try:
        return int(float(text)) if text is not None else default
    except ValueError:
        return default


def _bounds(text: str | None) -> tuple[float, float, float, float] | None:
    try:
        west, south, east, north = (float(part) for part in (text or "").split(","))
    except ValueError:
        return None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        return None
    return west, south, east, north


def _datum(metadata: dict[str, str]) -> str:
    """GCJ-02 when the metadata says so or names a GCJ-02 source; else WGS-84 (and CGCS2000)."""
    for key in ("crs", "datum", "coordinate_system", "srs"):
        if key in metadata:
            return "gcj02" if "gcj" in metadata[key].lower() else "wgs84"
    words = " ".join(metadata.get(key, "") for key in ("name", "description", "attribution", "source")).lower()
    return "gcj02" if any(word in words for word in _GCJ02_WORDS) else "wgs84"
