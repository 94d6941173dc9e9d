"""Import batches as a whole: listing them and undoing one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text

from desktop_app.store.project import Project
from desktop_app.store.schema import ImportBatch, table_of
from desktop_app.store.search import forget_events


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
    with project.writing(f"undoing import batch {batch_id}", timeout=None) as conn:
        batch = conn.execute(
            select(ImportBatch.id, ImportBatch.undone_at).where(ImportBatch.id == batch_id)
        ).first()
        if batch is None:
            raise BatchError(f"there is no import batch {batch_id}")
        if batch.undone_at is not None:
            raise BatchError(f"import batch {batch_id} was already undone at {batch.undone_at}")
        forget_events(conn, "batch_id = :b", {"b": batch_id})
        ids = "SELECT id FROM event WHERE batch_id = :b"
        conn.execute(text(f"DELETE FROM event_actor WHERE event_id IN ({ids})"), {"b": batch_id})
        conn.execute(text(f"DELETE FROM event_source WHERE event_id IN ({ids})"), {"b": batch_id})
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
    return int(removed)
