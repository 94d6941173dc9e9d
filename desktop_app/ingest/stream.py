"""Reading a big CSV/TSV file block by block, so an import's memory is flat in its rows.

:func:`survey` reads the file once with pyarrow's streaming reader (block by block,
every column converted, so every record is checked exactly as ``readers.py`` checks the
whole file) and keeps only a few columns of it: those the whole file must decide on
(the date columns whose day/month order is decided on the whole column, the id column
whose uniqueness decides how duplicates are found). The first rows are kept whole
(:attr:`Survey.head`) for choosing the preset. :meth:`Survey.slices` then reads the file
again and hands its rows out a slice at a time, numbered and cleaned exactly as
:func:`readers.read_delimited` numbers and cleans the whole table (blank lines dropped,
rows with bytes that do not decode made bad rows, repaired bytes unmarked).

Whatever the streaming reader cannot read exactly (records with the wrong number of
fields, a quoted value that looks like an unclosed quote, a record bigger than a block,
very wide files) makes :func:`survey` return None: the caller then reads the file whole
as before (the record-by-record fallback of ``readers.py``), which gives the same
results, more slowly.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from desktop_app.ingest import csv_records
from desktop_app.ingest.csv_blocks import BLOCK_BYTES, Source
from desktop_app.ingest.encodings import (
    MARK,
    REPAIRED,
)
from desktop_app.ingest.filecheck import UnreadableFile, check_file
from desktop_app.ingest.rawtable import RawTable
from desktop_app.ingest.readers import (
    WIDE_COLUMNS,
    _count_lines,
    _header,
    _not_valid,
    _NotUtf8,
    as_utf8,
    detect_delimiter,
)

if TYPE_CHECKING:
    import pyarrow as pa

# rows the head holds at least (when the file has them): enough for every look a preset
# takes at the content (columns.CONTENT_SAMPLE non-blank values per column)
HEAD_ROWS = 20_000


class FileChanged(UnreadableFile):
    """The file read differently the second time (it changed during the import)."""


@dataclass
class Rows:
    """The data rows of one block: cleaned, numbered, and what was taken out."""

    table: pa.Table
    numbers: np.ndarray
    bad: list[tuple[int, str]]
    repaired: list[int]


def _clean(source: Source, batch: pa.RecordBatch, first_row: int) -> Rows:
    """The rows of a block as ``readers._read_arrow`` leaves the whole table's."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = batch.num_rows
    numbers = np.arange(first_row, first_row + n, dtype=np.int64)
    drop = np.zeros(n, bool)
    bad: list[tuple[int, str]] = []
    if source.marked and n:  # rows holding bytes that did not decode
        marked = np.zeros(n, bool)
        for column in batch.columns:
            marked |= pc.match_substring(column, MARK).to_numpy(zero_copy_only=False)
        if marked.any():
            reason = _not_valid(source.encoding)
            bad = [(int(r), reason) for r in numbers[marked]]
            drop |= marked
    if n and batch.num_columns:
        candidate = pc.equal(batch.column(0), "").to_numpy(zero_copy_only=False) & ~drop
        if candidate.any():  # a blank line holds nothing
            blank = candidate.copy()
            for column in batch.columns:
                blank &= pc.equal(column, "").to_numpy(zero_copy_only=False)
            drop |= blank
    table = pa.Table.from_batches([batch])
    if drop.any():
        table = table.filter(pa.array(~drop))
        numbers = numbers[~drop]
    repaired: list[int] = []
    if source.marked and table.num_rows:
        hit = np.zeros(table.num_rows, bool)
        for i, column in enumerate(table.columns):
            found = pc.match_substring(column, REPAIRED).to_numpy(zero_copy_only=False)
            if found.any():
                hit |= found
                table = table.set_column(
                    i, table.field(i), pc.replace_substring(column, REPAIRED, "")
                )
        repaired = [int(r) for r in numbers[hit]]
    return Rows(table, numbers, bad, repaired)


def _split(parts: list[Rows], n: int) -> tuple[list[Rows], list[Rows]]:
    """The first ``n`` rows of ``parts``, and the rest."""
    head: list[Rows] = []
    for k, part in enumerate(parts):
        rows = part.table.num_rows
        if rows < n:
            head.append(part)
            n -= rows
            continue
        cut = Rows(part.table.slice(0, n), part.numbers[:n], [], [])
        rest = Rows(part.table.slice(n), part.numbers[n:], [], [])
        return [*head, cut], ([rest] if rest.table.num_rows else []) + parts[k + 1 :]
    return head, []


