"""Numbers an import kept, and the hour-of-day x weekday grid: masks and counts (no Qt).

**Which attributes are numbers.** Imports keep the columns no field took in
``event.attributes`` (a JSON object of text values per event). A key is offered as a
numeric column (:func:`numeric_keys`) when, in a sample of the project's events (a
stride over all of them plus the first rows of every import batch):

1. at least :data:`NUMERIC_SHARE` (90 %) of its non-empty values read as finite numbers
   (so a free-text column such as ``notes`` or ``source_scale`` is never offered);
2. its name is not that of an identifier, a code, a date part, a precision or a
   coordinate: the last word of the name (split on ``_``, spaces and camelCase) is not
   one of :data:`NOT_MEASURES`, no word is ``id`` and the name does not end in ``id``
   or ``code``
   (ACLED's ``timestamp``, ``inter1``, ``interaction``, ``geo_precision``; GDELT's
   ``EventCode``, ``QuadClass``, ``ActionGeo_Type``, ``DATEADDED``; GTD's ``eventid``,
   ``iyear``): a histogram of those is meaningless;
3. its values are not all distinct whole numbers (an id sequence under another name),
   judged once there are at least 20 values;
4. the name holds no ``"``, ``\\`` or control character (it goes into a JSON path).

At most :data:`MAX_COLUMNS` are offered, the most often filled first.

**Missing values.** An event with no value (or a value that is not a number) for a
column counts as missing: it is drawn in no bar, the pane says how many there are, and
a range on that column leaves it out (a range asks "fatalities between 5 and 100", and
an unknown count is not known to be in it).

**Hour x weekday.** Only events known to the minute have a time of day; events known
to the day (or coarser) are left out of the grid and of a grid choice. The hour and the
weekday are those of the stored civil time, which is the wall-clock time the source
recorded (or UTC where the value carried a zone or an offset; see
:mod:`desktop_app.domain.dates`): no zone is applied again here. Cells are numbered
``weekday * 24 + hour`` with Monday 0.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from desktop_app.domain.dates import DAY_SECONDS, Precision

NUMERIC_SHARE = 0.9
MAX_COLUMNS = 12
BINS = 40  # bars of a histogram (fewer when the values are a few whole numbers)
ID_SAMPLE = 20  # from this many values on, all-distinct whole numbers read as an id
NOT_MEASURES = frozenset(
    (
        *("id", "ids", "code", "codes", "iso", "iso2", "iso3", "gwno", "fips", "cameo"),
        *("year", "month", "day", "date", "dateadded", "sqldate", "monthyear", "fractiondate"),
        *("iyear", "imonth", "iday", "timestamp", "time", "precision", "type", "class"),
        *("lat", "latitude", "lon", "long", "lng", "longitude"),
        *("inter1", "inter2", "interaction", "no", "number"),
    )
)
DASH, TIMES = "\u2013", "\u00d7"  # the en dash of a range, the sign of "weekday x hour"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CELLS = 7 * 24
_WORDS = re.compile(r"[A-Z]+(?![a-z])\d*|[A-Z]?[a-z]+\d*|\d+")
_UNSAFE = re.compile(r'["\\\x00-\x1f\x7f]')


# ---------------------------------------------------------------------- which keys
def _measure_name(key: str) -> bool:
    lower = key.strip().lower()
    if not lower or _UNSAFE.search(key) or lower.endswith(("id", "code")):
        return False
    words = [w.lower() for part in re.split(r"[\s_\-.]+", key) for w in _WORDS.findall(part)]
    if lower in NOT_MEASURES or any(w in ("id", "ids") for w in words):
        return False
    return not words or words[-1] not in NOT_MEASURES


def numeric_keys(samples: Iterable[Mapping[str, object]]) -> list[str]:
    """The attribute keys that are numeric columns (see the module's rule), the most
    often filled first."""
    values: dict[str, list[str]] = {}
    for attributes in samples:
        for key, value in attributes.items():
            text = "" if value is None else str(value).strip()
            if text:
                values.setdefault(str(key), []).append(text)
    found: list[tuple[int, str]] = []
    for key, texts in values.items():
        if not _measure_name(key):
            continue
        numbers = pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce").to_numpy(
            np.float64
        )
        finite = numbers[np.isfinite(numbers)]
        if len(finite) < NUMERIC_SHARE * len(texts):
            continue
        whole = bool(np.all(finite == np.round(finite)))
        if len(finite) >= ID_SAMPLE and whole and len(np.unique(finite)) == len(finite):
            continue
        found.append((len(texts), key))
    found.sort(key=lambda t: (-t[0], t[1]))
    return [key for _n, key in found[:MAX_COLUMNS]]


def parse_numbers(values: pa.ChunkedArray | pa.Array | pd.Series) -> np.ndarray:
    """Text values as float64; NaN where empty, missing or not a finite number.

    Arrow's cast reads a clean column of numbers in one pass; a column with any value
    that is not a number is read by pandas instead, value by value."""
    try:
        arrow = values if not isinstance(values, pd.Series) else pa.array(values, pa.string())
        parsed = np.asarray(pc.cast(arrow, pa.float64()).to_numpy(zero_copy_only=False), np.float64)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        series = values if isinstance(values, pd.Series) else values.to_pandas()
        parsed = pd.to_numeric(series, errors="coerce").to_numpy(np.float64, na_value=np.nan)
    out: np.ndarray = np.where(np.isfinite(parsed), parsed, np.nan)
    return out


# ---------------------------------------------------------------------- columns
@dataclass(frozen=True)
class NumberColumn:
    """One numeric attribute, by frame row: its values, histogram bins and extent."""

    name: str
    values: np.ndarray  # float64 per frame row, NaN where missing
    edges: np.ndarray  # BINS + 1 bin edges (or one bin per whole number)
    bins: np.ndarray  # int16 bin of each row, -1 where missing
    whole: bool  # every value is a whole number
    lo: float = 0.0  # the smallest and largest value (0 when none)
    hi: float = 0.0
    known: int = 0  # rows with a value

    @classmethod
    def of(cls, name: str, values: np.ndarray) -> NumberColumn:
        known = values[~np.isnan(values)]
        if not len(known):
            edges = np.array([0.0, 1.0])
            return cls(name, values, edges, np.full(len(values), -1, np.int16), True)
        lo, hi = float(known.min()), float(known.max())
        whole = bool(np.all(known == np.round(known)))
        if whole and hi - lo < BINS:  # one bar per whole number
            edges = np.arange(lo, hi + 2, dtype=np.float64) - 0.5
        else:
            edges = np.linspace(lo, hi if hi > lo else lo + 1, BINS + 1)
        n = len(edges) - 1
        scaled = (values - edges[0]) / (edges[-1] - edges[0]) * n
        bins = np.where(
            np.isnan(values), -1, np.clip(np.nan_to_num(scaled), 0, n - 1).astype(np.int64)
        ).astype(np.int16)
        return cls(name, values, edges, bins, whole, lo, hi, len(known))

    def counts(self, mask: np.ndarray) -> tuple[np.ndarray, int]:
        """Events per bar among ``mask``, and how many of them have no value."""
        picked = self.bins[mask]
        missing = int(np.count_nonzero(picked < 0))
        return np.bincount(picked[picked >= 0], minlength=len(self.edges) - 1), missing

    def mask(self, lo: float | None, hi: float | None) -> np.ndarray:
        """Rows whose value lies in [lo, hi] (an open end where None); missing ones never."""
        out: np.ndarray = ~np.isnan(self.values)
        if lo is not None:
            out &= self.values >= lo
        if hi is not None:
            out &= self.values <= hi
        return out


@dataclass(frozen=True)
class NumberTable:
    """Numeric attributes as read from the store, by event id (``ids`` sorted).

    Ids are never reused and no edit changes an event's attributes, so a table stays
    right for every event it holds; :meth:`aligned` tells when a frame has events it
    does not hold (an import since), and the table must be read again.
    """

    ids: np.ndarray
    columns: dict[str, np.ndarray]
    origin: object = None  # what it was read from (the project object)

    @classmethod
    def empty(cls, origin: object = None) -> NumberTable:
        return cls(np.zeros(0, np.int64), {}, origin)

    @classmethod
    def from_rows(cls, rows: pa.Table, keys: list[str], origin: object = None) -> NumberTable:
        """From (id, value of each key as text) rows: :func:`store.frame_rows.number_rows`."""
        ids = np.asarray(rows.column("id").to_numpy(), np.int64)
        columns = {key: parse_numbers(rows.column(f"n{i}")) for i, key in enumerate(keys)}
        if len(ids) > 1 and not bool(np.all(ids[1:] > ids[:-1])):  # read in id order, mostly
            order = np.argsort(ids, kind="stable")
            ids, columns = ids[order], {k: v[order] for k, v in columns.items()}
        return cls(ids, columns, origin)

    def aligned(self, frame_ids: np.ndarray) -> Numbers:
        """The columns by the rows of a frame whose ids are ``frame_ids``."""
        if not len(self.ids):
            at = np.full(len(frame_ids), -1, np.int64)
        elif self.ids[0] >= 0 and self.ids[-1] < 4 * len(self.ids) + 1024:  # dense ids
            table = np.full(int(self.ids[-1]) + 2, -1, np.int64)
            table[self.ids] = np.arange(len(self.ids))
            at = table[np.clip(frame_ids, -1, int(self.ids[-1]) + 1)]
        else:
            pos = np.clip(np.searchsorted(self.ids, frame_ids), 0, len(self.ids) - 1)
            at = np.where(self.ids[pos] == frame_ids, pos, -1)
        complete = bool(np.all(at >= 0))
        columns = {
            name: NumberColumn.of(name, np.append(values, np.nan)[at])
            for name, values in self.columns.items()
        }
        return Numbers(columns, complete, self)


@dataclass(frozen=True)
class Numbers:
    """The numeric columns of one frame, by its rows; ``complete`` is False when the
    frame has events the table it came from does not hold."""

    columns: dict[str, NumberColumn] = field(default_factory=dict)
    complete: bool = False
    table: NumberTable | None = None


# ---------------------------------------------------------------------- hour x weekday
_cells_cache: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []


def clock_cells(start: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """Each event's cell, ``weekday * 24 + hour`` (Monday 0) of its start; -1 for the
    events with no time of day (known to the day or coarser). 1970-01-01 was a
    Thursday. The last answer is kept (every refilter asks for the same frame's)."""
    for s, p, cells in _cells_cache:
        if s is start and p is precision:
            return cells
    days = np.floor_divide(start, DAY_SECONDS)
    hour = np.floor_divide(start - days * DAY_SECONDS, 3600)
    weekday = (days + 3) % 7
    cells = np.where(precision >= Precision.MINUTE, weekday * 24 + hour, -1).astype(np.int16)
    _cells_cache[:] = [(start, precision, cells)]
    return cells


def clock_mask(cells: np.ndarray, chosen: Iterable[int]) -> np.ndarray:
    """Events whose cell is chosen (those without a time of day never)."""
    table = np.zeros(CELLS + 1, bool)
    wanted = [c for c in chosen if 0 <= c < CELLS]
    table[wanted] = True
    return np.asarray(table[cells])  # -1 picks the last entry, which stays False


def clock_counts(cells: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, int]:
    """The 7 x 24 grid of events among ``mask``, and how many have no time of day."""
    picked = cells[mask]
    timed = picked[picked >= 0]
    grid = np.bincount(timed, minlength=CELLS).reshape(7, 24)
    return grid, int(len(picked) - len(timed))


def describe_clock(cells: frozenset[int]) -> str:
    """A grid choice in words: 'Mon-Fri 09:00-17:00', 'Sat every hour', '5 hour cells'."""
    if not cells:
        return ""
    days = sorted({c // 24 for c in cells})
    hours = sorted({c % 24 for c in cells})
    if len(cells) != len(days) * len(hours):
        return f"{len(cells)} weekday {TIMES} hour cells"
    if len(days) == 7:
        day_text = "every day"
    else:
        day_text = ", ".join(
            WEEKDAYS[a] if a == b else f"{WEEKDAYS[a]}{DASH}{WEEKDAYS[b]}" for a, b in _runs(days)
        )
    if len(hours) == 24:
        return f"{day_text}, every hour"
    hour_text = ", ".join(f"{a:02d}:00{DASH}{b + 1:02d}:00" for a, b in _runs(hours))
    return f"{day_text} {hour_text}"


def _runs(values: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for v in values:
        if runs and v == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], v)
        else:
            runs.append((v, v))
    return runs


def format_number(value: float, whole: bool = False) -> str:
    """A bound as an analyst types it: '5', '-3.5', '0.25', '1200000'."""
    if whole or value == round(value):
        return str(round(value))
    return f"{value:.6g}"


def describe_range(name: str, lo: float | None, hi: float | None) -> str:
    """'fatalities 5-100', 'fatalities ≥ 5', 'AvgTone ≤ -2.5'."""
    if lo is not None and hi is not None:
        return f"{name} {format_number(lo)}{DASH}{format_number(hi)}"
    if lo is not None:
        return f"{name} ≥ {format_number(lo)}"
    if hi is not None:
        return f"{name} ≤ {format_number(hi)}"
    return ""
