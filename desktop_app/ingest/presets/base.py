"""What every preset produces: a :class:`Draft` of canonical columns."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from desktop_app.domain.dates import DateOrder, OrderReport, ParsedDates, detect_order, parse_dates
from desktop_app.domain.split_dates import parse_split_dates
from desktop_app.ingest.presets.missing import MISSING_MARKERS, arrow_text, missing_as_blank
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
    # the date column found by content, per header: every slice of a big file (and the
    # plan made on the whole file first) uses the same one
    found_dates: dict[tuple[str, ...], tuple[str, float] | None] = field(
        default_factory=dict, compare=False, repr=False
    )


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
    built_titles: int = 0  # rows given a title built from other columns (one warning at the end)

    def __len__(self) -> int:
        return len(self.table.frame)


def text(frame: pd.DataFrame, column: str | None) -> pd.Series:
    """A column as stripped text ('' where missing or a missing marker such as NA, N/A,
    null, None, -); an all-'' column if absent."""
    if column is None or column not in frame.columns:
        return pd.Series([""] * len(frame), dtype="string", index=frame.index)
    values = frame[column]
    if isinstance(values.array, pd.arrays.ArrowStringArray):  # no pandas round trips
        return pd.Series(
            pd.arrays.ArrowStringArray(arrow_text(values.array.__arrow_array__())),
            index=frame.index,
            name=values.name,
        )
    stripped = values.astype("string").fillna("").str.strip()
    return stripped.mask(stripped.isin(MISSING_MARKERS), "")


# A big file is normalised in slices of rows, but the day/month order of a date column
# is decided on the whole column. The pipeline first runs the preset on the rows that
# hold each distinct date once, recording what each parse_column call detected (in call
# order), then replays those reports while it normalises the slices.
_RECORDED: ContextVar[list[tuple[str, OrderReport]] | None] = ContextVar(
    "sightline_recorded_orders", default=None
)
_REPLAY: ContextVar[list[tuple[str, OrderReport]] | None] = ContextVar(
    "sightline_replayed_orders", default=None
)
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


_NAMED_ORDERS = (  # a header that says how its dates are written, e.g. "Date (mm/dd/yyyy)"
    (
        re.compile(r"\b(?:m{1,2}|month)[/.-](?:d{1,2}|day)[/.-](?:y{2,4}|year)\b", re.I),
        DateOrder.MONTH_FIRST,
    ),
    (
        re.compile(r"\b(?:d{1,2}|day)[/.-](?:m{1,2}|month)[/.-](?:y{2,4}|year)\b", re.I),
        DateOrder.DAY_FIRST,
    ),
)


def order_named_by(column: str) -> DateOrder | None:
    """The day/month order a column's name states ("(month/day/year)", "dd.mm.yyyy")."""
    for pattern, order in _NAMED_ORDERS:
        if pattern.search(column):
            return order
    return None


def header_score(
    table: RawTable,
    required: Iterable[str],
    known: Sequence[str],
    key: Callable[[str], str] = str.lower,
) -> float:
    """How well a header fits a provider's layout: 0 without a header or a required
    column; else 0.5 plus half the share of the layout's columns present (names compared
    through ``key``)."""
    if not table.has_header:
        return 0.0
    names = {key(c) for c in table.columns}
    if not {key(c) for c in required} <= names:
        return 0.0
    return 0.5 + 0.5 * sum(key(c) in names for c in known) / len(known)


def parse_column(
    values: pd.Series,
    column: str,
    order: DateOrder | None,
    default_order: DateOrder | None,
    warnings: list[str],
) -> DateColumn:
    """Parse a date column, deciding and reporting its day/month order."""
    report = _order_report(values, column)
    named = order_named_by(column)
    chosen = order or report.order or default_order or named
    if order is None and report.ambiguous and default_order is None and named is not None:
        warnings.append(
            f"Dates in column {column!r} are ambiguous: read as "
            f"{named.value.replace('first', '-first')}, as the column's name says"
        )
    elif order is None and report.ambiguous and default_order is None:
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
    """The columns no field took: kept per event as attributes (missing markers blank)."""
    rest = [c for c in frame.columns if c not in used]
    return missing_as_blank(frame[rest]) if rest else None


def split_date_column(
    frame: pd.DataFrame, year: str, month: str | None, day: str | None
) -> DateColumn:
    """Dates from year/month/day columns (0 or blank: unknown), rejects named by year."""
    parsed = parse_split_dates(
        text(frame, year), text(frame, month) if month else None, text(frame, day) if day else None
    )
    return DateColumn(parsed, year)


_DATE_OR_NUMBER = r"^[+-]?\d+(?:[.,]\d+)?$|^\d{1,4}[-/.]\d"


