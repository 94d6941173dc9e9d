"""The events to export, read from the store in chunks as Arrow tables or as records.

:func:`export_events` gives the events of a list of ids, in the order given, read a
chunk at a time (three queries per chunk, never one per event, into Arrow columns: see
``store/export_rows.py``), so a million events stream through in bounded memory. The
CSV and GeoJSON writers take each chunk as an Arrow table and format it column by
column; KML and HTML iterate :class:`ExportEvent` records. Records handed to a writer
directly become a table too (:func:`table_of`), so there is one formatter per format.
No Qt here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa

from desktop_app.domain.dates import (
    Precision,
    from_seconds,
    iso_text,
    span_end_seconds,
    to_seconds,
)
from desktop_app.frame.event_frame import PRECISION_NAMES, EventFrame
from desktop_app.store.export_rows import CHUNK, SCHEMA, event_chunks
from desktop_app.store.project import Project


@dataclass(frozen=True)
class ExportSource:
    title: str
    publisher: str | None = None
    url: str | None = None
    date: str | None = None


@dataclass(frozen=True)
class ExportEvent:
    """One event with everything the exports write; dates as civil seconds."""

    id: int
    title: str
    start_s: int
    precision: int  # domain.dates.Precision
    end_s: int | None = None  # exclusive end of the given end's span
    description: str | None = None
    external_id: str | None = None
    category: str | None = None
    place: str | None = None
    country: str | None = None  # ISO alpha-2
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: str | None = None
    actors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    reliability: str | None = None
    credibility: int | None = None
    sources: tuple[ExportSource, ...] = field(default=())

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def date(self) -> str:
        """The start as ISO text at its precision: 2023, 2023-05, 2023-05-14, 2023-05-14 09:30."""
        return start_text(self.start_s, self.precision)

    @property
    def precision_name(self) -> str:
        known = 0 < self.precision < len(PRECISION_NAMES)
        return PRECISION_NAMES[self.precision] if known else "day"

    @property
    def end(self) -> str:
        """The end as ISO text ('' when none) that a re-import reads back to ``end_s``."""
        return end_text(self.end_s) if self.end_s is not None else ""

    @property
    def span_end_s(self) -> int:
        """Exclusive end of the whole event: its end, or the end of the start's span."""
        if self.end_s is not None:
            return self.end_s
        return int(
            span_end_seconds(
                np.array([self.start_s], np.int64), np.array([self.precision], np.int8)
            )[0]
        )


@lru_cache(maxsize=1 << 16)  # dates repeat: a million events fall on a few thousand days
def start_text(start_s: int, precision: int) -> str:
    """A start as ISO text at its precision."""
    return iso_text(from_seconds(start_s), Precision(precision))


def end_precision(end_s: int) -> Precision:
    """The coarsest precision whose span ends (exclusively) at ``end_s``."""
    last = from_seconds(int(end_s) - 1)
    for precision in (Precision.YEAR, Precision.MONTH, Precision.DAY):
        start = _floor(last, precision)
        if int(
            span_end_seconds(np.array([start], np.int64), np.array([int(precision)], np.int8))[0]
        ) == int(end_s):
            return precision
    return Precision.MINUTE


@lru_cache(maxsize=1 << 16)
def end_text(end_s: int) -> str:
    """ISO text of an exclusive span end at the coarsest precision that gives it back:
    2024-01-01 00:00 (exclusive) is "2023", 2023-05-17 is "2023-05-16"."""
    return iso_text(from_seconds(int(end_s) - 1), end_precision(end_s))


def _floor(moment: datetime, precision: Precision) -> int:
    """Civil seconds of the start of the span at ``precision`` holding ``moment``."""
    if precision is Precision.YEAR:
        moment = moment.replace(month=1, day=1, hour=0, minute=0, second=0)
    elif precision is Precision.MONTH:
        moment = moment.replace(day=1, hour=0, minute=0, second=0)
    elif precision is Precision.DAY:
        moment = moment.replace(hour=0, minute=0, second=0)
    else:
        moment = moment.replace(second=0)
    return to_seconds(moment)


