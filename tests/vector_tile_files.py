"""Vector tile files for the basemap tests, made for real: Mapbox Vector Tiles (MVT 2.1)
encoded here with a few lines of protobuf, gzip-compressed as tippecanoe and
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
import struct
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import write

EXTENT = 4096
SEA = (10.0, 40.0, 20.0, 50.0)  # west, south, east, north
ROAD = ((22.0, 45.0), (40.0, 45.0))
WORLD = (-180.0, -85.0, 180.0, 85.0)
REGION = (-10.0, 20.0, 60.0, 65.0)  # tiles beyond z3 only where the scene is
POLYGON, LINE, POINT = 3, 2, 1

Feature = tuple[int, list[list[tuple[float, float]]], dict[str, Any]]


# ---------------------------------------------------------------------- protobuf
def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:  # length-delimited
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _number(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _zigzag(n: int) -> int:
    return (n << 1) ^ (n >> 31)


def _value(value: object) -> bytes:
    if isinstance(value, bool):
        return _number(7, int(value))
    if isinstance(value, int):
        return _varint(6 << 3) + _varint(_zigzag(value) & 0xFFFFFFFFFFFFFFFF)
    if isinstance(value, float):
        return _varint(3 << 3 | 1) + struct.pack("<d", value)
    return _field(1, str(value).encode())


def _geometry(kind: int, parts: list[list[tuple[int, int]]]) -> list[int]:
    commands: list[int] = []
    x = y = 0
    for part in parts:
        ring = part[:-1] if kind == POLYGON and part[0] == part[-1] else part
        for i, (px, py) in enumerate(ring):
            if i == 0:
                commands.append(1 | 1 << 3)  # MoveTo, 1
            elif i == 1 and kind != POINT:
                commands.append(2 | (len(ring) - 1) << 3)  # LineTo, the rest
            commands += [_zigzag(px - x), _zigzag(py - y)]
            x, y = px, py
        if kind == POLYGON:
            commands.append(7 | 1 << 3)  # ClosePath
    return commands


def encode_layer(
    name: str, features: list[tuple[int, list[list[tuple[int, int]]], dict[str, Any]]]
) -> bytes:
    keys: list[str] = []
    values: list[bytes] = []
    body = _number(15, 2) + _field(1, name.encode())
    for kind, parts, props in features:
        tags: list[int] = []
        for key, value in props.items():
            if key not in keys:
                keys.append(key)
            encoded = _value(value)
            if encoded not in values:
                values.append(encoded)
            tags += [keys.index(key), values.index(encoded)]
        packed_tags = b"".join(_varint(t) for t in tags)
        packed_geometry = b"".join(_varint(c) for c in _geometry(kind, parts))
        feature = _field(2, packed_tags) + _number(3, kind) + _field(4, packed_geometry)
        body += _field(2, feature)
    body += b"".join(_field(3, k.encode()) for k in keys)
    body += b"".join(_field(4, v) for v in values)
    body += _number(5, EXTENT)
    return _field(3, body)


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
