"""Reading CSV, TSV and XLSX files into a table of strings.

Every cell is read as text; presets decide what it means. Row numbers are those a
spreadsheet shows: the header is row 1 and the first data row is row 2 (in a file with
no header, such as GDELT's, the first line is row 1). A record spanning several lines
(a quoted field with newlines) is one row.

Before anything is read, :func:`filecheck.check_file` refuses what is not a readable
regular file (folders, FIFOs, devices, missing or unreadable paths), at once.

CSV is parsed by pyarrow (multi-threaded, quoted newlines allowed), straight from the
file when it is UTF-8. Any other encoding is decided on the whole file
(:mod:`encodings`) and decoded into UTF-8 first; bytes that do not decode make their
rows rejects. When pyarrow finds a record with the wrong number of fields, or a
multi-line record that looks like an unclosed quote, the text is read again record by
record (:mod:`csv_records`) so the bad rows are reported with their row numbers and the
others kept. Very wide files (thousands of columns) go that way directly: a DataFrame
of one object block builds in a fraction of a second where one Arrow column per field
takes a minute.
"""

from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from desktop_app.ingest import csv_records
from desktop_app.ingest.encodings import (
    MARK,
    REPAIRED,
    canonical,
    detect_file_encoding,
    head_encoding,
    transcode,
)
from desktop_app.ingest.filecheck import UnreadableFile, check_file
from desktop_app.ingest.geojson_reader import read_geojson
from desktop_app.ingest.kml_reader import read_kml
from desktop_app.ingest.rawtable import RawTable, clean_header
from desktop_app.ingest.xlsx import list_sheets, read_xlsx

T = TypeVar("T")

SNIFF_BYTES = 256 * 1024
DELIMITERS = [",", ";", "\t", "|"]
WIDE_COLUMNS = 2000  # more columns than this: read record by record into one block
BLOCK_BYTES = 16 << 20


class _NotUtf8(Exception):
    """pyarrow met bytes that are not UTF-8 in a file taken for UTF-8."""


class _RaggedRows(Exception):
    """Records pyarrow cannot number exactly: read the text record by record."""


# ---------------------------------------------------------------- detection
def detect_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most equal, widest fields."""
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if not lines:
        raise UnreadableFile("the file is empty")
    best, best_score = ",", -1.0
    for delim in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delim))
        except csv.Error:
            continue
        widths = [len(r) for r in rows[:-1] or rows]  # the last line may be cut
        if not widths or max(widths) < 2:
            continue
        common = max(set(widths), key=widths.count)
        score = widths.count(common) / len(widths) * 10 + min(common, 60) / 60
        if score > best_score:
            best, best_score = delim, score
    return best


# ---------------------------------------------------------------- CSV
def read_delimited(
    path: Path,
    *,
    encoding: str | None = None,
    delimiter: str | None = None,
    has_header: bool | None = None,
) -> RawTable:
    """Read a CSV/TSV file. ``has_header=None`` means a header row is expected."""
    header = True if has_header is None else has_header
    table = as_utf8(
        path,
        encoding,
        lambda source, head, chosen, marked: _parse(
            source, head, chosen, delimiter, header, marked=marked
        ),
    )
    if table is None:
        raise UnreadableFile("the file is empty")
    return table


def as_utf8(
    path: Path, encoding: str | None, parse: Callable[[Path | bytes, str, str, bool], T]
) -> T | None:
    """``parse(source, text_head, encoding, marked)`` of the file as UTF-8 text: the file
    itself when it is UTF-8 (a byte that is not, past its first 256 KiB, sends it the code
    page way), else its bytes transcoded from ``encoding`` or the one detected (``marked``:
    some bytes were repaired). None when the file holds nothing but blanks. The whole
    read and the streamed one (``stream.survey_file``) choose the encoding this one way."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head.strip():
        return None
    chosen = canonical(encoding) if encoding else head_encoding(head)
    if chosen in ("utf-8", "utf-8-sig"):
        try:
            return parse(
                path, head.decode("utf-8", errors="ignore").lstrip("\ufeff"), chosen, False
            )
        except _NotUtf8:  # a byte that is not UTF-8 after the first 256 KiB
            chosen = chosen if encoding else None
    utf8_lines = 0
    if chosen is None:
        detected, utf8_lines = detect_file_encoding(path)
        chosen = canonical(detected)
    data, marks = transcode(path, chosen, utf8_lines=utf8_lines > 0)
    if not data.strip():
        return None
    return parse(data, data[:SNIFF_BYTES].decode("utf-8", errors="ignore"), chosen, marks > 0)


