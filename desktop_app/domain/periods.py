"""Periods of time for playback: "1d", "1w", "1M", "1y", and the windows they step.

A period is a count and a unit: ``h`` hours, ``d`` days, ``w`` weeks, ``M`` months,
``y`` years (``m`` is minutes, as in most tools; months are the capital ``M``). Days
and shorter are fixed lengths in civil seconds; months and years follow the calendar
(2024-01-31 plus one month is 2024-02-29, then 2024-03-29…), so a month window always
covers one calendar month when it starts on the first.

``windows(t0, t1, width, step)`` lists the ``[start, end)`` windows of a playback from
``t0`` to ``t1``: each ``width`` long (None: cumulative, from ``t0``), one ``step``
apart. ``caption`` writes a window's dates at the precision its width warrants
("2024-06" for a month, "2024-06-10" to "2024-06-16" for a week), never an hour on a day's window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from desktop_app.domain.dates import (
    Precision,
    days_in_month,
    from_seconds,
    iso_text,
    to_seconds,
)

_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks", "M": "months", "y": "years"}
_PATTERN = re.compile(r"^\s*(\d+)\s*([mhdwMy])\s*$")
MAX_WINDOWS = 100_000  # a playback is for watching: more steps than this is a typo


@dataclass(frozen=True)
class Period:
    count: int
    unit: str  # one of _UNITS

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"

    @property
    def precision(self) -> Precision:
        """The finest precision a window of this width needs to be told."""
        if self.unit in ("m", "h"):
            return Precision.MINUTE
        if self.unit in ("d", "w"):
            return Precision.DAY
        if self.unit == "M":
            return Precision.MONTH
        return Precision.YEAR

    def add(self, moment: datetime, times: int = 1) -> datetime:
        n = self.count * times
        if self.unit in ("m", "h", "d", "w"):
            return moment + timedelta(**{_UNITS[self.unit]: n})
        months = n * (12 if self.unit == "y" else 1)
        y, m = divmod(moment.month - 1 + months, 12)
        year, month = moment.year + y, m + 1
        day = min(moment.day, int(days_in_month(np.array([year]), np.array([month]))[0]))
        return moment.replace(year=year, month=month, day=day)

    def floor(self, moment: datetime) -> datetime:
        """The start of the unit ``moment`` is in (its day, month or year; its hour)."""
        if self.unit == "m":
            return moment.replace(second=0, microsecond=0)
        if self.unit == "h":
            return moment.replace(minute=0, second=0, microsecond=0)
        day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        if self.unit == "M":
            return day.replace(day=1)
        if self.unit == "y":
            return day.replace(month=1, day=1)
        return day


def parse_period(text: str) -> Period:
    """'1w' -> Period(1, 'w'); a clear ValueError for anything else."""
    match = _PATTERN.match(text)
    if match is None or int(match.group(1)) <= 0:
        raise ValueError(
            f"not a period: {text!r} (a count and a unit: 6h, 1d, 1w, 1M for a month, 1y)"
        )
    return Period(int(match.group(1)), match.group(2))


def windows(t0: int, t1: int, width: Period | None, step: Period) -> list[tuple[int, int]]:
    """The playback's windows from ``t0`` to ``t1`` (civil seconds): each ``width`` long
    (None: cumulative, every window starts at ``t0``), starts ``step`` apart from the
    start of the step's unit that holds ``t0`` (a month's steps start on the 1st); the
    last one reaches ``t1``."""
    if t1 <= t0:
        return [(t0, t0 + 1)]
    start = step.floor(from_seconds(t0))
    t0 = to_seconds(start)
    out: list[tuple[int, int]] = []
    k = 0
    while True:
        lo = step.add(start, k)
        lo_s = to_seconds(lo)
        if lo_s >= t1 and out:
            break
        if width is None:
            hi_s = to_seconds(step.add(start, k + 1))
            out.append((t0, min(max(hi_s, lo_s + 1), t1)))
        else:
            hi_s = to_seconds(width.add(lo))
            out.append((lo_s, max(hi_s, lo_s + 1)))
        k += 1
        if k > MAX_WINDOWS:
            raise ValueError(
                f"{k:,}+ steps of {step} from {iso_text(start, Precision.DAY)}: "
                "choose a longer step"
            )
        if width is None and out[-1][1] >= t1:
            break
    return out


def caption(window: tuple[int, int], precision: Precision) -> str:
    """A window's dates at ``precision``: '2024-06' for a month, the first and last
    days joined by an en dash for a week (the last day shown is the last one inside the window)."""
    lo, hi = window
    first = iso_text(from_seconds(lo), precision)
    last = iso_text(from_seconds(max(hi - 1, lo)), precision)
    return first if first == last else f"{first} – {last}"  # noqa: RUF001 (typography)


def span_caption(t0: int, t1: int) -> str:
    """A period of any length in words at the precision its length warrants: years for
    two years or more, months for two months, days for a day or more, else minutes (a PDF
    page's period reads from day to day, not from 23:02 to 00:57)."""
    days = (t1 - t0) / 86_400
    precision = (
        Precision.YEAR
        if days >= 730
        else Precision.MONTH
        if days >= 60
        else Precision.DAY
        if days >= 1
        else Precision.MINUTE
    )
    return caption((t0, t1), precision)
