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
  ADBC SQLite driver, in a worker process (see ``sqlite_worker.py`` for why it must not
  share our process), so the next table is computed while the previous one is
  written. The stdlib ``sqlite3`` module spends ~5 s binding a million 14-column rows one
  value at a time; ADBC ~1.6 s. For a batch bigger than the project, the event indexes
  and the place-name index are dropped and rebuilt in the same transaction (one sort
  beats a B-tree update per row), with SQLite's sorter threads on.

Both hold the project's write lock for the whole batch (:meth:`Project.write_lock`), so
two imports at once, from windows or the CLI, run one after the other (the second says
it is waiting), and both bump the data version in the batch's transaction.

The journal stays WAL. An earlier version switched to a rollback journal for a big
import "while no one else has the file open" (each page written once instead of twice),
but that check trusts SQLite's POSIX locks, which an unrelated ``close()`` in another
Sightline process silently drops (see ``guard.py``): the switch could then delete a WAL
that process was still using. Measured with ``bench/import_bench.py --rows 200000``:
5.8 s with the switch, the figure without it is in the README.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Table, insert, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.schema import CreateIndex

from desktop_app.store.pg_bulk import PgCopyWriter
from desktop_app.store.project import (
    BUMP_DATA_VERSION,
    READ_DATA_VERSION,
    Project,
    WriteFailed,
    short_message,
)
from desktop_app.store.schema import (
    Actor,
    Event,
    ImportBatch,
    Location,
    Source,
    event_actor,
    event_source,
    table_of,
)
from desktop_app.store.sqlite_worker import SqliteWorker, WorkerError

log = logging.getLogger("sightline.store")

EVENT_COLUMNS = [
    "external_id",
    "fingerprint",
    "title",
    "description",
    "start_s",
    "end_s",
    "precision",
    "category",
    "tags",
    "reliability",
    "credibility",
    "attributes",
]
LOCATION_COLUMNS = [
    "name",
    "country",
    "latitude",
    "longitude",
    "geo_precision",
    "alt_names",
    "gazetteer_id",
    "attributes",
]
# a batch of more rows than this (and than the project holds) rebuilds the event indexes
REBUILD_INDEXES_FROM = 10_000
# Below this many rows the portable Core writer is quick enough (about 0.3 s for 20,000
# rows) and no worker process is started; above it the ADBC worker is several times
# faster. Tests set it to 0 to run the worker path on small files.
ARROW_WRITER_FROM_ROWS = 20_000
# a file this big (about 50,000 ACLED rows) starts the worker before it is read
EARLY_WORKER_FROM_BYTES = 16 << 20
SOURCE_COLUMNS = ["title", "publisher", "url", "date", "notes"]
_JSON_COLUMNS = {"event": ("tags", "attributes"), "location": ("alt_names", "attributes")}
_TABLES: dict[str, Table] = {
    "location": table_of(Location),
    "actor": table_of(Actor),
    "source": table_of(Source),
    "event": table_of(Event),
    "event_actor": event_actor,
    "event_source": event_source,
}


class BatchWriteError(Exception):
    """The batch could not be written; nothing was changed."""


def _resolve(existing: pd.Series, new: pd.Series, ids: Any) -> pd.Series:
    """Existing id where given, else the id allocated to the local id (nullable integers).

    ``ids`` maps local ids (an array of them) to allocated ids."""
    old = pd.Series(existing, dtype="Int64").reset_index(drop=True)
    local = pd.Series(new, dtype="Int64").reset_index(drop=True)
    given = local.notna().to_numpy()
    fresh = pd.Series(pd.NA, index=local.index, dtype="Int64")
    if given.any():
        fresh[given] = ids(local[given].to_numpy(np.int64))
    return old.fillna(fresh)


