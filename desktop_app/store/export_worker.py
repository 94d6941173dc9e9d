"""Reading an export's events from a SQLite file as Arrow tables, in a process of its own.

ADBC's SQLite driver reads query results straight into Arrow columns (no Python object
per value: most of what a million-event export cost before). It carries its own copy of
the SQLite library, and two copies of SQLite in one process on one file break each
other's locks (see ``sqlite_worker.py``), so it runs here, in a child process, like the
import's writer. The child reads every chunk in one read transaction (one consistent
snapshot, as the in-process reader), sends each chunk's tables as Arrow IPC while
it reads the next one (the pipe holds it back to about a chunk ahead), and leaves with
``os._exit`` without closing its connection, for the reason ``sqlite_worker.py`` gives.
It only reads: killing it (a failed or abandoned export) loses nothing.

This module imports no SQLAlchemy and nothing of the application but the statements.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Generator
from multiprocessing.connection import Connection
from pathlib import Path

import numpy as np
import pyarrow as pa

from desktop_app.store.export_sql import statements, where
from desktop_app.store.sqlite_worker import WorkerError, _bare_main, _ipc, _table

# rows per Arrow batch: more than a chunk's rows, so the driver infers each column's
# type from the whole chunk (a column NULL in its first rows is no trouble)
BATCH_ROWS = 1 << 20


def _serve(path: str, conn: Connection) -> None:  # pragma: no cover - runs in the child
    try:
        import adbc_driver_sqlite.dbapi as adbc

        db = adbc.connect(path)  # not autocommit: every read in one transaction
        cur = db.cursor()
        cur.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(BATCH_ROWS)})
        cur.execute("PRAGMA busy_timeout=10000")
        cur.fetchall()
        ids_bytes, chunk, dense = conn.recv()
        ids = np.frombuffer(ids_bytes, np.int64)
        cur.execute("SELECT count(*) FROM sqlite_master")  # the snapshot starts here
        cur.fetchall()
        for lo in range(0, len(ids), chunk):
            condition = where(ids[lo : lo + chunk], dense)
            tables = []
            for sql in statements("sqlite", condition) if condition else ():
                cur.execute(sql)
                tables.append(_ipc(cur.fetch_arrow_table()))
            conn.send(("chunk", len(tables)))
            for table in tables:
                conn.send_bytes(table)
        conn.send(("done", None))
    except (EOFError, BrokenPipeError, ConnectionResetError):
        pass  # the caller stopped reading
    except Exception as exc:
        with contextlib.suppress(OSError):
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()
        os._exit(0)  # never db.close() (see sqlite_worker.py)


def read_chunks(
    path: Path, ids: np.ndarray, chunk: int, dense: int
) -> Generator[list[pa.Table], None, None]:
    """For each chunk of ``ids``: the tables of ``export_sql.statements`` (in its order),
    read in the worker process. The process is ended when the caller stops early or
    fails."""
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(
        target=_serve, args=(str(path), theirs), name="sightline-export", daemon=True
    )
    with _bare_main():
        process.start()
    theirs.close()
    try:
        ours.send((np.ascontiguousarray(ids, np.int64).tobytes(), max(1, chunk), dense))
        while True:
            try:
                status, payload = ours.recv()
            except EOFError:
                process.join(5)
                raise WorkerError(
                    f"the export's database reader stopped (exit code {process.exitcode})"
                ) from None
            if status == "done":
                return
            if status == "error":
                raise WorkerError(payload)
            yield [_table(ours.recv_bytes()) for _ in range(payload)]
    finally:
        ours.close()
        process.join(2)
        if process.is_alive():
            process.kill()
            process.join()
