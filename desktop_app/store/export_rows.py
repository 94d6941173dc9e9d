"""Events as Arrow tables, a chunk at a time, for the exports (CSV, GeoJSON, KML, HTML).

Each chunk is one table of :data:`SCHEMA`, its rows in the order the ids were asked for
(unknown ids are left out): the event's fields, its place's (and ``place_key``, the same
for the same place, so a writer formats each place once), its actors' names (by role
then name, each once), its tags and its sources (title, publisher, url, date, in source
id order) as list columns. Six statements without joins read a chunk (``export_sql.py``)
through whichever Arrow-native reader is safe for the project:

- a big SQLite export: ADBC's SQLite driver in a worker process (``export_worker.py``;
  never in this process, which has its own SQLite open on the same file);
- PostgreSQL: ``COPY (...) TO STDOUT`` as CSV through psycopg, parsed by Arrow's CSV
  reader (an unquoted empty field is NULL, a quoted one an empty string);
- a small SQLite export (under :data:`WORKER_FROM` ids, where starting a process would
  cost more than it saves): the same statements on this process's connection.

Every chunk of an export is read in one transaction, one snapshot (REPEATABLE READ on
PostgreSQL). No Qt, no formatting here.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Sequence
from contextlib import closing
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from sqlalchemy import Connection

from desktop_app.store.export_sql import FIELDS, NAMES, statements, where
from desktop_app.store.project import Project

CHUNK = 50_000  # events per chunk
DENSE = 4  # a range scan is used when it reads at most this many rows per wanted one
WORKER_FROM = 20_000  # ids: a SQLite export this big is read in the worker process

SOURCE = pa.struct(
    [
        ("title", pa.string()),
        ("publisher", pa.string()),
        ("url", pa.string()),
        ("date", pa.string()),
    ]
)
#: one chunk of events; a missing value is null (no end, no place, no coordinates)
SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("title", pa.string()),
        ("start_s", pa.int64()),  # civil seconds
        ("precision", pa.int64()),  # domain.dates.Precision
        ("end_s", pa.int64()),  # exclusive end of the end's span
        ("description", pa.string()),
        ("external_id", pa.string()),
        ("category", pa.string()),
        ("place", pa.string()),
        ("country", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("geo_precision", pa.string()),  # null when the event has no place
        ("place_key", pa.int64()),  # the same for the same place (the place's id; null: none)
        ("actors", pa.list_(pa.string())),
        ("tags", pa.list_(pa.string())),
        ("reliability", pa.string()),
        ("credibility", pa.int64()),
        ("sources", pa.list_(SOURCE)),
    ]
)
_TYPES = {"INTEGER": pa.int64(), "TEXT": pa.string(), "REAL": pa.float64()}
#: the schema each statement is read as
READ = {
    which: pa.schema([(name, _TYPES[kind]) for _, kind, name in fields])
    for which, fields in FIELDS.items()
}


def event_chunks(
    project: Project, ids: Sequence[int] | np.ndarray, chunk: int = CHUNK
) -> Iterator[pa.Table]:
    """The events ``ids`` (in that order; unknown ids are left out), chunk by chunk,
    all read in one transaction (one consistent snapshot)."""
    ids = np.asarray(ids, np.int64)
    chunk = max(1, chunk)
    bounds = [(lo, min(lo + chunk, len(ids))) for lo in range(0, len(ids), chunk)]
    dialect = project.engine.dialect.name
    if dialect == "sqlite" and project.path is not None and len(ids) >= WORKER_FROM:
        from desktop_app.store.export_worker import read_chunks

        with closing(read_chunks(project.path, ids, chunk, DENSE)) as chunks:
            for (lo, hi), read in zip(bounds, chunks, strict=True):
                table = assemble(dict(zip(NAMES, read, strict=True)), ids[lo:hi])
                if len(table):
                    yield table
        return
    with project.engine.connect() as conn:
        if dialect == "postgresql":  # one snapshot for all the statements, as on SQLite
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        conn.begin()
        for lo, hi in bounds:
            condition = where(ids[lo:hi], DENSE)
            if condition is None:
                continue
            parts = {
                which: _read(conn, sql, READ[which])
                for which, sql in zip(NAMES, statements(dialect, condition), strict=True)
            }
            table = assemble(parts, ids[lo:hi])
            if len(table):
                yield table


def _read(conn: Connection, sql: str, schema: pa.Schema) -> pa.Table:
    """One statement's rows as a table of ``schema`` (COPY on PostgreSQL)."""
    raw = conn.connection.driver_connection
    assert raw is not None
    if conn.dialect.name == "postgresql":
        data = io.BytesIO()
        with raw.cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
            for block in copy:
                data.write(block)
        if data.tell() == 0:
            return schema.empty_table()
        data.seek(0)
        return pacsv.read_csv(
            data,
            read_options=pacsv.ReadOptions(column_names=schema.names),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=schema,
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
            ),
        )
    cur = raw.cursor()
    try:
        cur.execute(sql)
        rows = cur.fetchall()
    finally:
        cur.close()
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    return pa.table(
        [pa.array(c, f.type) for c, f in zip(columns, schema, strict=True)], schema=schema
    )


def _conformed(part: pa.Table, schema: pa.Schema) -> pa.Table:
    """A statement's result as a table of ``schema``: ADBC reads a column that is NULL
    all through a result as int64."""
    columns = []
    for field in schema:
        column = part.column(field.name)
        if column.type != field.type:
            if column.null_count != len(column):
                column = column.cast(field.type)
            else:
                column = pa.chunked_array([pa.nulls(len(column), field.type)])
        columns.append(column)
    return pa.table(columns, schema=schema).combine_chunks()