@contextmanager
def safe_file(target: Path, text: bool = False) -> Iterator[IO[Any]]:
    """A file to write ``target`` through: written beside it (``.NAME.partial``) and
    renamed over it once complete, removed if the writing fails or is abandoned, so
    there is never a half-written export (and an older file of that name stays as it
    was). Binary unless ``text`` (then UTF-8 with LF lines)."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        with (
            partial.open("w", encoding="utf-8", newline="\n") if text else partial.open("wb")
        ) as handle:
            yield handle
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def visible_ids(frame: EventFrame, visible: np.ndarray) -> np.ndarray:
    """Ids of the visible rows, in the frame's (time) order."""
    if len(frame) == 0:
        return np.zeros(0, np.int64)
    return frame.ids[np.flatnonzero(np.asarray(visible, bool))]


class ExportStream:
    """The events to export, read lazily: iterate it for :class:`ExportEvent` records
    (KML, HTML) or take :meth:`chunks` for Arrow tables (the CSV and GeoJSON writers)."""

    def __init__(self, project: Project, ids: np.ndarray, chunk: int) -> None:
        self.project = project
        self.ids = ids
        self.chunk = chunk

    def chunks(self) -> Iterator[pa.Table]:
        return event_chunks(self.project, self.ids, self.chunk)

    def __iter__(self) -> Iterator[ExportEvent]:
        for table in self.chunks():
            yield from events_of(table)


def export_events(
    project: Project, ids: Sequence[int] | np.ndarray, chunk: int = CHUNK
) -> ExportStream:
    """The events ``ids`` (in that order; unknown ids are skipped), read chunk by chunk."""
    return ExportStream(project, np.asarray(ids, np.int64), chunk)


def chunks_of(events: Iterable[ExportEvent], chunk: int = CHUNK) -> Iterator[pa.Table]:
    """Events as Arrow tables (``store.export_rows.SCHEMA``), ``chunk`` at a time: from
    the store for an :class:`ExportStream`, else built from the records."""
    if isinstance(events, ExportStream):
        yield from events.chunks()
        return
    batch: list[ExportEvent] = []
    for event in events:
        batch.append(event)
        if len(batch) >= chunk:
            yield table_of(batch)
            batch = []
    if batch:
        yield table_of(batch)


def table_of(events: Sequence[ExportEvent]) -> pa.Table:
    """Records as a table (what the store gives for the same events; the same place is
    the same name, country, coordinates and geo precision)."""
    places: dict[tuple[Any, ...], int] = {}

    def place_key(e: ExportEvent) -> int | None:
        place = (e.place, e.country, e.latitude, e.longitude, e.geo_precision)
        if place == (None,) * 5:
            return None
        return places.setdefault(place, len(places))

    return pa.Table.from_pylist(
        [
            {
                "id": e.id,
                "title": e.title,
                "start_s": e.start_s,
                "precision": e.precision,
                "end_s": e.end_s,
                "description": e.description,
                "external_id": e.external_id,
                "category": e.category,
                "place": e.place,
                "country": e.country,
                "latitude": e.latitude,
                "longitude": e.longitude,
                "geo_precision": e.geo_precision,
                "place_key": place_key(e),
                "actors": list(e.actors),
                "tags": list(e.tags),
                "reliability": e.reliability,
                "credibility": e.credibility,
                "sources": [
                    {"title": s.title, "publisher": s.publisher, "url": s.url, "date": s.date}
                    for s in e.sources
                ],
            }
            for e in events
        ],
        schema=SCHEMA,
    )


def events_of(table: pa.Table) -> Iterator[ExportEvent]:
    """A table's rows as records."""
    sources: dict[tuple[tuple[Any, ...], ...], tuple[ExportSource, ...]] = {}
    for row in table.to_pylist():
        given = tuple(tuple(s.values()) for s in row["sources"])
        made = sources.get(given)
        if made is None:
            made = sources[given] = tuple(ExportSource(*s) for s in given)
        yield ExportEvent(
            id=row["id"],
            title=row["title"],
            start_s=row["start_s"],
            precision=row["precision"],
            end_s=row["end_s"],
            description=row["description"],
            external_id=row["external_id"],
            category=row["category"],
            place=row["place"],
            country=row["country"],
            latitude=row["latitude"],
            longitude=row["longitude"],
            geo_precision=row["geo_precision"],
            actors=tuple(row["actors"]),
            tags=tuple(row["tags"]),
            reliability=row["reliability"],
            credibility=row["credibility"],
            sources=made,
        )
