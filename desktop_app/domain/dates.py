"""Dates with precision.

An event date is a *span*: "2023" means [2023-01-01, 2024-01-01) at year precision,
"2023-05" the month of May, "2023-05-14" that day, "2023-05-14 09:30" that minute.
Instants are stored as naive wall-clock seconds since 1970-01-01 ("civil seconds"):
date-only values are never shifted by a time zone; a value with a time and an explicit UTC
offset ("...T09:30+02:00") or a named zone ("Jan 11 2012 09:30 CST", see
:mod:`~desktop_app.domain.time_zones`) is converted to UTC wall-clock time.
Spreadsheet re-saves are read too: 9-May-20, 09-May-2020, May 9, 2020, 5/9/20, May-20.
Dates split over year/month/day columns are read by :mod:`~desktop_app.domain.split_dates`.

Parsing is vectorised (numpy/pandas) because imports handle a million values at once;
:func:`parse_date` wraps the same code for a single value so there is one parser only.
Calendar arithmetic uses the proleptic Gregorian calendar on int64 day numbers, so any
year from 1 to 9999 works (pandas' nanosecond timestamps stop at 1677 and 2262; Python's
datetime, which the rest of the program uses, stops at year 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum

import numpy as np
import pandas as pd

from desktop_app.domain.time_zones import undecorate

DAY_SECONDS = 86_400
_EPOCH = datetime(1970, 1, 1)
MIN_SECONDS = -62_135_596_800  # 0001-01-01
MAX_SECONDS = 253_402_300_800  # 10000-01-01
YEAR_RANGE = "year out of range (1 to 9999)"  # what a date outside them is told


class Precision(IntEnum):
    """How much of a date is known. Ordered from coarse to fine."""

    YEAR = 1
    MONTH = 2
    DAY = 3
    MINUTE = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def from_label(cls, text: str) -> Precision:
        return cls[text.strip().upper()]


class DateOrder(StrEnum):
    """Order of day and month in numeric dates such as 03/04/2024."""

    DAY_FIRST = "dayfirst"
    MONTH_FIRST = "monthfirst"


# ---------------------------------------------------------------- calendar arithmetic
def days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 for proleptic Gregorian dates (H. Hinnant's algorithm)."""
    y = np.asarray(y, dtype=np.int64) - (np.asarray(m) <= 2)
    m = np.asarray(m, dtype=np.int64)
    d = np.asarray(d, dtype=np.int64)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    days: np.ndarray = era * 146097 + doe - 719468
    return days


