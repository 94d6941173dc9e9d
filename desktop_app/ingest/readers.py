"""Reading CSV, TSV and XLSX files into a table of strings.

Every cell is read as text; presets decide what it means. Row numbers are those a
spreadsheet shows: the header is row 1 and the first data row is row 2 (in a file with
no header, such as GDELT's, the first line is row 1). A record spanning several lines
(a quoted field with newlines) is one row.

CSV is parsed by pyarrow (multi-threaded, quoted newlines allowed). If pyarrow finds a
record with the wrong number of fields, the file is read again with the standard
``csv`` module so the bad records can be reported with their row numbers.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

SNIFF_BYTES = 256 * 1024
DELIMITERS = [",", ";", "\t", "|"]


class UnreadableFile(Exception):
    """The file cannot be read at all; the message says why. Nothing was changed."""


@dataclass
class RawTable:
    """A file read as text: columns of str, with the spreadsheet row number of each row."""

    frame: pd.DataFrame
    row_numbers: np.ndarray
    has_header: bool
    encoding: str = "utf-8"
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]


# ---------------------------------------------------------------- detection
def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252, else latin-1."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample:
        raise UnreadableFile("this is not a text file (it contains binary data)")
    try:
        # a multi-byte character may be cut at the end of the sample
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


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
    with path.open("rb") as handle:
        sample = handle.read(SNIFF_BYTES)
    if not sample.strip():
        raise UnreadableFile("the file is empty")
    encoding = encoding or detect_encoding(sample)
    try:
        text_sample = sample.decode(encoding, errors="strict" if encoding != "utf-8" else "ignore")
    except (UnicodeDecodeError, LookupError) as exc:
        raise UnreadableFile(f"cannot decode the file as {encoding}: {exc}") from exc
    if "\x00" in text_sample:
        raise UnreadableFile("this is not a text file (it contains binary data)")
    delimiter = delimiter or detect_delimiter(text_sample)
    header = True if has_header is None else has_header
    names = next(csv.reader(io.StringIO(text_sample), delimiter=delimiter), [])
    try:
        rows = None
        try:  # fast multi-threaded parse; a quoted newline shows up as ragged rows
            frame, bad = _read_arrow(path, encoding, delimiter, header, names, False)
        except _RaggedRows:
            frame, bad = _read_arrow(path, encoding, delimiter, header, names, True)
    except UnicodeDecodeError as exc:
        if encoding == "utf-8":  # a non-UTF-8 byte after the sample
            return read_delimited(path, encoding="cp1252", delimiter=delimiter, has_header=has_header)
        raise UnreadableFile(f"cannot decode the file as {encoding}: {exc}") from exc
    except _RaggedRows:  # wrong field counts or blank lines: number every record exactly
        frame, bad, rows = _read_python_csv(path, encoding, delimiter, header)
    if header and len(frame.columns) and all(c.strip() == "" for c in frame.columns):
        raise UnreadableFile("the header row is empty")
    if rows is None:  # the fast path read every record, in order, blank lines included
        first = 2 if header else 1
        rows = np.arange(first, first + len(frame), dtype=np.int64)
        frame, rows = _drop_blank(frame, rows)
    return RawTable(frame, rows, header, encoding, delimiter, bad_rows=bad)


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


class _RaggedRows(Exception):
    pass


def _read_arrow(
    path: Path, encoding: str, delimiter: str, header: bool, names: list[str],
    newlines_in_values: bool,
) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    ragged: list[object] = []

    def on_invalid(row: object) -> str:
        ragged.append(row)
        return "skip"

    read = pacsv.ReadOptions(
        encoding="utf8" if encoding in ("utf-8", "utf-8-sig") else encoding,
        autogenerate_column_names=not header,
        block_size=16 << 20,
    )
    parse = pacsv.ParseOptions(
        delimiter=delimiter, newlines_in_values=newlines_in_values,
        invalid_row_handler=on_invalid,
        ignore_empty_lines=False,  # a blank line still counts in the row numbers
    )
    # every column as text (pyarrow would turn "007" into 7)
    column_names = names if header else [f"f{i}" for i in range(len(names))]
    convert = pacsv.ConvertOptions(
        strings_can_be_null=False, quoted_strings_can_be_null=False,
        column_types={name: pa.large_string() for name in column_names},  # zero-copy to pandas
    )
    try:
        table = pacsv.read_csv(path, read_options=read, parse_options=parse,
                               convert_options=convert)
    except pa.ArrowInvalid as exc:
        if "UTF8" in str(exc) or "utf8" in str(exc).lower():
            raise UnicodeDecodeError(encoding, b"", 0, 1, str(exc)) from exc
        if "Empty CSV file" in str(exc):
            raise UnreadableFile("the file is empty") from exc
        raise UnreadableFile(f"cannot parse the file: {exc}") from exc
    if ragged:  # records with the wrong number of fields: number them exactly
        raise _RaggedRows()
    frame = table.to_pandas(types_mapper=lambda _t: pd.StringDtype())
    frame.columns = _clean_header(frame.columns, header)
    return frame, []


def _clean_header(columns: pd.Index, header: bool) -> list[str]:
    if not header:
        return [str(i) for i in range(len(columns))]
    out, seen = [], set()
    for i, name in enumerate(str(c).strip() for c in columns):
        name = name or f"column {i + 1}"
        base, k = name, 2
        while name in seen:
            name, k = f"{base} ({k})", k + 1
        seen.add(name)
        out.append(name)
    return out


def _read_python_csv(
    path: Path, encoding: str, delimiter: str, header: bool
) -> tuple[pd.DataFrame, list[tuple[int, str]], np.ndarray]:
    """Slow path that numbers records exactly, for files with ragged records or blank
    lines. Blank lines are skipped (they hold nothing) but keep their row numbers."""
    with path.open("r", encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        rows = list(reader)
    if not rows:
        raise UnreadableFile("the file is empty")
    width = len(rows[0])
    names = _clean_header(pd.Index(rows[0] if header else range(width)), header)
    body = rows[1:] if header else rows
    first = 2 if header else 1
    good, bad, numbers = [], [], []
    for i, record in enumerate(body):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) == width:
            good.append(record)
            numbers.append(first + i)
        else:
            bad.append((first + i, f"has {len(record)} fields where the header has {width}"))
    frame = pd.DataFrame(good, columns=names, dtype=pd.StringDtype())
    return frame, bad, np.array(numbers, dtype=np.int64)


# ---------------------------------------------------------------- XLSX
def list_sheets(path: Path) -> list[str]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise UnreadableFile(f"this is not a readable XLSX workbook ({exc.__class__.__name__})") from exc
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def read_xlsx(path: Path, sheet: str | None = None) -> RawTable:
    """Read one sheet (the named one, else the first with a header and data rows)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise UnreadableFile(f"this is not a readable XLSX workbook ({exc.__class__.__name__})") from exc
    try:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise UnreadableFile(f"no sheet named {sheet!r}; the sheets are: {', '.join(names)}")
        candidates = [sheet] if sheet is not None else names
        tables = []
        for name in candidates:
            rows = [[_cell_text(v) for v in row] for row in book[name].iter_rows(values_only=True)]
            rows = [r for r in rows]
            while rows and not any(rows[-1]):
                rows.pop()
            if len(rows) >= 2 or sheet is not None:
                tables.append((name, rows))
        if not tables:
            raise UnreadableFile("the workbook has no sheet with a header and rows")
    finally:
        book.close()
    chosen = tables[0]
    if sheet is None:  # prefer a sheet whose header names a date
        from desktop_app.ingest.columns import find_date_column

        for name, rows in tables:
            if rows and find_date_column([c for c in rows[0] if c]) is not None:
                chosen = (name, rows)
                break
    name, rows = chosen
    if not rows:
        raise UnreadableFile(f"sheet {name!r} is empty")
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    header = _clean_header(pd.Index(rows[0]), True)
    body = rows[1:]
    frame = pd.DataFrame(body, columns=header, dtype=pd.StringDtype())
    numbers = np.arange(2, 2 + len(body), dtype=np.int64)
    keep = [any(cell.strip() for cell in r) for r in body]
    frame, numbers = frame[keep].reset_index(drop=True), numbers[keep]
    return RawTable(frame, numbers, True, "xlsx", None, name, [n for n, _ in tables] or [name])


def _cell_text(value: object) -> str:
    """Excel cells as text: dates keep what they hold, whole numbers lose the '.0'."""
    from datetime import date, datetime, time

    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(
    path: Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    has_header: bool | None = None,
) -> RawTable:
    """Read any supported file by its content (an XLSX is a ZIP; the rest is text)."""
    if not path.exists():
        raise UnreadableFile(f"no such file: {path}")
    if path.is_dir():
        raise UnreadableFile(f"{path} is a folder")
    if path.stat().st_size == 0:
        raise UnreadableFile("the file is empty")
    from desktop_app.ingest.geo_tables import geo_reader  # KML, KMZ, GeoJSON by suffix

    if (read_geo := geo_reader(path)) is not None:
        return read_geo(path)
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == b"PK\x03\x04":
        return read_xlsx(path, sheet)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise UnreadableFile("this file is named .xlsx but is not an Excel workbook")
    return read_delimited(path, encoding=encoding, delimiter=delimiter, has_header=has_header)
