"""The row checks every preset shares: dates and spans, titles, coordinates, grades.

A preset turns a file into a :class:`~desktop_app.ingest.presets.base.Draft` of typed
columns; :meth:`Validated.check` decides, for whole columns at once, which rows are
accepted and why each other one is rejected. The rules and their words are those of
:mod:`desktop_app.domain.rules` (and the grades and dates it points to), which the
editor's checks use too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from desktop_app.domain import grades, rules
from desktop_app.domain.dates import span_end_seconds
from desktop_app.ingest.presets.base import Draft, Reject
from desktop_app.ingest.vector import map_distinct, to_float


@dataclass
class Validated:
    """Row checks shared by every preset."""

    accepted: np.ndarray
    skipped: np.ndarray
    rejects: list[Reject]
    lat: np.ndarray
    lon: np.ndarray
    end_s: pd.Series  # Int64
    reliability: pd.Series
    credibility: pd.Series

    @property
    def rejected_rows(self) -> int:
        return len({r.row for r in self.rejects})

    @classmethod
    def check(cls, d: Draft) -> Validated:
        n = len(d)
        rownum = d.table.row_numbers
        skipped = d.skip if d.skip is not None else np.zeros(n, bool)
        bad = np.zeros(n, bool)
        rejects = list(d.rejects) + [Reject(r, "", reason) for r, reason in d.table.bad_rows]

        def reject(
            mask: np.ndarray, column: str, reasons: str | Callable[[np.ndarray], np.ndarray]
        ) -> None:
            mask = mask & ~skipped
            if not mask.any():
                return
            texts = reasons(mask) if callable(reasons) else np.full(int(mask.sum()), reasons)
            rejects.extend(
                Reject(int(r), column, str(t)) for r, t in zip(rownum[mask], texts, strict=True)
            )
            bad[:] |= mask

        start = d.start.parsed
        reject(
            ~start.ok,
            d.start.column,
            lambda m: np.array(
                ["no date" if e == "empty" else f"date: {e}" for e in start.error[m]]
            ),
        )
        end_s = pd.Series(pd.NA, index=range(n), dtype="Int64")
        if d.end is not None:
            end = d.end.parsed
            given = end.error != "empty"
            reject(
                given & ~end.ok,
                d.end.column,
                lambda m: np.array([f"end date: {e}" for e in end.error[m]]),
            )
            end_span = span_end_seconds(end.seconds, end.precision)
            before = given & end.ok & start.ok & rules.ends_before_start(start.seconds, end_span)
            reject(before, d.end.column, rules.END_BEFORE_START.message)
            has_end = given & end.ok
            end_s[has_end] = end_span[has_end]  # exclusive end of the end's own span
        reject((d.title.fillna("") == "").to_numpy(), "title", "no title or description")

        lat = _coordinate(d.latitude, n)
        lon = _coordinate(d.longitude, n)
        columns = dict(zip(("latitude", "longitude"), d.coord_columns, strict=True))
        pairs = d.latitude is not None and d.longitude is not None
        breaches = rules.coordinate_breaches(lat, lon, pairs=pairs)
        for values, number, not_a_number, (out_of_range, out) in zip(
            (d.latitude, d.longitude),
            (lat, lon),
            (rules.LATITUDE_NOT_A_NUMBER, rules.LONGITUDE_NOT_A_NUMBER),
            breaches[:2],
            strict=True,
        ):
            if values is not None:
                given = (values.fillna("") != "").to_numpy()
                reject(given & np.isnan(number), columns[not_a_number.field], not_a_number.message)
                reject(out, columns[out_of_range.field], out_of_range.message)
        for rule, mask in breaches[2:]:
            reject(mask, columns[rule.field], rule.message)
        lat, lon = rules.in_range(lat, lon)

        reliability = _grade(d.reliability, n, grades.normalise_reliability, reject, "reliability")
        credibility = _grade(d.credibility, n, grades.normalise_credibility, reject, "credibility")
        accepted = ~bad & ~skipped
        rejects.sort(key=lambda r: r.row)
        return cls(accepted, skipped, rejects, lat, lon, end_s, reliability, credibility)


def _coordinate(values: pd.Series | None, n: int) -> np.ndarray:
    return np.full(n, np.nan) if values is None else to_float(values)


def _grade(
    values: pd.Series | None,
    n: int,
    normalise: Callable[[str], object],
    reject: Callable[..., None],
    column: str,
) -> pd.Series:
    """Grades normalised (B, 2), with a reject for each value outside its scale."""
    if values is None:
        return pd.Series([None] * n, dtype=object)

    def check(value: object) -> tuple[object, str]:
        try:
            return normalise(str(value) if value is not None else ""), ""
        except ValueError as exc:
            return None, str(exc)

    checked = map_distinct(values.fillna(""), check)
    reasons = np.array([r for _, r in checked], dtype=object)
    reject(reasons != "", column, lambda m: reasons[m])
    return pd.Series([g for g, _ in checked], dtype=object)
