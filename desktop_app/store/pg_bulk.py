"""Writing one import batch to PostgreSQL with COPY, in the batch's one transaction.

A million one-row INSERTs through SQLAlchemy cost PostgreSQL 6-7 times what SQLite
takes; COPY of the same rows as CSV takes about as long. Each finished table is turned
into CSV by Arrow's C++ writer (an unquoted empty field is NULL, a quoted one an empty
string, which is COPY's CSV convention too) and streamed with psycopg's
``cursor.copy`` by a writer thread while the caller prepares the next table (the server
does its part in its own process; the queue holds two tables: back-pressure).

Ids come from the tables' sequences (``nextval``, on a second connection so the writer
thread keeps the first), never from ``max(id) + 1``: no id anyone else takes at the
same time, and no id a deleted row once had, is ever handed out twice. Sequences are not
transactional, so an import that fails leaves a gap in the ids, never a reuse.

Tables go in the order they come: the batch row exists before the first of them, and
on PostgreSQL the link tables carry no foreign key to events (migration 0006). A batch
bigger than the project (and than REBUILD_FROM rows) is written with the keys and
indexes of the event and link tables dropped and built again at the end, in the same
transaction: one sort per index instead of a B-tree insertion per row, one join per
foreign key instead of a check per row, as the SQLite writer does with its indexes.
Dropping them locks those tables until the import commits, so other users' reads of
them wait for that first big load (a smaller import takes no such lock); the import
fails whole, changing nothing, if a key would not hold.
"""

from __future__ import annotations

import io
import queue
import threading
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import text

_COPY_CHUNK = 1 << 20  # bytes per write to the COPY stream
REBUILD_FROM = 10_000  # rows; and more than the project holds
REBUILT_TABLES = ("event", "event_actor", "event_source")
_DONE = None


class PgCopyWriter:
    """Mixin body for :class:`desktop_app.store.bulk.BatchWriter` on PostgreSQL (bulk.py
    builds the class, so this module does not import it back)."""

    conn: Any

    def start(self, rows: int) -> None:
        """Called in the transaction before the first table: start the writer thread
        (dropping the event indexes first for a big batch)."""
        self._rebuild: list[str] = []
        self._error: BaseException | None = None
        self._cursor = self.conn.connection.driver_connection.cursor()
        self._ids = self.conn.engine.connect()  # nextval without waiting for a COPY
        if rows >= REBUILD_FROM:
            existing = self.conn.execute(
                text("SELECT count(*) FROM (SELECT 1 FROM event LIMIT :n) AS e"), {"n": rows}
            ).scalar()
            if int(existing) < rows:
                for table in REBUILT_TABLES:
                    self._rebuild += _drop_keys_and_indexes(self._cursor, table)
        self._queue: queue.Queue[tuple[str, pd.DataFrame] | None] = queue.Queue(maxsize=2)
        self._thread = threading.Thread(target=self._run, name="sightline-copy", daemon=True)
        self._thread.start()

    def _allocate(self, kind: str, first_local: int, n: int) -> np.ndarray:
        if n <= 0:
            return np.zeros(0, np.int64)
        sequence = self._ids.execute(
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": kind}
        ).scalar_one()  # once, not per row
        ids = (
            self._ids.execute(
                text("SELECT nextval(CAST(:s AS regclass)) FROM generate_series(1, :n)"),
                {"s": sequence, "n": n},
            )
            .scalars()
            .all()
        )
        self._ids.commit()
        return np.sort(np.asarray(ids, np.int64))

    def _insert(self, name: str, frame: pd.DataFrame) -> None:
        self._raise_if_failed()
        if len(frame):
            self._queue.put((name, frame))

    def _run(self) -> None:
        while (item := self._queue.get()) is not _DONE:
            if self._error is None:  # after a failure, only drain (nobody may block)
                try:
                    copy_frame(self._cursor, *item)
                except BaseException as exc:
                    self._error = exc

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error

    def flush(self) -> None:
        self._stop()
        self._raise_if_failed()
        if self._rebuild:
            self._cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for statement in sorted(self._rebuild, key=_rebuild_order):
            self._cursor.execute(statement)

    def close(self) -> None:
        """Stop the thread and let go of the second connection (also after a failure,
        even one inside :meth:`start`)."""
        self._stop()
        for resource in ("_ids", "_cursor"):
            if hasattr(self, resource):
                getattr(self, resource).close()

    def _stop(self) -> None:
        thread = getattr(self, "_thread", None)
        if thread is not None and thread.is_alive():
            self._queue.put(_DONE)
            thread.join()


def _drop_keys_and_indexes(cursor: Any, table: str) -> list[str]:
    """Drop a table's primary, unique and foreign keys and its other indexes; the
    statements that make them again."""
    keys = cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f')",
        (table,),
    ).fetchall()
    indexes = cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
        "AND schemaname = current_schema() AND indexname NOT IN ("
        "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        (table, table),
    ).fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    for name, _, _ in sorted(keys, key=lambda k: k[1] != "f"):  # foreign keys first
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, _, definition in keys
    ] + [definition for _, definition in indexes]


def _rebuild_order(statement: str) -> int:
    """Primary and unique keys, then foreign keys (they need the keys), then indexes."""
    if "FOREIGN KEY" in statement:
        return 1
    return 0 if statement.startswith("ALTER TABLE") else 2


def copy_frame(cursor: Any, table: str, frame: pd.DataFrame) -> None:
    """COPY a DataFrame (columns named as the table's) into ``table``."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    buffer = io.BytesIO()
    pacsv.write_csv(arrow, buffer, pacsv.WriteOptions(include_header=False))
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    data = buffer.getbuffer()
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy:
        for start in range(0, len(data), _COPY_CHUNK):
            copy.write(data[start : start + _COPY_CHUNK])
