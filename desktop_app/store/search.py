"""Full-text search over event titles and descriptions.

On SQLite this is an FTS5 external-content index (created by migration 0002). It is
filled incrementally: ``setting['fts_indexed_upto']`` is the highest event id indexed,
and :func:`refresh_index` indexes the rest. A big import therefore does not wait for it;
the first search (or the window, in the background) catches up. Code that deletes or
edits events must call :func:`forget_events` first, while the old text is still there.
PostgreSQL has its own index that answers the same (``pg_search.py``, migration 0005).
Other databases search with a case-insensitive LIKE.

Words are runs of letters and digits, as FTS5 splits them: ``_``, ``%`` and other
punctuation separate words and are never wildcards.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

import numpy as np
from sqlalchemy import text
from sqlalchemy.engine import Connection

from desktop_app.store import pg_search, search_memory
from desktop_app.store.project import Project

WATERMARK = "fts_indexed_upto"
# FTS5's unicode61 token characters (letters and digits; not "_"), as a Python pattern
_WORD = re.compile(r"[^\W_]+", flags=re.UNICODE)


def query_words(query: str) -> list[str]:
    """The words of a query as FTS5 splits them (``_`` and ``%`` separate words)."""
    return _WORD.findall(unicodedata.normalize("NFC", query))


def has_fts(conn: Connection) -> bool:
    """Whether the project has the SQLite FTS5 index (PostgreSQL's lives in the rows)."""
    if conn.dialect.name != "sqlite":
        return False
    return (
        conn.execute(
            text("SELECT 1 FROM sqlite_master WHERE type='table' AND name='event_fts'")
        ).first()
        is not None
    )


def watermark(conn: Connection) -> int:
    """The highest event id the FTS5 index holds (events above it are indexed later)."""
    value = conn.execute(
        text("SELECT value FROM setting WHERE key = :k"), {"k": WATERMARK}
    ).scalar()
    return int(value) if value is not None else 0


# events indexed per transaction: an edit waiting behind the index waits for one chunk
INDEX_CHUNK = 20_000


def refresh_index(project: Project) -> int:
    """Index events added since the last refresh; returns how many were indexed.

    Each chunk of events is one short write through the project's write queue, so an
    edit made while a big project is being indexed waits for one chunk, not the whole.
    """
    if project.engine.dialect.name == "postgresql":
        return _refresh_postgres(project)
    with project.engine.connect() as conn:
        behind = has_fts(conn) and _behind(conn) >= search_memory.KEEP_FROM
        mark = watermark(conn) if behind else 0
    if behind:  # searches meanwhile match the unindexed text in memory, not by LIKE
        search_memory.load(project, mark)
    try:
        return _build(project)
    finally:
        search_memory.forget(project)  # caught up (or failed: LIKE answers again)


def _behind(conn: Connection) -> int:
    """How far the index is behind: events above the watermark (by id, an upper bound)."""
    top = conn.execute(text("SELECT coalesce(max(id), 0) FROM event")).scalar_one()
    return int(top) - watermark(conn)


def _build(project: Project) -> int:
    total = 0
    while True:
        with project.writing("building the text index", changes_data=False, timeout=None) as conn:
            if not has_fts(conn):
                return total
            mark = watermark(conn)
            found = conn.execute(
                text("SELECT id FROM event WHERE id > :m ORDER BY id LIMIT 1 OFFSET :n"),
                {"m": mark, "n": INDEX_CHUNK - 1},
            ).scalar()
            last = found is None
            top = int(
                conn.execute(text("SELECT coalesce(max(id), 0) FROM event")).scalar_one()
                if found is None
                else found
            )
            if top <= mark:
                return total
            added = conn.execute(
                text(
                    "INSERT INTO event_fts(rowid, title, description) "
                    "SELECT id, title, coalesce(description, '') FROM event "
                    "WHERE id > :m AND id <= :t"
                ),
                {"m": mark, "t": top},
            ).rowcount
            conn.execute(
                text(
                    "INSERT INTO setting(key, value) VALUES (:k, :v) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
                ),
                {"k": WATERMARK, "v": str(top)},
            )
            total += int(added)
        if last:
            return total


def _refresh_postgres(project: Project) -> int:
    total = 0
    while True:
        with project.writing("building the text index", changes_data=False, timeout=None) as conn:
            if not pg_search.can_write(conn):
                return total  # a read-only role: searches read unfilled rows the slow way
            done = pg_search.refresh(conn)
        total += done
        if done < pg_search.CHUNK:
            return total


def forget_events(conn: Connection, where: str, params: dict[str, Any]) -> None:
    """Take events matching ``where`` (SQL on table event) out of the index."""
    if not has_fts(conn):
        return
    mark = watermark(conn)
    conn.execute(
        text(
            "INSERT INTO event_fts(event_fts, rowid, title, description) "
            "SELECT 'delete', id, title, coalesce(description, '') FROM event "
            f"WHERE ({where}) AND id <= :_mark"
        ),
        {**params, "_mark": mark},
    )


def reindex_events(conn: Connection, event_ids: list[int]) -> None:
    """Put events' current text in the index, after :func:`forget_events` took the old
    text out (on SQLite only those at or below the watermark: :func:`refresh_index`
    indexes the rest)."""
    if conn.dialect.name == "postgresql":  # the words live in the row (pg_search.py)
        pg_search.reindex(conn, event_ids)
        return
    if not event_ids or not has_fts(conn):
        return
    mark = watermark(conn)
    wanted = sorted(i for i in set(event_ids) if i <= mark)
    for at in range(0, len(wanted), INDEX_CHUNK):  # a statement per chunk, not per event
        chunk = wanted[at : at + INDEX_CHUNK]
        conn.execute(
            text(
                "INSERT INTO event_fts(rowid, title, description) "
                "SELECT id, title, coalesce(description, '') FROM event "
                "WHERE id IN (SELECT value FROM json_each(:ids))"
            ),
            {"ids": json.dumps(chunk)},
        )


def _fts_query(query: str) -> str:
    """User text -> an FTS5 query: every word must occur, as a word prefix."""
    words = query_words(query)
    return " ".join(f'"{w}"*' for w in words)


def search_ids(project: Project, query: str, refresh: bool = False) -> np.ndarray:
    """Ids of events whose title or description contains every word of ``query``.

    Events the index has not reached yet (a big import indexing in the background) are
    searched with LIKE, so a search never waits for the index and never misses an event.
    ``refresh=True`` brings the index up to date first.
    """
    words = query_words(query)
    if not words:
        return np.zeros(0, np.int64)
    if refresh:
        refresh_index(project)
    with project.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            return np.unique(np.fromiter(pg_search.search(conn, query), np.int64))
        mark = 0
        indexed: list[int] = []
        in_memory = np.zeros(0, np.int64)
        conn.begin()  # one snapshot for the index, the kept text and the rest
        if has_fts(conn):
            mark = watermark(conn)
            indexed += conn.execute(
                text("SELECT rowid FROM event_fts WHERE event_fts MATCH :q AND rowid <= :m"),
                {"q": _fts_query(query), "m": mark},
            ).scalars()
            memory = search_memory.kept(project, conn)
            if memory is not None and memory.above <= mark:
                # the events above the watermark, all of them in memory (the data
                # version says nothing changed since they were read)
                in_memory = memory.matching(words, mark)
                mark = max(mark, memory.last)
        clauses = " AND ".join(
            f"(lower(title) LIKE :w{i} OR lower(coalesce(description, '')) LIKE :w{i})"
            for i in range(len(words))
        )
        params: dict[str, object] = {f"w{i}": f"%{w.lower()}%" for i, w in enumerate(words)}
        scanned = conn.execute(
            text(f"SELECT id FROM event WHERE id > :m AND {clauses}"), {**params, "m": mark}
        ).scalars()
        # the index answers ids up to the watermark, the kept text (ascending, each id
        # once) those above it, LIKE those above both: the three parts are in order and
        # only the index's and LIKE's need sorting (np.unique of the few hundred
        # thousand ids a common word finds in the kept text costs 0.1-0.7 s)
        return np.concatenate(
            [
                np.unique(np.fromiter(indexed, np.int64)),
                in_memory,
                np.unique(np.fromiter(scanned, np.int64)),
            ]
        )
