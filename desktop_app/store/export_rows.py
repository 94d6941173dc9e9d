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

import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Connection, select
from sqlalchemy.sql.elements import ClauseElement, ColumnElement

from desktop_app.store.project import Project
from desktop_app.store.schema import Actor, Event, Location, Source, event_actor, event_source

CHUNK = 20_000  # events per chunk (a sparse chunk is read through IN lists of IN_LIST ids)
DENSE = 4  # a range scan is used when it reads at most this many rows per wanted one

#: (title, publisher, url, date) of one source of an event
SourceRow = tuple[str, str | None, str | None, str | None]


@dataclass(frozen=True)
class Ragged:
    """A list of tuples kept as one flat list and offsets (like an Arrow list array):
    event ``i`` has ``values[starts[i]:starts[i + 1]]``. Most events have one actor or
    source, which whole-column code then handles without a tuple per event."""

    values: np.ndarray  # object
    starts: np.ndarray  # int64, one more than there are events

    @classmethod
    def of(cls, groups: Sequence[Sequence[Any]]) -> Ragged:
        sizes = np.fromiter((len(g) for g in groups), np.int64, len(groups))
        values = _objects([v for g in groups for v in g])
        return cls(values, np.r_[0, np.cumsum(sizes)].astype(np.int64))

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(self.starts)

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, i: int) -> tuple[Any, ...]:
        return tuple(self.values[self.starts[i] : self.starts[i + 1]].tolist())

    def tuples(self) -> list[tuple[Any, ...]]:
        flat = self.values.tolist()
        bounds = self.starts.tolist()
        return [tuple(flat[a:b]) for a, b in itertools.pairwise(bounds)]


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
    actors: Ragged  # names, by role then name; each name once
    tags: list[tuple[str, ...]]
    reliability: list[str | None]
    credibility: list[int | None]
    sources: Ragged  # SourceRow tuples, in source id order

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

    def take(self, ids: np.ndarray, width: int) -> list[np.ndarray]:
        """The ``width`` columns' values for each of ``ids`` (negative: none), as object
        arrays; None where an id has no row."""
        distinct, inverse = np.unique(ids, return_inverse=True)
        keys = distinct.tolist()
        rows = self.need(k for k in keys if k >= 0)
        nothing = None if width == 1 else (None,) * width
        found = [rows.get(k, nothing) if k >= 0 else nothing for k in keys]
        if width == 1:
            return [_objects(found)[inverse]]
        return [_objects(column)[inverse] for column in zip(*found, strict=True)]