def _distinct(links: pd.DataFrame) -> pd.DataFrame:
    """Link rows without repeats (one 64-bit key per row when the ids are small)."""
    cols = [links[c].to_numpy(np.int64) for c in links.columns]
    if len(links) and all(c.min() >= 0 for c in cols) and len(cols) <= 3:
        bits = [int(c.max()).bit_length() for c in cols]
        if sum(bits) <= 62:
            key = np.zeros(len(links), np.int64)
            for c, b in zip(cols, bits, strict=True):
                key = (key << b) | c
            once = ~pd.Series(key).duplicated().to_numpy()
            return links if once.all() else links[once].reset_index(drop=True)
    return links.drop_duplicates()


class BatchWriter:
    """Shared id bookkeeping; subclasses say how a finished table is inserted.

    New rows take ids from an allocator that never hands out an id used before, even
    by a deleted row (ids are never reused: undo and saved stories refer to them). The
    default allocator counts on from ``bases`` (SQLite: the AUTOINCREMENT high-water
    mark, read inside the write transaction); PostgreSQL's writer takes ids from the
    tables' sequences.
    """

    def __init__(self) -> None:
        self.batch_id = 0
        self.bases: dict[str, int] = {}
        self._pool: dict[str, np.ndarray] = {}
        self.counts = {"event": 0, "location": 0, "actor": 0, "source": 0}
        # ImportBatch counts known only at the end (imported, duplicates ...): set them
        # here before the block ends and they are written in the same transaction
        self.final_counts: dict[str, Any] = {}

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
        out.insert(0, "id", self._next("event", len(out)))
        out["batch_id"] = self.batch_id
        out["location_id"] = _resolve(
            frame["location_id"],
            frame["location_new"],
            lambda local: self._ids_of("location", local),
        )
        self._insert("event", out)

    def add_event_actors(self, links: pd.DataFrame) -> None:
        """Columns ``event`` (position in batch), ``actor_id`` / ``actor_new``, ``role``."""
        self._insert(
            "event_actor",
            _distinct(
                pd.DataFrame(
                    {
                        "event_id": self._ids_of("event", links["event"].to_numpy(np.int64)),
                        "actor_id": _resolve(
                            links["actor_id"],
                            links["actor_new"],
                            lambda local: self._ids_of("actor", local),
                        ).to_numpy(np.int64),
                        "role": links["role"].to_numpy(np.int64),
                    }
                )
            ),
        )

    def add_event_sources(self, links: pd.DataFrame) -> None:
        """Columns ``event`` (position in batch), ``source_id`` / ``source_new``."""
        self._insert(
            "event_source",
            _distinct(
                pd.DataFrame(
                    {
                        "event_id": self._ids_of("event", links["event"].to_numpy(np.int64)),
                        "source_id": _resolve(
                            links["source_id"],
                            links["source_new"],
                            lambda local: self._ids_of("source", local),
                        ).to_numpy(np.int64),
                    }
                )
            ),
        )

    # internals --------------------------------------------------------------------
    def _allocate(self, kind: str, first_local: int, n: int) -> np.ndarray:
        """``n`` new ids of ``kind`` for local ids first_local ... first_local + n - 1."""
        return np.arange(n, dtype=np.int64) + self.bases[kind] + first_local

    def _ids_of(self, kind: str, local: np.ndarray) -> np.ndarray:
        """The ids given to local ids (allocating up to the highest one asked for)."""
        pool = self._pool.get(kind, np.zeros(0, np.int64))
        need = int(local.max()) + 1 if len(local) else 0
        if need > len(pool):
            pool = np.concatenate([pool, self._allocate(kind, len(pool), need - len(pool))])
            self._pool[kind] = pool
        ids: np.ndarray = pool[local]
        return ids

    def _next(self, kind: str, n: int) -> np.ndarray:
        first = self.counts[kind]
        self.counts[kind] += n
        return self._ids_of(kind, np.arange(first, first + n, dtype=np.int64))

    def _add_new(self, kind: str, frame: pd.DataFrame) -> None:
        out = frame.reset_index(drop=True).copy()
        out.insert(0, "id", self._next(kind, len(out)))
        out["batch_id"] = self.batch_id
        self._insert(kind, out)

    def _insert(self, name: str, frame: pd.DataFrame) -> None:
        raise NotImplementedError


