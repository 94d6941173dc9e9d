"""The import history: every batch with what came of it, and undoing an import in a way
that can be redone (its rows kept, put back with their ids).

:func:`desktop_app.store.batches.undo_batch` removes a batch's events for good (the
command line's ``undo-import``). The window's undo must be able to redo, so
:func:`take_out_batch` first reads every row the undo will remove, under the same write
lock, and :func:`put_back_batch` puts them back as they were, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.engine import Connection

from desktop_app.store.batches import BatchError, undo_batch
from desktop_app.store.project import Project
from desktop_app.store.schema import Actor, Event, ImportBatch, Location, Source
from desktop_app.store.schema import event_actor as EVENT_ACTOR
from desktop_app.store.schema import event_source as EVENT_SOURCE
from desktop_app.store.search import reindex_events

EVENT: Table = Event.__table__  # type: ignore[assignment]
LOCATION: Table = Location.__table__  # type: ignore[assignment]
SOURCE: Table = Source.__table__  # type: ignore[assignment]
ACTOR: Table = Actor.__table__  # type: ignore[assignment]
BATCH: Table = ImportBatch.__table__  # type: ignore[assignment]
# the order rows go back in: what events point at first, the links last
RESTORE_ORDER = ("location", "source", "actor", "event", "event_actor", "event_source")
ID_CHUNK = 10_000
_TABLES = {
    "location": LOCATION,
    "source": SOURCE,
    "actor": ACTOR,
    "event": EVENT,
    "event_actor": EVENT_ACTOR,
    "event_source": EVENT_SOURCE,
}


@dataclass(frozen=True)
class BatchSummary:
    """One import batch as the history lists it; ``events`` is how many of its events
    the project holds now (fewer than ``imported`` after deletes, 0 once undone)."""

    id: int
    file_name: str
    sha256: str
    imported_at: datetime
    preset: str
    rows_read: int
    imported: int
    duplicates: int
    rejected: int
    unlocated: int
    undone_at: datetime | None
    events: int

    @property
    def undone(self) -> bool:
        return self.undone_at is not None


@dataclass(frozen=True)
class BatchRows:
    """The rows an undo took out (table name -> rows), enough to put them back."""

    batch_id: int
    rows: dict[str, list[dict[str, Any]]]

    @property
    def events(self) -> int:
        return len(self.rows.get("event", []))


def batch_history(project: Project) -> list[BatchSummary]:
    """Every import batch, the newest first, with its events' count now."""
    counts = (
        select(EVENT.c.batch_id, func.count().label("n"))
        .where(EVENT.c.batch_id.is_not(None))
        .group_by(EVENT.c.batch_id)
        .subquery()
    )
    query = (
        select(BATCH, func.coalesce(counts.c.n, 0).label("events"))
        .outerjoin(counts, counts.c.batch_id == BATCH.c.id)
        .order_by(BATCH.c.id.desc())
    )
    with project.engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [
        BatchSummary(
            id=int(r["id"]),
            file_name=str(r["file_name"]),
            sha256=str(r["sha256"]),
            imported_at=r["imported_at"],
            preset=str(r["preset"]),
            rows_read=int(r["rows_read"] or 0),
            imported=int(r["imported"] or 0),
            duplicates=int(r["duplicates"] or 0),
            rejected=int(r["rejected"] or 0),
            unlocated=int(r["unlocated"] or 0),
            undone_at=r["undone_at"],
            events=int(r["events"]),
        )
        for r in rows
    ]


def _rows(conn: Connection, query: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(query).mappings()]


def _batch_rows(conn: Connection, batch_id: int) -> dict[str, list[dict[str, Any]]]:
    """What :func:`undo_batch` removes: the batch's events and their links, and the
    places, actors and sources it brought that no other event uses."""
    ids = select(EVENT.c.id).where(EVENT.c.batch_id == batch_id)
    others = EVENT.c.batch_id.is_(None) | (EVENT.c.batch_id != batch_id)
    used_places = select(EVENT.c.location_id).where(others, EVENT.c.location_id.is_not(None))
    other_events = select(EVENT.c.id).where(others)
    used_actors = select(EVENT_ACTOR.c.actor_id).where(EVENT_ACTOR.c.event_id.in_(other_events))
    used_sources = select(EVENT_SOURCE.c.source_id).where(EVENT_SOURCE.c.event_id.in_(other_events))
    return {
        "event": _rows(conn, select(EVENT).where(EVENT.c.batch_id == batch_id)),
        "event_actor": _rows(conn, select(EVENT_ACTOR).where(EVENT_ACTOR.c.event_id.in_(ids))),
        "event_source": _rows(conn, select(EVENT_SOURCE).where(EVENT_SOURCE.c.event_id.in_(ids))),
        "location": _rows(
            conn,
            select(LOCATION).where(
                LOCATION.c.batch_id == batch_id, LOCATION.c.id.not_in(used_places)
            ),
        ),
        "actor": _rows(
            conn, select(ACTOR).where(ACTOR.c.batch_id == batch_id, ACTOR.c.id.not_in(used_actors))
        ),
        "source": _rows(
            conn,
            select(SOURCE).where(SOURCE.c.batch_id == batch_id, SOURCE.c.id.not_in(used_sources)),
        ),
    }


def take_out_batch(project: Project, batch_id: int) -> BatchRows:
    """Undo an import (as :func:`undo_batch`: one transaction), keeping its rows to put
    back. The rows are read under the same write lock, so nothing changes between."""
    with project.write_lock(f"undoing import batch {batch_id}"):
        with project.engine.connect() as conn:
            rows = _batch_rows(conn, batch_id)
        removed = undo_batch(project, batch_id)
    if removed != len(rows["event"]):  # pragma: no cover - the lock rules it out
        raise BatchError(f"import batch {batch_id} changed while it was being undone")
    return BatchRows(batch_id, rows)


def put_back_batch(project: Project, taken: BatchRows) -> int:
    """Redo an undone import: its rows back with their ids, the batch no longer marked
    undone, its events in the text index. One transaction; returns the events put back."""
    with project.writing(f"redoing import batch {taken.batch_id}", timeout=None) as conn:
        undone = conn.execute(select(BATCH.c.undone_at).where(BATCH.c.id == taken.batch_id)).first()
        if undone is None:
            raise BatchError(f"there is no import batch {taken.batch_id}")
        if undone.undone_at is None:
            raise BatchError(f"import batch {taken.batch_id} is not undone")
        for name in RESTORE_ORDER:
            rows = taken.rows.get(name) or []
            if name in ("location", "source", "actor") and rows:
                table = _TABLES[name]
                wanted = [r["id"] for r in rows]
                there: set[int] = set()
                for at in range(0, len(wanted), ID_CHUNK):  # within SQLite's bound limit
                    chunk = wanted[at : at + ID_CHUNK]
                    there.update(
                        conn.execute(select(table.c.id).where(table.c.id.in_(chunk))).scalars()
                    )
                rows = [r for r in rows if r["id"] not in there]  # kept by someone since
            if rows:
                conn.execute(insert(_TABLES[name]), rows)
        conn.execute(update(BATCH).where(BATCH.c.id == taken.batch_id).values(undone_at=None))
        reindex_events(conn, [int(r["id"]) for r in taken.rows.get("event", [])])
    return taken.events
