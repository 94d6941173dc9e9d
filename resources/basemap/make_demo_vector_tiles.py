"""Make a demo vector basemap (MVT tiles) from the shipped Natural Earth outlines.

Each tile holds the land (the countries, cut to the tile) and the sea (the tile less
the land), in the layers and properties of a schema Sightline styles: ``protomaps``
(``earth`` and ``water``, kind ocean) or ``openmaptiles`` (``water``, class ocean, and
Antarctica as ``landcover`` class ice; land is the background there). Tiles are
gzip-compressed and the file declares its ``vector_layers``, as tippecanoe and
planetiler write them; an ``.mbtiles`` name gives MBTiles 1.3 (format pbf, TMS rows),
a ``.pmtiles`` name PMTiles v3 (tile type MVT). It is what an organisation's vector
basemap is, in small: no roads or names.

Usage::

    python3 resources/basemap/make_demo_vector_tiles.py OUT.pmtiles
    python3 resources/basemap/make_demo_vector_tiles.py OUT.mbtiles --schema openmaptiles \\
        --max-zoom 5
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import sqlite3
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXTENT = 4096
BUFFER = 64  # tile units kept beyond each edge, so no seam shows between tiles
MAX_LAT = 85.0511
Point = tuple[float, float]


def world_xy(lon: float, lat: float) -> Point:
    """Web-Mercator position, 0..1 across the world, y down."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return (lon + 180.0) / 360.0, 0.5 - y / (2 * math.pi)


def land_rings(geojson: dict[str, object], only: str | None = None) -> list[list[Point]]:
    """Every outer ring of every country (or of the one named ``only``), in world units
    (lakes are left as land)."""
    rings = []
    for feature in geojson["features"]:  # type: ignore[attr-defined]
        geometry = feature["geometry"]
        if not geometry or (only and (feature.get("properties") or {}).get("name") != only):
            continue
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        rings += [[world_xy(lon, lat) for lon, lat in polygon[0]] for polygon in polygons]
    return rings


def clip(ring: list[Point], low: float, high: float) -> list[Point]:
    """A ring cut to the square [low, high]² (Sutherland-Hodgman)."""

    def cut(points: list[Point], axis: int, edge: float, keep_above: bool) -> list[Point]:
        out: list[Point] = []
        for i, b in enumerate(points):
            a = points[i - 1]
            a_in = (a[axis] >= edge) == keep_above
            b_in = (b[axis] >= edge) == keep_above
            if a_in != b_in:
                t = (edge - a[axis]) / (b[axis] - a[axis])
                out.append((a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t))
            if b_in:
                out.append(b)
        return out

    points = ring
    for axis, edge, above in ((0, low, True), (0, high, False), (1, low, True), (1, high, False)):
        points = cut(points, axis, edge, above)
        if not points:
            break
    return points


def _area(ring: list[tuple[int, int]]) -> float:  # > 0: clockwise on screen (y down)
    return sum(ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1] for i in range(len(ring)))


def _cut(rings: list[list[Point]], z: int, x: int, y: int) -> list[list[tuple[int, int]]]:
    """The rings in tile z/x/y's units, cut to it (and its buffer), clockwise."""
    n = 1 << z
    low, high = -BUFFER, EXTENT + BUFFER
    land = []
    for ring in rings:
        local = [((wx * n - x) * EXTENT, (wy * n - y) * EXTENT) for wx, wy in ring]
        if (
            max(p[0] for p in local) < low
            or min(p[0] for p in local) > high
            or max(p[1] for p in local) < low
            or min(p[1] for p in local) > high
        ):
            continue
        cut = [(round(px), round(py)) for px, py in clip(local, low, high)]
        if len(cut) < 3 or abs(_area(cut)) < 4:
            continue
        land.append(cut if _area(cut) > 0 else cut[::-1])
    return land


