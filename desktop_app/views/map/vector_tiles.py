"""Vector tiles (Mapbox Vector Tile, protobuf) in the analyst's MBTiles and PMTiles files.

The page draws them (``resources/map/sightline_vector.js``, with protomaps-leaflet);
here they are unpacked (gzip, as most files store them), checked (a tile whose protobuf
does not parse is never sent to the page), and the file's schema is named from its
layers, so that the page picks the paint rules that fit:

- ``protomaps``: the Protomaps basemap layers (earth, water, landuse, roads, ...);
- ``openmaptiles``: the OpenMapTiles layers (water, landcover, transportation, ...);
- ``generic``: any other schema, drawn layer by layer (polygons filled, lines stroked,
  points dotted).

No Qt here.
"""

from __future__ import annotations

import gzip
import json
import struct
import zlib

PROTOMAPS, OPENMAPTILES, GENERIC = "protomaps", "openmaptiles", "generic"
_OMT_ONLY = frozenset({"transportation", "landcover", "water_name", "transportation_name"})
_GZIP, _ZLIB = b"\x1f\x8b", (b"\x78\x01", b"\x78\x5e", b"\x78\x9c", b"\x78\xda")


class VectorTileError(ValueError):
    """Bytes that are not a (readable) vector tile."""


def unpack(data: bytes) -> bytes:
    """A tile's protobuf: gzip and zlib (as MBTiles writers store them) undone."""
    try:
        if data.startswith(_GZIP):
            return gzip.decompress(data)
        if data[:2] in _ZLIB:
            return zlib.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise VectorTileError(f"its compression is broken ({exc})") from exc
    return data


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(data) or shift > 63:
            raise VectorTileError("a number runs past the end of the tile")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7


def _fields(data: bytes) -> list[tuple[int, int, bytes | int]]:
    """The (field, wire type, value) of one protobuf message, its fields' bytes unread."""
    out: list[tuple[int, int, bytes | int]] = []
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        field, wire = key >> 3, key & 7
        if field == 0:
            raise VectorTileError("a field numbered 0")
        if wire == 0:
            value, at = _varint(data, at)
            out.append((field, wire, value))
        elif wire == 2:
            length, at = _varint(data, at)
            if at + length > len(data):
                raise VectorTileError("a field runs past the end of the tile")
            out.append((field, wire, data[at : at + length]))
            at += length
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            if at + size > len(data):
                raise VectorTileError("a field runs past the end of the tile")
            out.append((field, wire, data[at : at + size]))
            at += size
        else:
            raise VectorTileError(f"wire type {wire} is not protobuf a vector tile uses")
    return out


def layer_names(tile: bytes) -> list[str]:
    """The names of the layers of one (unpacked) vector tile, in the tile's order;
    :class:`VectorTileError` if its protobuf is not a vector tile's."""
    names: list[str] = []
    for field, wire, value in _fields(tile):
        if field != 3:
            continue  # a Tile holds layers (3) and, perhaps, extensions
        if wire != 2 or not isinstance(value, bytes):
            raise VectorTileError("a layer that is not a message")
        name = [v for f, w, v in _fields(value) if f == 1 and w == 2]
        if len(name) != 1 or not isinstance(name[0], bytes):
            raise VectorTileError("a layer without a name")
        try:
            names.append(name[0].decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise VectorTileError("a layer name that is not UTF-8") from exc
    return names


def checked(data: bytes) -> bytes:
    """A tile from the file, unpacked and checked (:class:`VectorTileError` says why not)."""
    tile = unpack(data)
    layer_names(tile)
    return tile


def declared_layers(metadata: object) -> list[str]:
    """The layer ids a file's metadata declares (``vector_layers``; in MBTiles it sits in
    the ``json`` row as text)."""
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            return []
    if not isinstance(metadata, dict):
        return []
    layers = metadata.get("vector_layers")
    if not isinstance(layers, list):
        return []
    return [str(layer["id"]) for layer in layers if isinstance(layer, dict) and layer.get("id")]


def schema_of(layers: list[str] | tuple[str, ...]) -> str:
    """Which shipped style fits a file with these layers."""
    names = set(layers)
    if "earth" in names or {"roads", "places"} <= names:
        return PROTOMAPS
    if names & _OMT_ONLY:
        return OPENMAPTILES
    return GENERIC


# ---------------------------------------------------------------------- writing
# (for the demo file maker, resources/basemap/make_demo_vector_tiles.py, and the tests)
POINT, LINE, POLYGON = 1, 2, 3
Part = list[tuple[int, int]]
TileFeature = tuple[int, list[Part], dict[str, object]]


def _write_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if not value:
            out.append(byte)
            return bytes(out)
        out.append(byte | 0x80)


def _message(number: int, payload: bytes) -> bytes:
    return _write_varint(number << 3 | 2) + _write_varint(len(payload)) + payload


def _number(number: int, value: int) -> bytes:
    return _write_varint(number << 3) + _write_varint(value)


def _zigzag(n: int) -> int:
    return ((n << 1) ^ (n >> 63)) & 0xFFFFFFFFFFFFFFFF


def _value(value: object) -> bytes:
    if isinstance(value, bool):
        return _number(7, int(value))
    if isinstance(value, int):
        return _number(6, _zigzag(value))
    if isinstance(value, float):
        return _write_varint(3 << 3 | 1) + struct.pack("<d", value)
    return _message(1, str(value).encode())


def _commands(kind: int, parts: list[Part]) -> list[int]:
    out: list[int] = []
    x = y = 0
    for part in parts:
        ring = part[:-1] if kind == POLYGON and len(part) > 1 and part[0] == part[-1] else part
        for i, (px, py) in enumerate(ring):
            if i == 0 or kind == POINT:
                out.append(1 | 1 << 3)  # MoveTo, one point
            elif i == 1:
                out.append(2 | (len(ring) - 1) << 3)  # LineTo, the rest
            out += [_zigzag(px - x), _zigzag(py - y)]
            x, y = px, py
        if kind == POLYGON:
            out.append(7 | 1 << 3)  # ClosePath
    return out


def encode_layer(name: str, features: list[TileFeature], extent: int = 4096) -> bytes:
    """One layer of a vector tile (MVT 2.1): geometry in tile units, y down; a polygon's
    outer rings clockwise on screen, its holes the other way."""
    keys: list[str] = []
    values: list[bytes] = []
    body = _number(15, 2) + _message(1, name.encode())
    for kind, parts, props in features:
        tags: list[int] = []
        for key, value in props.items():
            if key not in keys:
                keys.append(key)
            encoded = _value(value)
            if encoded not in values:
                values.append(encoded)
            tags += [keys.index(key), values.index(encoded)]
        feature = (
            _message(2, b"".join(_write_varint(t) for t in tags))
            + _number(3, kind)
            + _message(4, b"".join(_write_varint(c) for c in _commands(kind, parts)))
        )
        body += _message(2, feature)
    body += b"".join(_message(3, k.encode()) for k in keys)
    body += b"".join(_message(4, v) for v in values)
    return _message(3, body + _number(5, extent))
