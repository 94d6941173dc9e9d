"""Google Earth KML and KMZ files: one row per Placemark.

Columns (see ``geo_tables.py`` for the rules shared with GeoJSON):

- ``name`` (the importer's title), ``description`` (kept as the text it is: HTML in it
  is never rendered, here or anywhere in Sightline),
- ``when``: the TimeStamp's ``when``, else the TimeSpan's ``begin``; ``end``: the
  TimeSpan's ``end`` when it differs from ``begin`` (a TimeSpan of 2023 to 2023 is the
  year 2023, not a range). xsd:gYear, gYearMonth, date and dateTime keep their precision.
- ``category``: the names of the Folders around the placemark, outer first, joined
  with " / ".
- ``lat``/``lon``: a Point's coordinates (the first Point of a MultiGeometry). A
  placemark with only lines or polygons gets the mean of their vertices (see
  ``geo_tables.centroid``); one with no geometry has no location.
- every ExtendedData ``Data`` (its ``value``) and ``SchemaData/SimpleData`` by its name.
  A data field named like one of the columns above replaces it (the author said what it
  holds), except ``lat``/``lon``, which always come from the geometry.

Safety: the XML is parsed by expat with handlers that refuse any DOCTYPE or ENTITY
declaration (so no entity expansion and no external entities, whatever expat's version);
parameter entities are never parsed. A KMZ is a ZIP: the KML inside (``doc.kml``, else
the first ``.kml``) is refused from the ZIP directory when it is too large or compressed
too well to be real, and its reading stops at the same limit whatever the directory says.
"""

from __future__ import annotations

import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO
from xml.parsers import expat

from desktop_app.ingest.filecheck import UnreadableFile
from desktop_app.ingest.geo_tables import (
    MAX_FILE_BYTES,
    centroid,
    checked_size,
    number_text,
    put_data,
    table_of,
)
from desktop_app.ingest.rawtable import RawTable

FIRST_COLUMNS = ("name", "description", "when", "end", "category", "lat", "lon")
MAX_RATIO = 100  # uncompressed / compressed size of the KML inside a KMZ
CHUNK = 1 << 20
_TEXT = frozenset(
    {"name", "description", "when", "begin", "end", "coordinates", "value", "SimpleData"}
)


class _Refused(Exception):
    pass


