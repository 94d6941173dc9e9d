"""Whole columns of export text at once: dates at their precision, span ends,
precision names and coordinates.

Each function gives the same text as its one-value counterpart in ``records.py``
(``start_text``, ``end_text``, ``ExportEvent.precision_name``) and ``repr(float)``,
for a whole chunk of events: values are formatted once per distinct value (a million
events fall on a few thousand days and a few thousand places) and dates by numpy's
``datetime_as_string``, not one Python call per event. No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from desktop_app.domain.dates import DAY_SECONDS, Precision, civil_from_days
from desktop_app.store.export_rows import Ragged

#: numpy datetime unit of each precision's ISO text (minutes: "2023-05-14T09:30")
_UNITS = {Precision.YEAR: "Y", Precision.MONTH: "M", Precision.DAY: "D", Precision.MINUTE: "m"}
_NAMES = np.array(["day", "year", "month", "day", "minute"], object)  # unknown -> "day"


def by_distinct(values: np.ndarray, texts: Callable[[np.ndarray], Sequence[str]]) -> list[str]:
    """``texts(values)`` element by element, computed once per distinct value."""
    if len(values) == 0:
        return []
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.asarray(list(texts(np.asarray(uniques))), object)[codes].tolist()  # type: ignore[no-any-return]


def iso_texts(seconds: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """ISO text of each instant at its precision (2023 / 2023-05 / 2023-05-14 /
    2023-05-14 09:30), as ``domain.dates.iso_text`` writes it."""
    seconds = np.asarray(seconds, np.int64)
    precision = np.asarray(precision, np.int64)
    out = np.empty(len(seconds), object)
    known = np.zeros(len(seconds), bool)
    moments = seconds.astype("datetime64[s]")
    for p, unit in _UNITS.items():
        at = precision == int(p)
        if at.any():
            text = np.datetime_as_string(moments[at], unit=unit)  # type: ignore[call-overload]
            if p is Precision.MINUTE:
                text = np.char.replace(text, "T", " ")
            out[at] = text.astype(object)
            known |= at
    if not known.all():
        Precision(int(precision[~known][0]))  # raises ValueError as iso_text would
    return out


def start_texts(start_s: np.ndarray, precision: np.ndarray) -> list[str]:
    """Each start as ISO text at its precision (``records.start_text``)."""
    start_s = np.asarray(start_s, np.int64)
    precision = np.asarray(precision, np.int64)
    key = start_s * 8 + precision  # precision < 8; civil seconds stay far from overflow
    return by_distinct(key, lambda k: iso_texts(k >> 3, k & 7).tolist())


def end_precisions(end_s: np.ndarray) -> np.ndarray:
    """The coarsest precision whose span ends (exclusively) at each ``end_s``
    (``records.end_precision``): a midnight on a 1 January ends a year, on the 1st a
    month, any other midnight a day; anything else ends a minute."""
    end_s = np.asarray(end_s, np.int64)
    days, rest = np.divmod(end_s, DAY_SECONDS)
    _, month, day = civil_from_days(days)
    midnight = rest == 0
    out = np.full(len(end_s), int(Precision.MINUTE), np.int64)
    out[midnight] = int(Precision.DAY)
    out[midnight & (day == 1)] = int(Precision.MONTH)
    out[midnight & (day == 1) & (month == 1)] = int(Precision.YEAR)
    return out


def end_texts(end_s: np.ndarray, has_end: np.ndarray) -> list[str]:
    """Each end as the ISO text a re-import reads back (``records.end_text``), '' for none."""
    has_end = np.asarray(has_end, bool)
    key = np.where(has_end, np.asarray(end_s, np.int64), np.iinfo(np.int64).min)

    def texts(ends: np.ndarray) -> list[str]:
        out = np.full(len(ends), "", object)
        real = ends != np.iinfo(np.int64).min
        out[real] = iso_texts(ends[real] - 1, end_precisions(ends[real]))
        return list(out.tolist())

    return by_distinct(key, texts)


def precision_names(precision: np.ndarray) -> list[str]:
    """year / month / day / minute ("day" for an unknown code, as ``precision_name``)."""
    precision = np.asarray(precision, np.int64)
    known = (precision > 0) & (precision < len(_NAMES))
    return _NAMES[np.where(known, precision, 0)].tolist()  # type: ignore[no-any-return]


def number_texts(values: np.ndarray, missing: str = "") -> list[str]:
    """Shortest text that reads back to each float (``repr``); ``missing`` for NaN."""

    def texts(bits: np.ndarray) -> list[str]:
        return [missing if v != v else repr(v) for v in bits.view(np.float64).tolist()]

    # distinct by bit pattern: -0.0 and 0.0 are equal floats but read "-0.0" and "0.0"
    return by_distinct(np.ascontiguousarray(values, np.float64).view(np.int64), texts)


class Memo(dict[Any, Any]):
    """Cells already made for a value (most values repeat): kept for the whole export,
    forgotten past ``limit`` entries so memory stays bounded."""

    def __init__(self, make: Callable[[Any], Any], limit: int = 200_000) -> None:
        super().__init__()
        self.make = make
        self.limit = limit

    def __missing__(self, key: Any) -> Any:
        if len(self) >= self.limit:
            self.clear()
        value = self[key] = self.make(key)
        return value

    def column(self, values: Iterable[Any]) -> list[Any]:
        return list(map(self.__getitem__, values))


def ragged_cells(ragged: Ragged, one: Memo, several: Memo, empty: Any) -> list[Any]:
    """A cell per event from its linked values: ``empty`` for none, ``one[value]`` for
    one (most events: no tuple made), ``several[tuple of values]`` for more."""
    sizes = ragged.sizes
    out = [empty] * len(sizes)
    single = np.flatnonzero(sizes == 1)
    for i, cell in zip(
        single.tolist(), one.column(ragged.values[ragged.starts[single]].tolist()), strict=True
    ):
        out[i] = cell
    for i in np.flatnonzero(sizes > 1).tolist():
        out[i] = several[ragged[i]]
    return out