def _wordiest_text(frame: pd.DataFrame, skip: set[str]) -> pd.Series:
    """Per row, the first words of its text columns' value, the wordiest column first
    (a region name rather than a code); ids, numbers, dates and coordinates are no text."""
    out = pd.Series([""] * len(frame), dtype="string")
    candidates: list[tuple[float, pd.Series, np.ndarray]] = []
    for column in frame.columns:
        if column in skip or re.sub(r"[^a-z]", "", str(column).lower()).endswith("id"):
            continue
        values = text(frame, str(column)).reset_index(drop=True)
        usable = (
            values.str.contains(r"[^\W\d_]", regex=True).fillna(False).astype(bool)
            & ~values.str.match(_DATE_OR_NUMBER).fillna(False).astype(bool)
        ).to_numpy()
        if usable.any():
            candidates.append((float(values[usable].str.len().mean()), values, usable))
    candidates.sort(key=lambda c: -c[0])
    for _length, values, usable in candidates:
        fill = usable & (out == "").to_numpy()
        if fill.any():
            out = out.mask(pd.Series(fill), first_words(values))
    return out


def complete_titles(draft: Draft) -> Draft:
    """Give every row that has neither a title nor a description a title built from what
    it has: its category and place ("Protests in Kyiv"), else its wordiest text column
    (not a date, an id, a number or a coordinate). Says how many were built."""
    title = draft.title.astype("string").fillna("")
    description = (
        draft.description.astype("string").fillna("").reset_index(drop=True)
        if len(draft.description)
        else None
    )
    title = title.reset_index(drop=True)
    missing = (title == "").to_numpy()
    if description is not None:
        missing &= (description == "").to_numpy()
    if draft.skip is not None:
        missing &= ~draft.skip
    if not missing.any():
        return draft
    n = len(title)

    def part(values: pd.Series | None) -> pd.Series:
        if values is None or len(values) != n:
            return pd.Series([""] * n, dtype="string")
        return values.astype("string").fillna("").reset_index(drop=True)

    category, place = part(draft.category), part(draft.place)
    built = (category + " in " + place).where((category != "") & (place != ""), category)
    built = built.where(built != "", ("Event in " + place).where(place != "", ""))
    skip = {draft.start.column, *draft.coord_columns}
    if draft.end is not None:
        skip.add(draft.end.column)
    need = np.flatnonzero(missing & (built == "").to_numpy())
    if len(need):
        fallback = _wordiest_text(draft.table.frame.iloc[need], skip)
        built.iloc[need] = fallback.to_numpy()
    made = missing & (built != "").to_numpy()
    if made.any():
        title = title.mask(pd.Series(made), built)
        draft.title = pd.Series(title.to_numpy(), index=draft.title.index, dtype="string")
        draft.built_titles = int(made.sum())
    return draft


def built_titles_warning(count: int) -> list[str]:
    """The summary's word on built titles (once for the whole file, not per slice)."""
    if not count:
        return []
    return [
        f"{count:,} rows have no title or description: their titles were built "
        "from their category and place, or their first text column"
    ]


# spellings of the conflict datasets (UCDP, GTD, ICEWS) the country table lacks
_COUNTRY_SPELLINGS = {
    "dr congo": "CD",
    "democratic republic of the congo": "CD",
    "congo": "CG",
    "bosnia-herzegovina": "BA",
    "russia": "RU",
    "united states": "US",
    "macedonia": "MK",
    "east timor": "TL",
    "swaziland": "SZ",
    "kingdom of eswatini": "SZ",
    "burma": "MM",
    "west bank and gaza strip": "PS",
    "occupied palestinian territory": "PS",
    "korea, republic of": "KR",
    "korea, democratic people's republic of": "KP",
    "iran, islamic republic of": "IR",
    "syrian arab republic": "SY",
    "cote d'ivoire": "CI",
    "côte d'ivoire": "CI",
    "moldova, republic of": "MD",
    "tanzania, united republic of": "TZ",
    "venezuela, bolivarian republic of": "VE",
    "bolivia, plurinational state of": "BO",
    "lao people's democratic republic": "LA",
    "viet nam": "VN",
    "taiwan, province of china": "TW",
}


def country_codes(values: pd.Series) -> pd.Series:
    """ISO alpha-2 codes from country names as the conflict datasets write them:
    "DR Congo (Zaire)", "Russia (Soviet Union)", "Korea, Republic of" (NA if unknown)."""
    from desktop_app.ingest.countries import iso_from_text

    plain = values.astype("string").fillna("").str.replace(r"\s*\([^)]*\)\s*$", "", regex=True)
    codes = iso_from_text(plain)
    spelled = plain.str.strip().str.lower().map(_COUNTRY_SPELLINGS).astype("string")
    return codes.fillna(spelled)


def drop_placeholders(values: pd.Series, placeholders: tuple[str, ...] = ("unknown",)) -> pd.Series:
    """Text with placeholder values ("Unknown") made blank: never a place or an actor."""
    return values.mask(values.str.strip().str.lower().isin(placeholders), "")
