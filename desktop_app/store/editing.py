"""Editing events, places and sources one at a time, each change undoable.

Every function runs in one transaction and returns what its inverse needs: ``update_*``
returns the old values (apply them with the same function to undo), ``delete_*`` returns
the deleted rows (give them to ``restore_rows``), ``create_*`` returns the new id (undo
with ``delete_*``), :func:`merge_locations` returns a :class:`Merge` for
:func:`unmerge_locations`. Each one keeps the full-text index right (the old text is
taken out before it changes, the new text put in). Each writes through
:meth:`Project.writing`, which queues it behind any other writer (an import, the text
index, another process), refuses it with a message when the wait is too long, and bumps
the ``data_version`` setting on commit, so the frame cache never serves a frame from
before the edit and other windows notice it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, fields, replace
from typing import Any

from sqlalchemy import Table, delete, insert, select, text, update
from sqlalchemy.engine import Connection

from desktop_app.domain import grades, rules
from desktop_app.domain.dates import MAX_SECONDS, MIN_SECONDS, YEAR_RANGE, Precision
from desktop_app.domain.grades import CREDIBILITY, RELIABILITY
from desktop_app.store.project import Project
from desktop_app.store.schema import (
    Event,
    Location,
    Source,
    event_actor,
    event_source,
    table_of,
)
from desktop_app.store.search import forget_events, reindex_events

EVENT: Table = table_of(Event)
LOCATION: Table = table_of(Location)
SOURCE: Table = table_of(Source)


class EditError(ValueError):
    """An edit that cannot be made (a missing row, a value out of range)."""


# ---------------------------------------------------------------------- values
@dataclass(frozen=True)
class EventFields:
    """The fields of an event an analyst edits. ``end_s`` is the exclusive end."""

    title: str
    start_s: int
    precision: int
    end_s: int | None = None
    description: str | None = None
    category: str | None = None
    location_id: int | None = None
    tags: list[str] | None = None
    reliability: str | None = None
    credibility: int | None = None

    def check(self) -> None:
        """Raise EditError when a value is out of range."""
        if not self.title.strip():
            raise EditError("an event needs a title")
        if self.precision not in {p.value for p in Precision}:
            raise EditError(f"unknown date precision {self.precision}")
        for value in (self.start_s, self.end_s):
            if value is not None and not MIN_SECONDS <= value <= MAX_SECONDS:
                raise EditError(YEAR_RANGE)
        broken = rules.span_problem(self.start_s, self.end_s)
        if broken is not None:
            raise EditError(broken.message)
        if self.reliability is not None and self.reliability not in RELIABILITY:
            raise EditError(grades.reliability_message(self.reliability))
        if self.credibility is not None and self.credibility not in CREDIBILITY:
            raise EditError(grades.credibility_message(str(self.credibility)))


@dataclass(frozen=True)
class LocationFields:
    name: str
    latitude: float | None = None
    longitude: float | None = None
    country: str | None = None  # ISO alpha-2
    geo_precision: str = "unknown"
    alt_names: list[str] = field(default_factory=list)

    def check(self) -> None:
        if not self.name.strip():
            raise EditError("a place needs a name")
        check_coordinates(self.latitude, self.longitude)
        if self.country is not None and len(self.country) != 2:
            raise EditError(f"the country must be a two-letter code, not {self.country!r}")


@dataclass(frozen=True)
class SourceFields:
    title: str
    publisher: str | None = None
    url: str | None = None
    date: str | None = None
    notes: str | None = None

    def check(self) -> None:
        if not self.title.strip():
            raise EditError("a source needs a title")


def check_coordinates(latitude: float | None, longitude: float | None) -> None:
    """Both or neither, each within its range (:mod:`desktop_app.domain.rules`)."""
    broken = rules.coordinate_problem(latitude, longitude)
    if broken is not None:
        raise EditError(broken.message)


@dataclass(frozen=True)
class DeletedRows:
    """Rows taken out by a delete, table name -> rows, enough to put them back as they were."""

    rows: dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class Merge:
    """What :func:`merge_locations` changed: the kept place's old fields, the merged
    place's row and the events moved from it."""

    kept_id: int
    kept_before: LocationFields
    merged_row: dict[str, Any]
    moved_events: list[int]


