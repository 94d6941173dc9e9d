"""What every preset produces: a :class:`Draft` of canonical columns."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from desktop_app.domain.dates import DateOrder, OrderReport, ParsedDates, detect_order, parse_dates
from desktop_app.ingest.readers import RawTable


@dataclass(frozen=True)
class Reject:
    """A row that was not imported, and why."""

    row: int
    column: str
    reason: str


@dataclass
class ListColumn:
    """A column holding zero or more names per cell, split on ``separator``."""

    values: pd.Series
    separator: str | None = None
    role: int = 1  # actors: 1 actor 1, 2 actor 2, 3 associated


@dataclass
class SourceColumn:
    titles: pd.Series
    separator: str | None = None
    urls: pd.Series | None = None
    publisher_is_title: bool = False  # ACLED's source names are publishers


@dataclass
class Options:
    """How to read and interpret a file; None means 'detect'."""

    preset: str | None = None
    sheet: str | None = None
    date_order: DateOrder | None = None
    encoding: str | None = None
    delimiter: str | None = None
    mapping: dict[str, str] | None = None  # generic preset: target field -> column


@dataclass
class DateColumn:
    """A parsed date column and the file column named in its rejects."""

    parsed: ParsedDates
    column: str
    order: OrderReport | None = None
    used: DateOrder | None = None  # the day/month order the column was read in


def _empty() -> pd.Series:
    return pd.Series(dtype="string")


@dataclass
class Draft:
    """A preset's reading of a table: one entry per input row, nothing validated yet."""

    table: RawTable
    preset: str
    mapping: dict[str, str]
    start: DateColumn
    title: pd.Series
    description: pd.Series = field(default_factory=_empty)
    end: DateColumn | None = None
    external_id: pd.Series | None = None  # the file's own id of each event
    # set where external ids are globally unique (ACLED, GDELT): duplicates are then
    # recognised by id; otherwise by content
    id_namespace: str | None = None
    category: pd.Series | None = None
    place: pd.Series | None = None
    country: pd.Series | None = None  # ISO alpha-2 (NA where unknown)
    latitude: pd.Series | None = None  # text as read
    longitude: pd.Series | None = None
    coord_columns: tuple[str, str] = ("latitude", "longitude")
    geo_precision: pd.Series | None = None
    location_attributes: pd.DataFrame | None = None  # per row: admin areas, region ...
    actors: list[ListColumn] = field(default_factory=list)
    sources: list[SourceColumn] = field(default_factory=list)
    tags: list[ListColumn] = field(default_factory=list)
    reliability: pd.Series | None = None
    credibility: pd.Series | None = None
    attributes: pd.DataFrame | None = None
    skip: np.ndarray | None = None  # rows that are not events (TimelineJS title/era)
    rejects: list[Reject] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.table.frame)


def text(frame: pd.DataFrame, column: str | None) -> pd.Series:
    """A column as stripped text ('' where missing); an all-'' column if absent."""
    if column is None or column not in frame.columns:
        return pd.Series([""] * len(frame), dtype="string", index=frame.index)
    values = frame[column]
    if isinstance(values.array, pd.arrays.ArrowStringArray):  # no pandas round trips
        import pyarrow.compute as pc

        stripped = pc.utf8_trim_whitespace(pc.fill_null(values.array.__arrow_array__(), ""))
        return pd.Series(pd.arrays.ArrowStringArray(stripped), index=frame.index,
                         name=values.name)
    return values.astype("string").fillna("").str.strip()


# A big file is normalised in slices of rows, but the day/month order of a date column
# is decided on the whole column. The pipeline first runs the preset on the rows that
# hold each distinct date once, recording what each parse_column call detected (in call
# order), then replays those reports while it normalises the slices.
_RECORDED: ContextVar[list[tuple[str, OrderReport]] | None] = ContextVar(
    "sightline_recorded_orders", default=None)
_REPLAY: ContextVar[list[tuple[str, OrderReport]] | None] = ContextVar(
    "sightline_replayed_orders", default=None)
_CALLS: ContextVar[list[int] | None] = ContextVar("sightline_order_calls", default=None)


@contextmanager
def recording_orders() -> Iterator[list[tuple[str, OrderReport]]]:
    """Collect the order report of every parse_column call made inside the block."""
    reports: list[tuple[str, OrderReport]] = []
    token = _RECORDED.set(reports)
    try:
        yield reports
    finally:
        _RECORDED.reset(token)


@contextmanager
def replaying_orders(reports: list[tuple[str, OrderReport]]) -> Iterator[None]:
    """parse_column calls inside the block use these reports (by call order) instead
    of detecting the order on the values they are given."""
    token, calls = _REPLAY.set(reports), _CALLS.set([0])
    try:
        yield
    finally:
        _REPLAY.reset(token)
        _CALLS.reset(calls)


def _order_report(values: pd.Series, column: str) -> OrderReport:
    replay, calls = _REPLAY.get(), _CALLS.get()
    if replay is not None and calls is not None:
        i = calls[0]
        calls[0] += 1
        if i < len(replay) and replay[i][0] == column:
            return replay[i][1]
        raise RuntimeError(f"date column {column!r} was not planned")  # a preset bug
    report = detect_order(values)
    recorded = _RECORDED.get()
    if recorded is not None:
        recorded.append((column, report))
    return report


def parse_column(
    values: pd.Series, column: str, order: DateOrder | None, default_order: DateOrder | None,
    warnings: list[str],
) -> DateColumn:
    """Parse a date column, deciding and reporting its day/month order."""
    report = _order_report(values, column)
    chosen = order or report.order or default_order
    if order is None and report.ambiguous and default_order is None:
        chosen = DateOrder.DAY_FIRST
        warnings.append(
            f"Dates in column {column!r} are ambiguous (every day and month is 12 or less, "
            f"e.g. 03/04): read as day-first; choose month-first to change that"
        )
    if order is None and report.conflicting:
        warnings.append(
            f"Dates in column {column!r} mix day-first and month-first values; read as "
            f"{chosen.value if chosen else 'day-first'}, and the others are rejected"
        )
    chosen = chosen or DateOrder.DAY_FIRST
    return DateColumn(parse_dates(values, chosen), column, report, chosen)


def first_words(values: pd.Series, limit: int = 80) -> pd.Series:
    """A title from longer text: the first sentence, cut at a word near ``limit``."""
    def cut(text: str) -> str:
        text = " ".join(text.split())
        sentence = text.split(". ")[0]
        if len(sentence) <= limit:
            return sentence
        return sentence[:limit].rsplit(" ", 1)[0] + "…"

    return values.astype("string").fillna("").map(cut).astype("string")


def extra_columns(frame: pd.DataFrame, used: set[str]) -> pd.DataFrame | None:
    """The columns no field took: kept per event as attributes."""
    rest = [c for c in frame.columns if c not in used]
    return frame[rest] if rest else None
