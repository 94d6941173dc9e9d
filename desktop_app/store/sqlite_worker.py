"""Bulk SQLite work through the ADBC driver, in a process of its own.

Why a process: the ADBC driver carries its own copy of the SQLite library. Two copies
of SQLite in one process that open the same database file break each other's POSIX
locks (closing one copy's file descriptor drops the locks the other holds), and one
copy may even delete a WAL file the other still uses: committed transactions vanish
and the file can be corrupted (sqlite.org, "How To Corrupt An SQLite Database File",
section 2.2.1). The rest of Sightline uses Python's sqlite3 through SQLAlchemy. In a
separate process each copy has its own locks, and SQLite's ordinary multi-process
locking applies.

The worker owns one ADBC connection (plus short-lived ones for side-by-side reads).
It never closes that connection: ADBC's SQLite cannot be told to keep the WAL on close
(``SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE``, see ``guard.py``), and a last close that believes
nobody else uses the file checkpoints and deletes the WAL, which another process whose
POSIX locks an unrelated ``close()`` dropped may still be writing to. So the worker reads
once at start (its connection then holds its shared lock, and the side readers' closes
are never "the last"), and when it is done it leaves with ``os._exit``: everything it
committed is in the WAL, and SQLite treats the exit like a crash with nothing to undo.
Statements are answered; ``ingest`` is pipelined: the worker writes one Arrow table
while the caller prepares the next, and an ingest error surfaces at the next call
that waits for an answer. If the caller dies, the worker sees the pipe close and its
open transaction is rolled back by SQLite.

Neither side waits on the pipe while it could work: in the caller a sender thread
serialises and sends the tables (``ingest`` returns at once unless ``QUEUED`` tables are
still waiting), and in the worker a receiver thread reads the next table while the
current one is written. The worker starts without re-running the caller's main script
(the ``sightline`` command would import the whole application once more).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sys
import threading
import types
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyarrow as pa

QUEUED = 6  # tables waiting to be sent (each is one slice's table: tens of MB at most)


class WorkerError(Exception):
    """A statement failed in the worker (the message is SQLite's), or the worker died."""


def _ipc(table: pa.Table) -> pa.Buffer:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue()


def _table(data: bytes) -> pa.Table:
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


def _serve(path: str, conn: Connection) -> None:  # pragma: no cover - runs in the child
    import adbc_driver_sqlite.dbapi as adbc

    db = adbc.connect(path, autocommit=True)
    cur = db.cursor()
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("SELECT count(*) FROM sqlite_master")  # hold the shared lock from now on
    cur.fetchall()
    pending: str | None = None  # an ingest error, told at the next answered call

    def read_all(sql: str) -> pa.Table:
        with adbc.connect(path) as reader, reader.cursor() as rcur:
            rcur.execute("PRAGMA busy_timeout=10000")
            rcur.execute(sql)
            return rcur.fetch_arrow_table()

    inbox: queue.Queue[tuple[str, Any, bytes | None] | None] = queue.Queue(maxsize=2)

    def receive() -> None:  # reads the next message while the current one is written
        try:
            while True:
                op, args = conn.recv()
                inbox.put((op, args, conn.recv_bytes() if op == "ingest" else None))
        except (EOFError, OSError):
            inbox.put(None)

    threading.Thread(target=receive, name="sightline-sqlite-recv", daemon=True).start()
    try:
        while True:
            message = inbox.get()
            if message is None:
                return
            op, args, data = message
            if op == "ingest":
                if pending is None:
                    try:
                        cur.adbc_ingest(args, _table(data or b""), mode="append")
                    except Exception as exc:
                        pending = f"{type(exc).__name__}: {exc}"
                del data, message
                continue
            if op == "close":
                conn.send(("ok", None))
                return
            if pending is not None:
                conn.send(("error", pending))
                pending = None
                continue
            try:
                if op == "execute":
                    cur.execute(*args)
                    rows = [tuple(r) for r in cur.fetchall()] if cur.description else []
                    conn.send(("ok", rows))
                elif op == "query_arrow":
                    with ThreadPoolExecutor(max_workers=3) as pool:
                        tables = list(pool.map(read_all, args))
                    conn.send(("ok", len(tables)))
                    for table in tables:
                        conn.send_bytes(_ipc(table))
                else:
                    conn.send(("error", f"unknown operation {op!r}"))
            except Exception as exc:
                conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        # never db.close() (see the module docstring): leave without closing
        conn.close()
        os._exit(0)


@contextmanager
def _bare_main() -> Iterator[None]:
    """Start a spawned process without it importing the caller's main script again."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


class SqliteWorker:
    """A child process speaking ADBC to one SQLite file. Use as a context manager."""

    def __init__(self, path: Path | str) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(str(path), child), name="sightline-sqlite", daemon=True
        )
        with _bare_main():
            self._process.start()
        child.close()
        self._outbox: queue.Queue[tuple[Any, pa.Table | None] | None] = queue.Queue(QUEUED)
        self._send_error: BaseException | None = None
        self._sender = threading.Thread(
            target=self._send_all, name="sightline-sqlite-send", daemon=True
        )
        self._sender.start()

    def _send_all(self) -> None:
        """Send the queued messages in order (a table after its header, as Arrow IPC)."""
        while (item := self._outbox.get()) is not None:
            if self._send_error is not None:
                continue  # drain: the caller hears the error at its next call
            message, table = item
            try:
                self._conn.send(message)
                if table is not None:
                    self._conn.send_bytes(_ipc(table))
            except BaseException as exc:  # told to the caller at its next call
                self._send_error = exc
            del item, table

    def _send(self, message: Any, table: pa.Table | None = None) -> None:
        if self._send_error is not None:
            raise WorkerError(
                f"the database worker stopped (exit code {self._process.exitcode})"
            ) from self._send_error
        self._outbox.put((message, table))

    def _answer(self) -> Any:
        try:
            status, payload = self._conn.recv()
        except EOFError:
            self._process.join(5)
            raise WorkerError(
                f"the database worker stopped (exit code {self._process.exitcode})"
            ) from None
        if status == "error":
            raise WorkerError(payload)
        return payload

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run one statement; its rows (empty for statements without results)."""
        self._send(("execute", (sql, list(params) if params is not None else None)))
        return self._answer()  # type: ignore[no-any-return]

    def one(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        return self.execute(sql, params)[0][0]

    def ingest(self, table_name: str, table: pa.Table) -> None:
        """Append a table's rows (returns once the table is queued, not when written)."""
        self._send(("ingest", table_name), table)

    def query_arrow(self, statements: Sequence[str]) -> list[pa.Table]:
        """Run read-only queries side by side; their results as Arrow tables."""
        self._send(("query_arrow", list(statements)))
        count = self._answer()
        return [_table(self._conn.recv_bytes()) for _ in range(count)]

    def close(self) -> None:
        if self._process.is_alive():
            try:
                self._send(("close", None))
                self._answer()
            except (WorkerError, OSError, BrokenPipeError):
                pass
        self._outbox.put(None)
        self._sender.join()
        self._conn.close()
        self._process.join(10)
        if self._process.is_alive():
            self._process.kill()

    def __enter__(self) -> SqliteWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
