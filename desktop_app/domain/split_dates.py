"""Dates held in separate year, month and day columns, where 0 or blank means unknown.

The Global Terrorism Database writes its dates this way (iyear, imonth, iday: "iday 0"
means the day is not known), and so do many hand-made sheets. The parts become one
span at the precision they give (see :mod:`desktop_app.domain.dates`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from desktop_app.domain.dates import (
    DAY_SECONDS,
    YEAR_RANGE,
    ParsedDates,
    Precision,
    days_from_civil,
    days_in_month,
)

_WHOLE = re.compile(r"^[+-]?\d+(?:\.0*)?$")


def parse_split_dates(
    year: pd.Series, month: pd.Series | None = None, day: pd.Series | None = None
) -> ParsedDates:
    """Dates held in separate year, month and day columns (GTD's iyear/imonth/iday).

    A month or day that is blank or 0 is unknown: the date then has year or month
    precision (a day without a month is ignored). Numbers may carry a ".0" (spreadsheet
    re-saves). A blank year is "empty"; anything else that is not a whole number, or a
    month or day that does not exist, is an error naming the value.
    """
    n = len(year)

    def parts(values: pd.Series | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if values is None:
            blank = np.ones(n, bool)
            return np.zeros(n, np.int64), blank, np.zeros(n, bool)
        texts = values.astype("string").fillna("").str.strip()
        blank = (texts == "").to_numpy()
        whole = texts.str.match(_WHOLE).fillna(False).to_numpy(bool)
        numbers = pd.to_numeric(texts.where(whole, None), errors="coerce")
        out = numbers.fillna(0).to_numpy(np.float64).astype(np.int64)
        return out, blank, ~blank & ~whole

    y, y_blank, y_bad = parts(year)
    m, m_blank, m_bad = parts(month)
    d, d_blank, d_bad = parts(day)
    month_known = ~m_blank & ~m_bad & (m != 0)
    day_known = month_known & ~d_blank & ~d_bad & (d != 0)
    precision = np.where(
        day_known, Precision.DAY, np.where(month_known, Precision.MONTH, Precision.YEAR)
    ).astype(np.int8)
    mm = np.where(month_known, m, 1)
    dd = np.where(day_known, d, 1)
    error = np.full(n, "", dtype=object)
    texts = {
        name: (
            v.astype("string").fillna("").to_numpy(object)
            if v is not None
            else np.full(n, "", object)
        )
        for name, v in (("year", year), ("month", month), ("day", day))
    }

    def fail(mask: np.ndarray, reason: Callable[[int], str]) -> None:
        mask = mask & (error == "")
        error[mask] = [reason(int(i)) for i in np.flatnonzero(mask)]

    fail(y_blank, lambda i: "empty")
    fail(y_bad, lambda i: f"year {texts['year'][i]!r} is not a whole number")
    fail((y < 1) | (y > 9999), lambda i: f"{YEAR_RANGE}: {texts['year'][i]!r}")
    fail(
        m_bad | (month_known & ((m < 0) | (m > 12))),
        lambda i: f"month {texts['month'][i]!r} is not 1 to 12 (0 or blank: unknown)",
    )
    fail(
        d_bad | (day_known & ((d < 0) | (d > days_in_month(y, mm)))),
        lambda i: (
            f"impossible date: year {texts['year'][i]!r}, month {texts['month'][i]!r}, "
            f"day {texts['day'][i]!r}"
        ),
    )
    ok = error == ""
    seconds = np.where(
        ok, days_from_civil(np.where(ok, y, 1970), mm, np.where(ok, dd, 1)) * DAY_SECONDS, 0
    )
    return ParsedDates(seconds.astype(np.int64), np.where(ok, precision, 0).astype(np.int8), error)
