"""The analyst's own basemaps: raster MBTiles and PMTiles files, served to the map page.

A tile file is opened once (:func:`open_tile_file`, which checks it and reads its
metadata: format, bounds, zoom levels, attribution) and its tiles reach the page through
the ``sightline-tiles:`` URL scheme, answered by :class:`TileSchemeHandler` straight from
the file (SQLite for MBTiles, a memory map for PMTiles). Nothing goes over a network.

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
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from pmtiles.reader import Reader as PMTilesReader
from pmtiles.tile import Compression, MagicNumberNotFound, SpecVersionUnsupported, TileType
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject
from PySide6.QtWebEngineCore import (
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

log = logging.getLogger("sightline.map")

TILE_SCHEME = "sightline-tiles"
MIME = {"png": b"image/png", "jpg": b"image/jpeg", "webp": b"image/webp"}
_TAGS = re.compile(r"<[^>]*>")


class BasemapError(Exception):
    """A tile file that cannot be used, with the reason in the analyst's words."""


@dataclass(frozen=True)
class TileInfo:
    """What a tile file says of itself (bounds: south, west, north, east)."""

    name: str
    format: str  # png | jpg | webp
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float] | None
    attribution: str  # plain text (markup in the file is dropped)


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
    return "jpg" if value == "jpeg" else value


class MBTilesSource:
    """A raster MBTiles file (SQLite: ``metadata`` and ``tiles``), read only."""

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
        if fmt in ("pbf", "mvt"):
            self.close()
            raise BasemapError(
                f"{path.name} holds vector tiles; Sightline draws raster tiles "
                "(PNG, JPEG or WebP) only"
            )
        if fmt not in MIME:
            self.close()
            raise BasemapError(f"{path.name}: tiles in the format {fmt!r} cannot be shown")
        self.info = TileInfo(
            name=str(meta.get("name") or path.stem),
            format=fmt,
            min_zoom=_int(meta.get("minzoom"), int(low)),
            max_zoom=_int(meta.get("maxzoom"), int(high)),
            bounds=_bounds(meta.get("bounds")),
            attribution=plain_attribution(str(meta.get("attribution", ""))),
        )

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        row = (1 << z) - 1 - y  # TMS rows count from the south
        assert self._db is not None, "the file is closed"
        found = self._db.execute(
            "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
            (z, x, row),
        ).fetchone()
        return bytes(found[0]) if found and found[0] is not None else None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class PMTilesSource:
    """A raster PMTiles (v3) file, memory-mapped."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = path.open("rb")
        try:
            self._map: mmap.mmap | None = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
            self._reader = PMTilesReader(self._get)  # type: ignore[no-untyped-call]
            header = self._reader.header()  # type: ignore[no-untyped-call]
            metadata = self._reader.metadata()  # type: ignore[no-untyped-call]
        except (ValueError, OSError, MagicNumberNotFound, SpecVersionUnsupported) as exc:
            self.close()
            raise BasemapError(f"{path.name} is not a PMTiles file ({exc})") from exc
        kinds = {TileType.PNG: "png", TileType.JPEG: "jpg", TileType.WEBP: "webp"}
        if header["tile_type"] not in kinds:
            self.close()
            kind = header["tile_type"].name
            raise BasemapError(
                f"{path.name} holds {kind} tiles; Sightline draws raster tiles "
                "(PNG, JPEG or WebP) only"
            )
        self._gzip = header["tile_compression"] == Compression.GZIP
        e7 = 1e7
        bounds = (
            header["min_lat_e7"] / e7,
            header["min_lon_e7"] / e7,
            header["max_lat_e7"] / e7,
            header["max_lon_e7"] / e7,
        )
        meta = metadata if isinstance(metadata, dict) else {}
        self.info = TileInfo(
            name=str(meta.get("name") or path.stem),
            format=kinds[header["tile_type"]],
            min_zoom=int(header["min_zoom"]),
            max_zoom=int(header["max_zoom"]),
            bounds=bounds if bounds[0] < bounds[2] and bounds[1] < bounds[3] else None,
            attribution=plain_attribution(str(meta.get("attribution", ""))),
        )

    def _get(self, offset: int, length: int) -> bytes:
        assert self._map is not None
        return self._map[offset : offset + length]

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        data = self._reader.get(z, x, y)  # type: ignore[no-untyped-call]
        if data is None:
            return None
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
    scheme.setFlags(
        flags.SecureScheme | flags.LocalScheme | flags.LocalAccessAllowed | flags.CorsEnabled
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
        except (sqlite3.Error, OSError, ValueError) as exc:
            log.warning("tile %s/%s/%s of %s unreadable: %s", z, x, y, source.path.name, exc)
            data = None
        if data is None:
            self.missing += 1
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        buffer = QBuffer(job)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.served += 1
        job.reply(QByteArray(MIME[source.info.format]), buffer)
