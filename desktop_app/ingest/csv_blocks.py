"""Reading a CSV/TSV text block by block with pyarrow, a couple of blocks ahead.

:class:`Source` says where the UTF-8 text is and how it is split; :meth:`Source.batches`
hands out its records a block at a time, every column as text, parsed on a thread of
their own while the caller works on the previous block (see ``stream.py``).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

# bytes pyarrow reads at a time. Its streaming reader reads up to 32 blocks of the raw
# file ahead on its I/O thread, so the block is kept small: 32 x 2 MB at most held
BLOCK_BYTES = 2 << 20


@dataclass
class Source:
    """Where the UTF-8 text is (the file, or bytes decoded from another encoding) and
    how it is split."""

    data: Path | bytes
    delimiter: str
    header: bool
    names: list[str]  # the first record's fields, as pyarrow names the columns
    encoding: str
    marked: bool  # bytes that did not decode are marked (see encodings.py)
    block_bytes: int = BLOCK_BYTES

    def batches(self, ragged: list[object], *, threads: bool = False) -> Iterator[pa.RecordBatch]:
        """The file's records, block by block, every column as text. ``threads``: parse
        on pyarrow's threads (both cores; for a caller that drops each block at once)."""
        import pyarrow as pa
        import pyarrow.csv as pacsv

        def on_invalid(row: object) -> str:
            ragged.append(row)
            return "error"

        # pyarrow's own threads parse ahead of a slow caller without bound (a third of
        # a million-row file held at once): for one, a thread of ours parses, at most
        # READ_AHEAD blocks ahead
        read = pacsv.ReadOptions(
            encoding="utf8",
            autogenerate_column_names=not self.header,
            block_size=self.block_bytes,
            use_threads=threads,
        )
        parse = pacsv.ParseOptions(
            delimiter=self.delimiter,
            newlines_in_values=True,
            invalid_row_handler=on_invalid,
            ignore_empty_lines=False,  # a blank line still counts in the row numbers
        )
        column_names = self.names if self.header else [f"f{i}" for i in range(len(self.names))]
        convert = pacsv.ConvertOptions(
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            column_types={name: pa.large_string() for name in column_names},
        )
        stream = self.data if isinstance(self.data, Path) else pa.BufferReader(self.data)
        reader = pacsv.open_csv(
            stream, read_options=read, parse_options=parse, convert_options=convert
        )
        if threads:
            try:
                yield from reader
            finally:
                reader.close()
        else:
            yield from _read_ahead(reader)


READ_AHEAD = 2  # blocks parsed ahead of the one being handled
_END = object()


def _read_ahead(reader: pa.RecordBatchReader) -> Iterator[pa.RecordBatch]:
    """The reader's batches, parsed on a thread of their own (pyarrow releases the GIL)
    while the caller works on the previous ones; exceptions come out where they would."""
    ready: queue.Queue[object] = queue.Queue(maxsize=READ_AHEAD)
    stop = threading.Event()

    def put(item: object) -> None:
        while not stop.is_set():
            try:
                ready.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def produce() -> None:
        try:
            while not stop.is_set():
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                put(batch)
            put(_END)
        except BaseException as exc:  # handed to the caller
            put(exc)

    thread = threading.Thread(target=produce, name="sightline-read-csv", daemon=True)
    thread.start()
    try:
        while True:
            item = ready.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()
        reader.close()
