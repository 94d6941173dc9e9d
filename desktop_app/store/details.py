"""Everything about one event, read in one ORM session, as plain values for the detail pane."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from desktop_app.store.project import Project
from desktop_app.store.schema import Actor, Event, ImportBatch, Source, event_actor

ACTOR_ROLES = {1: "actor 1", 2: "actor 2", 3: "associated"}


@dataclass(frozen=True)
class PlaceDetail:
    name: str
    country: str | None  # ISO alpha-2
    latitude: float | None
    longitude: float | None
    geo_precision: str
    alt_names: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SourceDetail:
    title: str
    publisher: str | None
    url: str | None
    date: str | None
    notes: str | None


@dataclass(frozen=True)
class BatchDetail:
    id: int
    file_name: str
    imported_at: datetime
    preset: str


@dataclass(frozen=True)
class ActorDetail:
    name: str
    role: str  # "actor 1", "actor 2", "associated" or ""


@dataclass(frozen=True)
class EventDetail:
    """One event with its place, actors, sources, import batch and extra attributes."""

    id: int
    title: str
    description: str | None
    external_id: str | None
    start_s: int
    end_s: int | None  # exclusive end of the given end's span, None when not given
    precision: int  # domain.dates.Precision
    category: str | None
    tags: list[str]
    reliability: str | None
    credibility: int | None
    place: PlaceDetail | None
    actors: list[ActorDetail]
    sources: list[SourceDetail]
    batch: BatchDetail | None
    attributes: dict[str, Any]


def event_detail(project: Project, event_id: int) -> EventDetail | None:
    """The event with id ``event_id``, or None when there is no such event."""
    with project.session() as session:
        event = session.get(Event, int(event_id))
        if event is None:
            return None
        actor_rows = session.execute(
            select(Actor.name, event_actor.c.role)
            .join(event_actor, event_actor.c.actor_id == Actor.id)
            .where(event_actor.c.event_id == event.id)
            .order_by(event_actor.c.role, Actor.name)
        ).all()
        seen: set[str] = set()
        actors = []
        for name, role in actor_rows:
            if name not in seen:  # one actor can hold several roles: show the first
                seen.add(name)
                actors.append(ActorDetail(name, ACTOR_ROLES.get(int(role), "")))
        place = None
        if event.location is not None:
            loc = event.location
            place = PlaceDetail(
                loc.name,
                loc.country,
                loc.latitude,
                loc.longitude,
                loc.geo_precision or "unknown",
                list(loc.alt_names or []),
            )
        batch: ImportBatch | None = event.batch
        return EventDetail(
            id=event.id,
            title=event.title,
            description=event.description,
            external_id=event.external_id,
            start_s=event.start_s,
            end_s=event.end_s,
            precision=event.precision,
            category=event.category,
            tags=[str(t) for t in (event.tags or [])],
            reliability=event.reliability,
            credibility=event.credibility,
            place=place,
            actors=actors,
            sources=[_source(s) for s in event.sources],
            batch=None
            if batch is None
            else BatchDetail(batch.id, batch.file_name, batch.imported_at, batch.preset),
            attributes=dict(event.attributes or {}),
        )


def _source(source: Source) -> SourceDetail:
    return SourceDetail(source.title, source.publisher, source.url, source.date, source.notes)
