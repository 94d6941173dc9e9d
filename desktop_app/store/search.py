"""Full-text search over event titles and descriptions, with the same answers on SQLite
and PostgreSQL.

A word of the query matches a word of the title or description that starts with it,
in any case and with or without the accents of Latin letters (``kyi`` finds Kyïv);
every word of the query must match. Words are runs of letters and digits: ``_``, ``%``
and other punctuation separate words and are never wildcards.

On SQLite this is an FTS5 external-content index (created by migration 0002). It is
filled incrementally: ``setting['fts_indexed_upto']`` is the highest event id indexed,
and :func:`refresh_index` indexes the rest. A big import therefore does not wait for it;
the first search (or the window, in the background) catches up. Code that deletes or
edits events must call :func:`forget_events` first, while the old text is still there.

On PostgreSQL (migration 0005) each event's words are a ``tsvector`` in
``event.search_doc`` under a GIN index, made by the SQL function ``sightline_words``,
which splits and folds text as FTS5 does; :func:`refresh_index` fills the column for
rows an import left empty, and a search reads those rows the slow way meanwhile.
Other databases search with a case-insensitive LIKE.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np
from sqlalchemy import text
from sqlalchemy.engine import Connection

from desktop_app.store.project import Project

WATERMARK = "fts_indexed_upto"
# FTS5's unicode61 token characters (letters, digits), as a Python pattern
_WORD = re.compile(r"[^\W_]+", flags=re.UNICODE)


def query_words(query: str) -> list[str]:
    """The words of a query as both backends split them (``_`` and ``%`` separate)."""
    return _WORD.findall(unicodedata.normalize("NFC", query))


def _has_fts(conn: Connection) -> bool:
    if conn.dialect.name != "sqlite":
        return False
    return conn.execute(text(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='event_fts'")).first() is not None


def _has_pg_search(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _watermark(conn: Connection) -> int:
    value = conn.execute(text("SELECT value FROM setting WHERE key = :k"),
                         {"k": WATERMARK}).scalar()
    return int(value) if value is not None else 0


def refresh_index(project: Project) -> int:
    """Index events added since the last refresh; returns how many were indexed."""
    if project.engine.dialect.name == "postgresql" and not project.can_write():
        return 0  # a read-only role: searches read unfilled rows the slow way instead
    with project.engine.begin() as conn:
        if _has_pg_search(conn):
            return int(conn.execute(text(
                "UPDATE event SET search_doc = sightline_search_doc(title, description) "
                "WHERE search_doc IS NULL")).rowcount)
        if not _has_fts(conn):
            return 0
        mark = _watermark(conn)
        top = conn.execute(text("SELECT coalesce(max(id), 0) FROM event")).scalar_one()
        if top <= mark:
            return 0
        added = conn.execute(text(
            "INSERT INTO event_fts(rowid, title, description) "
            "SELECT id, title, coalesce(description, '') FROM event WHERE id > :m"),
            {"m": mark}).rowcount
        conn.execute(text(
            "INSERT INTO setting(key, value) VALUES (:k, :v) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
            {"k": WATERMARK, "v": str(top)})
        return int(added)


def forget_events(conn: Connection, where: str, params: dict[str, Any]) -> None:
    """Take events matching ``where`` (SQL on table event) out of the index."""
    if not _has_fts(conn):
        return  # PostgreSQL: the words live in the row itself
    mark = _watermark(conn)
    conn.execute(text(
        "INSERT INTO event_fts(event_fts, rowid, title, description) "
        "SELECT 'delete', id, title, coalesce(description, '') FROM event "
        f"WHERE ({where}) AND id <= :_mark"), {**params, "_mark": mark})


def reindex_events(conn: Connection, event_ids: list[int]) -> None:
    """Put events' current text in the index after an edit (SQLite: those below the
    watermark, the rest are indexed by ``refresh_index``)."""
    if not event_ids:
        return
    if _has_pg_search(conn):
        conn.execute(text(
            "UPDATE event SET search_doc = sightline_search_doc(title, description) "
            "WHERE id = ANY(:ids)"), {"ids": [int(i) for i in event_ids]})
        return
    if not _has_fts(conn):
        return
    mark = _watermark(conn)
    for event_id in event_ids:
        if event_id <= mark:
            conn.execute(text(
                "INSERT INTO event_fts(rowid, title, description) "
                "SELECT id, title, coalesce(description, '') FROM event WHERE id = :id"),
                {"id": event_id})


def _fts_query(words: list[str]) -> str:
    """Words -> an FTS5 query: every word must occur, as a word prefix."""
    return " ".join(f'"{w}"*' for w in words)


def _pg_search(conn: Connection, query: str) -> list[int]:
    words = conn.execute(text("SELECT sightline_words(:q)"), {"q": query}).scalar() or []
    if not words:
        return []
    # words are letters and digits only, so quoting them for tsquery is just '...'
    tsquery = " & ".join(f"'{w}':*" for w in words)
    return list(conn.execute(text(
        "SELECT id FROM event WHERE search_doc @@ CAST(:q AS tsquery) "
        "UNION ALL SELECT id FROM event WHERE search_doc IS NULL "
        "AND sightline_search_doc(title, description) @@ CAST(:q AS tsquery)"),
        {"q": tsquery}).scalars())


def search_ids(project: Project, query: str, refresh: bool = False) -> np.ndarray:
    """Ids of events whose title or description contains every word of ``query``.

    Events the index has not reached yet (a big import indexing in the background) are
    searched without it, so a search never waits for the index and never misses an
    event. ``refresh=True`` brings the index up to date first.
    """
    words = query_words(query)
    if not words:
        return np.zeros(0, np.int64)
    if refresh:
        refresh_index(project)
    with project.engine.connect() as conn:
        if _has_pg_search(conn):
            return np.unique(np.fromiter(_pg_search(conn, query), np.int64))
        mark = 0
        found: list[int] = []
        if _has_fts(conn):
            mark = _watermark(conn)
            found += conn.execute(text(
                "SELECT rowid FROM event_fts WHERE event_fts MATCH :q AND rowid <= :m"),
                {"q": _fts_query(words), "m": mark}).scalars()
        clauses = " AND ".join(
            f"(lower(title) LIKE :w{i} OR lower(coalesce(description, '')) LIKE :w{i})"
            for i in range(len(words)))
        params: dict[str, object] = {f"w{i}": f"%{w.lower()}%" for i, w in enumerate(words)}
        found += conn.execute(text(f"SELECT id FROM event WHERE id > :m AND {clauses}"),
                              {**params, "m": mark}).scalars()
        return np.unique(np.fromiter(found, np.int64))
