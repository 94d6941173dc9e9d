"""Unit tests of desktop_app.domain.dates: parsing with precision, spans, day/month order.

No Qt and no database. Instants are civil seconds since 1970-01-01 (no time zone).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest

from desktop_app.domain.dates import (
    DateOrder,
    Precision,
    describe,
    detect_order,
    from_seconds,
    iso_text,
    parse_date,
    parse_dates,
    span_end_seconds,
    to_seconds,
)

Y, M, D, MIN = Precision.YEAR, Precision.MONTH, Precision.DAY, Precision.MINUTE


def dt(*parts: int) -> datetime:
    return datetime(*parts)  # type: ignore[arg-type]


def parse_many(values: list[str], order: DateOrder | None = None):
    return parse_dates(pd.Series(values, dtype=object), order)


# ---------------------------------------------------------------- accepted formats
@pytest.mark.parametrize(
    "text, start, precision",
    [
        ("2023", dt(2023, 1, 1), Y),
        ("2023-05", dt(2023, 5, 1), M),
        ("2023/05", dt(2023, 5, 1), M),
        ("2023-05-14", dt(2023, 5, 14), D),
        ("2023/5/4", dt(2023, 5, 4), D),
        ("  2023-05-14  ", dt(2023, 5, 14), D),
        ("2023-05-14 09:30", dt(2023, 5, 14, 9, 30), MIN),
        ("2023-05-14T09:30:15", dt(2023, 5, 14, 9, 30, 15), MIN),
        ("2023-05-14T09:30:15.250", dt(2023, 5, 14, 9, 30, 15), MIN),
        ("20230514", dt(2023, 5, 14), D),  # GDELT SQLDATE
        ("202305140930", dt(2023, 5, 14, 9, 30), MIN),
        ("20250516123000", dt(2025, 5, 16, 12, 30), MIN),  # GDELT 2 DATEADDED
        ("14/05/2023", dt(2023, 5, 14), D),
        ("14.05.2023", dt(2023, 5, 14), D),
        ("14-05-2023", dt(2023, 5, 14), D),
        ("14/05/2023 09:30", dt(2023, 5, 14, 9, 30), MIN),
        ("05/14/2023 2:30 PM", dt(2023, 5, 14, 14, 30), MIN),
        ("05/14/2023 12:15 AM", dt(2023, 5, 14, 0, 15), MIN),
        ("05/14/2023 12:15 PM", dt(2023, 5, 14, 12, 15), MIN),
        ("16 May 2025", dt(2025, 5, 16), D),
        ("3 June 2025", dt(2025, 6, 3), D),
        ("16th May 2025", dt(2025, 5, 16), D),
        ("16-May-2025", dt(2025, 5, 16), D),
        ("May 16, 2025", dt(2025, 5, 16), D),
        ("Sept 3, 2025", dt(2025, 9, 3), D),
        ("May 2025", dt(2025, 5, 1), M),
        ("September 2025", dt(2025, 9, 1), M),
        ("1700000000", dt(2023, 11, 14, 22, 13, 20), MIN),  # epoch seconds (UTC)
        ("1700000000000", dt(2023, 11, 14, 22, 13, 20), MIN),  # epoch milliseconds
    ],
)
def test_accepted_format(text: str, start: datetime, precision: Precision) -> None:
    parsed = parse_date(text)
    assert (parsed.start, parsed.precision) == (start, precision)


def test_column_keeps_each_values_precision_and_alignment() -> None:
    parsed = parse_many(["2023", "2023-05", "2023", "", "2023-05-14 09:30", None])
    assert parsed.precision.tolist() == [Y, M, Y, 0, MIN, 0]
    assert parsed.ok.tolist() == [True, True, True, False, True, False]
    assert parsed.error.tolist()[3] == "empty" and parsed.error.tolist()[5] == "empty"
    assert parsed.seconds[0] == parsed.seconds[2] == to_seconds(dt(2023, 1, 1))


# ---------------------------------------------------------------- span ends
@pytest.mark.parametrize(
    "start, precision, end",
    [
        (dt(2023, 1, 1), Y, dt(2024, 1, 1)),
        (dt(2023, 5, 1), M, dt(2023, 6, 1)),
        (dt(2023, 12, 1), M, dt(2024, 1, 1)),  # December rolls into the next year
        (dt(2024, 2, 1), M, dt(2024, 3, 1)),  # leap February: 29 days
        (dt(2023, 2, 1), M, dt(2023, 3, 1)),
        (dt(2023, 5, 14), D, dt(2023, 5, 15)),
        (dt(2023, 12, 31), D, dt(2024, 1, 1)),
        (dt(1969, 12, 31), D, dt(1970, 1, 1)),  # negative seconds
        (dt(2023, 12, 31, 23, 59), MIN, dt(2024, 1, 1)),
        (dt(2023, 5, 14, 9, 30), MIN, dt(2023, 5, 14, 9, 31)),
        (dt(1066, 1, 1), Y, dt(1067, 1, 1)),
    ],
)
def test_span_end(start: datetime, precision: Precision, end: datetime) -> None:
    got = span_end_seconds(np.array([to_seconds(start)]), np.array([precision]))
    assert from_seconds(int(got[0])) == end


def test_span_end_vectorised_over_mixed_precisions() -> None:
    starts = [dt(2024, 2, 1), dt(2024, 2, 29), dt(2100, 2, 1), dt(2000, 2, 1)]
    precisions = [M, D, M, M]
    got = span_end_seconds(np.array([to_seconds(s) for s in starts]), np.array(precisions))
    assert [from_seconds(int(s)) for s in got] == [
        dt(2024, 3, 1),
        dt(2024, 3, 1),
        dt(2100, 3, 1),
        dt(2000, 3, 1),
    ]
    # and the day counts behind them: 2100 is not a leap year, 2000 is
    assert [(from_seconds(int(e)) - s).days for s, e in zip(starts, got, strict=True)] == [
        29,
        1,
        28,
        29,
    ]


def test_partial_date_end_is_exclusive() -> None:
    assert parse_date("2024-02").end == dt(2024, 3, 1)
    assert parse_date("2023").end == dt(2024, 1, 1)


# ---------------------------------------------------------------- rejected values
@pytest.mark.parametrize(
    "text, reason",
    [
        ("31/02/2024", "impossible date"),
        ("2023-02-29", "impossible date"),  # not a leap year
        ("1700-02-29", "impossible date"),  # century, not a leap year
        ("2024-13-01", "impossible date"),
        ("2023-05-14 24:00", "impossible date"),
        ("2023-05-14 09:60", "impossible date"),
        ("16 Foo 2025", "unknown month name 'Foo'"),
        ("Smarch 2025", "unknown month name 'Smarch'"),
        ("Foo 3, 2025", "unknown month name 'Foo'"),
        ("hello", "unrecognised date"),
        ("", "empty"),
    ],
)
def test_rejected_with_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_date(text)
    parsed = parse_many([text])
    assert not parsed.ok[0] and reason in parsed.error[0]
    assert parsed.precision[0] == 0


def test_leap_days_that_exist() -> None:
    assert parse_date("2024-02-29").start == dt(2024, 2, 29)
    assert parse_date("1600-02-29").start == dt(1600, 2, 29)
    assert parse_date("29/02/2000").start == dt(2000, 2, 29)


def test_bad_value_does_not_spoil_the_column() -> None:
    parsed = parse_many(["2024-01-01", "31/02/2024", "2024-01-02"])
    assert parsed.ok.tolist() == [True, False, True]


# ---------------------------------------------------------------- day/month order
def test_detect_day_first() -> None:
    report = detect_order(pd.Series(["25/12/2023", "03/04/2024"]))
    assert (report.order, report.conflicting, report.ambiguous) == (
        DateOrder.DAY_FIRST,
        False,
        False,
    )


def test_detect_month_first() -> None:
    report = detect_order(pd.Series(["12/25/2023", "03/04/2024", "11/2/2015"]))
    assert (report.order, report.numeric_values, report.conflicting) == (
        DateOrder.MONTH_FIRST,
        3,
        False,
    )


def test_detect_ambiguous() -> None:
    report = detect_order(pd.Series(["03/04/2024", "05/06/2024", "01/02/2024"]))
    assert report.order is None and report.ambiguous


def test_detect_nothing_to_decide() -> None:
    report = detect_order(pd.Series(["2024-01-01", "16 May 2025", ""]))
    assert report.order is None and not report.ambiguous and report.numeric_values == 0


@pytest.mark.parametrize(
    "values, order",
    [
        (["25/12/2023", "26/12/2023", "12/25/2023"], DateOrder.DAY_FIRST),
        (["25/12/2023", "12/25/2023", "12/26/2023"], DateOrder.MONTH_FIRST),
        (["25/12/2023", "12/25/2023"], DateOrder.DAY_FIRST),  # a tie goes to day-first
        # distinct values are counted: repeating one does not outvote two others
        (["25/12/2023"] * 5 + ["12/25/2023", "12/26/2023"], DateOrder.MONTH_FIRST),
    ],
)
def test_detect_conflicting_column(values: list[str], order: DateOrder) -> None:
    report = detect_order(pd.Series(values))
    assert report.conflicting and report.order is order


def test_column_decides_order_of_its_ambiguous_values() -> None:
    parsed = parse_many(["25/12/2023", "03/04/2024"])
    assert from_seconds(int(parsed.seconds[1])) == dt(2024, 4, 3)
    parsed = parse_many(["12/25/2023", "03/04/2024"])
    assert from_seconds(int(parsed.seconds[1])) == dt(2024, 3, 4)


def test_explicit_order_and_default() -> None:
    assert parse_date("03/04/2024").start == dt(2024, 4, 3)  # nothing decides: day-first
    assert parse_date("03/04/2024", DateOrder.MONTH_FIRST).start == dt(2024, 3, 4)
    assert parse_date("03/04/2024", DateOrder.DAY_FIRST).start == dt(2024, 4, 3)
    with pytest.raises(ValueError, match="impossible"):
        parse_date("25/12/2023", DateOrder.MONTH_FIRST)


@pytest.mark.parametrize(
    "text, year",
    [
        ("03/04/24", 2024),
        ("31/12/69", 2069),
        ("01/01/70", 1970),
        ("01/01/99", 1999),
        ("01/01/00", 2000),
    ],
)
def test_two_digit_years(text: str, year: int) -> None:
    parsed = parse_date(text)
    assert parsed.start.year == year and parsed.precision is D


# ---------------------------------------------------------------- time zones
@pytest.mark.parametrize(
    "text, utc",
    [
        ("2023-05-14T09:30Z", dt(2023, 5, 14, 9, 30)),
        ("2023-05-14T09:30+02:00", dt(2023, 5, 14, 7, 30)),
        ("2023-05-14T09:30:00+0200", dt(2023, 5, 14, 7, 30)),
        ("2023-05-14T09:30+05:30", dt(2023, 5, 14, 4, 0)),
        ("2023-05-14T01:30+02:00", dt(2023, 5, 13, 23, 30)),  # back across midnight
        ("2023-12-31T22:30-05:00", dt(2024, 1, 1, 3, 30)),  # forward into a new year
    ],
)
def test_offsets_converted_to_utc(text: str, utc: datetime) -> None:
    assert parse_date(text).start == utc


def test_date_only_values_are_never_shifted() -> None:
    assert to_seconds(parse_date("2023-05-14").start) == to_seconds(dt(2023, 5, 14))


def test_to_seconds_of_aware_datetime_is_utc() -> None:
    aware = datetime(2023, 5, 14, 9, 30, tzinfo=timezone(timedelta(hours=2)))
    assert to_seconds(aware) == to_seconds(dt(2023, 5, 14, 7, 30))
    assert to_seconds(dt(1970, 1, 1)) == 0
    assert to_seconds(dt(1970, 1, 2)) == 86_400


# ---------------------------------------------------------------- far past and future
@pytest.mark.parametrize(
    "text, start, precision",
    [
        ("1066", dt(1066, 1, 1), Y),
        ("1066-10-14", dt(1066, 10, 14), D),
        ("14 October 1066", dt(1066, 10, 14), D),
        ("1500-06", dt(1500, 6, 1), M),
        ("2500", dt(2500, 1, 1), Y),
        ("2500-12-31 23:59", dt(2500, 12, 31, 23, 59), MIN),
        ("0999-01-01", dt(999, 1, 1), D),
    ],
)
def test_years_outside_pandas_timestamp_range(
    text: str, start: datetime, precision: Precision
) -> None:
    parsed = parse_date(text)
    assert (parsed.start, parsed.precision) == (start, precision)
    assert from_seconds(to_seconds(start)) == start


def test_year_before_1_is_a_clear_error() -> None:
    assert not parse_many(["-0044-03-15"]).ok[0]
    assert "year out of range" in parse_many(["-0044-03-15"]).error[0]
    with pytest.raises(ValueError, match="year out of range"):
        parse_date("-0044-03-15")
    assert parse_many(["0001-01-01", "9999-12-31"]).ok.all()


# ---------------------------------------------------------------- describe / iso_text
@pytest.mark.parametrize(
    "start, precision, words",
    [
        (dt(2023, 1, 1), Y, "2023, year only"),
        (dt(2023, 5, 1), M, "May 2023, month only"),
        (dt(2023, 5, 14), D, "14 May 2023"),
        (dt(2023, 5, 14, 9, 30), MIN, "14 May 2023, 09:30"),
    ],
)
def test_describe(start: datetime, precision: Precision, words: str) -> None:
    assert describe(start, precision) == words


@pytest.mark.parametrize(
    "start, precision, text",
    [
        (dt(2023, 1, 1), Y, "2023"),
        (dt(2023, 5, 1), M, "2023-05"),
        (dt(2023, 5, 14), D, "2023-05-14"),
        (dt(2023, 5, 14, 9, 30), MIN, "2023-05-14 09:30"),
        (dt(999, 3, 1), M, "0999-03"),
    ],
)
def test_iso_text_round_trip(start: datetime, precision: Precision, text: str) -> None:
    assert iso_text(start, precision) == text
    parsed = parse_date(text)
    assert (parsed.start, parsed.precision) == (start, precision)


def test_precision_labels() -> None:
    assert [p.label for p in Precision] == ["year", "month", "day", "minute"]
    assert Precision.from_label(" Day ") is D
    assert Y < M < D < MIN


def test_random_dates_round_trip_through_iso_text() -> None:
    """parse_dates(iso_text(d)) gives back d's instant and precision, for years 1-9999."""
    rng = random.Random(20240601)
    starts, precisions = [], []
    for _ in range(3000):
        precision = rng.choice(list(Precision))
        year = rng.choice([rng.randint(1, 9999), rng.randint(1900, 2100)])
        month = 1 if precision is Y else rng.randint(1, 12)
        day = 1 if precision <= M else rng.randint(1, 28 if month == 2 else 30)
        hour, minute = (rng.randint(0, 23), rng.randint(0, 59)) if precision is MIN else (0, 0)
        starts.append(datetime(year, month, day, hour, minute))
        precisions.append(precision)
    texts = [iso_text(s, p) for s, p in zip(starts, precisions, strict=True)]
    parsed = parse_many(texts)
    assert parsed.ok.all(), [t for t, ok in zip(texts, parsed.ok, strict=True) if not ok][:5]
    assert parsed.seconds.tolist() == [to_seconds(s) for s in starts]
    assert parsed.precision.tolist() == [int(p) for p in precisions]