def _parse(
    source: Path | bytes,
    text_head: str,
    encoding: str,
    delimiter: str | None,
    header: bool,
    *,
    marked: bool = False,
) -> RawTable:
    """Parse UTF-8 text (a file, or bytes decoded from another encoding)."""
    if "\x00" in text_head:
        raise UnreadableFile("this is not a text file (it contains binary data)")
    delimiter = delimiter or detect_delimiter(text_head)
    names = next(csv.reader(io.StringIO(text_head, newline=""), delimiter=delimiter), [])
    if len(names) > WIDE_COLUMNS:
        frame, rows, bad = _read_records(source, delimiter, header, encoding, marked)
    else:
        try:
            frame, rows, bad = _read_arrow(source, delimiter, header, names, encoding, marked)
        except _RaggedRows:
            frame, rows, bad = _read_records(source, delimiter, header, encoding, marked)
    if header and len(frame.columns) and all(c.strip() == "" for c in frame.columns):
        raise UnreadableFile("the header row is empty")
    repaired: list[int] = []
    if marked:
        frame, repaired = _unmark_repaired(frame, rows)
    return RawTable(frame, rows, header, encoding, delimiter, bad_rows=bad, repaired_rows=repaired)


def _unmark_repaired(frame: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, list[int]]:
    """Bytes of a UTF-8 file that were not UTF-8 were read as Windows-1252, each after a
    ``REPAIRED`` mark: take the marks out and say which rows had them."""
    hit = np.zeros(len(frame), bool)
    for column in frame.columns:
        cells = frame[column]
        found = cells.str.contains(REPAIRED, regex=False, na=False).to_numpy(bool)
        if found.any():
            hit |= found
            frame[column] = cells.str.replace(REPAIRED, "", regex=False)
    return frame, [int(r) for r in rows[hit]]


def _not_valid(encoding: str) -> str:
    return f"text is not valid {encoding.replace('-sig', '')}"


