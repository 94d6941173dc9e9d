"""The analyst's own basemaps: MBTiles and PMTiles files, served to the map page.

A tile file is opened once (:func:`open_tile_file`, which checks it and reads its
metadata: format, bounds, zoom levels, attribution) and its tiles reach the page through
the ``sightline-tiles:`` URL scheme, answered by :class:`TileSchemeHandler` straight from
the file (SQLite for MBTiles, a memory map for PMTiles). Nothing goes over a network.
Raster tiles (PNG, JPEG, WebP) go as they are; vector tiles (MVT) go unpacked and
checked (``vector_tiles.py``), and a tile the file lacks is an empty vector tile, so the
page draws nothing there rather than failing a request.

MBTiles rows are numbered from the south (TMS): tile ``y`` of the page is row
``2**z - 1 - y`` of the file. The scheme must be registered before the application
object exists (:func:`register_tile_scheme`, called by ``app/main.py`` and the tests).
"""

from __future__ import annotations

import gzip
import html
import logging
import mmap
import re
import sqlite3
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from pmtiles.reader import Reader as PMTilesReader
from pmtiles.reader import all_tiles
from pmtiles.tile import Compression, MagicNumberNotFound, SpecVersionUnsupported, TileType
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject
from PySide6.QtWebEngineCore import (
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from desktop_app.views.map import vector_tiles
from desktop_app.views.map.vector_tiles import VectorTileError

log = logging.getLogger("sightline.map")

TILE_SCHEME = "sightline-tiles"
VECTOR = "pbf"
MIME = {
    "png": b"image/png",
    "jpg": b"image/jpeg",
    "webp": b"image/webp",
    VECTOR: b"application/x-protobuf",
}
# what a damaged file raises on the way in, besides the readers' own errors
_DAMAGE = (ValueError, OSError, EOFError, zlib.error, struct.error, IndexError, KeyError)
_TAGS = re.compile(r"<[^>]*>")


class BasemapError(Exception):
    """A tile file that cannot be used, with the reason in the analyst's words."""


@dataclass(frozen=True)
class TileInfo:
    """What a tile file says of itself (bounds: south, west, north, east)."""

    name: str
    format: str  # png | jpg | webp | pbf (vector tiles)
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float] | None
    attribution: str  # plain text (markup in the file is dropped)
    layers: tuple[str, ...] = ()  # vector tiles: the layers, in the file's order
    schema: str = ""  # vector tiles: protomaps | openmaptiles | generic

    @property
    def vector(self) -> bool:
        return self.format == VECTOR


class TileSource(Protocol):
    path: Path
    info: TileInfo

    def tile(self, z: int, x: int, y: int) -> bytes | None: ...

    def close(self) -> None: ...


def plain_attribution(text: str) -> str:
    """A file's attribution as plain text: its tags dropped, its entities read."""
    return html.unescape(_TAGS.sub("", text)).strip()[:200]


def _format_name(value: str) -> str:
    value = value.strip().lower()
    return {"jpeg": "jpg", "mvt": VECTOR}.get(value, value)


def _vector_layers(path: Path, declared: list[str], sample: bytes | None) -> tuple[str, ...]:
    """The layers of a vector file: those its metadata declares, else those of its first
    tile, which is checked either way (:class:`BasemapError` if it is not readable)."""
    if sample is None:
        raise BasemapError(f"{path.name} holds no tiles")
    try:
        found = vector_tiles.layer_names(vector_tiles.unpack(sample))
    except VectorTileError as exc:
        raise BasemapError(f"{path.name} holds vector tiles that cannot be read: {exc}") from exc
    layers = declared or found
    if not layers:
        raise BasemapError(f"{path.name}: its vector tiles name no layer to draw")
    return tuple(dict.fromkeys(layers))


def _vector_tile(data: bytes | None) -> bytes | None:
    return None if data is None else vector_tiles.checked(data)


