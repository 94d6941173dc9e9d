"""The statements an export reads a chunk of events with, and how a chunk's ids become
their WHERE clause. Plain SQL text and numpy only: the export's SQLite worker process
(``export_worker.py``) imports this without SQLAlchemy.

A chunk is read with six queries whatever its size, none of them a join: the events,
the places they are at, their actor links, those actors (in name order, the database's
own: it gives each name its rank), their source links and those sources. The caller
puts them together (``export_rows.assemble``) with array look-ups, which cost less than
SQLite's join did per row. When the chunk's ids are dense (an export in time order of
events imported from a file sorted by date, or all events), the queries scan an id
range and the few rows not asked for are dropped; a range scan reads the tables in
order, where an ``IN`` list of thousands of ids costs a B-tree search per id. Sparse
chunks use one ``IN`` list. The ids are integers written into the SQL by this module
(never text from anywhere else).

On SQLite every column is CAST to the type it is read as: SQLite lets a column hold any
type, and an Arrow reader must see one type per column (ADBC's SQLite driver infers it
from the values it reads).
"""

from __future__ import annotations

import numpy as np

#: (expression, type, name) of each statement's columns, by statement
FIELDS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "events": (
        ("e.id", "INTEGER", "id"),
        ("e.title", "TEXT", "title"),
        ("e.start_s", "INTEGER", "start_s"),
        ("e.precision", "INTEGER", "precision"),
        ("e.end_s", "INTEGER", "end_s"),
        ("e.description", "TEXT", "description"),
        ("e.external_id", "TEXT", "external_id"),
        ("e.category", "TEXT", "category"),
        ("e.tags", "TEXT", "tags"),
        ("e.reliability", "TEXT", "reliability"),
        ("e.credibility", "INTEGER", "credibility"),
        ("e.location_id", "INTEGER", "location_id"),
    ),
    "places": (
        ("l.id", "INTEGER", "id"),
        ("l.name", "TEXT", "place"),
        ("l.country", "TEXT", "country"),
        ("l.latitude", "REAL", "latitude"),
        ("l.longitude", "REAL", "longitude"),
        ("l.geo_precision", "TEXT", "geo_precision"),
    ),
    "actor_links": (
        ("ea.event_id", "INTEGER", "event_id"),
        ("ea.actor_id", "INTEGER", "actor_id"),
        ("ea.role", "INTEGER", "role"),
    ),
    "actors": (("a.id", "INTEGER", "id"), ("a.name", "TEXT", "name")),
    "source_links": (
        ("es.event_id", "INTEGER", "event_id"),
        ("es.source_id", "INTEGER", "source_id"),
    ),
    "sources": (
        ("s.id", "INTEGER", "id"),
        ("s.title", "TEXT", "title"),
        ("s.publisher", "TEXT", "publisher"),
        ("s.url", "TEXT", "url"),
        ("s.date", "TEXT", "date"),
    ),
}
NAMES = tuple(FIELDS)  # the statements, in the order :func:`statements` gives them


def _select(dialect: str, which: str) -> str:
    """SELECT list of a statement; on SQLite each column CAST to its type (PostgreSQL's
    columns have one type each: no cast, and REAL would be float4 there)."""
    sqlite = dialect == "sqlite"
    return ", ".join(
        (f"CAST({expr} AS {kind})" if sqlite else expr) + f" AS {name}"
        for expr, kind, name in FIELDS[which]
    )


def where(ids: np.ndarray, dense_factor: int) -> str | None:
    """The condition on an event id column ``{id}`` that picks the events ``ids`` (and,
    for a range, a few others the caller drops); None for no ids."""
    wanted = np.unique(np.asarray(ids, np.int64))
    if len(wanted) == 0:
        return None
    first, last = int(wanted[0]), int(wanted[-1])
    if last - first + 1 <= dense_factor * len(wanted):
        return f"{{id}} BETWEEN {first} AND {last}"
    return "{id} IN (" + ",".join(str(int(i)) for i in wanted.tolist()) + ")"


def statements(dialect: str, condition: str) -> tuple[str, ...]:
    """The six statements for the events :func:`where` picked, in :data:`NAMES` order."""
    on_event = condition.replace("{id}", "e.id")
    on_actor_link = condition.replace("{id}", "ea.event_id")
    on_source_link = condition.replace("{id}", "es.event_id")
    return (
        f"SELECT {_select(dialect, 'events')} FROM event AS e WHERE {on_event}",
        f"SELECT {_select(dialect, 'places')} FROM location AS l WHERE l.id IN"
        f" (SELECT e.location_id FROM event AS e WHERE {on_event})",
        f"SELECT {_select(dialect, 'actor_links')} FROM event_actor AS ea WHERE {on_actor_link}",
        f"SELECT {_select(dialect, 'actors')} FROM actor AS a WHERE a.id IN"
        f" (SELECT ea.actor_id FROM event_actor AS ea WHERE {on_actor_link}) ORDER BY a.name",
        f"SELECT {_select(dialect, 'source_links')} FROM event_source AS es WHERE {on_source_link}",
        f"SELECT {_select(dialect, 'sources')} FROM source AS s WHERE s.id IN"
        f" (SELECT es.source_id FROM event_source AS es WHERE {on_source_link})",
    )
