"""Import batches as a whole: listing them and undoing one (a big one in bulk)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, select, text

from desktop_app.store.project import Project
from desktop_app.store.schema import ImportBatch, table_of
from desktop_app.store.search import forget_events, has_fts, watermark
from desktop_app.store.wal import truncate_wal

LINKS = ("event_actor", "event_source")  # the tables whose rows point at events


class BatchError(Exception):
    """The batch cannot be undone (unknown, or undone already)."""


def list_batches(project: Project) -> list[ImportBatch]:
    with project.session() as session:
        return list(session.scalars(select(ImportBatch).order_by(ImportBatch.id)))


def undo_batch(project: Project, batch_id: int) -> int:
    """Remove a batch's events, and the places, actors and sources only it brought.

    The batch record stays, marked undone, as a trace of what happened. Returns the
    number of events removed. One transaction: all or nothing.
    """
    bulk = project.engine.dialect.name == "sqlite" and _most_of_project(project, batch_id)
    with project.writing(
        f"undoing import batch {batch_id}", timeout=None, keys_checked_once=bulk
    ) as conn:
        batch = conn.execute(
            select(ImportBatch.id, ImportBatch.undone_at).where(ImportBatch.id == batch_id)
        ).first()
        if batch is None:
            raise BatchError(f"there is no import batch {batch_id}")
        if batch.undone_at is not None:
            raise BatchError(f"import batch {batch_id} was already undone at {batch.undone_at}")
        if conn.dialect.name == "sqlite":
            removed = _remove_events_sqlite(conn, batch_id, bulk=bulk)
        else:
            forget_events(conn, "batch_id = :b", {"b": batch_id})
            ids = "SELECT id FROM event WHERE batch_id = :b"
            for link in LINKS:
                conn.execute(text(f"DELETE FROM {link} WHERE event_id IN ({ids})"), {"b": batch_id})
            removed = conn.execute(
                text("DELETE FROM event WHERE batch_id = :b"), {"b": batch_id}
            ).rowcount
        conn.execute(
            text(
                "DELETE FROM location WHERE batch_id = :b AND id NOT IN "
                "(SELECT location_id FROM event WHERE location_id IS NOT NULL)"
            ),
            {"b": batch_id},
        )
        conn.execute(
            text(
                "DELETE FROM actor WHERE batch_id = :b AND id NOT IN "
                "(SELECT actor_id FROM event_actor)"
            ),
            {"b": batch_id},
        )
        conn.execute(
            text(
                "DELETE FROM source WHERE batch_id = :b AND id NOT IN "
                "(SELECT source_id FROM event_source)"
            ),
            {"b": batch_id},
        )
        conn.execute(
            table_of(ImportBatch)
            .update()
            .where(ImportBatch.id == batch_id)
            .values(undone_at=datetime.now().replace(microsecond=0))
        )
    truncate_wal(project)  # committed: the next open does not read the undo back
    return int(removed)


def _most_of_project(project: Project, batch_id: int) -> bool:
    """Whether a batch brought at least half of the project's events (read before the
    write, from the batch's record and an index count: it only chooses how the rows are
    deleted, never which)."""
    with project.engine.connect() as conn:
        imported = conn.execute(
            select(ImportBatch.imported).where(ImportBatch.id == batch_id)
        ).scalar()
        total = conn.execute(text("SELECT count(*) FROM event")).scalar_one()
    return bool(imported) and 2 * int(imported or 0) >= int(total)


def _remove_events_sqlite(conn: Connection, batch_id: int, *, bulk: bool) -> int:
    """Delete a batch's events, their links and their text-index rows, in the caller's
    transaction; returns how many events went. The links are deleted here, never by
    ON DELETE CASCADE, so this is right with foreign keys enforced or not.

    ``bulk`` (a batch that is most of the project: undoing the big import just made;
    the write then checks foreign keys once at the end instead of per row) removes it
    the way a bulk load is made: the text index is emptied and the other events put
    back in it, the event table's indexes are dropped for the delete and built again
    over what is left, and the links go by one statement each (no WHERE when no event
    is left, so SQLite truncates the table). Row by row, each of a million deletes
    costs B-tree searches in every index, the text index and the links (17 s at a
    million events). It is all one transaction: a crash or an error leaves the project
    as it was.
    """
    params = {"b": batch_id}
    fts = has_fts(conn)
    if not bulk:
        forget_events(conn, "batch_id = :b", params)
        ids = "SELECT id FROM event WHERE batch_id = :b"
        for link in LINKS:
            conn.execute(text(f"DELETE FROM {link} WHERE event_id IN ({ids})"), params)
        return int(conn.execute(text("DELETE FROM event WHERE batch_id = :b"), params).rowcount)
    if fts:
        conn.execute(text("INSERT INTO event_fts(event_fts) VALUES ('delete-all')"))
    indexes = [
        (str(name), str(sql))
        for name, sql in conn.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = 'event' AND sql IS NOT NULL"
            )
        )
    ]
    for name, _ in indexes:
        conn.execute(text(f'DROP INDEX "{name}"'))
    removed = int(conn.execute(text("DELETE FROM event WHERE batch_id = :b"), params).rowcount)
    left = conn.execute(text("SELECT EXISTS (SELECT 1 FROM event)")).scalar()
    for link in LINKS:  # the links of events no longer there
        if left:
            conn.execute(text(f"DELETE FROM {link} WHERE event_id NOT IN (SELECT id FROM event)"))
        else:
            conn.execute(text(f"DELETE FROM {link}"))
    for _, sql in indexes:
        conn.execute(text(sql))
    if fts and left:  # the events left, as far as the index had reached
        conn.execute(
            text(
                "INSERT INTO event_fts(rowid, title, description) "
                "SELECT id, title, coalesce(description, '') FROM event WHERE id <= :m"
            ),
            {"m": watermark(conn)},
        )
    return removed