class MBTilesSource:
    """An MBTiles file (SQLite: ``metadata`` and ``tiles``), raster or vector, read only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        try:
            self._db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
            meta = dict(self._db.execute("SELECT name, value FROM metadata").fetchall())
            zooms = self._db.execute("SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles")
            low, high = zooms.fetchone()
        except sqlite3.DatabaseError as exc:
            self.close()
            raise BasemapError(
                f"{path.name} is not an MBTiles file (no metadata and tiles tables: {exc})"
            ) from exc
        if low is None:
            self.close()
            raise BasemapError(f"{path.name} holds no tiles")
        fmt = _format_name(str(meta.get("format", "png")))
        if fmt not in MIME:
            self.close()
            raise BasemapError(f"{path.name}: tiles in the format {fmt!r} cannot be shown")
        layers: tuple[str, ...] = ()
        if fmt == VECTOR:
            try:
                first = self._db.execute(
                    "SELECT tile_data FROM tiles WHERE zoom_level=? LIMIT 1", (low,)
                ).fetchone()
                sample = bytes(first[0]) if first and first[0] is not None else None
                layers = _vector_layers(
                    path, vector_tiles.declared_layers(meta.get("json")), sample
                )
            except sqlite3.DatabaseError as exc:
                self.close()
                raise BasemapError(f"{path.name}: its tiles cannot be read ({exc})") from exc
            except BasemapError:
                self.close()
                raise
        self.info = TileInfo(
            name=str(meta.get("name") or path.stem),
            format=fmt,
            min_zoom=_int(meta.get("minzoom"), int(low)),
            max_zoom=_int(meta.get("maxzoom"), int(high)),
            bounds=_bounds(meta.get("bounds")),
            attribution=plain_attribution(str(meta.get("attribution", ""))),
            layers=layers,
            schema=vector_tiles.schema_of(layers) if layers else "",
        )

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        row = (1 << z) - 1 - y  # TMS rows count from the south
        assert self._db is not None, "the file is closed"
        found = self._db.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
            (z, x, row),
        ).fetchone()
        data = bytes(found[0]) if found and found[0] is not None else None
        return _vector_tile(data) if self.info.vector else data

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class PMTilesSource:
    """A PMTiles (v3) file, raster or vector (MVT), memory-mapped."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = path.open("rb")
        try:
            self._map: mmap.mmap | None = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
            self._reader = PMTilesReader(self._get)  # type: ignore[no-untyped-call]
            header = self._reader.header()  # type: ignore[no-untyped-call]
            metadata = self._reader.metadata()  # type: ignore[no-untyped-call]
        except (*_DAMAGE, MagicNumberNotFound, SpecVersionUnsupported) as exc:
            self.close()
            raise BasemapError(f"{path.name} is not a PMTiles file ({exc})") from exc
        size = len(self._map)
        ends = (
            header["root_offset"] + header["root_length"],
            header["metadata_offset"] + header["metadata_length"],
            header["leaf_directory_offset"] + header["leaf_directory_length"],
            header["tile_data_offset"] + header["tile_data_length"],
        )
        if max(ends) > size:  # a copy or a download that stopped short
            self.close()
            raise BasemapError(
                f"{path.name} is cut short: it should hold {max(ends):,} bytes and holds "
                f"{size:,} (an unfinished copy or download?)"
            )
        kinds = {
            TileType.PNG: "png",
            TileType.JPEG: "jpg",
            TileType.WEBP: "webp",
            TileType.MVT: VECTOR,
        }
        if header["tile_type"] not in kinds:
            self.close()
            kind = header["tile_type"].name
            raise BasemapError(
                f"{path.name} holds {kind} tiles; Sightline draws PNG, JPEG, WebP "
                "and vector (MVT) tiles"
            )
        self._gzip = header["tile_compression"] == Compression.GZIP
        meta = metadata if isinstance(metadata, dict) else {}
        layers: tuple[str, ...] = ()
        if kinds[header["tile_type"]] == VECTOR:
            try:
                first = next(all_tiles(self._get), None)  # type: ignore[no-untyped-call]
                sample = bytes(first[1]) if first is not None else None
                layers = _vector_layers(path, vector_tiles.declared_layers(meta), sample)
            except _DAMAGE as exc:
                self.close()
                raise BasemapError(f"{path.name}: its tiles cannot be read ({exc})") from exc
            except BasemapError:
                self.close()
                raise
        e7 = 1e7
        bounds = (
            header["min_lat_e7"] / e7,
            header["min_lon_e7"] / e7,
            header["max_lat_e7"] / e7,
            header["max_lon_e7"] / e7,
        )
        self.info = TileInfo(
            name=str(meta.get("name") or path.stem),
            format=kinds[header["tile_type"]],
            min_zoom=int(header["min_zoom"]),
            max_zoom=int(header["max_zoom"]),
            bounds=bounds if bounds[0] < bounds[2] and bounds[1] < bounds[3] else None,
            attribution=plain_attribution(str(meta.get("attribution", ""))),
            layers=layers,
            schema=vector_tiles.schema_of(layers) if layers else "",
        )

    def _get(self, offset: int, length: int) -> bytes:
        assert self._map is not None
        return self._map[offset : offset + length]

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        data = self._reader.get(z, x, y)  # type: ignore[no-untyped-call]
        if data is None:
            return None
        if self.info.vector:
            return _vector_tile(bytes(data))
        return gzip.decompress(data) if self._gzip else bytes(data)

    def close(self) -> None:
        if getattr(self, "_map", None) is not None:
            self._map.close()  # type: ignore[union-attr]
            self._map = None
        if self._file is not None:
            self._file.close()
            self._file = None


