"""The rows the columnar frame (``frame/``) is built from: every query it needs, here.

The frame joins in numpy on integer keys, so these are plain reads of whole tables (or
of some events, for a frame patched after an edit). Each dialect gets its own tags
query (SQLite's ``json_each``, PostgreSQL's ``json_array_elements_text``); the content
key of the frame cache (cheap aggregates that change with any change of the events,
places, links or batches) is computed the same way on both.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pandas as pd
import pyarrow as pa
from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from desktop_app.store.project import Project

# Below this many events, reading through SQLAlchemy is as quick as starting the worker.
ARROW_READ_FROM_ROWS = 50_000
# ids per query when reading some events (SQLite allows 32,766 parameters a statement)
ID_CHUNK = 10_000

EVENTS = (
    "SELECT id, start_s, end_s, precision, title, category, reliability, credibility, "
    "location_id FROM event"
)
PLACES = "SELECT id, latitude, longitude, country, name FROM location"
ACTOR_PAIRS = "SELECT event_id, actor_id FROM event_actor"
ACTORS = "SELECT id, name FROM actor"
SOURCE_PAIRS = "SELECT event_id, source_id FROM event_source"
SOURCES = "SELECT id, title FROM source"
# (event id, tag) for every tag of every event
_TAGS = {
    "sqlite": "SELECT e.id, j.value FROM event e, json_each(e.tags) j WHERE e.tags IS NOT NULL",
    "postgresql": "SELECT e.id, j.value FROM event e, "
    "json_array_elements_text(e.tags) AS j(value) "
    "WHERE e.tags IS NOT NULL AND json_typeof(e.tags) = 'array'",
}

_SQLITE_KEY = """
SELECT (SELECT count(*) FROM event), (SELECT max(id) FROM event),
       (SELECT total(start_s) + total(coalesce(end_s, 0)) + total(precision) FROM event),
       (SELECT count(*) FROM location), (SELECT max(id) FROM location),
       (SELECT total(latitude) + total(longitude) FROM location),
       (SELECT count(*) FROM actor), (SELECT count(*) FROM source),
       (SELECT count(*) FROM event_actor), (SELECT count(*) FROM event_source),
       (SELECT group_concat(id || ':' || coalesce(undone_at, '')) FROM import_batch),
       (SELECT value FROM setting WHERE key = 'data_version')
"""
# the same on PostgreSQL (sum of integers is exact there; string_agg for group_concat)
_PG_KEY = """
SELECT (SELECT count(*) FROM event), (SELECT max(id) FROM event),
       (SELECT coalesce(sum(start_s), 0) + coalesce(sum(end_s), 0) + coalesce(sum(precision), 0)
        FROM event),
       (SELECT count(*) FROM location), (SELECT max(id) FROM location),
       (SELECT coalesce(sum(latitude), 0) + coalesce(sum(longitude), 0) FROM location),
       (SELECT count(*) FROM actor), (SELECT count(*) FROM source),
       (SELECT count(*) FROM event_actor), (SELECT count(*) FROM event_source),
       (SELECT string_agg(id || ':' || coalesce(undone_at::text, ''), ',' ORDER BY id)
        FROM import_batch),
       (SELECT value FROM setting WHERE key = 'data_version')
