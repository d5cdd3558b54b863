"""MBTiles basemaps over the sample township for the page tests: one colour per tile, or a
drawn grid that shows in a screenshot where each tile lies."""

from __future__ import annotations

from pathlib import Path

from PyQt6.QtCore import QBuffer, QByteArray, QIODevice, QRect, Qt
from PyQt6.QtGui import QColor, QFont, QImage, QPainter, QPen

from tests.mbtiles_files import make_mbtiles, solid_png, tile_of

# The sample township (layers/webmap.py: TOWNSHIP_BOUNDS) with a margin.
AREA = (113.85, 32.9, 114.1, 33.1)
TILE_RGB = (214, 232, 196)


def tiles_over(area, zooms) -> list[tuple[int, int, int]]:
    west, south, east, north = area
    found = []
    for z in zooms:
        x0, y0 = tile_of(west, north, z)
        x1, y1 = tile_of(east, south, z)
        found += [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
    return found


def solid_basemap(path: Path, *, zooms=range(10, 15), leave_out=(), **metadata) -> Path:
    """Every tile over the township at ``zooms`` in one colour, but those in ``leave_out``."""
    image = solid_png(TILE_RGB)
    tiles = {tile: image for tile in tiles_over(AREA, zooms) if tile not in leave_out}
    meta = township_metadata("关王庙乡影像", zooms, "© 驻马店市测绘院 <b>2020</b>")
    return make_mbtiles(path, tiles, {**meta, **metadata})


def township_metadata(name: str, zooms, attribution: str) -> dict[str, str]:
    """An MBTiles file's metadata for PNG tiles over the township at ``zooms``."""
    return {
        "name": name,
        "format": "png",
        "minzoom": str(min(zooms)),
        "maxzoom": str(max(zooms)),
        "bounds": ",".join(map(str, AREA)),
        "attribution": attribution,
    }


def grid_png(z: int, x: int, y: int) -> bytes:
    """A 256 px tile: a pale colour by its place, its edges and its z/x/y written in it."""
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(QColor.fromHsv((x * 47 + y * 89) % 360, 40, 245))
    painter = QPainter(image)
    painter.setPen(QPen(QColor(120, 120, 120), 2))
    painter.drawRect(1, 1, 254, 254)
    painter.setPen(QPen(QColor(90, 90, 90)))
    painter.setFont(QFont("sans", 14))
    painter.drawText(QRect(0, 0, 256, 256), Qt.AlignmentFlag.AlignCenter, f"{z}/{x}/{y}")
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def grid_basemap(path: Path, *, zooms=range(10, 16), **metadata) -> Path:
    tiles = {tile: grid_png(*tile) for tile in tiles_over(AREA, zooms)}
    meta = township_metadata("grid", zooms, "© Test grid basemap 测试底图")
    return make_mbtiles(path, tiles, {**meta, **metadata})