def _int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default


def _bounds(value: object) -> tuple[float, float, float, float] | None:
    """MBTiles' "west,south,east,north" as (south, west, north, east)."""
    try:
        west, south, east, north = (float(v) for v in str(value).split(","))
    except (TypeError, ValueError):
        return None
    if not (-90 <= south < north <= 90 and -180 <= west < east <= 180):
        return None
    return south, west, north, east


def open_tile_file(path: str | Path) -> TileSource:
    """An MBTiles or PMTiles file, checked; :class:`BasemapError` says why one is not."""
    path = Path(path)
    if not path.is_file():
        raise BasemapError(f"{path} does not exist")
    with path.open("rb") as f:
        head = f.read(16)
    if head.startswith(b"PMTiles"):
        return PMTilesSource(path)
    if head.startswith(b"SQLite format 3"):
        return MBTilesSource(path)
    raise BasemapError(f"{path.name} is neither an MBTiles nor a PMTiles file")


def register_tile_scheme() -> None:
    """Declare ``sightline-tiles:`` to the web engine (before the QApplication exists)."""
    name = TILE_SCHEME.encode()
    if QWebEngineUrlScheme.schemeByName(QByteArray(name)).name():
        return
    scheme = QWebEngineUrlScheme(QByteArray(name))
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Path)
    flags = QWebEngineUrlScheme.Flag
    scheme.setFlags(  # fetched too (FetchApiAllowed): the page's vector renderer fetches
        flags.SecureScheme
        | flags.LocalScheme
        | flags.LocalAccessAllowed
        | flags.CorsEnabled
        | flags.FetchApiAllowed
    )
    QWebEngineUrlScheme.registerScheme(scheme)


def close_all(sources: dict[str, TileSource]) -> None:
    """Close every tile file of ``sources`` and forget them."""
    while sources:
        sources.popitem()[1].close()


class TileSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers ``sightline-tiles:TOKEN/z/x/y`` from the tile file of that token.

    ``served`` and ``missing`` count the tiles answered and those the file lacks."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sources: dict[str, TileSource] = {}
        self.served = 0
        self.missing = 0
        sources = self._sources  # closed with the handler (no reference to it kept)
        self.destroyed.connect(lambda *_: close_all(sources))

    def add(self, token: str, source: TileSource) -> None:
        self._sources[token] = source

    def drop(self, token: str) -> None:
        source = self._sources.pop(token, None)
        if source is not None:
            source.close()

    def close(self) -> None:
        close_all(self._sources)

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # Qt override
        parts = job.requestUrl().path().strip("/").split("/")
        source = self._sources.get(parts[0]) if parts else None
        try:
            z, x, y = (int(p) for p in parts[1:4])
        except ValueError:
            source = None
        if source is None or len(parts) != 4:
            job.fail(QWebEngineUrlRequestJob.Error.UrlInvalid)
            return
        try:
            data = source.tile(z, x, y)
        except (sqlite3.Error, *_DAMAGE) as exc:  # a VectorTileError is a ValueError
            log.warning("tile %s/%s/%s of %s unreadable: %s", z, x, y, source.path.name, exc)
            data = None
        if data is None:
            self.missing += 1
            if not source.info.vector:
                job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
                return
            data = b""  # an empty vector tile: nothing drawn there, no failed request
        else:
            self.served += 1
        buffer = QBuffer(job)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(QByteArray(MIME[source.info.format]), buffer)