"""


def tags_sql(dialect: str) -> str:
    """The (event id, tag) query of a dialect (SQLite or PostgreSQL)."""
    try:
        return _TAGS[dialect]
    except KeyError:
        raise ValueError(f"tags cannot be read from a {dialect} database") from None


def content_key_values(project: Project) -> tuple[str, ...]:
    """The aggregates the frame cache is keyed on, as text."""
    sql = _PG_KEY if project.engine.dialect.name == "postgresql" else _SQLITE_KEY
    with project.engine.connect() as conn:
        return tuple(map(str, conn.execute(text(sql)).one()))


def event_count(project: Project) -> int:
    with project.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM event")).scalar_one())


def frame_tables(project: Project) -> dict[str, pd.DataFrame]:
    """Every table the frame is built from: ``events``, ``places``, ``actor_pairs``,
    ``actors``, ``source_pairs``, ``sources`` and ``tags`` (event id, tag).

    A big SQLite file is read through the ADBC worker process (Arrow, side by side;
    several times faster than the sqlite3 module for a million rows), anything else
    through SQLAlchemy.
    """
    statements = {
        "events": EVENTS,
        "places": PLACES,
        "actor_pairs": ACTOR_PAIRS,
        "actors": ACTORS,
        "source_pairs": SOURCE_PAIRS,
        "sources": SOURCES,
        "tags": tags_sql(project.engine.dialect.name),
    }
    if (
        project.engine.dialect.name == "sqlite"
        and project.path is not None
        and event_count(project) >= ARROW_READ_FROM_ROWS
    ):
        from desktop_app.store.sqlite_worker import SqliteWorker

        with SqliteWorker(project.path) as db:
            tables = db.query_arrow(list(statements.values()))
        return {name: table.to_pandas() for name, table in zip(statements, tables, strict=True)}
    with project.engine.connect() as conn:
        return {name: pd.read_sql(text(sql), conn) for name, sql in statements.items()}


def event_tables(project: Project, event_ids: Iterable[int]) -> dict[str, pd.DataFrame]:
    """The same tables for some events only: their rows, links and tags, and the places
    they are at; ``actors`` and ``sources`` stay whole (the frame names them all).

    Ids that are not in the store are simply not found.
    """
    ids = sorted({int(i) for i in event_ids})
    where_event = " WHERE event_id IN :ids"
    per_chunk = {
        "events": EVENTS + " WHERE id IN :ids",
        "places": PLACES + " WHERE id IN (SELECT location_id FROM event WHERE id IN :ids)",
        "actor_pairs": ACTOR_PAIRS + where_event,
        "source_pairs": SOURCE_PAIRS + where_event,
        "tags": tags_sql(project.engine.dialect.name) + " AND e.id IN :ids",
    }
    with project.engine.connect() as conn:
        tables = {name: _read_chunked(conn, sql, ids) for name, sql in per_chunk.items()}
        tables["places"] = tables["places"].drop_duplicates("id")
        tables["actors"] = pd.read_sql(text(ACTORS), conn)
        tables["sources"] = pd.read_sql(text(SOURCES), conn)
    return tables


def link_pairs(project: Project, facet: str) -> pd.DataFrame:
    """Every (event id, value id) link of ``facet`` ("actor" or "source")."""
    sql = {"actor": ACTOR_PAIRS, "source": SOURCE_PAIRS}[facet]
    with project.engine.connect() as conn:
        return pd.read_sql(text(sql), conn)


def events_at_places(project: Project, location_ids: Iterable[int]) -> list[int]:
    """The events at any of these places (what an edit of the places changes)."""
    ids = sorted({int(i) for i in location_ids})
    with project.engine.connect() as conn:
        found = _read_chunked(conn, "SELECT id FROM event WHERE location_id IN :ids", ids)
    return [int(i) for i in found["id"]]


def events_citing(project: Project, source_ids: Iterable[int]) -> list[int]:
    """The events citing any of these sources (what an edit of the sources changes)."""
    ids = sorted({int(i) for i in source_ids})
    with project.engine.connect() as conn:
        found = _read_chunked(
            conn, "SELECT DISTINCT event_id FROM event_source WHERE source_id IN :ids", ids
        )
    return [int(i) for i in found["event_id"]]


def _read_chunked(conn: Connection, sql: str, ids: list[int]) -> pd.DataFrame:
    query = text(sql).bindparams(bindparam("ids", expanding=True))
    parts = [
        pd.read_sql(query, conn, params={"ids": ids[at : at + ID_CHUNK]})
        for at in range(0, max(len(ids), 1), ID_CHUNK)
    ]
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return frame.reset_index(drop=True)


# ---------------------------------------------------------------------- numeric attributes
SAMPLE_ROWS = 10_000  # events sampled, evenly over the ids, to find the numeric keys
SAMPLE_ENDS = 300  # and the first and last events (the latest import's keys)


def attribute_samples(project: Project) -> list[dict[str, object]]:
    """Some events' ``attributes`` objects, to find which keys hold numbers: every
    ``max_id / SAMPLE_ROWS``-th id (rowid look-ups: no scan of a big table; a batch of
    more events than that step is always seen) and the first and last events."""
    with project.engine.connect() as conn:
        low, high = conn.execute(text("SELECT min(id), max(id) FROM event")).one()
        if low is None:
            return []
        low, high = int(low), int(high)
        step = max(1, (high - low) // SAMPLE_ROWS)
        wanted = sorted(
            {*range(low, high + 1, step), *range(low, min(high, low + SAMPLE_ENDS) + 1)}
            | set(range(max(low, high - SAMPLE_ENDS), high + 1))
        )
        query = text(
            "SELECT attributes FROM event WHERE id IN :ids AND attributes IS NOT NULL"
        ).bindparams(bindparam("ids", expanding=True))
        rows: list[object] = []
        for at in range(0, len(wanted), ID_CHUNK):
            rows += conn.execute(query, {"ids": wanted[at : at + ID_CHUNK]}).scalars()
    out: list[dict[str, object]] = []
    for value in rows:
        parsed = json.loads(value) if isinstance(value, str | bytes) else value
        if isinstance(parsed, dict):
            out.append(parsed)
    return out


def _key_literal(key: str, path: bool = False) -> str:
    """A key as a SQL string literal (quotes doubled), or its JSON path ``$."key"``.

    The keys come from file headers; ``frame.numeric`` offers none holding a double
    quote, a backslash or a control character, and any such key is refused here too.
    """
    if any(c in '"\\' or ord(c) < 32 or ord(c) == 127 for c in key):
        raise ValueError(f"an attribute name that cannot be read as a number column: {key!r}")
    value = f'$."{key}"' if path else key
    return "'" + value.replace("'", "''") + "'"


def number_rows_sql(dialect: str, keys: list[str]) -> str:
    """(id, n0, n1, ...) with each key's value as text (NULL where absent)."""
    if dialect == "postgresql":
        parts = [f"attributes ->> {_key_literal(k)} AS n{i}" for i, k in enumerate(keys)]
    elif dialect == "sqlite":
        parts = [
            f"CAST(json_extract(attributes, {_key_literal(k, path=True)}) AS TEXT) AS n{i}"
            for i, k in enumerate(keys)
        ]
    else:
        raise ValueError(f"attributes cannot be read from a {dialect} database")
    return "SELECT id, " + ", ".join(parts) + " FROM event"