IN_LIST = 10_000  # ids per IN list (SQLite allows 32,766 bound parameters)


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

        # the ids as one range, or as IN lists of at most IN_LIST ids (in id order, so
        # rows sorted by event id stay sorted across the lists)
        groups = (
            [wanted] if dense else [wanted[i : i + IN_LIST] for i in range(0, len(wanted), IN_LIST)]
        )

        def among(column: Any, group: np.ndarray) -> ColumnElement[bool]:
            if dense:
                return column.between(first, last)  # type: ignore[no-any-return]
            return column.in_(group.tolist())  # type: ignore[no-any-return]

        def fetch(statement: Callable[[np.ndarray], ClauseElement]) -> list[tuple[Any, ...]]:
            return [row for group in groups for row in _fetch(self.conn, statement(group))]

        events = fetch(
            lambda group: select(
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
            ).where(among(Event.id, group))
        )
        if not events:
            return _empty()
        fetched = list(zip(*events, strict=True))
        take, hit = _positions(np.array(fetched[0], np.int64), ids)
        if not len(take):
            return _empty()
        out_ids = ids[hit]
        columns = [_objects(column)[take].tolist() for column in fetched]
        location = np.fromiter((-1 if i is None else i for i in columns[11]), np.int64)
        place, country, lat, lon, geo = self.places.take(location, 5)
        actor_links = fetch(
            lambda group: (
                select(event_actor.c.event_id, event_actor.c.actor_id)
                .join(Actor, Actor.id == event_actor.c.actor_id)
                .where(among(event_actor.c.event_id, group))
                .order_by(event_actor.c.event_id, event_actor.c.role, Actor.name)
            )
        )
        source_links = fetch(
            lambda group: (
                select(event_source.c.event_id, event_source.c.source_id)
                .join(Source, Source.id == event_source.c.source_id)
                .where(among(event_source.c.event_id, group))
                .order_by(event_source.c.event_id, event_source.c.source_id)
            )
        )
        end = _objects(columns[4])
        has_end = _present(end)
        has_place = _present(place)
        return EventRows(
            id=out_ids,
            title=[t or "" for t in columns[1]],
            start_s=np.array(columns[2], np.int64),
            precision=np.array(columns[3], np.int64),
            end_s=np.where(has_end, end, 0).astype(np.int64),
            has_end=has_end.astype(bool),
            description=columns[5],
            external_id=columns[6],
            category=columns[7],
            place=place.tolist(),
            country=country.tolist(),
            latitude=np.where(_present(lat), lat, np.nan).astype(np.float64),
            longitude=np.where(_present(lon), lon, np.nan).astype(np.float64),
            geo_precision=np.where(has_place, geo, None).tolist(),  # type: ignore[call-overload]
            actors=self._linked(actor_links, out_ids, self.actors, distinct=True),
            tags=_tags(columns[8]),
            reliability=columns[9],
            credibility=columns[10],
            sources=self._linked(source_links, out_ids, self.sources, distinct=False),
        )

    @staticmethod
    def _linked(
        links: list[tuple[Any, ...]], ids: np.ndarray, table: _ById, *, distinct: bool
    ) -> Ragged:
        """Link rows (event id, other id) sorted by event id -> per event of ``ids`` the
        other table's values (a name, or a source's row), in link order."""
        if not links:
            return Ragged(np.empty(0, object), np.zeros(len(ids) + 1, np.int64))
        event_ids, other_ids = (np.array(c, np.int64) for c in zip(*links, strict=True))
        if distinct:  # an actor in two roles is named once (its first place kept)
            if max(int(event_ids.max()), int(other_ids.max())) < 1 << 31:
                _, first_of = np.unique((event_ids << 32) | other_ids, return_index=True)
            else:
                pairs = np.stack([event_ids, other_ids], axis=1)
                _, first_of = np.unique(pairs, axis=0, return_index=True)
            keep = np.zeros(len(event_ids), bool)
            keep[first_of] = True
            event_ids, other_ids = event_ids[keep], other_ids[keep]
        (values,) = table.take(other_ids, 1)
        starts = np.flatnonzero(np.r_[True, event_ids[1:] != event_ids[:-1]])
        stops = np.r_[starts[1:], len(event_ids)]
        take, hit = _positions(event_ids[starts], ids)
        # gather the groups in the order of ``ids`` (none for events without links)
        sizes = np.zeros(len(ids), np.int64)
        first = np.zeros(len(ids), np.int64)
        sizes[hit] = (stops - starts)[take]
        first[hit] = starts[take]
        offsets = np.r_[0, np.cumsum(sizes)].astype(np.int64)
        gather = np.repeat(first - offsets[:-1], sizes) + np.arange(offsets[-1])
        return Ragged(values[gather], offsets)


def _positions(found: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``ids`` found among ``found`` (distinct values): its index there; and
    which were found."""
    if len(found) == 0:
        return np.zeros(0, np.int64), np.zeros(len(ids), bool)
    order = np.argsort(found, kind="stable")
    slot = np.minimum(np.searchsorted(found, ids, sorter=order), len(found) - 1)
    hit = found[order[slot]] == ids
    return order[slot[hit]], hit


def _present(values: np.ndarray) -> np.ndarray:
    """Which entries of an object array are not None."""
    return np.not_equal(values, None)  # type: ignore[call-overload,no-any-return]


def _objects(values: Sequence[Any]) -> np.ndarray:
    """A column as a 1-D object array (tuples stay whole: never a 2-D array)."""
    return np.fromiter(values, object, len(values))


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
        actors=Ragged.of([]),
        tags=[],
        reliability=none,
        credibility=none,
        sources=Ragged.of([]),
    )
