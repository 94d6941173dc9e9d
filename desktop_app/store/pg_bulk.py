"""Writing one import batch to PostgreSQL with COPY, in the batch's one transaction.

A million one-row INSERTs through SQLAlchemy cost PostgreSQL 6-7 times what SQLite
takes; COPY of the same rows as CSV takes about as long. Each finished table is turned
into CSV by Arrow's C++ writer (an unquoted empty field is NULL, a quoted one an empty
string, which is COPY's CSV convention too) and streamed with psycopg's
``cursor.copy``. Ids come from the tables' sequences (``nextval``), never from
``max(id) + 1``, so nothing anyone else writes at the same time, and no id a deleted
row once had, is ever handed out twice.

Tables are held until the end and written parents first (link rows refer to events,
events to the batch: PostgreSQL checks each foreign key as the row arrives).
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import text

ORDER = ("location", "actor", "source", "event", "event_actor", "event_source")
_COPY_CHUNK = 1 << 20  # bytes per write to the COPY stream


class PgCopyWriter:
    """Mixin body for :class:`desktop_app.store.bulk.BatchWriter` on PostgreSQL (bulk.py
    builds the class, so this module does not import it back)."""

    conn: Any
    pending: dict[str, list[pd.DataFrame]]

    def _allocate(self, kind: str, first_local: int, n: int) -> np.ndarray:
        if n <= 0:
            return np.zeros(0, np.int64)
        ids = self.conn.execute(text(
            "SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": kind, "n": n}).scalars().all()
        return np.sort(np.asarray(ids, np.int64))

    def _insert(self, name: str, frame: pd.DataFrame) -> None:
        if len(frame):
            self.pending[name].append(frame)

    def flush(self) -> None:
        cursor = self.conn.connection.driver_connection.cursor()
        try:
            for name in ORDER:
                for frame in self.pending[name]:
                    copy_frame(cursor, name, frame)
                self.pending[name].clear()
        finally:
            cursor.close()


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
            copy.write(data[start:start + _COPY_CHUNK])
