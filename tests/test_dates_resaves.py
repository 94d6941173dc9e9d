"""Dates as they come from spreadsheets and other tools: forms a spreadsheet re-save
makes (9-May-20 and its kin), named time zones (converted to UTC, never shifting a
date without a time), and dates split over year/month/day columns (0 meaning unknown).
Helpers in test_dates.
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest
from test_dates import MIN, D, M, Y, dt, parse_many

from desktop_app.domain.dates import (
    Precision,
    from_seconds,
    parse_date,
)


# ---------------------------------------------------------------- spreadsheet re-saves
@pytest.mark.parametrize(
    "text, start, precision",
    [
        ("9-May-20", dt(2020, 5, 9), D),  # Excel's d-mmm-yy (an ACLED export re-saved)
        ("09-May-2020", dt(2020, 5, 9), D),
        ("9-may-20", dt(2020, 5, 9), D),
        ("31-Dec-69", dt(2069, 12, 31), D),
        ("1-Jan-70", dt(1970, 1, 1), D),
        ("09 May 20", dt(2020, 5, 9), D),
        ("09/May/2020", dt(2020, 5, 9), D),
        ("May 9, 2020", dt(2020, 5, 9), D),
        ("May-09-2020", dt(2020, 5, 9), D),
        ("5/9/20", dt(2020, 9, 5), D),  # day-first when nothing decides (reported elsewhere)
        ("May-20", dt(2020, 5, 1), M),  # Excel's mmm-yy
        ("16 May 2025 14:30", dt(2025, 5, 16, 14, 30), MIN),
        ("16 May 2025 2:30 pm", dt(2025, 5, 16, 14, 30), MIN),
        ("May 16, 2025 9:05:30 AM", dt(2025, 5, 16, 9, 5, 30), MIN),
        ("9 May 2020 at 9:15 a.m.", dt(2020, 5, 9, 9, 15), MIN),
    ],
)
def test_spreadsheet_resave_forms(text: str, start: datetime, precision: Precision) -> None:
    parsed = parse_date(text)
    assert (parsed.start, parsed.precision) == (start, precision)


def test_resave_forms_keep_day_month_order_detection() -> None:
    parsed = parse_many(["5/9/20", "5/13/20", "9-May-20"])
    assert [from_seconds(int(s)) for s in parsed.seconds] == [
        dt(2020, 5, 9),
        dt(2020, 5, 13),
        dt(2020, 5, 9),
    ]


def test_excel_acled_column_parses_whole() -> None:
    days = [
        f"{d}-{m}-{y}"
        for y in ("19", "20")
        for m in ("Jan", "Feb", "May", "Dec")
        for d in (1, 9, 28)
    ]
    parsed = parse_many(days)
    assert parsed.ok.all()
    assert set(parsed.precision.tolist()) == {D}


@pytest.mark.parametrize("text", ["9-May", "May-2020-09", "32-May-20", "9-Mai-20x"])
def test_resave_lookalikes_are_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


# ---------------------------------------------------------------- named time zones
@pytest.mark.parametrize(
    "text, utc",
    [
        ("2012-01-11 10:30 UTC", dt(2012, 1, 11, 10, 30)),
        ("2012-01-11 10:30 GMT", dt(2012, 1, 11, 10, 30)),
        ("Jan 11 2012 10:30 CST", dt(2012, 1, 11, 16, 30)),  # US Central, UTC-6
        ("Jan 11 2012 10:30 EST", dt(2012, 1, 11, 15, 30)),
        ("07/14/2012 09:00 EDT", dt(2012, 7, 14, 13, 0)),  # 14: month-first, detected
        ("Jan 11 2012 23:30 PST", dt(2012, 1, 12, 7, 30)),  # across midnight
        ("Wed, 11 Jan 2012 10:30:00 GMT", dt(2012, 1, 11, 10, 30)),  # RFC 2822
        ("11 Jan 2012 10:30:00 +0200", dt(2012, 1, 11, 8, 30)),
        ("2012-01-11T10:30 UTC+3", dt(2012, 1, 11, 7, 30)),
        ("2012-01-11 10:30 (MSK)", dt(2012, 1, 11, 7, 30)),
        ("2012-01-11 10:30 cet", dt(2012, 1, 11, 9, 30)),
    ],
)
def test_named_zones_converted_to_utc(text: str, utc: datetime) -> None:
    parsed = parse_date(text)
    assert (parsed.start, parsed.precision) == (utc, MIN)


@pytest.mark.parametrize(
    "text, day",
    [
        ("Jan 11 2012 CST", dt(2012, 1, 11)),
        ("2012-01-11 UTC", dt(2012, 1, 11)),
        ("Thursday, May 9, 2020", dt(2020, 5, 9)),
        ("12/31/2020 EST", dt(2020, 12, 31)),
    ],
)
def test_dates_with_a_zone_but_no_time_are_never_shifted(text: str, day: datetime) -> None:
    parsed = parse_date(text)
    assert (parsed.start, parsed.precision) == (day, D)


@pytest.mark.parametrize(
    "text", ["Jan 11 2012 XYZ", "2012 -2015", "2020 - 2021", "10:30 CST", "Jan 11 2012 IST"]
)
def test_unknown_zones_and_lookalikes_are_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="unrecognised date"):
        parse_date(text)


# ---------------------------------------------------------------- split year/month/day
def split(year: list[str], month: list[str] | None = None, day: list[str] | None = None):
    from desktop_app.domain.split_dates import parse_split_dates

    def col(values: list[str] | None) -> pd.Series | None:
        return None if values is None else pd.Series(values, dtype=object)

    return parse_split_dates(pd.Series(year, dtype=object), col(month), col(day))


def test_split_dates_with_zero_meaning_unknown() -> None:
    parsed = split(
        ["1970", "1970", "1970", "1998", "2001.0"],
        ["7", "0", "1", "", "2.0"],
        ["2", "5", "0", "15", "28"],
    )
    assert parsed.ok.all()
    assert [from_seconds(int(s)) for s in parsed.seconds] == [
        dt(1970, 7, 2),
        dt(1970, 1, 1),
        dt(1970, 1, 1),
        dt(1998, 1, 1),
        dt(2001, 2, 28),
    ]
    # month 0: the year only (the day is ignored); day 0: the month
    assert parsed.precision.tolist() == [D, Y, M, Y, D]


def test_split_dates_year_only_and_missing_columns() -> None:
    parsed = split(["1989", "2020"])
    assert parsed.precision.tolist() == [Y, Y]
    parsed = split(["1989"], ["11"])
    assert (from_seconds(int(parsed.seconds[0])), int(parsed.precision[0])) == (dt(1989, 11, 1), M)


@pytest.mark.parametrize(
    "year, month, day, reason",
    [
        ("", "1", "1", "empty"),
        ("abc", "1", "1", "year 'abc' is not a whole number"),
        ("0", "1", "1", "year out of range"),
        ("1991", "13", "1", "month '13' is not 1 to 12"),
        ("1991", "x", "1", "month 'x' is not 1 to 12"),
        ("2001", "2", "29", "impossible date: year '2001', month '2', day '29'"),
        ("2001", "4", "31", "impossible date"),
        ("2001", "4", "1.5", "impossible date"),
    ],
)
def test_split_dates_rejected_with_reason(year: str, month: str, day: str, reason: str) -> None:
    parsed = split([year, "2000"], [month, "2"], [day, "29"])
    assert reason in parsed.error[0]
    assert int(parsed.precision[0]) == 0 and parsed.ok[1]  # the others are unharmed