class _Placemarks:
    """expat handlers that collect one record per Placemark."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.folders: list[str] = []
        self.records: list[dict[str, str]] = []
        self.fields: dict[str, str] | None = None  # the open placemark's own fields
        self.data: dict[str, str] = {}  # its ExtendedData
        self.point: tuple[float, float] | None = None
        self.vertices: list[tuple[float, float]] = []
        self.text: list[str] | None = None
        self.data_name = ""

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = tag.rpartition(":")[2]
        parent = self.stack[-1] if self.stack else ""
        self.stack.append(name)
        if name == "Folder":
            self.folders.append("")
        elif name == "Placemark":
            self.fields, self.data = {}, {}
            self.point, self.vertices = None, []
        if self.fields is not None:
            if name in _TEXT:
                self.text = []
            if name in ("Data", "SimpleData"):
                self.data_name = attrs.get("name", "")
        elif name == "name" and parent == "Folder":
            self.text = []

    def chars(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)

    def end(self, tag: str) -> None:
        name = self.stack.pop()
        parent = self.stack[-1] if self.stack else ""
        value = "".join(self.text).strip() if self.text is not None and name in _TEXT else None
        if name in _TEXT:
            self.text = None
        fields = self.fields
        if name == "Folder":
            self.folders.pop()
        elif fields is None:
            if name == "name" and parent == "Folder" and value is not None:
                self.folders[-1] = value
        elif name == "Placemark":
            self._finish(fields)
        elif value is None:
            return
        elif name in ("name", "description") and parent == "Placemark":
            fields[name] = value
        elif (name, parent) in (("when", "TimeStamp"), ("begin", "TimeSpan")):
            fields["when"] = value
        elif name == "end" and parent == "TimeSpan":
            fields["_end"] = value
        elif name == "coordinates":
            if parent == "Point":  # as written: an impossible one is rejected by the checks
                points = _coordinates(value, checked=False)
                if self.point is None and points:
                    self.point = points[0]
            else:
                self.vertices.extend(_coordinates(value))
        elif (name == "value" and parent == "Data") or name == "SimpleData":
            put_data(self.data, self.data_name, value, "data")

    def _finish(self, fields: dict[str, str]) -> None:
        end = span_end(fields.get("when", ""), fields.pop("_end", ""))
        if end:
            fields["end"] = end
        category = " / ".join(f for f in self.folders if f)
        if category:
            fields["category"] = category
        record = {**fields, **self.data}
        where = self.point or centroid(self.vertices)
        if where is not None:
            record["lat"], record["lon"] = number_text(where[1]), number_text(where[0])
        self.records.append(record)
        self.fields = None


def span_end(begin: str, end: str) -> str:
    """A TimeSpan's end as the importer reads an end ('' when the span is one period).

    A date end (2023, 2023-05, 2023-05-16) names the last period the span covers, as an
    end column does. A dateTime end is the instant the span stops: the importer reads an
    end as "through this minute", so it becomes the minute before (09:31:00 -> 09:30);
    a span ending a minute after it begins is that one minute."""
    if not end or end == begin:
        return ""
    if "T" not in end:
        return end
    try:
        stop = datetime.fromisoformat(end.replace("z", "Z"))
    except ValueError:
        return end  # the checks report it as a bad end date, with its row
    last = stop.replace(second=0, microsecond=0)
    if last == stop:
        last -= timedelta(minutes=1)
    try:
        if datetime.fromisoformat(begin) == last:
            return ""
    except (ValueError, TypeError):  # a date begin, or one with and one without a zone
        pass
    return last.isoformat(timespec="minutes")


def _coordinates(text: str, *, checked: bool = True) -> list[tuple[float, float]]:
    """``lon,lat[,alt]`` tuples separated by white space; unreadable ones (and with
    ``checked``, out-of-range ones) are left out (fewer vertices, or no location)."""
    points = []
    for item in text.split():
        parts = item.split(",")
        try:
            lon, lat = float(parts[0]), float(parts[1])
        except (ValueError, IndexError):
            continue
        if not checked or (-90 <= lat <= 90 and -180 <= lon <= 180):
            points.append((lon, lat))
    return points


def _refuse_doctype(*_args: object) -> None:
    raise _Refused(
        "the KML declares a DOCTYPE or entities; such files are refused "
        "(entity expansion can exhaust memory)"
    )


def parse_kml(stream: IO[bytes], limit: int = MAX_FILE_BYTES) -> list[dict[str, str]]:
    """The placemark records of a KML document read from ``stream``."""
    handler = _Placemarks()
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_doctype
    parser.ExternalEntityRefHandler = _refuse_doctype  # type: ignore[assignment]
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.chars
    parser.buffer_text = True
    total = 0
    try:
        while block := stream.read(CHUNK):
            total += len(block)
            if total > limit:
                raise UnreadableFile(f"the KML is larger than {limit >> 20} MB")
            parser.Parse(block, False)
        parser.Parse(b"", True)
    except _Refused as exc:
        raise UnreadableFile(str(exc)) from None
    except expat.ExpatError as exc:
        raise UnreadableFile(
            f"this is not readable KML: {expat.errors.messages[exc.code]} (line {exc.lineno})"
        ) from None
    return handler.records


def read_kml(path: Path) -> RawTable:
    """A KML or KMZ file as a table, one row per placemark (row = its position, from 1)."""
    checked_size(path)
    with path.open("rb") as handle:
        zipped = handle.read(4) == b"PK\x03\x04"
    if not zipped:
        with path.open("rb") as handle:
            return table_of(parse_kml(handle), FIRST_COLUMNS, encoding="kml", what="placemarks")
    return table_of(_read_kmz(path), FIRST_COLUMNS, encoding="kmz", what="placemarks")


def _read_kmz(path: Path) -> list[dict[str, str]]:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = [
                i
                for i in archive.infolist()
                if i.filename.lower().endswith(".kml") and not i.is_dir()
            ]
            if not entries:
                raise UnreadableFile("the KMZ holds no .kml file")
            entry = next((i for i in entries if i.filename.lower() == "doc.kml"), entries[0])
            if entry.file_size > MAX_FILE_BYTES:
                raise UnreadableFile(
                    f"the KML inside the KMZ is {entry.file_size >> 20:,} MB; "
                    f"up to {MAX_FILE_BYTES >> 20} MB is read"
                )
            if entry.file_size > CHUNK and entry.file_size > MAX_RATIO * max(
                entry.compress_size, 1
            ):
                raise UnreadableFile(
                    "the KML inside the KMZ is compressed more than "
                    f"{MAX_RATIO}:1 (a ZIP bomb?); refused"
                )
            with archive.open(entry) as stream:
                return parse_kml(stream, min(MAX_FILE_BYTES, max(entry.file_size, 0) + 1))
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(f"this is not a readable KMZ (ZIP) file: {exc}") from None
    except (RuntimeError, NotImplementedError) as exc:  # encrypted or unknown compression
        raise UnreadableFile(f"cannot open the KML inside the KMZ: {exc}") from None