# ---------------------------------------------------------------------- helpers
def _row(conn: Connection, table: Table, row_id: int) -> dict[str, Any]:
    found = conn.execute(select(table).where(table.c.id == row_id)).mappings().first()
    if found is None:
        raise EditError(f"there is no {table.name} #{row_id}")
    return dict(found)


def _new_id(result: Any) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _values(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def _exists(conn: Connection, table: Table, row_id: int | None) -> bool:
    if row_id is None:
        return True
    return conn.execute(select(table.c.id).where(table.c.id == row_id)).first() is not None


# ---------------------------------------------------------------------- events
def read_event(project: Project, event_id: int) -> EventFields:
    with project.engine.connect() as conn:
        row = _row(conn, EVENT, event_id)
    return EventFields(**{f.name: row[f.name] for f in fields(EventFields)})


def create_event(project: Project, values: EventFields) -> int:
    """Add an event; its id."""
    values.check()
    with project.writing("the new event") as conn:
        if not _exists(conn, LOCATION, values.location_id):
            raise EditError(f"there is no place #{values.location_id}")
        # a hand-made event has no natural key: a random fingerprint keeps it apart from
        # every imported one
        fingerprint = secrets.randbits(63) - (1 << 62)
        event_id = _new_id(
            conn.execute(insert(EVENT).values(fingerprint=fingerprint, **_values(values)))
        )
        reindex_events(conn, [event_id])
    return event_id


def update_event(project: Project, event_id: int, values: EventFields) -> EventFields:
    """Change an event's fields; returns the old ones (pass them back to undo)."""
    values.check()
    with project.writing(f"the edit of event #{event_id}") as conn:
        row = _row(conn, EVENT, event_id)
        if not _exists(conn, LOCATION, values.location_id):
            raise EditError(f"there is no place #{values.location_id}")
        before = EventFields(**{f.name: row[f.name] for f in fields(EventFields)})
        forget_events(conn, "id = :id", {"id": event_id})
        conn.execute(update(EVENT).where(EVENT.c.id == event_id).values(**_values(values)))
        reindex_events(conn, [event_id])
    return before


def delete_event(project: Project, event_id: int) -> DeletedRows:
    """Delete an event and its links; returns them for :func:`restore_rows`."""
    with project.writing(f"the deletion of event #{event_id}") as conn:
        rows = {
            "event": [_row(conn, EVENT, event_id)],
            "event_actor": [
                dict(r)
                for r in conn.execute(
                    select(event_actor).where(event_actor.c.event_id == event_id)
                ).mappings()
            ],
            "event_source": [
                dict(r)
                for r in conn.execute(
                    select(event_source).where(event_source.c.event_id == event_id)
                ).mappings()
            ],
        }
        forget_events(conn, "id = :id", {"id": event_id})
        conn.execute(delete(EVENT).where(EVENT.c.id == event_id))  # links cascade
    return DeletedRows(rows)


_TABLES: dict[str, Table] = {
    "location": LOCATION,
    "source": SOURCE,
    "event": EVENT,
    "event_actor": event_actor,
    "event_source": event_source,
}


def restore_rows(project: Project, deleted: DeletedRows) -> None:
    """Put deleted rows back with their ids (places and sources before events, events
    before links)."""
    with project.writing("putting deleted rows back") as conn:
        for name in ("location", "source", "event", "event_actor", "event_source"):
            rows = deleted.rows.get(name) or []
            if rows:
                conn.execute(insert(_TABLES[name]), rows)
        reindex_events(conn, [int(r["id"]) for r in deleted.rows.get("event", [])])
        for link in deleted.rows.get("repointed", []):  # events a deleted place lost
            conn.execute(
                update(EVENT)
                .where(EVENT.c.id == link["event_id"])
                .values(location_id=link["location_id"])
            )


# ---------------------------------------------------------------------- places
def read_location(project: Project, location_id: int) -> LocationFields:
    with project.engine.connect() as conn:
        return _location_fields(_row(conn, LOCATION, location_id))


def _location_fields(row: dict[str, Any]) -> LocationFields:
    return LocationFields(
        name=row["name"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        country=row["country"],
        geo_precision=row["geo_precision"] or "unknown",
        alt_names=list(row["alt_names"] or []),
    )


def create_location(project: Project, values: LocationFields) -> int:
    values.check()
    with project.writing("the new place") as conn:
        location_id = _new_id(conn.execute(insert(LOCATION).values(**_values(values))))
    return location_id


def update_location(project: Project, location_id: int, values: LocationFields) -> LocationFields:
    """Change a place's fields; returns the old ones."""
    values.check()
    with project.writing(f"the edit of place #{location_id}") as conn:
        before = _location_fields(_row(conn, LOCATION, location_id))
        conn.execute(update(LOCATION).where(LOCATION.c.id == location_id).values(**_values(values)))
    return before


def move_location(
    project: Project,
    location_id: int,
    latitude: float,
    longitude: float,
    geo_precision: str = "exact",
) -> LocationFields:
    """Put a place at new coordinates (e.g. picked on the map); returns the old fields."""
    before = read_location(project, location_id)
    update_location(
        project,
        location_id,
        replace(before, latitude=latitude, longitude=longitude, geo_precision=geo_precision),
    )
    return before


def delete_location(project: Project, location_id: int) -> DeletedRows:
    """Delete a place; its events become unlocated. Returns what :func:`restore_rows` needs."""
    with project.writing(f"the deletion of place #{location_id}") as conn:
        row = _row(conn, LOCATION, location_id)
        moved = list(
            conn.execute(select(EVENT.c.id).where(EVENT.c.location_id == location_id)).scalars()
        )
        conn.execute(
            update(EVENT).where(EVENT.c.location_id == location_id).values(location_id=None)
        )
        conn.execute(delete(LOCATION).where(LOCATION.c.id == location_id))
    return DeletedRows(
        {
            "location": [row],
            "repointed": [{"event_id": e, "location_id": location_id} for e in moved],
        }
    )


def merge_locations(project: Project, kept_id: int, merged_id: int) -> Merge:
    """Make ``merged_id`` part of ``kept_id``: its events move there, its name and
    alternative names join the kept place's alternative names, and it is deleted."""
    if kept_id == merged_id:
        raise EditError("a place cannot be merged with itself")
    with project.writing("the merge of two places") as conn:
        kept = _row(conn, LOCATION, kept_id)
        merged = _row(conn, LOCATION, merged_id)
        moved = [
            int(i)
            for i in conn.execute(
                select(EVENT.c.id).where(EVENT.c.location_id == merged_id)
            ).scalars()
        ]
        names = list(kept["alt_names"] or [])
        for name in [merged["name"], *(merged["alt_names"] or [])]:
            if name and name != kept["name"] and name not in names:
                names.append(name)
        conn.execute(
            update(EVENT).where(EVENT.c.location_id == merged_id).values(location_id=kept_id)
        )
        conn.execute(update(LOCATION).where(LOCATION.c.id == kept_id).values(alt_names=names))
        conn.execute(delete(LOCATION).where(LOCATION.c.id == merged_id))
    return Merge(kept_id, _location_fields(kept), merged, moved)


def unmerge_locations(project: Project, merge: Merge) -> None:
    """Undo a merge: the merged place comes back with its events."""
    with project.writing("undoing the merge of two places") as conn:
        conn.execute(insert(LOCATION), [merge.merged_row])
        conn.execute(
            update(LOCATION)
            .where(LOCATION.c.id == merge.kept_id)
            .values(**_values(merge.kept_before))
        )
        if merge.moved_events:
            conn.execute(
                update(EVENT)
                .where(EVENT.c.id.in_(merge.moved_events))
                .values(location_id=merge.merged_row["id"])
            )


def list_locations(project: Project) -> list[tuple[int, str, int]]:
    """Every place as (id, name, number of events), by name."""
    with project.engine.connect() as conn:
        return [
            (int(i), str(n), int(c))
            for i, n, c in conn.execute(
                text(
                    "SELECT l.id, l.name, "
                    "(SELECT count(*) FROM event e WHERE e.location_id = l.id) "
                    "FROM location l ORDER BY l.name, l.id"
                )
            )
        ]


@dataclass(frozen=True)
class PlaceChoice:
    """A place as a picker lists it: enough to tell two places of one name apart."""

    id: int
    name: str
    country: str | None
    latitude: float | None
    longitude: float | None
    events: int


def list_place_choices(project: Project) -> list[PlaceChoice]:
    """Every place with its country, coordinates and number of events, by name."""
    with project.engine.connect() as conn:
        return [
            PlaceChoice(int(i), str(n), c, lat, lon, int(k))
            for i, n, c, lat, lon, k in conn.execute(
                text(
                    "SELECT l.id, l.name, l.country, l.latitude, l.longitude, "
                    "(SELECT count(*) FROM event e WHERE e.location_id = l.id) "
                    "FROM location l ORDER BY l.name, l.country, l.id"
                )
            )
        ]


# ---------------------------------------------------------------------- sources
def read_source(project: Project, source_id: int) -> SourceFields:
    with project.engine.connect() as conn:
        row = _row(conn, SOURCE, source_id)
    return SourceFields(**{f.name: row[f.name] for f in fields(SourceFields)})


def create_source(project: Project, values: SourceFields, event_id: int | None = None) -> int:
    """Add a source (cited by ``event_id`` when given); its id."""
    values.check()
    with project.writing("the new source") as conn:
        source_id = _new_id(conn.execute(insert(SOURCE).values(**_values(values))))
        if event_id is not None:
            _row(conn, EVENT, event_id)
            conn.execute(insert(event_source).values(event_id=event_id, source_id=source_id))
    return source_id


def update_source(project: Project, source_id: int, values: SourceFields) -> SourceFields:
    values.check()
    with project.writing(f"the edit of source #{source_id}") as conn:
        row = _row(conn, SOURCE, source_id)
        conn.execute(update(SOURCE).where(SOURCE.c.id == source_id).values(**_values(values)))
    return SourceFields(**{f.name: row[f.name] for f in fields(SourceFields)})


def delete_source(project: Project, source_id: int) -> DeletedRows:
    """Delete a source and the events' links to it."""
    with project.writing(f"the deletion of source #{source_id}") as conn:
        row = _row(conn, SOURCE, source_id)
        links = [
            dict(r)
            for r in conn.execute(
                select(event_source).where(event_source.c.source_id == source_id)
            ).mappings()
        ]
        conn.execute(delete(event_source).where(event_source.c.source_id == source_id))
        conn.execute(delete(SOURCE).where(SOURCE.c.id == source_id))
    return DeletedRows({"source": [row], "event_source": links})


def event_sources(project: Project, event_id: int) -> list[tuple[int, str]]:
    """The sources an event cites, as (id, title)."""
    with project.engine.connect() as conn:
        return [
            (int(i), str(t))
            for i, t in conn.execute(
                select(SOURCE.c.id, SOURCE.c.title)
                .join(event_source, event_source.c.source_id == SOURCE.c.id)
                .where(event_source.c.event_id == event_id)
                .order_by(SOURCE.c.id)
            )
        ]
