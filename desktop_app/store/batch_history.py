"""The import history: every batch with what came of it, and undoing an import in a way
that can be redone (its rows kept, put back with their ids).

:func:`desktop_app.store.batches.undo_batch` removes a batch's events for good (the
command line's ``undo-import``). The window's undo must be able to redo, so
:func:`take_out_batch` keeps every row the undo removes (read from the snapshot of just
before it, under the same write lock), and :func:`put_back_batch` puts them back as they
were, in one transaction.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
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


Read = dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]]  # table -> (columns, rows)
# reads the rows an undo removes from the snapshot taken just before it (SQLite)
_READER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sightline-undone-rows")


@dataclass(frozen=True)
class BatchRows:
    """The rows an undo took out, enough to put them back: per table its column names
    and its rows as plain tuples, as the database driver gave them (on SQLite the
    stored values themselves, so they go back byte for byte). On SQLite they are still
    being read (from the snapshot of just before the undo) when the undo returns:
    reading them waits for that."""

    batch_id: int
    read: Future[Read]

    @property
    def columns(self) -> dict[str, tuple[str, ...]]:
        return {name: columns for name, (columns, _) in self.read.result().items()}

    @property
    def values(self) -> dict[str, list[tuple[Any, ...]]]:
        return {name: rows for name, (_, rows) in self.read.result().items()}

    @property
    def rows(self) -> dict[str, list[dict[str, Any]]]:
        """The rows as one dict per row (column name -> value)."""
        return {
            name: [dict(zip(columns, row, strict=True)) for row in rows]
            for name, (columns, rows) in self.read.result().items()
        }

    @property
    def events(self) -> int:
        return len(self.read.result()["event"][1])


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


def _rows(conn: Connection, query: Any) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """Column names and rows of ``query``, fetched through the DB-API cursor as plain
    tuples (no result objects per row: a million events are read in about a second)."""
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    given = compiled.params
    names = compiled.positiontup
    params: Any = tuple(given[name] for name in names) if names is not None else given
    cursor = conn.connection.cursor()
    try:
        cursor.execute(str(compiled), params)
        columns = tuple(d[0] for d in cursor.description)
        return columns, [tuple(r) for r in cursor.fetchall()]
    finally:
        cursor.close()


def _batch_rows(
    conn: Connection, batch_id: int
) -> dict[str, tuple[tuple[str, ...], list[tuple[Any, ...]]]]:
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
    back, all under one write lock, so nothing changes between reading and removing.

    On SQLite the rows are read from a snapshot instead of before the undo: a reading
    transaction is opened (on a thread) and its snapshot taken under the write lock,
    then the undo runs and returns while the thread reads the million rows the snapshot
    still holds (WAL keeps it whole until it ends). The analyst sees the import gone in
    the time of the delete; a redo waits for the reading if it is not done."""
    if project.engine.dialect.name != "sqlite":
        with project.write_lock(f"undoing import batch {batch_id}"):
            with project.engine.connect() as conn:
                done: Future[Read] = Future()
                done.set_result(_batch_rows(conn, batch_id))
            undo_batch(project, batch_id)
        return BatchRows(batch_id, done)
    ready, undone = threading.Event(), threading.Event()
    with project.write_lock(f"undoing import batch {batch_id}"):
        read = _READER.submit(_read_from_snapshot, project, batch_id, ready, undone)
        ready.wait()
        try:
            if read.done() and read.exception() is not None:
                raise BatchError(f"import batch {batch_id} could not be read: {read.exception()}")
            undo_batch(project, batch_id)
        finally:
            undone.set()  # the reading starts now, not competing with the delete
    return BatchRows(batch_id, read)


def _read_from_snapshot(
    project: Project, batch_id: int, ready: threading.Event, undone: threading.Event
) -> Read:
    """Open a read transaction, take its snapshot, say so, then (once the undo is
    done, so the two do not compete) read the batch's rows from that snapshot."""
    try:
        with project.engine.connect() as conn, conn.begin():
            conn.execute(select(func.count()).select_from(BATCH)).scalar()  # snapshot taken
            ready.set()
            undone.wait()
            return _batch_rows(conn, batch_id)
    finally:
        ready.set()


def put_back_batch(project: Project, taken: BatchRows) -> int:
    """Redo an undone import: its rows back with their ids, the batch no longer marked
    undone, its events in the text index. One transaction; returns the events put back."""
    with project.writing(f"redoing import batch {taken.batch_id}", timeout=None) as conn:
        undone = conn.execute(select(BATCH.c.undone_at).where(BATCH.c.id == taken.batch_id)).first()
        if undone is None:
            raise BatchError(f"there is no import batch {taken.batch_id}")
        if undone.undone_at is None:
            raise BatchError(f"import batch {taken.batch_id} is not undone")
        read = taken.read.result()  # waits for the reading, if it is not done
        for name in RESTORE_ORDER:
            columns, rows = read.get(name, ((), []))
            if name in ("location", "source", "actor") and rows:
                table = _TABLES[name]
                at_id = columns.index("id")
                wanted = [r[at_id] for r in rows]
                there: set[int] = set()
                for at in range(0, len(wanted), ID_CHUNK):  # within SQLite's bound limit
                    chunk = wanted[at : at + ID_CHUNK]
                    there.update(
                        conn.execute(select(table.c.id).where(table.c.id.in_(chunk))).scalars()
                    )
                rows = [r for r in rows if r[at_id] not in there]  # kept by someone since
            if rows:
                _insert(conn, name, columns, rows)
        conn.execute(update(BATCH).where(BATCH.c.id == taken.batch_id).values(undone_at=None))
        columns, events = read.get("event", (("id",), []))
        reindex_events(conn, [int(r[columns.index("id")]) for r in events])
    return taken.events


def _insert(
    conn: Connection, name: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]
) -> None:
    """Put rows back as they were read. SQLite: the stored values through the driver's
    executemany (no conversion, so JSON and dates go back byte for byte); PostgreSQL:
    through SQLAlchemy, which reads and writes its values alike."""
    if conn.dialect.name == "sqlite":
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        cursor = conn.connection.cursor()
        try:
            cursor.executemany(f'INSERT INTO "{name}" ({names}) VALUES ({marks})', rows)
        finally:
            cursor.close()
        return
    conn.execute(insert(_TABLES[name]), [dict(zip(columns, r, strict=True)) for r in rows])
