"""Visible events as CSV that Sightline's own importer reads back (generic preset).

Columns are named so the generic preset recognises them (``ingest/columns.py``):
``date`` is the start as ISO text at its precision (2023 / 2023-05 / 2023-05-14 /
2023-05-14 09:30), ``end`` the end the same way, ``lat``/``lon`` plain numbers,
``source`` the source titles and ``url`` the source URL. Columns the importer does not
map (``sightline_id``, ``precision``, ``geo_precision``, ``source_publishers``,
``source_urls``) come back as the event's extra attributes.

Formula injection (OWASP "CSV injection"): a text cell that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a single quote in front, so a spreadsheet
shows it as text instead of running it. Only text columns are neutralised: the date,
coordinate and grade columns are written by Sightline itself as plain numbers and dates
(a negative longitude such as -0.1278 must stay a number), so they never need it. The
generic importer removes that one quote again, so the round trip gives the same text.

Rows are written as they are read from the store: nothing holds the whole file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from desktop_app.export.records import ExportEvent

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = ";"  # what the generic importer splits actors, tags and sources on

COLUMNS = (
    "id",
    "title",
    "date",
    "end",
    "precision",
    "description",
    "category",
    "location",
    "country",
    "lat",
    "lon",
    "geo_precision",
    "actors",
    "tags",
    "source",
    "url",
    "source_publishers",
    "source_urls",
    "reliability",
    "credibility",
    "sightline_id",
)
TEXT_COLUMNS = frozenset(
    {
        "id",
        "title",
        "description",
        "category",
        "location",
        "country",
        "geo_precision",
        "actors",
        "tags",
        "source",
        "url",
        "source_publishers",
        "source_urls",
    }
)


def neutralise(text: str) -> str:
    """A cell a spreadsheet shows as text: a leading quote before a formula start."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def row_of(event: ExportEvent) -> dict[str, str]:
    """The CSV cells of one event (text cells neutralised)."""
    urls = [s.url for s in event.sources if s.url]
    distinct_urls = list(dict.fromkeys(urls))
    # the importer gives one URL to every source of the row: write it only when that
    # is true (one URL for all the row's sources); source_urls keeps them all
    url = distinct_urls[0] if len(distinct_urls) == 1 and len(urls) == len(event.sources) else ""
    cells = {
        "id": event.external_id or "",
        "title": event.title,
        "date": event.date,
        "end": event.end,
        "precision": event.precision_name,
        "description": event.description or "",
        "category": event.category or "",
        "location": event.place or "",
        "country": event.country or "",
        "lat": _number(event.latitude),
        "lon": _number(event.longitude),
        "geo_precision": event.geo_precision or "",
        "actors": LIST_SEPARATOR.join(event.actors),
        "tags": LIST_SEPARATOR.join(event.tags),
        "source": LIST_SEPARATOR.join(s.title for s in event.sources),
        "url": url,
        "source_publishers": LIST_SEPARATOR.join(s.publisher or "" for s in event.sources)
        if any(s.publisher for s in event.sources)
        else "",
        "source_urls": " ".join(urls),
        "reliability": event.reliability or "",
        "credibility": "" if event.credibility is None else str(event.credibility),
        "sightline_id": str(event.id),
    }
    for name in TEXT_COLUMNS:
        cells[name] = neutralise(cells[name])
    return cells


def _number(value: float | None) -> str:
    return "" if value is None else repr(float(value))  # shortest text that reads back


def write_csv(target: Path | TextIO, events: Iterable[ExportEvent]) -> int:
    """Write ``events`` as CSV (UTF-8, a header row); returns the number of rows."""
    if isinstance(target, Path):
        with target.open("w", encoding="utf-8", newline="") as handle:
            return write_csv(handle, events)
    writer = csv.writer(target, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    rows = 0
    for event in events:
        cells = row_of(event)
        writer.writerow([cells[name] for name in COLUMNS])
        rows += 1
    return rows
