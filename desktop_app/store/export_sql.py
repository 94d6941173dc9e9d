"""The three statements an export reads a chunk of events with, and how a chunk's ids
become their WHERE clause. Plain SQL text and numpy only: the export's SQLite worker
process (``export_worker.py``) imports this without SQLAlchemy.

A chunk is read with three queries (events with their place, actor links with the
actor's name, source links with the source's fields), whatever its size. When the
chunk's ids are dense (an export in time order of events imported from a file sorted
by date, or all events), the queries scan an id range and the few rows not asked for
are dropped; a range scan reads the tables in order, where an ``IN`` list of thousands
of ids costs a B-tree search per id. Sparse chunks use ``IN`` lists. The ids are
integers written into the SQL by this module (never text from anywhere else).

On SQLite every column is CAST to the type it is read as: SQLite lets a column hold any
type, and an Arrow reader must see one type per column (ADBC's SQLite driver infers it
from the values it reads).
"""

from __future__ import annotations

import numpy as np

IN_LIST = 10_000  # ids per IN list

#: (column, type) of the event statement's result, in order (the place's columns last)
EVENT_FIELDS = (
    ("e.id", "INTEGER"),
    ("e.title", "TEXT"),
    ("e.start_s", "INTEGER"),
    ("e.precision", "INTEGER"),
    ("e.end_s", "INTEGER"),
    ("e.description", "TEXT"),
    ("e.external_id", "TEXT"),
    ("e.category", "TEXT"),
    ("e.tags", "TEXT"),
    ("e.reliability", "TEXT"),
    ("e.credibility", "INTEGER"),
    ("l.name", "TEXT"),
    ("l.country", "TEXT"),
    ("l.latitude", "REAL"),
    ("l.longitude", "REAL"),
    ("l.geo_precision", "TEXT"),
)
EVENT_COLUMNS = (
    "id",
    "title",
    "start_s",
    "precision",
    "end_s",
    "description",
    "external_id",
    "category",
    "tags",
    "reliability",
    "credibility",
    "place",
    "country",
    "latitude",
    "longitude",
    "geo_precision",
)
ACTOR_COLUMNS = ("event_id", "actor_id", "name")
SOURCE_COLUMNS = ("event_id", "title", "publisher", "url", "date")


def _select(dialect: str, fields: tuple[tuple[str, str], ...], names: tuple[str, ...]) -> str:
    """SELECT list of ``fields`` named ``names``; on SQLite each CAST to its type
    (PostgreSQL's columns have one type each: no cast, and REAL would be float4 there)."""
    sqlite = dialect == "sqlite"
    return ", ".join(
        (f"CAST({expr} AS {kind})" if sqlite and kind else expr) + f" AS {name}"
        for (expr, kind), name in zip(fields, names, strict=True)
    )


def plan(ids: np.ndarray, dense_factor: int) -> list[list[str]]:
    """The WHERE clauses (one per id group) for the event, actor-link and source-link
    statements of one chunk of ``ids``; none for an empty chunk."""
    wanted = np.unique(np.asarray(ids, np.int64))
    if len(wanted) == 0:
        return []
    first, last = int(wanted[0]), int(wanted[-1])
    if last - first + 1 <= dense_factor * len(wanted):
        return [[f"{column} BETWEEN {first} AND {last}" for column in _ID_COLUMNS]]
    groups = [wanted[i : i + IN_LIST] for i in range(0, len(wanted), IN_LIST)]
    out = []
    for group in groups:  # in id order: rows sorted by event id stay sorted across groups
        listed = ",".join(str(int(i)) for i in group.tolist())
        out.append([f"{column} IN ({listed})" for column in _ID_COLUMNS])
    return out


_ID_COLUMNS = ("e.id", "ea.event_id", "es.event_id")


def statements(dialect: str, where: list[str]) -> tuple[str, str, str]:
    """The event, actor-link and source-link statements for one id group."""
    events = (
        f"SELECT {_select(dialect, EVENT_FIELDS, EVENT_COLUMNS)} FROM event AS e"
        f" LEFT JOIN location AS l ON l.id = e.location_id WHERE {where[0]}"
    )
    actor_fields = (("ea.event_id", ""), ("ea.actor_id", ""), ("a.name", "TEXT"))
    actors = (
        f"SELECT {_select(dialect, actor_fields, ACTOR_COLUMNS)} FROM event_actor AS ea"
        f" JOIN actor AS a ON a.id = ea.actor_id WHERE {where[1]}"
        " ORDER BY ea.event_id, ea.role, a.name"
    )
    source_fields = (
        ("es.event_id", ""),
        ("s.title", "TEXT"),
        ("s.publisher", "TEXT"),
        ("s.url", "TEXT"),
        ("s.date", "TEXT"),
    )
    sources = (
        f"SELECT {_select(dialect, source_fields, SOURCE_COLUMNS)} FROM event_source AS es"
        f" JOIN source AS s ON s.id = es.source_id WHERE {where[2]}"
        " ORDER BY es.event_id, es.source_id"
    )
    return events, actors, sources