def _batch_row(batch: dict[str, Any]) -> dict[str, Any]:
    row = dict(batch)
    row.setdefault("imported_at", datetime.now().replace(microsecond=0))
    return row


def early_worker(project: Project, file_bytes: int) -> SqliteWorker | None:
    """An ADBC worker for a file big enough to take the SQLite fast path, started now
    so that its start overlaps reading the file (the caller closes it), or None."""
    if project.engine.dialect.name != "sqlite" or project.path is None:
        return None
    return SqliteWorker(project.path) if file_bytes >= EARLY_WORKER_FROM_BYTES else None


@contextmanager
def batch_writer(
    project: Project, batch: dict[str, Any], worker: SqliteWorker | None = None
) -> Iterator[BatchWriter]:
    """A writer for one batch; commits on a clean exit, rolls back on an exception.

    ``batch`` holds the ImportBatch fields; counts may be updated on the writer's
    ``batch`` dict before the block ends (they are written at commit). ``worker`` is
    one from :func:`early_worker` (the SQLite fast path uses it).
    """
    bulk = batch.get("rows_read", 0) >= ARROW_WRITER_FROM_ROWS
    if project.engine.dialect.name == "sqlite" and project.path is not None and bulk:
        cm = _sqlite_writer(project, batch, worker)
    elif project.engine.dialect.name == "postgresql":
        cm = _core_writer(project, batch, PostgresWriter)
    else:
        cm = _core_writer(project, batch)
    try:
        with cm as writer:
            yield writer
    except BatchWriteError:
        raise
    except (WorkerError, WriteFailed, SQLAlchemyError) as exc:
        log.error("an import failed", exc_info=True)
        raise BatchWriteError(f"Nothing was imported: {short_message(exc)}") from exc
    except Exception as exc:
        raise BatchWriteError(f"Nothing was imported: {exc}") from exc


# ---------------------------------------------------------------- any SQLAlchemy URL
def next_free_id(conn: Any, table: str) -> int:
    """The first id above every id the table ever held (run inside the write transaction).

    SQLite keeps the high-water mark of an AUTOINCREMENT table in ``sqlite_sequence``
    (explicit ids raise it too); the largest current id covers tables without one.
    """
    top = int(conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one())
    if conn.dialect.name == "sqlite":
        mark = conn.execute(
            text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": table}
        ).scalar()
        top = max(top, int(mark or 0))
    return top + 1


class CoreWriter(BatchWriter):
    """Inserts with SQLAlchemy Core, parents before children (foreign keys are checked)."""

    ORDER = ("location", "actor", "source", "event", "event_actor", "event_source")

    def __init__(self, conn: Any, chunk: int = 50_000) -> None:
        super().__init__()
        self.conn = conn
        self.chunk = chunk
        self.pending: dict[str, list[pd.DataFrame]] = {name: [] for name in self.ORDER}

    def start(self, rows: int) -> None:
        """Called in the transaction before the first table (a batch of ``rows`` rows)."""

    def close(self) -> None:
        """Called last, after the commit or the failure."""

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
            self.conn.execute(insert(_TABLES[name]), records[start : start + self.chunk])


class PostgresWriter(PgCopyWriter, CoreWriter):
    """COPY instead of INSERT, ids from the sequences (see ``pg_bulk.py``)."""


@contextmanager
def _core_writer(
    project: Project, batch: dict[str, Any], writer_class: type[CoreWriter] = CoreWriter
) -> Iterator[BatchWriter]:
    with project.writing(_what(batch), timeout=None) as conn:
        result = conn.execute(insert(ImportBatch).values(**_batch_row(batch)))
        writer = writer_class(conn)
        key = result.inserted_primary_key
        assert key is not None  # a single-row INSERT always reports its key
        writer.batch_id = int(key[0])
        for kind in ("event", "location", "actor", "source"):
            writer.bases[kind] = next_free_id(conn, kind)
        try:
            writer.start(int(batch.get("rows_read", 0)))
            yield writer
            writer.flush()
        finally:
            writer.close()
        if writer.final_counts:
            conn.execute(
                table_of(ImportBatch)
                .update()
                .where(ImportBatch.id == writer.batch_id)
                .values(**writer.final_counts)
            )


