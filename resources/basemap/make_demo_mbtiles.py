"""Make a demo raster MBTiles basemap from the shipped Natural Earth outlines.

It draws ``countries-50m.geojson`` with QPainter into 256-pixel Web-Mercator tiles (a
"relief" look unlike the page's own outlines: shaded sea, a graticule every 10°, green
land, borders), zooms 0 to ``--max-zoom`` over the world, and, with ``--region``, two
more zooms over that box. The file has the MBTiles 1.3 layout: ``metadata`` (name,
format, bounds, minzoom, maxzoom, attribution) and ``tiles`` with TMS rows (counted
from the south). It is what a closed network's tile server exports, in small.

Usage::

    python3 resources/basemap/make_demo_mbtiles.py OUT.mbtiles
    python3 resources/basemap/make_demo_mbtiles.py OUT.mbtiles --max-zoom 4 \\
        --region 35,20,65,60    # south,west,north,east: zooms 5 and 6 there
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QLinearGradient, QPainter, QPainterPath, QPen

HERE = Path(__file__).resolve().parent
TILE = 256
MAX_LAT = 85.0511


def world_xy(lon: float, lat: float) -> tuple[float, float]:
    """Web-Mercator position, 0..1 across the world, y down."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return (lon + 180.0) / 360.0, 0.5 - y / (2 * math.pi)


def land_paths(geojson: dict[str, object]) -> list[QPainterPath]:
    """One path per country, in world units (0..1)."""
    paths = []
    for feature in geojson["features"]:  # type: ignore[attr-defined]
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.OddEvenFill)
        for polygon in polygons:
            for ring in polygon:
                points = [world_xy(lon, lat) for lon, lat in ring]
                path.moveTo(QPointF(*points[0]))
                for x, y in points[1:]:
                    path.lineTo(QPointF(x, y))
                path.closeSubpath()
        paths.append(path)
    return paths


def draw_tile(paths: list[QPainterPath], z: int, x: int, y: int) -> bytes:
    scale = TILE * (1 << z)
    image = QImage(TILE, TILE, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    sea = QLinearGradient(0, 0, 0, TILE)
    sea.setColorAt(0, QColor("#a9cbe0"))
    sea.setColorAt(1, QColor("#93bbd6"))
    painter.fillRect(0, 0, TILE, TILE, QBrush(sea))
    painter.translate(-x * TILE, -y * TILE)
    painter.scale(scale, scale)
    grid = QPen(QColor(255, 255, 255, 90), 0)
    grid.setCosmetic(True)
    painter.setPen(grid)
    for lon in range(-180, 181, 10):
        wx, _ = world_xy(lon, 0)
        painter.drawLine(QPointF(wx, 0), QPointF(wx, 1))
    for lat in range(-80, 81, 10):
        _, wy = world_xy(0, lat)
        painter.drawLine(QPointF(0, wy), QPointF(1, wy))
    border = QPen(QColor("#7f8f6a"), 0.8)
    border.setCosmetic(True)
    painter.setPen(border)
    painter.setBrush(QColor("#dfe8c8"))
    for path in paths:
        painter.drawPath(path)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def tile_range(box: tuple[float, float, float, float], z: int) -> tuple[range, range]:
    south, west, north, east = box
    x0, y0 = world_xy(west, north)
    x1, y1 = world_xy(east, south)
    n = 1 << z
    return (
        range(max(0, int(x0 * n)), min(n, int(x1 * n) + 1)),
        range(max(0, int(y0 * n)), min(n, int(y1 * n) + 1)),
    )


def make(out: Path, max_zoom: int, region: tuple[float, float, float, float] | None) -> int:
    paths = land_paths(json.loads((HERE / "countries-50m.geojson").read_text("utf-8")))
    if out.exists():
        out.unlink()
    db = sqlite3.connect(out)
    db.executescript(
        "CREATE TABLE metadata (name TEXT, value TEXT);"
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
        " tile_data BLOB);"
        "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);"
    )
    zooms = [(z, (-MAX_LAT, -180.0, MAX_LAT, 180.0)) for z in range(max_zoom + 1)]
    if region is not None:
        zooms += [(max_zoom + 1, region), (max_zoom + 2, region)]
    count = 0
    for z, box in zooms:
        xs, ys = tile_range(box, z)
        for x in xs:
            for y in ys:
                row = (1 << z) - 1 - y  # TMS: rows from the south
                db.execute(
                    "INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, row, draw_tile(paths, z, x, y))
                )
                count += 1
    meta = {
        "name": "Sightline demo relief",
        "format": "png",
        "type": "baselayer",
        "bounds": "-180,-85.0511,180,85.0511",
        "minzoom": "0",
        "maxzoom": str(zooms[-1][0]),
        "attribution": "Demo tiles drawn from Natural Earth",
        "description": "Made by resources/basemap/make_demo_mbtiles.py",
    }
    db.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
    db.commit()
    db.close()
    return count


def main(argv: list[str] | None = None) -> int:
    from desktop_app.views.qt_workarounds import keep_none_alive

    keep_none_alive()  # PySide6 6.12 on Python 3.11 leaks references to None
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--max-zoom", type=int, default=4, help="world zooms 0..N (default 4)")
    parser.add_argument("--region", help="south,west,north,east: two more zooms over it")
    args = parser.parse_args(argv)
    region = None
    if args.region:
        s, w, n, e = (float(v) for v in args.region.split(","))
        region = (s, w, n, e)
    count = make(args.out, args.max_zoom, region)
    print(f"wrote {args.out} ({count} tiles)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
