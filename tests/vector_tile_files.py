"""Vector tile files for the basemap tests, made for real: Mapbox Vector Tiles (MVT 2.1,
written by ``vector_tiles.encode_layer``; the page's renderer reads them, and so does
Mapbox's own decoder, ``@mapbox/vector-tile``), gzip-compressed as tippecanoe and
planetiler store them, in MBTiles (``format`` pbf, ``json`` vector_layers) and PMTiles
(tile type MVT, its metadata's vector_layers).

Each file holds one small scene, in the layers and property names of a schema:
a sea (a water polygon, lon 10..20, lat 40..50), a motorway along lat 45 from lon 22
to 40, and for the schemas that have one, land everywhere (Protomaps' ``earth``).
"""

from __future__ import annotations

import gzip
import json
import math
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import write

from desktop_app.views.map.vector_tiles import LINE, POINT, POLYGON, encode_layer

EXTENT = 4096
SEA = (10.0, 40.0, 20.0, 50.0)  # west, south, east, north
ROAD = ((22.0, 45.0), (40.0, 45.0))
WORLD = (-180.0, -85.0, 180.0, 85.0)
REGION = (-10.0, 20.0, 60.0, 65.0)  # tiles beyond z3 only where the scene is

Feature = tuple[int, list[list[tuple[float, float]]], dict[str, Any]]


# ---------------------------------------------------------------------- the scene
def _tile_xy(lon: float, lat: float, z: int, x: int, y: int) -> tuple[int, int]:
    """A lon/lat in the extent units of tile z/x/y (web mercator, y down)."""
    n = 1 << z
    fx = (lon + 180.0) / 360.0 * n
    s = math.sin(math.radians(max(min(lat, 85.0511), -85.0511)))
    fy = (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * n
    return round((fx - x) * EXTENT), round((fy - y) * EXTENT)


def _box(west: float, south: float, east: float, north: float) -> list[tuple[float, float]]:
    # clockwise on screen (y down): the exterior ring of MVT 2
    return [(west, north), (east, north), (east, south), (west, south), (west, north)]


def scene(schema: str) -> dict[str, list[Feature]]:
    """The scene's layers (lon/lat geometry) in a schema's names."""
    sea, road = [_box(*SEA)], [list(ROAD)]
    if schema == "protomaps":
        return {
            "earth": [(POLYGON, [_box(*WORLD)], {"kind": "earth"})],
            "water": [(POLYGON, sea, {"kind": "ocean"})],
            "roads": [(LINE, road, {"kind": "highway", "kind_detail": "motorway"})],
            "places": [(POINT, [[(37.6, 55.75)]], {"kind": "locality", "name": "Moscow"})],
        }
    if schema == "openmaptiles":
        return {
            "water": [(POLYGON, sea, {"class": "ocean"})],
            "transportation": [(LINE, road, {"class": "motorway"})],
            "place": [(POINT, [[(37.6, 55.75)]], {"class": "city", "name": "Moscow"})],
        }
    return {  # a schema neither style knows
        "zones": [(POLYGON, [_box(-5.0, 30.0, 5.0, 40.0)], {"id": 1})],
        "lakes": [(POLYGON, sea, {"id": 2})],
        "tracks": [(LINE, road, {"id": 3})],
        "wells": [(POINT, [[(30.0, 50.0)]], {"id": 4})],
    }


def tile(layers: dict[str, list[Feature]], z: int, x: int, y: int) -> bytes:
    """One tile of the scene, gzip-compressed (the geometry is not clipped: MVT allows
    coordinates beyond the extent, and the page clips to the tile)."""
    out = b""
    for name, features in layers.items():
        projected = [
            (kind, [[_tile_xy(lon, lat, z, x, y) for lon, lat in part] for part in parts], props)
            for kind, parts, props in features
        ]
        out += encode_layer(name, projected)
    return gzip.compress(out, mtime=0)


def tiles_of(zooms: range) -> Iterable[tuple[int, int, int]]:
    for z in zooms:
        n = 1 << z
        if z <= 3:
            columns, rows = range(n), range(n)
        else:
            west, south, east, north = REGION
            x0, y0 = _tile_xy(west, north, z, 0, 0)
            x1, y1 = _tile_xy(east, south, z, 0, 0)
            columns = range(x0 // EXTENT, x1 // EXTENT + 1)
            rows = range(y0 // EXTENT, y1 // EXTENT + 1)
        for x in columns:
            for y in rows:
                yield z, x, y


def _vector_layers(layers: dict[str, list[Feature]], zooms: range) -> list[dict[str, Any]]:
    return [
        {"id": name, "fields": {}, "minzoom": zooms.start, "maxzoom": zooms.stop - 1}
        for name in layers
    ]


def make_vector_mbtiles(
    path: Path, schema: str, zooms: range = range(0, 7), declare: bool = True
) -> Path:
    """An MBTiles file of the scene; ``declare`` False leaves out the ``json`` row (the
    layers are then found in the tiles)."""
    layers = scene(schema)
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE metadata (name TEXT, value TEXT);"
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
        " tile_data BLOB);"
        "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);"
    )
    meta = {
        "name": f"Test {schema} vector tiles",
        "format": "pbf",
        "bounds": "-180.0,-85.0511,180.0,85.0511",
        "minzoom": str(zooms.start),
        "maxzoom": str(zooms.stop - 1),
        "attribution": f"Vector test ({schema})",
        "type": "baselayer",
    }
    if declare:
        meta["json"] = json.dumps({"vector_layers": _vector_layers(layers, zooms)})
    db.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
    for z, x, y in tiles_of(zooms):
        db.execute(
            "INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, (1 << z) - 1 - y, tile(layers, z, x, y))
        )
    db.commit()
    db.close()
    return path


def make_vector_pmtiles(path: Path, schema: str, zooms: range = range(0, 7)) -> Path:
    layers = scene(schema)
    found = sorted((zxy_to_tileid(z, x, y), z, x, y) for z, x, y in tiles_of(zooms))
    with write(str(path)) as writer:
        for tile_id, z, x, y in found:
            writer.write_tile(tile_id, tile(layers, z, x, y))
        writer.finalize(
            {
                "tile_type": TileType.MVT,
                "tile_compression": Compression.GZIP,
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
            {
                "name": f"Test {schema} PMTiles",
                "attribution": f"PM vector test ({schema})",
                "vector_layers": _vector_layers(layers, zooms),
            },
        )
    return path
