"""Cutting a SQLite project's write-ahead log back to nothing after a big write.

A project's connections never checkpoint on close (``guard.keep_wal_on_close``), so a
million-event import leaves its whole transaction in the ``-wal`` file (2.5 GB for
five million events); the next process to open the project reads all of it back to
rebuild the WAL index before its first query. After a big write has committed,
:func:`truncate_wal` copies the log into the database and truncates it
(``PRAGMA wal_checkpoint(TRUNCATE)``), so the next open starts from an empty log.
"""

from __future__ import annotations

import logging
from pathlib import Path

from desktop_app.store.project import Project

log = logging.getLogger(__name__)
# below this the next open reads the log back in a blink: not worth a checkpoint
TRUNCATE_FROM_BYTES = 64 * 1024 * 1024


def wal_path(project: Project) -> Path | None:
    """The project's ``-wal`` file (None for PostgreSQL or in-memory SQLite)."""
    if project.path is None or project.engine.dialect.name != "sqlite":
        return None
    return Path(f"{project.path}-wal")


def truncate_wal(project: Project, at_least: int | None = None) -> bool:
    """Checkpoint the project's WAL into the database and cut it to zero bytes when it
    holds ``at_least`` bytes (``TRUNCATE_FROM_BYTES`` unless given); True when it was
    cut. Call it once a write has committed. Never raises: a reader or writer still
    busy on the log after SQLite's busy timeout leaves it as it is (the data is safe
    either way; only the next open is slower)."""
    wal = wal_path(project)
    least = TRUNCATE_FROM_BYTES if at_least is None else at_least
    try:
        if wal is None or wal.stat().st_size < least:
            return False
    except OSError:  # no log at all
        return False
    try:
        # the driver's own connection, outside any transaction (a checkpoint inside
        # one is refused)
        raw = project.engine.raw_connection()
        try:
            cursor = raw.cursor()
            busy, _frames, _copied = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            cursor.close()
        finally:
            raw.close()
    except Exception:  # a damaged or vanished file: the next write finds out and says so
        log.warning("could not checkpoint the WAL of %s", project.path, exc_info=True)
        return False
    if busy:
        log.info("the WAL of %s is busy; it stays until a later checkpoint", project.path)
    return not busy


__all__ = ["TRUNCATE_FROM_BYTES", "truncate_wal", "wal_path"]
