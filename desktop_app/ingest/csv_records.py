"""Reading delimited text record by record, for the files pyarrow cannot read exactly.

pyarrow reads the clean files (see ``readers.py``). This slow path numbers every record
exactly and reports the bad ones: records with the wrong number of fields, and
**unbalanced quotes**. An unclosed ``"`` makes a CSV parser read every line after it as
part of one field, so one typo would swallow the rest of the file silently. A record that
spans several lines is taken for such a quote when a later line of it is a whole record
by itself (it splits into exactly as many fields as the header has), or when the file
ends inside the quote. Its first line is then reported as a reject and reading starts
again on the next line, so only the row with the bad quote is lost.

Line ends may be ``\\n``, ``\\r\\n`` or a lone ``\\r`` (old Mac Excel).
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

# a 16 MB field is data, not an attack (csv's default limit is 128 KiB)
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

UNBALANCED = 'unbalanced quote: a " opens a field that does not close on this row'


def split_lines(text: str) -> list[str]:
    """Physical lines with their ends, split at ``\\n``, ``\\r\\n`` and a lone ``\\r``."""
    return io.StringIO(text, newline="").readlines()


def line_fields(line: str, delimiter: str) -> list[str]:
    """The fields of one physical line read on its own."""
    return next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])


def looks_swallowed(continuation: list[str], width: int, delimiter: str) -> bool:
    """True when a later line of a multi-line record is a whole record by itself."""
    if width < 2:
        return False
    return any(line.strip() and len(line_fields(line, delimiter)) == width for line in continuation)


def _ends_inside_quote(lines: list[str], delimiter: str) -> bool:
    try:
        for _ in csv.reader(lines, delimiter=delimiter, strict=True):
            pass
    except csv.Error:
        return True
    return False


class _Lines:
    """An iterator over physical lines whose position can be moved back."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.pos = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines):
            raise StopIteration
        self.pos += 1
        return self.lines[self.pos - 1]


@dataclass
class Records:
    """The records of a file: the header (if any), the good rows and the bad ones."""

    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    bad: list[tuple[int, str]] = field(default_factory=list)
    width: int = 0


def read_records(text: str, delimiter: str, header: bool) -> Records:
    """Every record of ``text``; blank lines are skipped but keep their row numbers."""
    lines = split_lines(text)
    source = _Lines(lines)
    reader = csv.reader(source, delimiter=delimiter)
    first = next(reader, None)
    if first is None:
        return Records([])
    width = len(first)
    out = Records(first if header else [], width=width)
    if not header:  # the first record is data: read it again below
        source.pos = 0
        reader = csv.reader(source, delimiter=delimiter)
    row = 2 if header else 1
    while source.pos < len(lines):
        start = source.pos
        record = next(reader, None)
        if record is None:
            break
        span = lines[start : source.pos]
        if len(span) > 1 and (
            looks_swallowed(span[1:], width, delimiter)
            or (source.pos == len(lines) and _ends_inside_quote(span, delimiter))
        ):
            out.bad.append((row, UNBALANCED))
            source.pos = start + 1
            reader = csv.reader(source, delimiter=delimiter)
        elif not record or (not record[0].strip() and not any(c.strip() for c in record)):
            pass  # a blank line holds nothing
        elif len(record) == width:
            out.rows.append(record)
            out.numbers.append(row)
        else:
            out.bad.append((row, f"has {len(record)} fields where the header has {width}"))
        row += 1
    return out
