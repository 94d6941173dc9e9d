"""Visible events as GeoJSON (RFC 7946) and KML 2.2, written one event at a time.

GeoJSON: a FeatureCollection with one Feature per event. A located event is a Point
``[lon, lat]``; an unlocated event is kept as a Feature with ``"geometry": null``
(valid GeoJSON, RFC 7946 section 3.2), so the file lists the same events as the CSV and a
GIS simply does not draw those. Properties: id, external_id, title, description, date
(ISO text at its precision), precision, end, category, place, country, geo_precision,
actors, tags, reliability, credibility and sources (title, publisher, url, date).

KML: a Document with one Placemark per located event (KML has no place for an event
without coordinates; unlocated events are left out, the Document's description says
so and the writer returns how many). Name and description are text (ElementTree
escapes them; nothing is
written as HTML), the TimeSpan is the event's whole span at its precision (begin
2023, end 2023 for a year-only event; xsd:gYear/gYearMonth/date/dateTime), and the
other fields go in ExtendedData.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from desktop_app.domain.dates import Precision, from_seconds, iso_text
from desktop_app.export import columns, records
from desktop_app.export.columns import join, json_array, list_join, text
from desktop_app.export.records import ExportEvent, chunks_of, safe_file

KML_NS = "http://www.opengis.net/kml/2.2"


# ---------------------------------------------------------------------- GeoJSON
def feature_of(event: ExportEvent) -> dict[str, Any]:
    geometry = (
        {"type": "Point", "coordinates": [event.longitude, event.latitude]}
        if event.located
        else None
    )
    return {
        "type": "Feature",
        "id": event.id,
        "geometry": geometry,
        "properties": {
            "id": event.id,
            "external_id": event.external_id,
            "title": event.title,
            "description": event.description,
            "date": event.date,
            "precision": event.precision_name,
            "end": event.end or None,
            "category": event.category,
            "place": event.place,
            "country": event.country,
            "geo_precision": event.geo_precision,
            "actors": list(event.actors),
            "tags": list(event.tags),
            "reliability": event.reliability,
            "credibility": event.credibility,
            "sources": [
                {"title": s.title, "publisher": s.publisher, "url": s.url, "date": s.date}
                for s in event.sources
            ],
        },
    }


#: one Feature as ``json.dumps(feature_of(event), ensure_ascii=False)`` writes it
FEATURE = (
    '{"type": "Feature", "id": %s, "geometry": %s, "properties": {"id": %s, '
    '"external_id": %s, "title": %s, "description": %s, "date": %s, "precision": %s, '
    '"end": %s, "category": %s, "place": %s, "country": %s, "geo_precision": %s, '
    '"actors": %s, "tags": %s, "reliability": %s, "credibility": %s, "sources": %s}}'
)
POINT = '{"type": "Point", "coordinates": [%s, %s]}'
#: one source as json.dumps writes {"title": ..., "publisher": ..., "url": ..., "date": ...}
SOURCE = '{"title": %s, "publisher": %s, "url": %s, "date": %s}'


def _template(form: str, *values: pa.Array) -> pa.Array:
    """``form % values`` row by row, in Arrow (null if a value is)."""
    pieces = form.split("%s")
    parts: list[Any] = [text(pieces[0])]
    for value, piece in zip(values, pieces[1:], strict=True):
        parts += [value, text(piece)]
    return join(*parts)


def _json_lists(values: pa.Array, sizes: np.ndarray) -> pa.Array:
    """Per row, ``json.dumps`` of the list of its ``sizes[i]`` consecutive JSON values."""
    return join(text("["), list_join(values, sizes, ", "), text("]"))


#: :data:`FEATURE` with its date, end and precision made as one part, and its place,
#: country and geo_precision as another (each once per distinct date or place)
_FEATURE = FEATURE.replace('%s, "precision": %s, "end": %s', "%s").replace(
    '%s, "country": %s, "geo_precision": %s', "%s"
)
_DATES = '%s, "precision": %s, "end": %s'
_PLACE = '%s, "country": %s, "geo_precision": %s'


def _keys(table: pa.Table, *names: str) -> list[np.ndarray]:
    return [np.asarray(pc.fill_null(table.column(n), -1), np.int64) for n in names]


def _dates(rows: pa.Table) -> pa.Array:
    precision = rows.column("precision").to_numpy()
    ends = columns.end_array(rows.column("end_s").combine_chunks())
    return _template(
        _DATES,
        json_array(columns.start_array(rows.column("start_s").to_numpy(), precision)),
        json_array(columns.precision_array(precision)),
        pc.if_else(pc.equal(ends, text("")), text("null"), json_array(ends)),
    )


def _place(rows: pa.Table) -> pa.Array:
    return _template(
        _PLACE, *(json_array(rows.column(n)) for n in ("place", "country", "geo_precision"))
    )


def _geometry(rows: pa.Table) -> pa.Array:
    latitude = rows.column("latitude").combine_chunks()
    longitude = rows.column("longitude").combine_chunks()
    located = pc.and_(pc.is_valid(latitude), pc.is_valid(longitude))
    point = _template(
        POINT, columns.number_array(longitude, "null"), columns.number_array(latitude, "null")
    )
    return pc.if_else(located, point, text("null"))


def feature_lines(table: pa.Table) -> tuple[pa.Array, int]:
    """The Feature text of each event of a chunk (what :func:`feature_of` gives, as
    ``json.dumps`` writes it) and how many are located: whole columns at a time in
    Arrow, dates and places once per distinct one."""
    column = {name: table.column(name).combine_chunks() for name in table.column_names}
    located = pc.and_(pc.is_valid(column["latitude"]), pc.is_valid(column["longitude"]))
    place_keys = _keys(table, "place_key")
    ids = column["id"].cast(columns.TEXT)
    actors, actor_counts = columns.flat(column["actors"])
    tags, tag_counts = columns.flat(column["tags"])
    sources, source_counts = columns.flat(column["sources"])
    source_objects = _template(
        SOURCE, *(json_array(sources.field(name)) for name in ("title", "publisher", "url", "date"))
    )
    credibility = pc.fill_null(column["credibility"].cast(columns.TEXT), text("null"))
    lines = _template(
        _FEATURE,
        ids,
        columns.by_rows(table, place_keys, _geometry),
        ids,
        json_array(column["external_id"]),
        json_array(column["title"]),
        json_array(column["description"]),
        columns.by_rows(table, _keys(table, "start_s", "precision", "end_s"), _dates),
        json_array(column["category"]),
        columns.by_rows(table, place_keys, _place),
        _json_lists(json_array(actors), actor_counts),
        _json_lists(json_array(tags), tag_counts),
        json_array(column["reliability"]),
        credibility,
        _json_lists(source_objects, source_counts),
    )
    return lines, int(pc.sum(located.cast(pa.int64())).as_py() or 0)


def write_geojson(
    target: Path | IO[Any],
    events: Iterable[ExportEvent],
    name: str = "Sightline events",
) -> tuple[int, int]:
    """Write a FeatureCollection, one Feature a line; returns (features, of which
    located). A path is written beside it and renamed when complete."""
    if isinstance(target, Path):
        with safe_file(target) as handle:
            return write_geojson(handle, events, name)
    binary = not isinstance(target, io.TextIOBase)

    def write(data: pa.Buffer | str) -> None:
        if isinstance(data, str):
            target.write(data.encode() if binary else data)
        else:
            target.write(data if binary else data.to_pybytes().decode())

    write('{"type": "FeatureCollection", "name": ' + json.dumps(name) + ', "features": [\n')
    features = located = 0
    for table in chunks_of(events):
        if len(table):
            lines, chunk_located = feature_lines(table)
            if features:
                write(",\n")
            data = columns.buffer_of(join(lines, text(",\n")))
            write(data.slice(0, data.size - 2))  # no comma after the chunk's last
            features += len(table)
            located += chunk_located
    write("\n]}\n")
    return features, located


# ---------------------------------------------------------------------- KML
def kml_time(seconds: int, precision: int, *, last: bool = False) -> str:
    """An instant as the XML Schema type that keeps its precision (KML 2.2 TimeSpan):
    for ``last`` the last moment of the span ending (exclusive) at ``seconds``."""
    p = Precision(int(precision))
    if p is not Precision.MINUTE:  # 2023, 2023-05, 2023-05-14: the ISO text of the precision
        return iso_text(from_seconds(int(seconds) - 1 if last else int(seconds)), p)
    # minutes: the span's first and its (exclusive) end instant
    return from_seconds(int(seconds)).strftime("%Y-%m-%dT%H:%M:00")


def placemark(event: ExportEvent) -> ET.Element:
    """The Placemark of a located event (text only: ElementTree escapes it)."""
    mark = ET.Element("Placemark", id=f"event-{event.id}")
    ET.SubElement(mark, "name").text = event.title
    lines = [f"{event.date} ({event.precision_name})" + (f" to {event.end}" if event.end else "")]
    if event.place:
        lines.append(event.place + (f", {event.country}" if event.country else ""))
    if event.description:
        lines.append(event.description)
    for s in event.sources:
        lines.append("Source: " + ", ".join(x for x in (s.title, s.publisher, s.url) if x))
    ET.SubElement(mark, "description").text = "\n".join(lines)
    span = ET.SubElement(mark, "TimeSpan")
    precision = event.precision
    ET.SubElement(span, "begin").text = kml_time(event.start_s, precision)
    end_precision = precision if event.end_s is None else int(records.end_precision(event.end_s))
    ET.SubElement(span, "end").text = kml_time(event.span_end_s, end_precision, last=True)
    data = ET.SubElement(mark, "ExtendedData")
    for key, value in (
        ("id", str(event.id)),
        ("external_id", event.external_id),
        ("date", event.date),
        ("precision", event.precision_name),
        ("end", event.end),
        ("category", event.category),
        ("place", event.place),
        ("country", event.country),
        ("geo_precision", event.geo_precision),
        ("actors", "; ".join(event.actors)),
        ("tags", "; ".join(event.tags)),
        ("reliability", event.reliability),
        ("credibility", None if event.credibility is None else str(event.credibility)),
        ("sources", "; ".join(s.title for s in event.sources)),
        ("source_urls", " ".join(s.url for s in event.sources if s.url)),
    ):
        if value:
            item = ET.SubElement(data, "Data", name=key)
            ET.SubElement(item, "value").text = value
    point = ET.SubElement(mark, "Point")
    ET.SubElement(point, "coordinates").text = f"{event.longitude!r},{event.latitude!r}"
    return mark


def write_kml(
    target: Path | IO[Any], events: Iterable[ExportEvent], name: str = "Sightline events"
) -> tuple[int, int]:
    """Write a KML 2.2 document; returns (placemarks written, unlocated events left out)."""
    if isinstance(target, Path):
        with safe_file(target, text=True) as handle:
            return write_kml(handle, events, name)
    head = ET.Element("name")
    head.text = name
    note = ET.Element("description")
    note.text = (
        "Events exported from Sightline with their dates, places and sources; "
        "events without a location are not in this file (see the CSV or GeoJSON)."
    )
    target.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="{KML_NS}">\n<Document>\n')
    for element in (head, note):  # KML wants them before the placemarks
        target.write(ET.tostring(element, encoding="unicode") + "\n")
    written = left_out = 0
    for event in events:
        if not event.located:
            left_out += 1
            continue
        target.write(ET.tostring(placemark(event), encoding="unicode") + "\n")
        written += 1
    target.write("</Document>\n</kml>\n")
    return written, left_out