def to_frame(table: pa.Table, columns: list[str]) -> pd.DataFrame:
    frame = table.to_pandas(types_mapper=lambda _t: pd.StringDtype())
    frame.columns = columns
    return frame


Decide = Callable[[RawTable, bool], list[str] | None]


@dataclass
class Survey:
    """A file read once: its head, the columns the whole file decides on, its counts."""

    source: Source
    columns: list[str]  # the table's column names (cleaned as readers.py cleans them)
    head: RawTable  # the first rows, every column (the whole file when it is small)
    kept: dict[str, pa.ChunkedArray]  # the decided columns over every data row
    rows: int  # data rows
    records: int  # records pyarrow read (blank lines included)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)
    repaired_rows: list[int] = field(default_factory=list)

    @property
    def first_row(self) -> int:
        return 2 if self.source.header else 1

    def _cleaned(self) -> Iterator[Rows]:
        """Every block again, cleaned; raises FileChanged if it no longer reads the same."""
        ragged: list[object] = []
        records = 0
        rows = 0
        try:
            for batch in self.source.batches(ragged):
                cleaned = _clean(self.source, batch, self.first_row + records)
                records += batch.num_rows
                rows += cleaned.table.num_rows
                yield cleaned
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            if isinstance(exc, UnreadableFile):
                raise
            raise FileChanged(f"the file changed while it was imported ({exc})") from exc
        if (
            ragged
            or records != self.records
            or rows != self.rows
            or _stamp(self.source) != self.stamp
        ):
            raise FileChanged("the file changed while it was imported (it reads differently now)")

    def slices(self, chunk_rows: int) -> Iterator[tuple[int, RawTable]]:
        """The data rows ``chunk_rows`` at a time, with the position of each slice's
        first row; the first slice carries the bad rows."""
        pending: list[Rows] = []
        held = 0
        done = 0
        for cleaned in self._cleaned():
            pending.append(cleaned)
            held += cleaned.table.num_rows
            while held >= chunk_rows:
                part, pending = _split(pending, chunk_rows)
                yield done, self._table(part, first=done == 0)
                done += chunk_rows
                held -= chunk_rows
        if held or done == 0:
            yield done, self._table(pending, first=done == 0)

    def _table(self, parts: list[Rows], *, first: bool) -> RawTable:
        import pyarrow as pa

        if parts:
            table = pa.concat_tables([p.table for p in parts])
            numbers = np.concatenate([p.numbers for p in parts])
        else:
            assert self.head_arrow is not None
            table = self.head_arrow.slice(0, 0)
            numbers = np.zeros(0, np.int64)
        return RawTable(
            to_frame(table, self.columns),
            numbers,
            self.source.header,
            self.source.encoding,
            self.source.delimiter,
            bad_rows=list(self.bad_rows) if first else [],
        )

    head_arrow: pa.Table | None = None
    stamp: tuple[int, int] | None = None  # the file's size and change time when surveyed

    def column(self, name: str) -> pa.ChunkedArray:
        """One column over every data row (read again if it was not kept)."""
        import pyarrow as pa

        if name not in self.kept:
            at = self.columns.index(name)
            chunks = [c.table.column(at) for c in self._cleaned()]
            self.kept[name] = pa.chunked_array(
                [a for c in chunks for a in c.chunks], type=pa.large_string()
            )
        return self.kept[name]


def survey_file(
    path: Path,
    encoding: str | None,
    delimiter: str | None,
    header: bool,
    decide: Decide,
    block_bytes: int = BLOCK_BYTES,
) -> Survey | None:
    """:func:`survey` of a CSV/TSV file, the encoding chosen as ``read_delimited``
    chooses it; None when the file must be read whole."""
    check_file(path)
    try:
        return as_utf8(
            path,
            encoding,
            lambda source, head, chosen, marked: survey(
                source, head, chosen, delimiter, header, decide,
                marked=marked, block_bytes=block_bytes,
            ),
        )  # fmt: skip
    except _NotUtf8:
        return None


