"""Visible events as CSV that Sightline's own importer reads back (generic preset).

Columns are named so the generic preset recognises them (``ingest/columns.py``):
``date`` is the start as ISO text at its precision (2023 / 2023-05 / 2023-05-14 /
2023-05-14 09:30), ``end`` the end the same way, ``lat``/``lon`` plain numbers,
``source`` the source titles and ``url`` the source URL. Columns the importer does not
map (``sightline_id``, ``precision``, ``geo_precision``, ``source_publishers``,
``source_urls``) come back as the event's extra attributes.

Formula injection (OWASP "CSV injection"): a text cell that begins with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a single quote in front, so a spreadsheet
shows it as text instead of running it. Only text columns are neutralised: the date,
coordinate and grade columns are written by Sightline itself as plain numbers and dates
(a negative longitude such as -0.1278 must stay a number), so they never need it. The
generic importer removes that one quote again, so the round trip gives the same text.

Events are written a chunk at a time as they are read from the store (Arrow tables),
each chunk formatted column by column by Arrow compute kernels (dates, numbers and other
repeated values once per distinct value), its lines joined in Arrow and their bytes
written at once: no Python object per cell, and nothing holds the whole file. The file
is written beside the target and renamed over it when complete (``safe_file``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from desktop_app.export import columns
from desktop_app.export.columns import cells, join, list_join, quoted_array, text
from desktop_app.export.records import ExportEvent, chunks_of, safe_file, table_of

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = ";"  # what the generic importer splits actors, tags and sources on

COLUMNS = (
    "id",
    "title",
    "date",
    "end",
    "precision",
    "description",
    "category",
    "location",
    "country",
    "lat",
    "lon",
    "geo_precision",
    "actors",
    "tags",
    "source",
    "url",
    "source_publishers",
    "source_urls",
    "reliability",
    "credibility",
    "sightline_id",
)
TEXT_COLUMNS = frozenset(
    {
        "id",
        "title",
        "description",
        "category",
        "location",
        "country",
        "geo_precision",
        "actors",
        "tags",
        "source",
        "url",
        "source_publishers",
        "source_urls",
    }
)


def neutralise(text: str) -> str:
    """A cell a spreadsheet shows as text: a leading quote before a formula start."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def quoted(text: str) -> str:
    """The cell as ``csv.writer`` (QUOTE_MINIMAL, CRLF rows) writes it: in double quotes,
    its quotes doubled, when it holds a comma, a quote, a CR or an LF."""
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def source_columns(sources: pa.Array) -> list[pa.Array]:
    """The source, url, source_publishers and source_urls cells of each event (each
    event's sources in order): titles joined by ``;``; the URL only when every source has
    the same one (the importer gives one URL to all the row's sources); the publishers
    when any source has one; every URL, space-separated."""
    values, sizes = columns.flat(sources)
    rows = np.repeat(np.arange(len(sizes)), sizes)
    titles = list_join(values.field("title"), sizes, LIST_SEPARATOR)
    publisher = columns.filled(values.field("publisher"))
    has_publisher = np.asarray(pc.not_equal(publisher, text("")), bool)
    any_publisher = np.bincount(rows, has_publisher, len(sizes)) > 0
    publishers = pc.if_else(
        pa.array(any_publisher), list_join(publisher, sizes, LIST_SEPARATOR), text("")
    )
    url = columns.filled(values.field("url"))
    has_url = np.asarray(pc.not_equal(url, text("")), bool)
    urls = list_join(
        url.filter(pa.array(has_url)), np.bincount(rows[has_url], None, len(sizes)), " "
    )
    first = np.r_[0, np.cumsum(sizes)][:-1]
    some = sizes > 0
    first_url = (
        url.take(pa.array(np.where(some, first, 0)))
        if len(url)
        else pa.nulls(len(sizes), columns.TEXT)
    )
    same = np.asarray(pc.equal(url, first_url.take(pa.array(rows))), bool) & has_url
    one_url = some & (np.bincount(rows, same, len(sizes)) == sizes)
    single = pc.if_else(pa.array(one_url), first_url, text(""))
    return [cells(titles), cells(single), cells(publishers), cells(urls)]


def _keys(table: pa.Table, *names: str) -> list[np.ndarray]:
    return [np.asarray(pc.fill_null(table.column(n), -1), np.int64) for n in names]


def _dates(rows: pa.Table) -> pa.Array:
    """The date, end and precision cells."""
    return join(
        columns.start_array(rows.column("start_s").to_numpy(), rows.column("precision").to_numpy()),
        columns.end_array(rows.column("end_s").combine_chunks()),
        columns.precision_array(rows.column("precision").to_numpy()),
        separator=",",
    )


def _place(rows: pa.Table) -> pa.Array:
    """The location, country, lat, lon and geo_precision cells."""
    return join(
        cells(rows.column("place")),
        cells(rows.column("country")),
        columns.number_array(rows.column("latitude").combine_chunks()),
        columns.number_array(rows.column("longitude").combine_chunks()),
        cells(rows.column("geo_precision")),
        separator=",",
    )


def csv_columns(table: pa.Table) -> list[pa.Array]:
    """The CSV cells of a chunk of events (``store.export_rows.SCHEMA``), quoted as the
    file holds them, in :data:`COLUMNS` order; the cells of a date (date, end,
    precision) and of a place (location to geo_precision) made once per distinct one,
    each group joined by commas already."""
    column = {name: table.column(name).combine_chunks() for name in table.column_names}
    credibility = column["credibility"].cast(columns.TEXT)
    return [
        cells(column["external_id"]),
        cells(column["title"]),
        columns.by_rows(table, _keys(table, "start_s", "precision", "end_s"), _dates),
        cells(column["description"]),
        cells(column["category"]),
        columns.by_rows(table, _keys(table, "place_key"), _place),
        cells(list_join(*columns.flat(column["actors"]), LIST_SEPARATOR)),
        cells(list_join(*columns.flat(column["tags"]), LIST_SEPARATOR)),
        *source_columns(column["sources"]),
        quoted_array(column["reliability"]),
        columns.filled(credibility),
        column["id"].cast(columns.TEXT),
    ]


def csv_lines(table: pa.Table) -> pa.Array:
    """Each event's CSV line, with its CRLF."""
    return join(join(*csv_columns(table), separator=","), text("\r\n"))


def row_of(event: ExportEvent) -> dict[str, str]:
    """The CSV cells of one event (text cells neutralised), unquoted."""
    line = csv_lines(table_of([event]))[0].as_py()
    (cells_,) = csv.reader(io.StringIO(line, newline=""))
    return dict(zip(COLUMNS, cells_, strict=True))


def write_csv(target: Path | IO[Any], events: Iterable[ExportEvent]) -> int:
    """Write ``events`` as CSV (UTF-8, a header row, CRLF rows); returns the number of
    rows. A path is written beside it and renamed when complete: a failed export leaves
    nothing behind (and an older file of that name as it was)."""
    if isinstance(target, Path):
        with safe_file(target) as handle:
            return write_csv(handle, events)
    header = ",".join(map(quoted, COLUMNS)) + "\r\n"
    binary = not isinstance(target, io.TextIOBase)
    target.write(header.encode() if binary else header)
    count = 0
    for table in chunks_of(events):
        if len(table):
            data = columns.buffer_of(csv_lines(table))
            target.write(data if binary else data.to_pybytes().decode())
        count += len(table)
    return count