def number_rows(project: Project, keys: list[str]) -> pa.Table:
    """Every event's values of these attribute keys, as text: columns ``id``, ``n0``...
    (an Arrow table, so the numbers are parsed by Arrow's kernels).

    One JSON parse per event (SQLite keeps the parsed object for the next key of the
    same row). A big SQLite file is read through the ADBC worker, like the frame.
    """
    if not keys:
        with project.engine.connect() as conn:
            return pa.Table.from_pandas(pd.read_sql(text("SELECT id FROM event"), conn))
    sql = number_rows_sql(project.engine.dialect.name, keys)
    if (
        project.engine.dialect.name == "sqlite"
        and project.path is not None
        and event_count(project) >= ARROW_READ_FROM_ROWS
    ):
        from desktop_app.store.sqlite_worker import SqliteWorker

        with SqliteWorker(project.path) as db:
            (table,) = db.query_arrow([sql])
        return table
    with project.engine.connect() as conn:
        frame = pd.read_sql(text(sql), conn)
    return pa.Table.from_pandas(frame.astype({f"n{i}": "string" for i in range(len(keys))}))


__all__ = [
    "ARROW_READ_FROM_ROWS",
    "attribute_samples",
    "content_key_values",
    "event_count",
    "event_tables",
    "events_at_places",
    "events_citing",
    "frame_tables",
    "link_pairs",
    "number_rows",
    "number_rows_sql",
    "tags_sql",
]
