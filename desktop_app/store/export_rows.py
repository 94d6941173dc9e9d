"""Events as columns, a chunk at a time, for the exports (CSV, GeoJSON, KML, HTML).

A chunk is read with three queries (events with their place, actor links, source
links), whatever its size. When the chunk's ids are dense (an export in time order of
events imported from a file sorted by date, or all events), the queries scan an id
range and drop the few rows not asked for: a range scan reads the tables in order,
where an ``IN`` list of thousands of ids costs a B-tree search per id. Sparse chunks
use the ``IN`` list. Either way the statements are SQLAlchemy Core, compiled for the
project's dialect, so SQLite and PostgreSQL run the same queries; rows are fetched
through the DB-API cursor (plain tuples, no per-row SQLAlchemy objects), which is most
of what makes a million-event export fast. No Qt, no formatting here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, select
from sqlalchemy.sql.elements import ClauseElement, ColumnElement

from desktop_app.store.project import Project
from desktop_app.store.schema import Actor, Event, Location, Source, event_actor, event_source

CHUNK = 20_000  # events per chunk: under SQLite's 32,766 bound parameters for IN lists
DENSE = 4  # a range scan is used when it reads at most this many rows per wanted one

#: (title, publisher, url, date) of one source of an event
SourceRow = tuple[str, str | None, str | None, str | None]


@dataclass(frozen=True)
class EventRows:
    """Events as parallel columns (one entry per event, in the order asked for).

    Missing values are ``None`` in the object columns, ``NaN`` in latitude/longitude,
    and ``has_end`` is False where an event has no end (``end_s`` then holds 0)."""

    id: np.ndarray  # int64
    title: list[str]
    start_s: np.ndarray  # int64 civil seconds
    precision: np.ndarray  # int64, domain.dates.Precision
    end_s: np.ndarray  # int64, exclusive end of the end's span
    has_end: np.ndarray  # bool
    description: list[str | None]
    external_id: list[str | None]
    category: list[str | None]
    place: list[str | None]
    country: list[str | None]
    latitude: np.ndarray  # float64
    longitude: np.ndarray  # float64
    geo_precision: list[str | None]  # None when the event has no place
    actors: list[tuple[str, ...]]  # by role, then name; each name once
    tags: list[tuple[str, ...]]
    reliability: list[str | None]
    credibility: list[int | None]
    sources: list[tuple[SourceRow, ...]]  # in source id order

    def __len__(self) -> int:
        return len(self.id)


def event_chunks(
    project: Project, ids: Sequence[int] | np.ndarray, chunk: int = CHUNK
) -> Iterator[EventRows]:
    """The events ``ids`` (in that order; unknown ids are left out), chunk by chunk,
    all read in one transaction (one consistent snapshot)."""
    ids = np.asarray(ids, np.int64)
    with project.engine.connect() as conn:
        conn.begin()
        reader = EventReader(conn)
        for lo in range(0, len(ids), max(1, chunk)):
            rows = reader.read(ids[lo : lo + chunk])
            if len(rows):
                yield rows


class _ById:
    """Rows of a table the events point at (places, actors, sources) by id, each read
    once per export, when a chunk first needs it (at most ``LIMIT`` kept)."""

    LIMIT = 500_000

    def __init__(self, conn: Connection, key: Any, *values: Any) -> None:
        self.conn = conn
        self.key = key
        self.values = values
        self.rows: dict[int, Any] = {}

    def need(self, ids: Iterable[int | None]) -> dict[int, Any]:
        """{id: value} holding at least ``ids``: the value is the one column's value, or
        the tuple of the columns' values."""
        wanted: set[Any] = set(ids)
        wanted.discard(None)
        missing = sorted(wanted - self.rows.keys())
        if len(self.rows) + len(missing) > self.LIMIT:
            self.rows = {}
            missing = sorted(wanted)
        single = len(self.values) == 1
        for lo in range(0, len(missing), IN_LIST):
            part = missing[lo : lo + IN_LIST]
            for row in _fetch(self.conn, select(self.key, *self.values).where(self.key.in_(part))):
                self.rows[row[0]] = row[1] if single else row[1:]
        return self.rows


IN_LIST = 10_000  # ids per IN list (SQLite allows 32,766 bound parameters)
_NO_PLACE: tuple[Any, ...] = (None, None, None, None, None)


