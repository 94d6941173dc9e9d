"""Time axis ticks that adapt from centuries to minutes without overlapping labels.

Pure calendar arithmetic on civil seconds (proleptic Gregorian, via
:mod:`desktop_app.domain.dates`), so any year from 1 to 9999 works. Label widths come
from a ``measure`` callback (the widget's font metrics), which keeps this module free
of painting and easy to test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from desktop_app.domain.dates import DAY_SECONDS, civil_from_days, days_from_civil

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
LONG_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
LABEL_GAP = 10.0  # pixels kept free between two labels of the same row

# (unit, step, shortest step in seconds, label texts whose widest must fit that step)
_YEAR_S = 365 * DAY_SECONDS
_CLOCK = tuple(f"{h:02d}:{m:02d}" for h in (0, 8, 12, 22) for m in (0, 30, 45))
_DAYS = tuple(str(d) for d in range(1, 32))
_YEARS = tuple(str(d) * 4 for d in range(10))
_CANDIDATES: list[tuple[str, int, int, tuple[str, ...]]] = [
    ("minute", 1, 60, _CLOCK),
    ("minute", 2, 120, _CLOCK),
    ("minute", 5, 300, _CLOCK),
    ("minute", 10, 600, _CLOCK),
    ("minute", 15, 900, _CLOCK),
    ("minute", 30, 1800, _CLOCK),
    ("hour", 1, 3600, _CLOCK),
    ("hour", 2, 7200, _CLOCK),
    ("hour", 3, 10800, _CLOCK),
    ("hour", 6, 21600, _CLOCK),
    ("hour", 12, 43200, _CLOCK),
    ("day", 1, DAY_SECONDS, _DAYS),
    ("day", 2, 2 * DAY_SECONDS, _DAYS),
    ("day", 5, 5 * DAY_SECONDS, _DAYS),
    ("day", 10, 10 * DAY_SECONDS, _DAYS),
    ("month", 1, 28 * DAY_SECONDS, MONTH_NAMES),
    ("month", 3, 89 * DAY_SECONDS, MONTH_NAMES),
    ("month", 6, 181 * DAY_SECONDS, MONTH_NAMES),
    ("year", 1, _YEAR_S, _YEARS),
    ("year", 2, 2 * _YEAR_S, _YEARS),
    ("year", 5, 5 * _YEAR_S, _YEARS),
    ("decade", 10, 10 * _YEAR_S, _YEARS),
    ("decade", 20, 20 * _YEAR_S, _YEARS),
    ("decade", 50, 50 * _YEAR_S, _YEARS),
    ("century", 100, 100 * _YEAR_S, _YEARS),
    ("century", 200, 200 * _YEAR_S, _YEARS),
    ("century", 500, 500 * _YEAR_S, _YEARS),
    ("century", 1000, 1000 * _YEAR_S, _YEARS),
    ("century", 2000, 2000 * _YEAR_S, _YEARS),
]


@dataclass(frozen=True)
class Tick:
    """One label on the axis: its time, its x (pixels from the plot's left) and text."""

    t: int
    x: float
    text: str
    width: float  # label width in pixels; the label is drawn from x + 3


@dataclass(frozen=True)
class AxisLayout:
    """The ticks of one range: ``ticks`` on the first row, ``context`` (the year over
    months, the month over days, the day over hours) on the second."""

    unit: str
    step: int
    ticks: list[Tick]
    context: list[Tick]


def _ymd(t: int) -> tuple[int, int, int]:
    y, m, d = civil_from_days(np.array([t // DAY_SECONDS]))
    return int(y[0]), int(m[0]), int(d[0])


def _day_start(y: int, m: int, d: int) -> int:
    return int(days_from_civil(np.array([y]), np.array([m]), np.array([d]))[0]) * DAY_SECONDS


def choose_unit(t0: int, t1: int, width: float, measure: Callable[[str], float]) -> tuple[str, int]:
    """The finest (unit, step) whose shortest step leaves room for its widest label."""
    per_second = width / max(t1 - t0, 1)
    for unit, step, seconds, samples in _CANDIDATES:
        if seconds * per_second >= max(map(measure, samples)) + LABEL_GAP + 3:
            return unit, step
    return _CANDIDATES[-1][0], _CANDIDATES[-1][1]


def _tick_times(unit: str, step: int, t0: int, t1: int) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    if unit in ("minute", "hour"):
        seconds = step * (60 if unit == "minute" else 3600)
        t = -(-t0 // seconds) * seconds
        while t < t1:
            out.append((t, f"{t % DAY_SECONDS // 3600:02d}:{t % 3600 // 60:02d}"))
            t += seconds
    elif unit == "day":
        days = np.arange(-(-t0 // DAY_SECONDS), (t1 - 1) // DAY_SECONDS + 1, dtype=np.int64)
        y, m, d = civil_from_days(days)
        nxt_y, nxt_m, _ = civil_from_days(days + step)
        # days 1, 1+step, ... of each month, and none closer than `step` to the next 1st
        keep = ((d - 1) % step == 0) & ((nxt_y == y) & (nxt_m == m) | (step == 1))
        for day, dd in zip(days[keep], d[keep], strict=True):
            out.append((int(day) * DAY_SECONDS, str(int(dd))))
    elif unit == "month":
        first_year, first_month, _ = _ymd(t0)
        month_index = first_year * 12 + (first_month - 1)
        while True:
            yy, mm = divmod(month_index, 12)
            t = _day_start(yy, mm + 1, 1)
            if t >= t1:
                break
            if t >= t0 and mm % step == 0:
                out.append((t, MONTH_NAMES[mm]))
            month_index += 1
    else:  # year, decade, century
        first_year, _, _ = _ymd(t0)
        year = -(-first_year // step) * step
        while True:
            t = _day_start(year, 1, 1)
            if t >= t1:
                break
            if t >= t0:
                out.append((t, str(year)))
            year += step
    return out


def _context_times(unit: str, t0: int, t1: int) -> list[tuple[int, str]]:
    """Boundaries of the next larger unit inside [t0, t1), plus the one containing t0."""
    y, m, d = _ymd(t0)
    out: list[tuple[int, str]] = []
    if unit == "month":
        out.append((t0, str(y)))
        year = y + 1
        while (t := _day_start(year, 1, 1)) < t1:
            out.append((t, str(year)))
            year += 1
    elif unit == "day":
        out.append((t0, f"{LONG_MONTH_NAMES[m - 1]} {y}"))
        index = y * 12 + m  # the next month
        while True:
            yy, mm = divmod(index, 12)
            t = _day_start(yy, mm + 1, 1)
            if t >= t1:
                break
            out.append((t, f"{LONG_MONTH_NAMES[mm]} {yy}"))
            index += 1
    elif unit in ("hour", "minute"):
        out.append((t0, f"{d} {LONG_MONTH_NAMES[m - 1]} {y}"))
        t = (t0 // DAY_SECONDS + 1) * DAY_SECONDS
        while t < t1:
            yy, mm, dd = _ymd(t)
            out.append((t, f"{dd} {LONG_MONTH_NAMES[mm - 1]} {yy}"))
            t += DAY_SECONDS
    return out


def layout_axis(
    t0: int,
    t1: int,
    width: float,
    measure: Callable[[str], float],
    context_measure: Callable[[str], float] | None = None,
) -> AxisLayout:
    """Ticks and context labels for the range [t0, t1) drawn over ``width`` pixels.

    Labels of a row never overlap: the tick step is chosen so the widest label fits its
    shortest step, and a context label that would run into the next is left out (the
    sticky one at the left edge gives way to the first real boundary).
    """
    context_measure = context_measure or measure
    unit, step = choose_unit(t0, t1, width, measure)
    scale = width / max(t1 - t0, 1)
    ticks = [
        Tick(t, (t - t0) * scale, text, measure(text))
        for t, text in _tick_times(unit, step, t0, t1)
    ]
    context: list[Tick] = []
    boundaries = _context_times(unit, t0, t1)
    for i, (t, text) in enumerate(boundaries):
        x = (t - t0) * scale
        w = context_measure(text)
        if context and x < context[-1].x + context[-1].width + LABEL_GAP + 3:
            continue
        if i == 0 and len(boundaries) > 1:
            nxt = (boundaries[1][0] - t0) * scale
            if x + w + LABEL_GAP + 3 > nxt:
                continue  # the sticky label would run into the first boundary's
        context.append(Tick(t, x, text, w))
    return AxisLayout(unit, step, ticks, context)


MIN_SPAN = 10 * 60  # the deepest zoom shows ten minutes
T_MIN = int(days_from_civil(np.array([1]), np.array([1]), np.array([1]))[0]) * DAY_SECONDS
T_MAX = int(days_from_civil(np.array([9999]), np.array([12]), np.array([31]))[0]) * DAY_SECONDS


def clamp_range(t0: int, t1: int) -> tuple[int, int]:
    """[t0, t1) in order, at least ten minutes long and inside years 1..9999."""
    t0, t1 = int(min(t0, t1)), int(max(t0, t1))
    span = min(max(t1 - t0, MIN_SPAN), T_MAX - T_MIN)
    if t1 - t0 < span:
        mid = (t0 + t1) // 2
        t0, t1 = mid - span // 2, mid - span // 2 + span
    if t0 < T_MIN:
        t0, t1 = T_MIN, T_MIN + span
    if t1 > T_MAX:
        t0, t1 = T_MAX - span, T_MAX
    return t0, t1
