"""Tile files for the basemap tests, made for real: SQLite in the MBTiles 1.3 layout
(``metadata`` and ``tiles``, rows counted from the south) and PMTiles v3 through the
``pmtiles`` writer, each tile a PNG drawn with QImage."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import write
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter

COLOURS = ("#2f9e44", "#1971c2", "#e8590c", "#9c36b5")


def tile_png(z: int, x: int, y: int) -> bytes:
    """A 256-px tile in the colour of its zoom, with its z/x/y written on it."""
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(QColor(COLOURS[z % len(COLOURS)]))
    painter = QPainter(image)
    painter.setPen(QColor("#ffffff"))
    painter.drawRect(0, 0, 255, 255)
    painter.drawText(QRect(0, 0, 256, 256), Qt.AlignmentFlag.AlignCenter, f"{z}/{x}/{y}")
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def make_mbtiles(path: Path, zooms: range = range(0, 3), fmt: str = "png") -> Path:
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE metadata (name TEXT, value TEXT);"
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
        " tile_data BLOB);"
        "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);"
    )
    meta = {
        "name": "Test tiles",
        "format": fmt,
        "bounds": "-180.0,-85.0511,180.0,85.0511",
        "minzoom": str(zooms.start),
        "maxzoom": str(zooms.stop - 1),
        "attribution": '<a href="http://example.invalid/">Test &amp; tiles</a>',
        "type": "baselayer",
    }
    db.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
    for z in zooms:
        for x in range(1 << z):
            for y in range(1 << z):  # y from the north; the file's row from the south
                db.execute(
                    "INSERT INTO tiles VALUES (?, ?, ?, ?)",
                    (z, x, (1 << z) - 1 - y, tile_png(z, x, y)),
                )
    db.commit()
    db.close()
    return path


def make_pmtiles(path: Path, zooms: range = range(0, 3)) -> Path:
    tiles = sorted(
        (zxy_to_tileid(z, x, y), z, x, y)
        for z in zooms
        for x in range(1 << z)
        for y in range(1 << z)
    )
    with write(str(path)) as writer:
        for tile_id, z, x, y in tiles:
            writer.write_tile(tile_id, tile_png(z, x, y))
        writer.finalize(
            {
                "tile_type": TileType.PNG,
                "tile_compression": Compression.NONE,
                "min_zoom": zooms.start,
                "max_zoom": zooms.stop - 1,
                "min_lon_e7": -1800000000,
                "min_lat_e7": -850511000,
                "max_lon_e7": 1800000000,
                "max_lat_e7": 850511000,
                "center_zoom": 0,
                "center_lon_e7": 0,
                "center_lat_e7": 0,
            },
            {"name": "Test PMTiles", "attribution": "PM test"},
        )
    return path
