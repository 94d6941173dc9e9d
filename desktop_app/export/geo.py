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

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) uses
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from desktop_app.domain.dates import Precision, from_seconds, iso_text
from desktop_app.export import columns, records
from desktop_app.export.columns import Memo, ragged_cells
from desktop_app.export.records import ExportEvent, chunks_of
from desktop_app.store.export_rows import EventRows, SourceRow

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


def feature_lines(rows: EventRows, cells: FeatureCells | None = None) -> tuple[list[str], int]:
    """The Feature text of each event of a chunk (what :func:`feature_of` gives, as
    ``json.dumps`` writes it) and how many are located. Values are JSON-encoded a column
    at a time, repeated ones (places, dates, actor and source lists) once each."""
    if len(rows) == 0:
        return [], 0
    cells = cells or FeatureCells()
    located = ~(np.isnan(rows.latitude) | np.isnan(rows.longitude))
    lon = columns.number_texts(rows.longitude, "null")
    lat = columns.number_texts(rows.latitude, "null")
    flags = located.tolist()
    geometry = [POINT % (x, y) if ok else "null" for x, y, ok in zip(lon, lat, flags, strict=True)]
    ids = [str(i) for i in rows.id.tolist()]
    dates = [_string(t) for t in columns.start_texts(rows.start_s, rows.precision)]
    ends = [_string(t) if t else "null" for t in columns.end_texts(rows.end_s, rows.has_end)]
    lines = [
        FEATURE % cells
        for cells in zip(
            ids,
            geometry,
            ids,
            _strings(rows.external_id),
            _strings(rows.title),
            _strings(rows.description),
            dates,
            _strings(columns.precision_names(rows.precision)),
            ends,
            _strings(rows.category),
            _strings(rows.place),
            _strings(rows.country),
            _strings(rows.geo_precision),
            ragged_cells(rows.actors, cells.name, cells.lists, "[]"),
            cells.lists.column(rows.tags),
            _strings(rows.reliability),
            ["null" if c is None else json.dumps(c) for c in rows.credibility],
            ragged_cells(rows.sources, cells.source, cells.sources, "[]"),
            strict=True,
        )
    ]
    return lines, int(located.sum())


def _string(text: str | None) -> str:
    return "null" if text is None else encode_basestring(text)


def _strings(texts: Sequence[str | None]) -> list[str]:
    """JSON of each text (``null`` for None), each distinct text encoded once."""
    known: dict[str | None, str] = {}
    out = []
    for text in texts:
        encoded = known.get(text)
        if encoded is None:
            encoded = known[text] = _string(text)
        out.append(encoded)
    return out


def _names(names: tuple[str, ...]) -> str:
    return json.dumps(list(names), ensure_ascii=False)


def _source_list(given: tuple[SourceRow, ...]) -> str:
    return json.dumps(
        [{"title": t, "publisher": p, "url": u, "date": d} for t, p, u, d in given],
        ensure_ascii=False,
    )


class FeatureCells:
    """JSON of the repeated values of a whole export (lists of actors, tags, sources)."""

    def __init__(self) -> None:
        self.lists = Memo(_names)
        self.name = Memo(lambda name: _names((name,)))
        self.sources = Memo(_source_list)
        self.source = Memo(lambda row: _source_list((row,)))


def write_geojson(
    target: Path | TextIO, events: Iterable[ExportEvent], name: str = "Sightline events"
) -> tuple[int, int]:
    """Write a FeatureCollection, one Feature a line; returns (features, of which located)."""
    if isinstance(target, Path):
        with target.open("w", encoding="utf-8", newline="\n") as handle:
            return write_geojson(handle, events, name)
    target.write('{"type": "FeatureCollection", "name": ' + json.dumps(name) + ', "features": [\n')
    features = located = 0
    cells = FeatureCells()
    for rows in chunks_of(events):
        lines, chunk_located = feature_lines(rows, cells)
        if lines:
            target.write((",\n" if features else "") + ",\n".join(lines))
        features += len(lines)
        located += chunk_located
    target.write("\n]}\n")
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
    target: Path | TextIO, events: Iterable[ExportEvent], name: str = "Sightline events"
) -> tuple[int, int]:
    """Write a KML 2.2 document; returns (placemarks written, unlocated events left out)."""
    if isinstance(target, Path):
        with target.open("w", encoding="utf-8", newline="\n") as handle:
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
