"""Full-text search on PostgreSQL with FTS5's answers (see migration 0005).

Each event's words are a ``tsvector`` in ``event.search_doc`` under a GIN index, made by
the SQL function ``sightline_words``, which splits and folds text as SQLite's FTS5
``unicode61 remove_diacritics 2`` tokenizer does: Kyïv and kyiv are one word, ``_`` and
``%`` separate words. Every query word is a prefix (``'kyi':*``). An import leaves
``search_doc`` empty (so COPY does not wait for it); :func:`refresh` fills it, and a
search reads the rows not filled yet the slow way meanwhile, so it never misses one.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

_FILL = "UPDATE event SET search_doc = sightline_search_doc(title, description) "
# rows per transaction when filling: an edit waiting behind the index waits for one chunk
CHUNK = 50_000


def refresh(conn: Connection) -> int:
    """Fill the words of up to CHUNK events an import left without; how many."""
    return int(
        conn.execute(
            text(_FILL + "WHERE id IN (SELECT id FROM event WHERE search_doc IS NULL LIMIT :n)"),
            {"n": CHUNK},
        ).rowcount
    )


def can_write(conn: Connection) -> bool:
    return bool(conn.execute(text("SELECT has_table_privilege('event', 'UPDATE')")).scalar())


def reindex(conn: Connection, event_ids: list[int]) -> None:
    """Put edited events' current words in (in the edit's transaction)."""
    if event_ids:
        conn.execute(text(_FILL + "WHERE id = ANY(:ids)"), {"ids": [int(i) for i in event_ids]})


def search(conn: Connection, query: str) -> list[int]:
    """Ids of events holding every word of ``query`` as a word prefix."""
    words = conn.execute(text("SELECT sightline_words(:q)"), {"q": query}).scalar() or []
    if not words:
        return []
    # words are letters and digits only, so quoting them for tsquery is just '...'
    tsquery = " & ".join(f"'{w}':*" for w in words)
    return list(
        conn.execute(
            text(
                "SELECT id FROM event WHERE search_doc @@ CAST(:q AS tsquery) "
                "UNION ALL SELECT id FROM event WHERE search_doc IS NULL "
                "AND sightline_search_doc(title, description) @@ CAST(:q AS tsquery)"
            ),
            {"q": tsquery},
        ).scalars()
    )