# ---------------------------------------------------------------- SQLite fast path
class SqliteArrowWriter(BatchWriter):
    """Hands each table to the ADBC worker process, which writes it while the caller
    prepares the next one (the pipe holds one table at a time: natural back-pressure)."""

    def __init__(self, db: SqliteWorker) -> None:
        super().__init__()
        self.db = db

    def _insert(self, name: str, frame: pd.DataFrame) -> None:
        import pyarrow as pa

        if len(frame):
            self.db.ingest(name, pa.Table.from_pandas(frame, preserve_index=False))

    def finish(self) -> None:
        """Wait until every table is written; raises the first ingest error."""
        self.db.execute("SELECT 1")


@contextmanager
def _sqlite_writer(
    project: Project, batch: dict[str, Any], worker: SqliteWorker | None
) -> Iterator[BatchWriter]:
    assert project.path is not None
    project.engine.dispose()  # no pooled connection of ours holds the file open
    with ExitStack() as stack:
        db = worker if worker is not None else stack.enter_context(SqliteWorker(project.path))
        with project.write_lock(_what(batch)):
            db.execute("PRAGMA threads=2")  # sorter threads for CREATE INDEX
            db.execute("PRAGMA cache_size=-65536")
            db.execute("BEGIN IMMEDIATE")
            try:
                row = _batch_row(batch)
                columns = list(row)
                db.execute(
                    f"INSERT INTO import_batch ({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' * len(columns))})",
                    [_sql_value(row[c]) for c in columns],
                )
                batch_id = int(db.one("SELECT last_insert_rowid()"))
                existing = int(db.one("SELECT count(*) FROM event"))
                big = batch.get("rows_read", 0) > max(existing, REBUILD_INDEXES_FROM)
                indexes = _bulk_indexes() if big else []
                for ix in indexes:
                    db.execute(f"DROP INDEX {ix.name}")
                writer = SqliteArrowWriter(db)
                writer.batch_id = batch_id
                for kind in ("event", "location", "actor", "source"):
                    writer.bases[kind] = 1 + max(
                        int(db.one(f"SELECT coalesce(max(id), 0) FROM {kind}")),
                        int(
                            db.one(
                                "SELECT coalesce(max(seq), 0) FROM sqlite_sequence "
                                f"WHERE name = '{kind}'"
                            )
                        ),
                    )
                yield writer
                writer.finish()
                for ix in indexes:
                    db.execute(str(CreateIndex(ix).compile(dialect=project.engine.dialect)))
                counts = writer.final_counts
                if counts:
                    sets = ", ".join(f"{k} = ?" for k in counts)
                    db.execute(
                        f"UPDATE import_batch SET {sets} WHERE id = ?", [*counts.values(), batch_id]
                    )
                db.execute(BUMP_DATA_VERSION)
                version = str(db.one(READ_DATA_VERSION))
                db.execute("COMMIT")
                project.last_written_version = version
            except BaseException:
                with suppress(WorkerError):  # a dead worker's transaction is rolled back
                    db.execute("ROLLBACK")
                raise


def _what(batch: dict[str, Any]) -> str:
    return f"the import of {batch.get('file_name') or 'a file'}"


def _bulk_indexes() -> list[Any]:
    """The indexes a big batch drops and rebuilds: the event indexes, and the place
    names' (a file whose rows each give a point of their own adds a place per row)."""
    events = sorted(table_of(Event).indexes, key=lambda i: str(i.name))
    places = sorted(
        (i for i in table_of(Location).indexes if not i.unique), key=lambda i: str(i.name)
    )
    return [*events, *places]


def _sql_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value
