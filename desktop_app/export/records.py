"""The events to export, read from the store in chunks as plain records.

Every export format (CSV, GeoJSON, KML, HTML) writes :class:`ExportEvent` records.
:func:`export_events` reads them for a list of event ids, in the order given, a chunk
at a time (a few queries per chunk, never one per event), so a million events stream
through in bounded memory. No Qt here.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

import numpy as np
from sqlalchemy import select

from desktop_app.domain.dates import (
    Precision,
    from_seconds,
    iso_text,
    span_end_seconds,
    to_seconds,
)
from desktop_app.frame.event_frame import PRECISION_NAMES, EventFrame
from desktop_app.store.project import Project
from desktop_app.store.schema import Actor, Event, Location, Source, event_actor, event_source

CHUNK = 4000  # ids per query (well under SQLite's bound-parameter limit)


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


def visible_ids(frame: EventFrame, visible: np.ndarray) -> np.ndarray:
    """Ids of the visible rows, in the frame's (time) order."""
    if len(frame) == 0:
        return np.zeros(0, np.int64)
    return frame.ids[np.flatnonzero(np.asarray(visible, bool))]


def export_events(
    project: Project, ids: Sequence[int] | np.ndarray, chunk: int = CHUNK
) -> Iterator[ExportEvent]:
    """The events ``ids`` (in that order; unknown ids are skipped), read chunk by chunk."""
    ids = np.asarray(ids, np.int64)
    with project.engine.connect() as conn:
        for lo in range(0, len(ids), chunk):
            part = [int(i) for i in ids[lo : lo + chunk]]
            yield from _chunk(conn, part)


def _chunk(conn: object, ids: list[int]) -> Iterator[ExportEvent]:
    execute = conn.execute  # type: ignore[attr-defined]
    events = {
        row[0]: row
        for row in execute(
            select(
                Event.id,
                Event.title,
                Event.start_s,
                Event.precision,
                Event.end_s,
                Event.description,
                Event.external_id,
                Event.category,
                Event.tags,
                Event.reliability,
                Event.credibility,
                Location.name,
                Location.country,
                Location.latitude,
                Location.longitude,
                Location.geo_precision,
            )
            .outerjoin(Location, Location.id == Event.location_id)
            .where(Event.id.in_(ids))
        )
    }
    actors: dict[int, list[str]] = {}
    for event_id, name in execute(
        select(event_actor.c.event_id, Actor.name)
        .join(Actor, Actor.id == event_actor.c.actor_id)
        .where(event_actor.c.event_id.in_(ids))
        .order_by(event_actor.c.event_id, event_actor.c.role, Actor.name)
    ):
        names = actors.setdefault(event_id, [])
        if name not in names:
            names.append(name)
    sources: dict[int, list[ExportSource]] = {}
    for event_id, title, publisher, url, date in execute(
        select(event_source.c.event_id, Source.title, Source.publisher, Source.url, Source.date)
        .join(Source, Source.id == event_source.c.source_id)
        .where(event_source.c.event_id.in_(ids))
        .order_by(event_source.c.event_id, Source.id)
    ):
        sources.setdefault(event_id, []).append(ExportSource(title, publisher, url, date))
    for event_id in ids:
        row = events.get(event_id)
        if row is None:
            continue
        (
            _id,
            title,
            start_s,
            precision,
            end_s,
            description,
            external_id,
            category,
            tags,
            reliability,
            credibility,
            place,
            country,
            lat,
            lon,
            geo_precision,
        ) = row
        yield ExportEvent(
            id=int(event_id),
            title=title or "",
            start_s=int(start_s),
            precision=int(precision),
            end_s=None if end_s is None else int(end_s),
            description=description,
            external_id=external_id,
            category=category,
            place=place,
            country=country,
            latitude=_number(lat),
            longitude=_number(lon),
            geo_precision=geo_precision if place is not None else None,
            actors=tuple(actors.get(event_id, ())),
            tags=tuple(str(t) for t in tags or ()),
            reliability=reliability,
            credibility=credibility,
            sources=tuple(sources.get(event_id, ())),
        )


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number