def civil_from_days(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inverse of :func:`days_from_civil`: (year, month, day) arrays."""
    z = np.asarray(z, dtype=np.int64) + 719468
    era = np.floor_divide(z, 146097)
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    y = yoe + era * 400 + (m <= 2)
    return y, m, d


def days_in_month(y: np.ndarray, m: np.ndarray) -> np.ndarray:
    y = np.asarray(y, dtype=np.int64)
    m = np.asarray(m, dtype=np.int64)
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    base = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
    days: np.ndarray = base[np.clip(m, 1, 12) - 1] + ((m == 2) & leap)
    return days


def span_end_seconds(start: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """End (exclusive) of the span a start at a precision stands for."""
    start = np.asarray(start, dtype=np.int64)
    precision = np.asarray(precision)
    days = np.floor_divide(start, DAY_SECONDS)
    y, m, _ = civil_from_days(days)
    next_year = days_from_civil(y + 1, np.ones_like(m), np.ones_like(m)) * DAY_SECONDS
    ny = np.where(m == 12, y + 1, y)
    nm = np.where(m == 12, 1, m + 1)
    next_month = days_from_civil(ny, nm, np.ones_like(m)) * DAY_SECONDS
    out = start + 60
    out = np.where(precision == Precision.DAY, days * DAY_SECONDS + DAY_SECONDS, out)
    out = np.where(precision == Precision.MONTH, next_month, out)
    return np.where(precision == Precision.YEAR, next_year, out)


def to_seconds(moment: datetime) -> int:
    """Civil seconds of a naive datetime (an aware one is converted to UTC first)."""
    if moment.tzinfo is not None:
        offset = moment.utcoffset() or timedelta(0)
        moment = (moment - offset).replace(tzinfo=None)
    return int((moment - _EPOCH).total_seconds())


def from_seconds(seconds: int) -> datetime:
    return _EPOCH + timedelta(seconds=int(seconds))


# ---------------------------------------------------------------- parsing
_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

_TIME = r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?"
_ISO = re.compile(r"^(-?\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2})" + _TIME + r")?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$")
_NUMERIC = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})"
    r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
# a clock time after a date written with a month name: 14:30, 2:30:05 pm, at 9:15 AM
_WORD_TIME = (
    r"(?:(?:[ T,]+|\s+at\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"\s*([AaPp])?\.?(?:[Mm]\.?)?)?"
)
# 16 May 2025, 9-May-20 (Excel's d-mmm-yy), 09/May/2020, 16th May 2025 14:30
_EPOCH_S = re.compile(r"^(-?\d{9,11}(?:\.\d+)?)$")
_EPOCH_MS = re.compile(r"^(\d{13})$")
_NUMERIC_ZONED = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b.*[A-Za-z0-9]\)?$")
_D_MON_Y = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th)?[ /.-]([A-Za-z]{3,9})\.?,?[ /.-](\d{4}|\d{2})" + _WORD_TIME + "$"
)
# May 16, 2025 / Jan 11 2012 / May-16-2025, with an optional time
_MON_D_Y = re.compile(
    r"^([A-Za-z]{3,9})\.?[ -](\d{1,2})(?:st|nd|rd|th)?,?[ -](\d{4})" + _WORD_TIME + "$"
)
# May 2025, May-20 (Excel's mmm-yy)
_MON_Y = re.compile(r"^([A-Za-z]{3,9})(?:\.?,? (\d{4})|-(\d{2}))$")


@dataclass(frozen=True)
class OrderReport:
    """What the numeric dates of one column say about their day/month order."""

    order: DateOrder | None  # None: nothing in the column decides it
    numeric_values: int  # how many values are of the form nn/nn/yyyy
    conflicting: bool  # both a first part > 12 and a second part > 12 occur

    @property
    def ambiguous(self) -> bool:
        return self.order is None and self.numeric_values > 0


def detect_order(values: pd.Series) -> OrderReport:
    """Decide day-first or month-first from the values that can only be read one way.

    Counts are of distinct values.
    """
    text = pd.Series(pd.unique(_clean(values)), dtype=object)
    parts = text.str.extract(_NUMERIC)
    present = parts[0].notna()
    zoned = ~present & text.str.match(_NUMERIC_ZONED).fillna(False).astype(bool)
    if zoned.any():  # "12/31/2020 10:30 EST": the numeric date without its zone
        parts[zoned] = undecorate(text[zoned])[0].str.extract(_NUMERIC).to_numpy()
        present = parts[0].notna()
    if not present.any():
        return OrderReport(None, 0, False)
    first = parts.loc[present, 0].astype(np.int64)
    second = parts.loc[present, 1].astype(np.int64)
    day_first = bool((first > 12).any())
    month_first = bool((second > 12).any())
    n = int(present.sum())
    if day_first and not month_first:
        return OrderReport(DateOrder.DAY_FIRST, n, False)
    if month_first and not day_first:
        return OrderReport(DateOrder.MONTH_FIRST, n, False)
    if day_first and month_first:
        order = (
            DateOrder.DAY_FIRST
            if int((first > 12).sum()) >= int((second > 12).sum())
            else DateOrder.MONTH_FIRST
        )
        return OrderReport(order, n, True)
    return OrderReport(None, n, False)


@dataclass
class ParsedDates:
    """Result of parsing a column: arrays aligned with the input.

    ``error`` holds "" where the value parsed and a reason where it did not; an empty
    input gives the reason "empty".
    """

    seconds: np.ndarray  # int64 civil seconds (0 where error)
    precision: np.ndarray  # int8 Precision (0 where error)
    error: np.ndarray  # object array of str

    @property
    def ok(self) -> np.ndarray:
        parsed: np.ndarray = self.error == ""
        return parsed


def _clean(values: pd.Series) -> pd.Series:
    return values.astype("string").fillna("").str.strip().astype(object)


def parse_dates(values: pd.Series, order: DateOrder | None = None) -> ParsedDates:
    """Parse a column of date texts, keeping for each value the precision it was given at.

    ``order`` decides numeric dates like 03/04/2024; when it is None the column itself
    decides (see :func:`detect_order`) and, when nothing decides, day-first is used (the
    caller reports the ambiguity; it is not silent).
    """
    strings = values.astype("string").fillna("").str.strip()
    codes, uniques = pd.factorize(strings)
    # columns repeat themselves (a million events fall on a few thousand days):
    # parse each distinct text once
    distinct = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    if order is None:
        order = detect_order(distinct).order or DateOrder.DAY_FIRST
    once = _parse_distinct(distinct, order)
    if len(codes) and codes.min() < 0:  # factorize marks missing values -1
        codes = np.where(codes < 0, len(distinct), codes)
        once = ParsedDates(
            np.append(once.seconds, 0), np.append(once.precision, 0), np.append(once.error, "empty")
        )
    return ParsedDates(once.seconds[codes], once.precision[codes], once.error[codes])


def _parse_distinct(text: pd.Series, order: DateOrder, *, decorated: bool = True) -> ParsedDates:
    n = len(text)
    year = np.zeros(n, np.int64)
    month = np.ones(n, np.int64)
    day = np.ones(n, np.int64)
    hour = np.zeros(n, np.int64)
    minute = np.zeros(n, np.int64)
    second = np.zeros(n, np.int64)
    offset = np.zeros(n, np.int64)  # minutes east of UTC
    prec = np.zeros(n, np.int8)
    epoch = np.full(n, np.iinfo(np.int64).min, np.int64)
    error = np.full(n, "", dtype=object)
    todo = np.ones(n, bool)

    empty = (text == "").to_numpy()
    error[empty] = "empty"
    todo &= ~empty

    def take(regex: re.Pattern[str]) -> tuple[np.ndarray, pd.DataFrame]:
        sub = text[todo]
        if sub.empty:
            return np.zeros(0, np.int64), pd.DataFrame()
        parts = sub.str.extract(regex)
        hit = parts[0].notna().to_numpy()
        idx = sub.index.to_numpy()[hit]
        todo[idx] = False
        return idx, parts[hit]

    def num(col: pd.Series, default: int = 0) -> np.ndarray:
        numbers: np.ndarray = pd.to_numeric(col, errors="coerce").fillna(default).to_numpy(np.int64)
        return numbers

    # ISO-like: 2023, 2023-05, 2023-05-14, 2023-05-14 09:30[:00][Z|+hh:mm]
    idx, p = take(_ISO)
    if len(idx):
        year[idx] = num(p[0])
        month[idx] = num(p[1], 1)
        day[idx] = num(p[2], 1)
        hour[idx] = num(p[3])
        minute[idx] = num(p[4])
        second[idx] = num(p[5])
        prec[idx] = np.where(
            p[3].notna(),
            Precision.MINUTE,
            np.where(
                p[2].notna(), Precision.DAY, np.where(p[1].notna(), Precision.MONTH, Precision.YEAR)
            ),
        )
        offset[idx] = _offset_minutes(p[6])
    # 20230514 and 20230514093000 (GDELT)
    idx, p = take(_COMPACT)
    if len(idx):
        year[idx], month[idx], day[idx] = num(p[0]), num(p[1]), num(p[2])
        hour[idx], minute[idx], second[idx] = num(p[3]), num(p[4]), num(p[5])
        prec[idx] = np.where(p[3].notna(), Precision.MINUTE, Precision.DAY)
    # 03/04/2024 [14:30[:00] [PM]]
    idx, p = take(_NUMERIC)
    if len(idx):
        a, b = num(p[0]), num(p[1])
        day[idx], month[idx] = (a, b) if order is DateOrder.DAY_FIRST else (b, a)
        year[idx] = _full_year(num(p[2]), p[2].str.len().to_numpy())
        hour[idx], minute[idx], second[idx] = _clock(num(p[3]), p[6]), num(p[4]), num(p[5])
        prec[idx] = np.where(p[3].notna(), Precision.MINUTE, Precision.DAY)
    # 16 May 2025 / 9-May-20 / May 16, 2025 [14:30] / May 2025 / May-20
    word_forms = ((_D_MON_Y, (0, 1, 2)), (_MON_D_Y, (1, 0, 2)), (_MON_Y, (None, 0, 1)))
    for regex, (di, mi, yi) in word_forms:
        idx, p = take(regex)
        if not len(idx):
            continue
        names = p[mi].str.lower().map(_MONTHS)
        known = names.notna().to_numpy()
        error[idx[~known]] = [f"unknown month name {v!r}" for v in p[mi][~known]]
        idx, p, names = idx[known], p[known], names[known]
        years = p[yi] if di is not None else p[yi].fillna(p[2])
        year[idx] = _full_year(num(years), years.str.len().to_numpy())
        month[idx] = names.to_numpy(np.int64)
        if di is None:
            prec[idx] = Precision.MONTH
            continue
        day[idx] = num(p[di])
        hour[idx], minute[idx], second[idx] = _clock(num(p[3]), p[6]), num(p[4]), num(p[5])
        prec[idx] = np.where(p[3].notna(), Precision.MINUTE, Precision.DAY)
    # epoch seconds / milliseconds
    for regex, scale in ((_EPOCH_S, 1), (_EPOCH_MS, 1000)):
        idx, p = take(regex)
        if len(idx):
            values_f = pd.to_numeric(text[idx], errors="coerce").to_numpy(np.float64)
            epoch[idx] = (values_f // scale).astype(np.int64)
            prec[idx] = Precision.MINUTE

    unparsed = todo & (error == "")
    zone = np.zeros(n, np.int64)  # minutes east of UTC named after the value
    if decorated and unparsed.any():
        # "Wed, 11 Jan 2012 10:30 GMT", "Jan 11 2012 CST": parse what is left without
        # the weekday and the zone; the zone shifts only values that carry a time
        rest, zones = undecorate(text[unparsed])
        changed = rest.to_numpy() != text[unparsed].to_numpy()
        if changed.any():
            again = np.flatnonzero(unparsed)[changed]
            inner = _parse_distinct(
                pd.Series(rest[changed].to_numpy(), dtype=object), order, decorated=False
            )
            fine = inner.error == ""
            at = again[fine]
            epoch[at] = inner.seconds[fine]  # final seconds: not rebuilt from parts below
            prec[at] = inner.precision[fine]
            zone[at] = np.where(inner.precision[fine] == Precision.MINUTE, zones[changed][fine], 0)
            todo[at] = False
    unparsed = todo & (error == "")
    error[unparsed] = [f"unrecognised date {v!r}" for v in text[unparsed]]
    prec[unparsed] = 0

    # range checks for everything built from parts
    from_parts = (prec > 0) & (epoch == np.iinfo(np.int64).min)
    bad = from_parts & ((month < 1) | (month > 12))
    bad |= from_parts & ((day < 1) | (day > days_in_month(year, month)))
    bad |= from_parts & ((hour > 23) | (minute > 59) | (second > 59))
    error[bad & (error == "")] = [f"impossible date {v!r}" for v in text[bad & (error == "")]]
    prec[bad] = 0
    seconds = days_from_civil(year, month, day) * DAY_SECONDS + hour * 3600 + minute * 60
    seconds += second - offset * 60
    seconds = np.where(epoch != np.iinfo(np.int64).min, epoch, seconds) - zone * 60
    early = (prec > 0) & ((seconds < MIN_SECONDS) | (seconds >= MAX_SECONDS))
    error[early & (error == "")] = [f"{YEAR_RANGE}: {v!r}" for v in text[early & (error == "")]]
    prec[early] = 0

    seconds = np.where(prec > 0, seconds, 0)
    return ParsedDates(seconds.astype(np.int64), prec, error)


def _full_year(years: np.ndarray, digits: np.ndarray) -> np.ndarray:
    """Two-digit years: 00-69 are 2000-2069, 70-99 are 1970-1999."""
    return np.where(digits == 2, np.where(years < 70, 2000 + years, 1900 + years), years)


def _clock(hours: np.ndarray, ampm: pd.Series) -> np.ndarray:
    """Hours on a 24-hour clock from hours and an optional a/p (am/pm) marker."""
    half = ampm.fillna("").str.lower().str[:1].to_numpy()
    return np.where(
        (half == "p") & (hours < 12), hours + 12, np.where((half == "a") & (hours == 12), 0, hours)
    )


def _offset_minutes(col: pd.Series) -> np.ndarray:
    s = col.fillna("").astype(str).to_numpy()
    out = np.zeros(len(s), np.int64)
    for i, v in enumerate(s):  # rare: only values that carry an offset
        if not v or v == "Z":
            continue
        sign = -1 if v[0] == "-" else 1
        digits = v[1:].replace(":", "")
        out[i] = sign * (int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) >= 4 else 0))
    return out


@dataclass(frozen=True)
class PartialDate:
    """One parsed date: a start instant and the precision it is known to."""

    start: datetime
    precision: Precision

    @property
    def end(self) -> datetime:
        """Exclusive end of the span the date stands for."""
        start_s = np.array([to_seconds(self.start)])
        return from_seconds(int(span_end_seconds(start_s, np.array([self.precision]))[0]))


def parse_date(text: str, order: DateOrder | None = None) -> PartialDate:
    """Parse a single value; raises ValueError with the reason when it cannot."""
    parsed = parse_dates(pd.Series([text], dtype=object), order)
    if parsed.error[0]:
        raise ValueError(parsed.error[0])
    return PartialDate(from_seconds(int(parsed.seconds[0])), Precision(int(parsed.precision[0])))


def describe(start: datetime, precision: Precision) -> str:
    """The date in words with its precision, e.g. "2023, year only" or "14 May 2023"."""
    if precision is Precision.YEAR:
        return f"{start.year}, year only"
    if precision is Precision.MONTH:
        return f"{start:%B} {start.year}, month only"
    if precision is Precision.DAY:
        return f"{start.day} {start:%B} {start.year}"
    return f"{start.day} {start:%B} {start.year}, {start:%H:%M}"


def iso_text(start: datetime, precision: Precision) -> str:
    """Shortest ISO text that keeps the precision (what exports write)."""
    if precision is Precision.YEAR:
        return f"{start.year:04d}"
    if precision is Precision.MONTH:
        return f"{start.year:04d}-{start.month:02d}"
    if precision is Precision.DAY:
        return f"{start.year:04d}-{start.month:02d}-{start.day:02d}"
    return f"{start.year:04d}-{start.month:02d}-{start.day:02d} {start:%H:%M}"
