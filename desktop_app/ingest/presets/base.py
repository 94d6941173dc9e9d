"""What every preset produces: a :class:`Draft` of canonical columns."""

from __future__ import annotations

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
    return frame[column].astype("string").fillna("").str.strip()


def parse_column(
    values: pd.Series, column: str, order: DateOrder | None, default_order: DateOrder | None,
    warnings: list[str],
) -> DateColumn:
    """Parse a date column, deciding and reporting its day/month order."""
    report = detect_order(values)
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