def survey(
    data: Path | bytes,
    text_head: str,
    encoding: str,
    delimiter: str | None,
    header: bool,
    decide: Decide,
    *,
    marked: bool = False,
    block_bytes: int = BLOCK_BYTES,
) -> Survey | None:
    """Read the text once, block by block (see the module's note). ``decide`` is given
    the head (and whether it is the whole file) and names the columns to keep, or None
    when the file must be read whole. Raises ``_NotUtf8`` for bytes that are not UTF-8."""
    import pyarrow as pa

    if "\x00" in text_head:
        return None
    try:
        delimiter = delimiter or detect_delimiter(text_head)
    except UnreadableFile:
        return None
    names = next(csv.reader(io.StringIO(text_head, newline=""), delimiter=delimiter), [])
    if len(names) > WIDE_COLUMNS:
        return None
    source = Source(data, delimiter, header, names, encoding, marked, block_bytes)
    stamp = _stamp(source)
    first_row = 2 if header else 1
    lines: list[int] = []
    counter = threading.Thread(
        target=lambda: lines.append(_count_lines(data)), name="sightline-count-lines"
    )
    counter.start()
    ragged: list[object] = []
    columns: list[str] | None = None
    head: list[Rows] = []
    head_rows = 0
    chosen: list[int] | None = None
    kept: dict[int, list[pa.Array]] = {}
    records = rows = 0
    bad: list[tuple[int, str]] = []
    repaired: list[int] = []

    def head_table(parts: list[Rows]) -> RawTable:
        assert columns is not None
        table = pa.concat_tables([p.table for p in parts])
        numbers = np.concatenate([p.numbers for p in parts])
        return RawTable(
            to_frame(table, columns), numbers, header, encoding, delimiter, bad_rows=list(bad)
        )

    def decided(whole: bool) -> list[int] | None:
        assert columns is not None
        wanted = decide(head_table(head), whole)
        if wanted is None:
            return None
        at = [columns.index(name) for name in dict.fromkeys(wanted)]
        for i in at:
            kept[i] = [a for p in head for a in p.table.column(i).chunks]
        return at

    try:
        for batch in source.batches(ragged, threads=True):
            if columns is None:
                columns = _header(batch.schema.names, header)
            cleaned = _clean(source, batch, first_row + records)
            records += batch.num_rows
            rows += cleaned.table.num_rows
            bad.extend(cleaned.bad)
            repaired.extend(cleaned.repaired)
            if chosen is None:
                head.append(cleaned)
                head_rows += cleaned.table.num_rows
                if head_rows >= HEAD_ROWS:
                    chosen = decided(False)
                    if chosen is None:
                        return None
            else:
                for i in chosen:
                    kept[i].extend(cleaned.table.column(i).chunks)
    except pa.ArrowInvalid as exc:
        if not ragged and "utf8" in str(exc).lower():
            raise _NotUtf8(str(exc)) from None
        return None  # ragged rows, odd quoting, an empty file: read it whole
    finally:
        counter.join()
    if ragged or columns is None or (rows == 0 and not bad):
        return None
    if header and all(c.strip() == "" for c in columns):
        return None
    if lines and lines[0] > records + int(header) and _multiline_suspect(source, len(names)):
        return None
    head_arrow = pa.concat_tables([p.table for p in head]).slice(0, 0)
    if chosen is None:
        chosen = decided(True)
        if chosen is None:
            return None
    return Survey(
        source,
        columns,
        RawTable(to_frame(head_arrow, columns), np.zeros(0, np.int64), header, encoding, delimiter),
        {columns[i]: pa.chunked_array(kept[i], type=pa.large_string()) for i in chosen},
        rows,
        records,
        bad,
        repaired,
        head_arrow=head_arrow,
        stamp=stamp,
    )


def _stamp(source: Source) -> tuple[int, int] | None:
    """The file's size and last change (None for text decoded into memory)."""
    if not isinstance(source.data, Path):
        return None
    info = source.data.stat()
    return info.st_size, info.st_mtime_ns


def _multiline_suspect(source: Source, width: int) -> bool:
    """``readers._check_multiline`` block by block: a multi-line value that looks like
    an unclosed quote, or a line break in the last record of the file."""
    import pyarrow.compute as pc

    ragged: list[object] = []
    last_hit = False
    for batch in source.batches(ragged):
        last_hit = False
        for column in batch.columns:
            hits = pc.or_(pc.match_substring(column, "\n"), pc.match_substring(column, "\r"))
            if not pc.any(hits).as_py():
                continue
            if hits[len(hits) - 1].as_py():
                last_hit = True
            for value in pc.filter(column, hits).to_pylist():
                lines = csv_records.split_lines(value)[1:]
                if csv_records.looks_swallowed(lines, width, source.delimiter):
                    return True
    return last_hit or bool(ragged)