def tile(rings: list[list[Point]], ice: list[list[Point]], z: int, x: int, y: int,
         schema: str) -> bytes:  # fmt: skip
    """One tile, gzip-compressed."""
    from desktop_app.views.map.vector_tiles import POLYGON, encode_layer

    low, high = -BUFFER, EXTENT + BUFFER
    land = _cut(rings, z, x, y)
    square = [(low, low), (high, low), (high, high), (low, high)]
    sea = (POLYGON, [square, *(ring[::-1] for ring in land)], {})  # the land as holes
    if schema == "protomaps":
        layers = [
            ("earth", [(POLYGON, [ring], {"kind": "earth"}) for ring in land]),
            ("water", [(sea[0], sea[1], {"kind": "ocean"})]),
        ]
    else:
        layers = [
            ("water", [(sea[0], sea[1], {"class": "ocean"})]),
            ("landcover", [(POLYGON, [r], {"class": "ice"}) for r in _cut(ice, z, x, y)]),
        ]
    data = b"".join(encode_layer(name, features, EXTENT) for name, features in layers)
    return gzip.compress(data, mtime=0)


def make(out: Path, schema: str, max_zoom: int) -> int:
    """Write the file; the number of tiles written."""
    outlines = json.loads((HERE / "countries-50m.geojson").read_text("utf-8"))
    rings, ice = land_rings(outlines), land_rings(outlines, "Antarctica")
    names = ["earth", "water"] if schema == "protomaps" else ["water", "landcover"]
    layers = [{"id": name, "fields": {}, "minzoom": 0, "maxzoom": max_zoom} for name in names]
    meta = {
        "name": f"Natural Earth demo ({schema})",
        "attribution": "Natural Earth (public domain), demo vector tiles",
    }
    zxy = [(z, x, y) for z in range(max_zoom + 1) for x in range(1 << z) for y in range(1 << z)]
    if out.exists():
        out.unlink()
    if out.suffix == ".pmtiles":
        from pmtiles.tile import Compression, TileType, zxy_to_tileid
        from pmtiles.writer import write

        with write(str(out)) as writer:
            for tile_id, z, x, y in sorted((zxy_to_tileid(*t), *t) for t in zxy):
                writer.write_tile(tile_id, tile(rings, ice, z, x, y, schema))
            writer.finalize(
                {
                    "tile_type": TileType.MVT,
                    "tile_compression": Compression.GZIP,
                    "min_zoom": 0,
                    "max_zoom": max_zoom,
                    "min_lon_e7": -1800000000,
                    "min_lat_e7": -850511000,
                    "max_lon_e7": 1800000000,
                    "max_lat_e7": 850511000,
                    "center_zoom": 1,
                    "center_lon_e7": 0,
                    "center_lat_e7": 0,
                },
                {**meta, "vector_layers": layers},
            )
        return len(zxy)
    db = sqlite3.connect(out)
    db.executescript(
        "CREATE TABLE metadata (name TEXT, value TEXT);"
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
        " tile_data BLOB);"
        "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);"
    )
    rows = {
        **meta,
        "format": "pbf",
        "bounds": "-180.0,-85.0511,180.0,85.0511",
        "minzoom": "0",
        "maxzoom": str(max_zoom),
        "type": "baselayer",
        "json": json.dumps({"vector_layers": layers}),
    }
    db.executemany("INSERT INTO metadata VALUES (?, ?)", rows.items())
    for z, x, y in zxy:
        db.execute(
            "INSERT INTO tiles VALUES (?, ?, ?, ?)",
            (z, x, (1 << z) - 1 - y, tile(rings, ice, z, x, y, schema)),
        )
    db.commit()
    db.close()
    return len(zxy)


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(HERE.parents[1]))  # desktop_app, from a source checkout
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("out", type=Path, help="OUT.mbtiles or OUT.pmtiles")
    parser.add_argument("--schema", choices=("protomaps", "openmaptiles"), default="protomaps")
    parser.add_argument("--max-zoom", type=int, default=4, help="zooms 0..N (default 4)")
    args = parser.parse_args(argv)
    if args.out.suffix not in (".mbtiles", ".pmtiles"):
        parser.error("the file's name ends in .mbtiles or .pmtiles")
    count = make(args.out, args.schema, args.max_zoom)
    print(f"wrote {args.out}: {count} tiles, zooms 0-{args.max_zoom}, {args.schema} schema")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