def _drop_blank(frame: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """Blank lines hold nothing: skip them, keeping the other rows' numbers."""
    if frame.empty:
        return frame, rows
    candidate = (frame.iloc[:, 0] == "").to_numpy()
    if candidate.any():
        sub = frame[candidate]
        blank = np.zeros(len(frame), bool)
        blank[np.flatnonzero(candidate)[(sub == "").all(axis=1).to_numpy()]] = True
        if blank.any():
            return frame[~blank].reset_index(drop=True), rows[~blank]
    return frame, rows


def _read_arrow(
    source: Path | bytes,
    delimiter: str,
    header: bool,
    names: list[str],
    encoding: str,
    marked: bool,
) -> tuple[pd.DataFrame, np.ndarray, list[tuple[int, str]]]:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    ragged: list[object] = []

    def on_invalid(row: object) -> str:
        ragged.append(row)
        return "error"  # stop at once: the slow path reads every record anyway

    # the physical lines are counted alongside (numpy releases the GIL): more lines than
    # records means a record spans lines, which an unclosed quote also does
    lines: list[int] = []
    counter = threading.Thread(
        target=lambda: lines.append(_count_lines(source)), name="sightline-count-lines"
    )
    counter.start()
    read = pacsv.ReadOptions(
        encoding="utf8", autogenerate_column_names=not header, block_size=BLOCK_BYTES
    )
    parse = pacsv.ParseOptions(
        delimiter=delimiter,
        newlines_in_values=True,
        invalid_row_handler=on_invalid,
        ignore_empty_lines=False,  # a blank line still counts in the row numbers
    )
    # every column as text (pyarrow would turn "007" into 7)
    column_names = names if header else [f"f{i}" for i in range(len(names))]
    convert = pacsv.ConvertOptions(
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        column_types={name: pa.large_string() for name in column_names},  # zero-copy to pandas
    )
    stream = source if isinstance(source, Path) else pa.BufferReader(source)
    try:
        table = pacsv.read_csv(
            stream, read_options=read, parse_options=parse, convert_options=convert
        )
    except pa.ArrowInvalid as exc:
        message = str(exc)
        if ragged:  # records with the wrong number of fields: number them exactly
            raise _RaggedRows() from None
        if "utf8" in message.lower():
            raise _NotUtf8(message) from None
        if "Empty CSV file" in message:
            raise UnreadableFile("the file is empty") from None
        if "straddling" in message or "CSV parse error" in message:
            raise _RaggedRows() from None  # a record bigger than a block, odd quoting
        raise UnreadableFile(f"cannot parse the file: {message}") from None
    finally:
        counter.join()
    if ragged:  # records with the wrong number of fields: number them exactly
        raise _RaggedRows()
    if lines and lines[0] > table.num_rows + int(header):
        _check_multiline(table, delimiter, len(names))
    bad_mask = None
    if marked:  # rows holding bytes that did not decode
        hits = [pc.match_substring(c, MARK) for c in table.columns]
        bad_mask = np.zeros(table.num_rows, bool)
        for hit in hits:
            bad_mask |= hit.to_numpy(zero_copy_only=False)
    frame = table.to_pandas(types_mapper=lambda _t: pd.StringDtype())
    frame.columns = _header(frame.columns, header)
    first = 2 if header else 1
    rows = np.arange(first, first + len(frame), dtype=np.int64)
    bad: list[tuple[int, str]] = []
    if bad_mask is not None and bad_mask.any():
        reason = _not_valid(encoding)
        bad = [(int(r), reason) for r in rows[bad_mask]]
        frame, rows = frame[~bad_mask].reset_index(drop=True), rows[~bad_mask]
    frame, rows = _drop_blank(frame, rows)
    return frame, rows, bad


def _header(columns: object, header: bool) -> list[str]:
    names = clean_header(columns, header)  # type: ignore[arg-type]
    return [n.replace(MARK, "\ufffd").replace(REPAIRED, "") for n in names]


def _check_multiline(table: object, delimiter: str, width: int) -> None:
    """Raise :class:`_RaggedRows` when a multi-line value looks like an unclosed quote
    (it holds a whole record on a line of its own), or could be one that runs to the
    end of the file (the last row holds a line break)."""
    import pyarrow.compute as pc

    for column in table.columns:  # type: ignore[attr-defined]
        hits = pc.or_(pc.match_substring(column, "\n"), pc.match_substring(column, "\r"))
        if not pc.any(hits).as_py():
            continue
        values = pc.filter(column, hits).to_pylist()
        if hits[len(hits) - 1].as_py():
            raise _RaggedRows()
        for value in values:
            if csv_records.looks_swallowed(csv_records.split_lines(value)[1:], width, delimiter):
                raise _RaggedRows()


def _count_lines(source: Path | bytes) -> int:
    """Physical lines: ``\\n`` ends (``\\r\\n`` included), or lone ``\\r`` in a file
    whose first line ends that way."""
    chunk = 8 << 20

    def line_end(head: bytes) -> int:
        first = re.search(rb"\r\n?|\n", head)
        return 13 if first is not None and first.group() == b"\r" else 10

    count, last = 0, 10
    if isinstance(source, bytes):
        end = line_end(source[:SNIFF_BYTES])
        data = np.frombuffer(source, np.uint8)
        for lo in range(0, len(data), chunk):
            count += int(np.count_nonzero(data[lo : lo + chunk] == end))
        last = int(data[-1]) if len(data) else last
    else:
        buffer = bytearray(chunk)
        view = np.frombuffer(buffer, np.uint8)
        with source.open("rb", buffering=0) as handle:
            end = line_end(handle.read(SNIFF_BYTES))
            handle.seek(0)
            while size := handle.readinto(buffer):
                count += int(np.count_nonzero(view[:size] == end))
                last = int(view[size - 1])
    return count + (0 if last in (10, 13) else 1)


def _read_records(
    source: Path | bytes,
    delimiter: str,
    header: bool,
    encoding: str,
    marked: bool,
) -> tuple[pd.DataFrame, np.ndarray, list[tuple[int, str]]]:
    """The slow path: every record numbered exactly (see :mod:`csv_records`)."""
    raw = source.read_bytes() if isinstance(source, Path) else source
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _NotUtf8() from None
    del raw
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        found = csv_records.read_records(text, delimiter, header)
    except csv.Error as exc:
        raise UnreadableFile(f"cannot parse the file: {exc}") from None
    del text
    if not found.width:
        raise UnreadableFile("the file is empty")
    rows, numbers, bad = found.rows, found.numbers, found.bad
    if marked:
        reason = _not_valid(encoding)
        hit = [i for i, r in enumerate(rows) if any(MARK in cell for cell in r)]
        if hit:
            gone = set(hit)
            bad = sorted(bad + [(numbers[i], reason) for i in hit])
            rows = [r for i, r in enumerate(rows) if i not in gone]
            numbers = [n for i, n in enumerate(numbers) if i not in gone]
    names = _header(found.header if header else range(found.width), header)
    if not rows:
        frame = pd.DataFrame({n: pd.Series([], dtype=pd.StringDtype()) for n in names})
    elif found.width > WIDE_COLUMNS:  # one 2-D object block, not a block per column
        cells = np.empty((len(rows), found.width), dtype=object)
        cells[:] = rows
        frame = pd.DataFrame(cells, columns=names, dtype=object, copy=False)
    else:
        frame = pd.DataFrame(rows, columns=names, dtype=pd.StringDtype())
    return frame, np.array(numbers, dtype=np.int64), bad


# ---------------------------------------------------------------- any file
def read_table(
    path: Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    has_header: bool | None = None,
) -> RawTable:
    """Read any supported file by its content (an XLSX is a ZIP; the rest is text)."""
    check_file(path)
    if (read_geo := geo_reader(path)) is not None:
        return read_geo(path)
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == b"PK\x03\x04":
        return read_xlsx(path, sheet)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise UnreadableFile("this file is named .xlsx but is not an Excel workbook")
    return read_delimited(path, encoding=encoding, delimiter=delimiter, has_header=has_header)


__all__ = [
    "RawTable",
    "UnreadableFile",
    "detect_delimiter",
    "list_sheets",
    "read_delimited",
    "read_table",
    "read_xlsx",
]


def geo_reader(path: Path) -> Callable[[Path], RawTable] | None:
    """The reader for a KML, KMZ or GeoJSON file (by its suffix; a ``.json`` file only
    when it holds a JSON object), or None for any other file."""
    suffix = path.suffix.lower()
    if suffix in (".kml", ".kmz"):
        return read_kml
    if suffix == ".geojson" or (suffix == ".json" and _starts_with_object(path)):
        return read_geojson
    return None


def _starts_with_object(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(4096)
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"{")