def _positions(found: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``ids`` found among ``found`` (distinct values): its index there; and
    which were found."""
    if len(found) == 0:
        return np.zeros(0, np.int64), np.zeros(len(ids), bool)
    order = np.argsort(found, kind="stable")
    slot = np.minimum(np.searchsorted(found, ids, sorter=order), len(found) - 1)
    hit = found[order[slot]] == ids
    return order[slot[hit]], hit


def _lookup(table: pa.Table, keys: np.ndarray) -> tuple[pa.Table, np.ndarray]:
    """The rows of ``table`` (by its ``id`` column) for each of ``keys``; null rows for
    keys it does not hold, and whether each was found."""
    take, hit = _positions(table.column("id").to_numpy(), keys)
    index = np.zeros(len(keys), np.int64)
    index[hit] = take
    mask = ~hit if not hit.all() else None
    return table.take(pa.array(index, mask=mask)), hit


def assemble(parts: dict[str, pa.Table], ids: np.ndarray) -> pa.Table:
    """A chunk as one table of :data:`SCHEMA`, its rows in the order of ``ids``, from
    the tables of ``export_sql.statements`` (by name)."""
    read = {which: _conformed(parts[which], READ[which]) for which in NAMES}
    events = read["events"]
    take, hit = _positions(events.column("id").to_numpy(), np.asarray(ids, np.int64))
    if not len(take):
        return SCHEMA.empty_table()
    out_ids = np.asarray(ids, np.int64)[hit]
    rows = events.take(pa.array(take))
    location = pc.fill_null(rows.column("location_id"), -1).to_numpy()
    places, located = _lookup(read["places"], location)
    columns: dict[str, Any] = {n: rows.column(n) for n in SCHEMA.names if n in rows.column_names}
    columns.update({n: places.column(n) for n in SCHEMA.names if n in places.column_names})
    columns["place_key"] = pa.array(location, mask=~located)
    columns["title"] = pc.fill_null(rows.column("title"), "")
    columns["id"] = pa.array(out_ids)
    columns["tags"] = tag_lists(rows.column("tags"))

    links = read["actor_links"]
    event_ids = links.column("event_id").to_numpy()
    actor_ids = links.column("actor_id").to_numpy()
    actors = read["actors"]
    rank, known = _positions(actors.column("id").to_numpy(), actor_ids)
    event_ids, actor_ids = event_ids[known], actor_ids[known]
    roles = links.column("role").to_numpy()[known]
    # by event, then role, then name (the actors come in the database's name order)
    order = np.lexsort((rank, roles, event_ids))
    event_ids, actor_ids, rank = event_ids[order], actor_ids[order], rank[order]
    if len(event_ids):  # an actor in two roles is named once (its first place kept)
        pairs = np.stack([event_ids, actor_ids], axis=1)
        _, first_of = np.unique(pairs, axis=0, return_index=True)
        keep = np.zeros(len(event_ids), bool)
        keep[first_of] = True
        event_ids, rank = event_ids[keep], rank[keep]
    columns["actors"] = _lists(event_ids, out_ids, actors.column("name").take(pa.array(rank)))

    links = read["source_links"]
    sources = read["sources"]
    event_ids = links.column("event_id").to_numpy()
    source_ids = links.column("source_id").to_numpy()
    row, found = _positions(sources.column("id").to_numpy(), source_ids)
    event_ids, source_ids = event_ids[found], source_ids[found]
    order = np.lexsort((source_ids, event_ids))  # by event, then source id
    rows_of_sources = sources.take(pa.array(row[order]))
    columns["sources"] = _lists(
        event_ids[order],
        out_ids,
        pa.StructArray.from_arrays(
            [rows_of_sources.column(n).combine_chunks() for n in SOURCE.names],
            fields=list(SOURCE),
        ),
    )
    return pa.table([columns[name] for name in SCHEMA.names], schema=SCHEMA)


def _lists(event_ids: np.ndarray, ids: np.ndarray, values: Any) -> pa.Array:
    """Values sorted by event id (``event_ids``) -> per event of ``ids`` its values, in
    their order."""
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    sizes = np.zeros(len(ids), np.int64)
    first = np.zeros(len(ids), np.int64)
    if len(event_ids):
        starts = np.flatnonzero(np.r_[True, event_ids[1:] != event_ids[:-1]])
        stops = np.r_[starts[1:], len(event_ids)]
        take, hit = _positions(event_ids[starts], ids)
        sizes[hit] = (stops - starts)[take]
        first[hit] = starts[take]
    offsets = np.r_[0, np.cumsum(sizes)].astype(np.int32)
    gather = np.repeat(first - offsets[:-1], sizes) + np.arange(offsets[-1])
    return pa.ListArray.from_arrays(pa.array(offsets), values.take(pa.array(gather)))


def tag_lists(tags: Any) -> pa.Array:
    """The tags column (JSON text) as lists of text, each distinct text parsed once;
    an empty list for none."""
    encoded = pc.dictionary_encode(tags).combine_chunks()
    parsed = [_tag_list(text) for text in encoded.dictionary.to_pylist()]
    choices = pa.array([*parsed, []], pa.list_(pa.string()))
    indices = pc.fill_null(encoded.indices, len(parsed))
    return choices.take(indices)


def _tag_list(text: str) -> list[str]:
    return [str(t) for t in json.loads(text) or ()]
