"""Writing one import batch to the store, all or nothing.

The ingest layer opens a :func:`batch_writer` and adds plain tables whose new rows carry
local 0-based ids (``location_new``, ``actor_new``, ``source_new``; ``event`` in link
tables is the event's position in the batch). The writer has already taken the next
free ids inside its transaction and turns local references into real ones. Leaving the
``with`` block commits; an exception rolls everything back, so a failure at any point
leaves the project exactly as it was.

Two writers share that contract:

* any SQLAlchemy database: :class:`CoreWriter` (SQLAlchemy Core executemany);
* a SQLite file: :class:`SqliteArrowWriter`, which binds whole Arrow columns through the
  ADBC SQLite driver in a background thread (the driver releases the GIL), so the next
  table is computed while the previous one is written. The stdlib ``sqlite3`` module
  spends ~5 s binding a million 14-column rows one value at a time; ADBC ~1.6 s. For a
  batch bigger than the project, the event indexes are dropped and rebuilt in the same
  transaction (one sort beats a B-tree update per row), with SQLite's sorter threads on,
  and the journal is switched from WAL to a rollback journal while no one else has the
  file open (appending to a file then writes each page once instead of twice).
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Table, func, insert, select
from sqlalchemy.schema import CreateIndex

from desktop_app.store.project import Project
from desktop_app.store.schema import (
    Actor,
    Event,
    ImportBatch,
    Location,
    Source,
    event_actor,
    event_source,
)

EVENT_COLUMNS = [
    "external_id", "fingerprint", "title", "description", "start_s", "end_s", "precision",
    "category", "tags", "reliability", "credibility", "attributes",
]
LOCATION_COLUMNS = [
    "name", "country", "latitude", "longitude", "geo_precision", "alt_names", "gazetteer_id",
    "attributes",
]
SOURCE_COLUMNS = ["title", "publisher", "url", "date", "notes"]
_JSON_COLUMNS = {"event": ("tags", "attributes"), "location": ("alt_names", "attributes")}
_TABLES: dict[str, Table] = {
    "location": Location.__table__, "actor": Actor.__table__,  # type: ignore[dict-item]
    "source": Source.__table__, "event": Event.__table__,  # type: ignore[dict-item]
    "event_actor": event_actor, "event_source": event_source,
}


class BatchWriteError(Exception):
    """The batch could not be written; nothing was changed."""


def _resolve(existing: pd.Series, new: pd.Series, base: int) -> pd.Series:
    """Existing id where given, else base + local id (nullable integers)."""
    old = pd.Series(existing, dtype="Int64").reset_index(drop=True)
    fresh = pd.Series(new, dtype="Int64").reset_index(drop=True) + base
    return old.fillna(fresh)


class BatchWriter:
    """Shared id bookkeeping; subclasses say how a finished table is inserted."""

    def __init__(self) -> None:
        self.batch_id = 0
        self.bases: dict[str, int] = {}
        self.counts = {"event": 0, "location": 0, "actor": 0, "source": 0}
        # ImportBatch counts known only at the end (imported, duplicates ...): set them
        # here before the block ends and they are written in the same transaction
        self.final_counts: dict[str, int] = {}

    # what the ingest layer calls ------------------------------------------------
    def add_locations(self, frame: pd.DataFrame) -> None:
        self._add_new("location", frame[LOCATION_COLUMNS])

    def add_actors(self, names: pd.Series) -> None:
        self._add_new("actor", pd.DataFrame({"name": np.asarray(names, dtype=object)}))

    def add_sources(self, frame: pd.DataFrame) -> None:
        self._add_new("source", frame[SOURCE_COLUMNS])

    def add_events(self, frame: pd.DataFrame) -> None:
        """EVENT_COLUMNS plus ``location_id`` (existing) / ``location_new`` (local)."""
        out = frame[EVENT_COLUMNS].reset_index(drop=True)
        out.insert(0, "id", np.arange(len(out), dtype=np.int64) + self._next("event", len(out)))
        out["batch_id"] = self.batch_id
        out["location_id"] = _resolve(frame["location_id"], frame["location_new"],
                                      self.bases["location"])
        self._insert("event", out)

    def add_event_actors(self, links: pd.DataFrame) -> None:
        """Columns ``event`` (position in batch), ``actor_id`` / ``actor_new``, ``role``."""
        self._insert("event_actor", pd.DataFrame({
            "event_id": links["event"].to_numpy(np.int64) + self.bases["event"],
            "actor_id": _resolve(links["actor_id"], links["actor_new"],
                                 self.bases["actor"]).to_numpy(np.int64),
            "role": links["role"].to_numpy(np.int64),
        }).drop_duplicates())

    def add_event_sources(self, links: pd.DataFrame) -> None:
        """Columns ``event`` (position in batch), ``source_id`` / ``source_new``."""
        self._insert("event_source", pd.DataFrame({
            "event_id": links["event"].to_numpy(np.int64) + self.bases["event"],
            "source_id": _resolve(links["source_id"], links["source_new"],
                                  self.bases["source"]).to_numpy(np.int64),
        }).drop_duplicates())

    # internals --------------------------------------------------------------------
    def _next(self, kind: str, n: int) -> int:
        first = self.bases[kind] + self.counts[kind]
        self.counts[kind] += n
        return first

    def _add_new(self, kind: str, frame: pd.DataFrame) -> None:
        out = frame.reset_index(drop=True).copy()
        out.insert(0, "id", np.arange(len(out), dtype=np.int64) + self._next(kind, len(out)))
        out["batch_id"] = self.batch_id
        self._insert(kind, out)

    def _insert(self, name: str, frame: pd.DataFrame) -> None:
        raise NotImplementedError


def _batch_row(batch: dict[str, Any]) -> dict[str, Any]:
    row = dict(batch)
    row.setdefault("imported_at", datetime.now().replace(microsecond=0))
    return row


@contextmanager
def batch_writer(project: Project, batch: dict[str, Any]) -> Iterator[BatchWriter]:
    """A writer for one batch; commits on a clean exit, rolls back on an exception.

    ``batch`` holds the ImportBatch fields; counts may be updated on the writer's
    ``batch`` dict before the block ends (they are written at commit).
    """
    if project.engine.dialect.name == "sqlite" and project.path is not None:
        cm = _sqlite_writer(project, batch)
    else:
        cm = _core_writer(project, batch)
    try:
        with cm as writer:
            yield writer
    except BatchWriteError:
        raise
    except Exception as exc:
        raise BatchWriteError(f"Nothing was imported: {exc}") from exc


# ---------------------------------------------------------------- any SQLAlchemy URL
class CoreWriter(BatchWriter):
    """Inserts with SQLAlchemy Core, parents before children (foreign keys are checked)."""

    ORDER = ("location", "actor", "source", "event", "event_actor", "event_source")

    def __init__(self, conn: Any, chunk: int = 50_000) -> None:
        super().__init__()
        self.conn = conn
        self.chunk = chunk
        self.pending: dict[str, list[pd.DataFrame]] = {name: [] for name in self.ORDER}

    def _insert(self, name: str, frame: pd.DataFrame) -> None:
        self.pending[name].append(frame)

    def flush(self) -> None:
        for name in self.ORDER:
            for frame in self.pending[name]:
                self._write(name, frame)
            self.pending[name].clear()

    def _write(self, name: str, frame: pd.DataFrame) -> None:
        records = frame.astype(object).where(frame.notna(), None).to_dict("records")
        for column in _JSON_COLUMNS.get(name, ()):  # SQLAlchemy's JSON type wants objects
            for record in records:
                if record[column] is not None:
                    record[column] = json.loads(record[column])
        for start in range(0, len(records), self.chunk):
            self.conn.execute(insert(_TABLES[name]), records[start:start + self.chunk])


@contextmanager
def _core_writer(project: Project, batch: dict[str, Any]) -> Iterator[BatchWriter]:
    with project.engine.begin() as conn:
        result = conn.execute(insert(ImportBatch).values(**_batch_row(batch)))
        writer = CoreWriter(conn)
        writer.batch_id = int(result.inserted_primary_key[0])
        for kind, model in (("event", Event), ("location", Location), ("actor", Actor),
                            ("source", Source)):
            top = conn.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one()
            writer.bases[kind] = int(top) + 1
        yield writer
        writer.flush()
        if writer.final_counts:
            conn.execute(ImportBatch.__table__.update()
                         .where(ImportBatch.id == writer.batch_id).values(**writer.final_counts))


# ---------------------------------------------------------------- SQLite fast path
class SqliteArrowWriter(BatchWriter):
    """Ingests Arrow tables on a background thread, in the order they were added."""

    def __init__(self, cursor: Any) -> None:
        super().__init__()
        self.cursor = cursor
        self.jobs: queue.Queue[tuple[str, Any] | None] = queue.Queue()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="sightline-batch-writer",
                                       daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            if self.error is None:
                try:
                    self.cursor.adbc_ingest(job[0], job[1], mode="append")
                except BaseException as exc:  # reported by finish()
                    self.error = exc

    def _insert(self, name: str, frame: pd.DataFrame) -> None:
        import pyarrow as pa

        if self.error is not None:
            raise BatchWriteError(f"Nothing was imported: {self.error}")
        if len(frame):
            self.jobs.put((name, pa.Table.from_pandas(frame, preserve_index=False)))

    def finish(self) -> None:
        self.jobs.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


@contextmanager
def _sqlite_writer(project: Project, batch: dict[str, Any]) -> Iterator[BatchWriter]:
    import adbc_driver_sqlite.dbapi as adbc

    assert project.path is not None
    project.engine.dispose()  # no pooled connection of ours holds the file open
    conn = adbc.connect(str(project.path), autocommit=True)
    cur = conn.cursor()

    def one(sql: str, params: list[Any] | None = None) -> Any:
        cur.execute(sql, params)
        return cur.fetchone()[0]

    rollback_journal = False
    writer: SqliteArrowWriter | None = None
    try:
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA threads=2")  # sorter threads for CREATE INDEX
        cur.execute("PRAGMA cache_size=-65536")
        rollback_journal = one("PRAGMA journal_mode=DELETE") == "delete"
        cur.execute("BEGIN IMMEDIATE")
        try:
            row = _batch_row(batch)
            columns = list(row)
            cur.execute(
                f"INSERT INTO import_batch ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})",
                [_sql_value(row[c]) for c in columns],
            )
            batch_id = int(one("SELECT last_insert_rowid()"))
            existing = int(one("SELECT count(*) FROM event"))
            indexes = _event_indexes() if batch.get("rows_read", 0) > max(existing, 10_000) else []
            for ix in indexes:
                cur.execute(f"DROP INDEX {ix.name}")
            writer = SqliteArrowWriter(cur)
            writer.batch_id = batch_id
            for kind in ("event", "location", "actor", "source"):
                writer.bases[kind] = int(one(f"SELECT coalesce(max(id), 0) + 1 FROM {kind}"))
            yield writer
            writer.finish()
            for ix in indexes:
                cur.execute(str(CreateIndex(ix).compile(dialect=project.engine.dialect)))
            counts = writer.final_counts
            if counts:
                sets = ", ".join(f"{k} = ?" for k in counts)
                cur.execute(f"UPDATE import_batch SET {sets} WHERE id = ?",
                            [*counts.values(), batch_id])
            cur.execute("COMMIT")
        except BaseException:
            if writer is not None and writer.thread.is_alive():
                writer.jobs.put(None)
                writer.thread.join()
            cur.execute("ROLLBACK")
            raise
    finally:
        if rollback_journal:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.close()
        conn.close()


def _event_indexes() -> list[Any]:
    return sorted(Event.__table__.indexes, key=lambda i: i.name)


def _sql_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value
