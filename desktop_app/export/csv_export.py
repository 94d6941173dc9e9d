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

Events are written a chunk at a time as they are read from the store, each chunk
formatted column by column: nothing holds the whole file.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from desktop_app.export import columns
from desktop_app.export.columns import Memo, ragged_cells
from desktop_app.export.records import ExportEvent, chunks_of, rows_of
from desktop_app.store.export_rows import EventRows, SourceRow

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


def neutralised(texts: Iterable[str | None]) -> list[str]:
    """:func:`neutralise` of each cell of a column ('' for a missing value)."""
    return [("'" + t if t.startswith(FORMULA_STARTS) else t) if t else "" for t in texts]


def quoted(text: str) -> str:
    """The cell as ``csv.writer`` (QUOTE_MINIMAL, CRLF rows) writes it: in double quotes,
    its quotes doubled, when it holds a comma, a quote, a CR or an LF."""
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def quoted_column(texts: list[str]) -> list[str]:
    return [
        ('"' + t.replace('"', '""') + '"')
        if ("," in t or '"' in t or "\n" in t or "\r" in t)
        else t
        for t in texts
    ]


def source_cells(sources: tuple[SourceRow, ...]) -> tuple[str, str, str, str]:
    """The source, url, source_publishers and source_urls cells of one event."""
    urls = [url for _, _, url, _ in sources if url]
    distinct_urls = list(dict.fromkeys(urls))
    # the importer gives one URL to every source of the row: write it only when that
    # is true (one URL for all the row's sources); source_urls keeps them all
    url = distinct_urls[0] if len(distinct_urls) == 1 and len(urls) == len(sources) else ""
    publishers = (
        LIST_SEPARATOR.join(publisher or "" for _, publisher, _, _ in sources)
        if any(publisher for _, publisher, _, _ in sources)
        else ""
    )
    return (
        neutralise(LIST_SEPARATOR.join(title for title, _, _, _ in sources)),
        neutralise(url),
        neutralise(publishers),
        neutralise(" ".join(urls)),
    )


class CsvCells:
    """The CSV cells of chunks of events, column by column in :data:`COLUMNS` order;
    with ``quote`` as the file holds them (:func:`quoted`), else as the cells' text.

    Repeated values (places, categories, actor lists, sources) are made once each,
    quotes included; the dates, numbers and precision names never need quotes."""

    def __init__(self, *, quote: bool = False) -> None:
        q: Callable[[str], str] = quoted if quote else str
        self.quote = quote
        self.text = Memo(lambda t: q(neutralised((t,))[0]))  # places, categories ...
        self.lists = Memo(lambda names: q(neutralise(LIST_SEPARATOR.join(names))))
        self.sources = Memo(lambda given: tuple(map(q, source_cells(given))))
        self.source = Memo(lambda row: tuple(map(q, source_cells((row,)))))
        self.plain = Memo(lambda t: q(t or ""))

    def columns(self, rows: EventRows) -> list[list[str]]:
        if len(rows) == 0:
            return [[] for _ in COLUMNS]
        each: Callable[[list[str]], list[str]] = quoted_column if self.quote else list
        no_source = self.sources[()]
        source, url, publishers, urls = (
            list(column)
            for column in zip(
                *ragged_cells(rows.sources, self.source, self.sources, no_source), strict=True
            )
        )
        return [
            each(neutralised(rows.external_id)),
            each(neutralised(rows.title)),
            columns.start_texts(rows.start_s, rows.precision),
            columns.end_texts(rows.end_s, rows.has_end),
            columns.precision_names(rows.precision),
            each(neutralised(rows.description)),
            self.text.column(rows.category),
            self.text.column(rows.place),
            self.text.column(rows.country),
            columns.number_texts(rows.latitude),
            columns.number_texts(rows.longitude),
            self.text.column(rows.geo_precision),
            ragged_cells(rows.actors, self.text, self.lists, ""),
            self.lists.column(rows.tags),
            source,
            url,
            publishers,
            urls,
            self.plain.column(rows.reliability),
            ["" if c is None else str(c) for c in rows.credibility],
            [str(i) for i in rows.id.tolist()],
        ]


def row_of(event: ExportEvent) -> dict[str, str]:
    """The CSV cells of one event (text cells neutralised)."""
    cells = CsvCells().columns(rows_of([event]))
    return {name: column[0] for name, column in zip(COLUMNS, cells, strict=True)}


def write_csv(target: Path | TextIO, events: Iterable[ExportEvent]) -> int:
    """Write ``events`` as CSV (UTF-8, a header row); returns the number of rows.

    A chunk of events is formatted column by column, quoted as the csv module quotes
    (the header is written by it), joined into lines and written at once, so memory
    holds one chunk's cells, never the whole file."""
    if isinstance(target, Path):
        with target.open("w", encoding="utf-8", newline="") as handle:
            return write_csv(handle, events)
    writer = csv.writer(target, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    cells = CsvCells(quote=True)
    count = 0
    for rows in chunks_of(events):
        if len(rows):
            lines = map(",".join, zip(*cells.columns(rows), strict=True))
            target.write("\r\n".join(lines) + "\r\n")
        count += len(rows)
    return count