class EventReader:
    """Reads chunks of events on one connection, keeping the places, actors and
    sources it has read (most events share them)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.places = _ById(
            conn,
            Location.id,
            Location.name,
            Location.country,
            Location.latitude,
            Location.longitude,
            Location.geo_precision,
        )
        self.actors = _ById(conn, Actor.id, Actor.name)
        self.sources = _ById(
            conn, Source.id, Source.title, Source.publisher, Source.url, Source.date
        )

    def read(self, ids: np.ndarray) -> EventRows:
        """One chunk: the events ``ids`` in that order (unknown ids are left out)."""
        ids = np.asarray(ids, np.int64)
        wanted = np.unique(ids)
        if len(wanted) == 0:
            return _empty()
        first, last = int(wanted[0]), int(wanted[-1])
        dense = last - first + 1 <= DENSE * len(wanted)

        def among(column: Any) -> ColumnElement[bool]:
            if dense:
                return column.between(first, last)  # type: ignore[no-any-return]
            return column.in_(wanted.tolist())  # type: ignore[no-any-return]

        events = _fetch(
            self.conn,
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
                Event.location_id,
            ).where(among(Event.id)),
        )
        found = np.fromiter((row[0] for row in events), np.int64, len(events))
        take, hit = _positions(found, ids)
        if not take:
            return _empty()
        out_ids = ids[hit]
        columns = list(zip(*(events[i] for i in take), strict=True))
        places = self.places.need(columns[11])
        place, country, lat, lon, geo = zip(
            *(places.get(i, _NO_PLACE) if i is not None else _NO_PLACE for i in columns[11]),
            strict=True,
        )
        actor_links = _fetch(
            self.conn,
            select(event_actor.c.event_id, event_actor.c.actor_id)
            .join(Actor, Actor.id == event_actor.c.actor_id)
            .where(among(event_actor.c.event_id))
            .order_by(event_actor.c.event_id, event_actor.c.role, Actor.name),
        )
        source_links = _fetch(
            self.conn,
            select(event_source.c.event_id, event_source.c.source_id)
            .where(among(event_source.c.event_id))
            .order_by(event_source.c.event_id, event_source.c.source_id),
        )
        end = columns[4]
        return EventRows(
            id=out_ids,
            title=[t or "" for t in columns[1]],
            start_s=np.array(columns[2], np.int64),
            precision=np.array(columns[3], np.int64),
            end_s=np.array([0 if e is None else e for e in end], np.int64),
            has_end=np.array([e is not None for e in end], bool),
            description=list(columns[5]),
            external_id=list(columns[6]),
            category=list(columns[7]),
            place=list(place),
            country=list(country),
            latitude=_floats(lat),
            longitude=_floats(lon),
            geo_precision=[g if p is not None else None for g, p in zip(geo, place, strict=True)],
            actors=self._linked(actor_links, out_ids, self.actors, distinct=True),
            tags=_tags(columns[8]),
            reliability=list(columns[9]),
            credibility=list(columns[10]),
            sources=self._linked(source_links, out_ids, self.sources, distinct=False),
        )

    @staticmethod
    def _linked(
        links: list[tuple[Any, ...]], ids: np.ndarray, table: _ById, *, distinct: bool
    ) -> list[Any]:
        """Link rows (event id, other id) sorted by event id -> per event of ``ids`` the
        tuple of the other table's values (a name, or a source's row), in link order."""
        if not links:
            return [()] * len(ids)
        event_ids, other_ids = zip(*links, strict=True)
        rows = table.need(other_ids)
        values = list(map(rows.__getitem__, other_ids))
        linked = np.array(event_ids, np.int64)
        starts = np.flatnonzero(np.r_[True, linked[1:] != linked[:-1]])
        stops = np.r_[starts[1:], len(linked)]
        groups = [tuple(values[a:b]) for a, b in zip(starts.tolist(), stops.tolist(), strict=True)]
        if distinct:  # an actor in two roles is named once
            for k in np.flatnonzero(stops - starts > 1).tolist():
                if len(set(groups[k])) < len(groups[k]):
                    groups[k] = tuple(dict.fromkeys(groups[k]))
        groups.append(())  # for events without links
        index = np.full(len(ids), len(groups) - 1)
        take, hit = _positions(linked[starts], ids)
        index[hit] = take
        return np.fromiter(groups, object, len(groups))[index].tolist()  # type: ignore[no-any-return]


def _positions(found: np.ndarray, ids: np.ndarray) -> tuple[list[int], np.ndarray]:
    """For each of ``ids`` found among ``found``: its index there; and which were found."""
    if len(found) == 0:
        return [], np.zeros(len(ids), bool)
    order = np.argsort(found, kind="stable")
    slot = np.minimum(np.searchsorted(found, ids, sorter=order), len(found) - 1)
    hit = found[order[slot]] == ids
    return order[slot[hit]].tolist(), hit


def _fetch(conn: Connection, statement: ClauseElement) -> list[tuple[Any, ...]]:
    """The rows of ``statement`` compiled for this connection's dialect, as tuples."""
    compiled = statement.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    given = compiled.params  # a property that builds the dict: read it once
    names = compiled.positiontup  # type: ignore[attr-defined]
    params: Any = tuple(given[name] for name in names) if names is not None else given
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _floats(values: Sequence[Any]) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], np.float64)


def _tags(values: Sequence[Any]) -> list[tuple[str, ...]]:
    """The tags column (JSON text on SQLite, a list on PostgreSQL) as tuples of text."""
    parsed: dict[str, tuple[str, ...]] = {}
    out: list[tuple[str, ...]] = []
    for value in values:
        if value is None:
            out.append(())
        elif isinstance(value, str):  # repeated lists are parsed once
            tags = parsed.get(value)
            if tags is None:
                tags = parsed[value] = _tag_tuple(json.loads(value))
            out.append(tags)
        else:
            out.append(_tag_tuple(value))
    return out


def _tag_tuple(value: Any) -> tuple[str, ...]:
    return tuple(str(t) for t in value or ())


def _empty() -> EventRows:
    none: list[Any] = []
    return EventRows(
        id=np.zeros(0, np.int64),
        title=[],
        start_s=np.zeros(0, np.int64),
        precision=np.zeros(0, np.int64),
        end_s=np.zeros(0, np.int64),
        has_end=np.zeros(0, bool),
        description=none,
        external_id=none,
        category=none,
        place=none,
        country=none,
        latitude=np.zeros(0),
        longitude=np.zeros(0),
        geo_precision=none,
        actors=[],
        tags=[],
        reliability=none,
        credibility=none,
        sources=[],
    )
