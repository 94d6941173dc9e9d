"""The rules an event's values obey, for an import and an edit alike.

An import checks whole columns at once (numpy masks), an edit checks one value; both ask
this module, so the limits and the words an analyst reads are defined once. The date
range lives with the dates (:data:`desktop_app.domain.dates.YEAR_RANGE`) and the grading
scales with the grades (:mod:`desktop_app.domain.grades`: its normalisers say what is
wrong with a grade in the same words for both).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LATITUDE_LIMIT = 90.0  # degrees either side of the equator
LONGITUDE_LIMIT = 180.0  # degrees either side of Greenwich


@dataclass(frozen=True)
class Rule:
    """One rule a value can break: the field it is about and what the analyst reads."""

    field: str  # "latitude", "longitude" or "end"
    message: str


LATITUDE_RANGE = Rule(
    "latitude", f"latitude out of range (-{LATITUDE_LIMIT:g} to {LATITUDE_LIMIT:g})"
)
LONGITUDE_RANGE = Rule(
    "longitude", f"longitude out of range (-{LONGITUDE_LIMIT:g} to {LONGITUDE_LIMIT:g})"
)
COORDINATES_IN_PAIRS = Rule(
    "latitude", "latitude and longitude come in pairs: give both or neither"
)
END_BEFORE_START = Rule("end", "the end is before the start")
# text that is not a number (only an import reads coordinates from text)
LATITUDE_NOT_A_NUMBER = Rule("latitude", "latitude is not a number")
LONGITUDE_NOT_A_NUMBER = Rule("longitude", "longitude is not a number")


def coordinate_breaches(
    latitude: np.ndarray, longitude: np.ndarray, pairs: bool = True
) -> list[tuple[Rule, np.ndarray]]:
    """Each coordinate rule with the mask of the rows that break it.

    NaN means "not given" (never out of range). ``pairs=False`` leaves out the pairing
    rule, for a file that has only one of the two columns.
    """
    breaches = [
        (LATITUDE_RANGE, np.abs(latitude) > LATITUDE_LIMIT),
        (LONGITUDE_RANGE, np.abs(longitude) > LONGITUDE_LIMIT),
    ]
    if pairs:
        breaches.append((COORDINATES_IN_PAIRS, np.isnan(latitude) ^ np.isnan(longitude)))
    return breaches


def in_range(latitude: np.ndarray, longitude: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The coordinates with every value out of range made NaN (not given)."""
    lat = np.where(np.abs(latitude) <= LATITUDE_LIMIT, latitude, np.nan)
    lon = np.where(np.abs(longitude) <= LONGITUDE_LIMIT, longitude, np.nan)
    return lat, lon


def coordinate_problem(latitude: float | None, longitude: float | None) -> Rule | None:
    """The first rule one place's coordinates break (None: not given), or None."""
    lat = np.array([np.nan if latitude is None else latitude], np.float64)
    lon = np.array([np.nan if longitude is None else longitude], np.float64)
    for rule, mask in coordinate_breaches(lat, lon):
        if mask[0]:
            return rule
    return None


def ends_before_start(start_s: np.ndarray, end_s: np.ndarray) -> np.ndarray:
    """Mask of the spans whose exclusive end is not after their start."""
    before: np.ndarray = np.asarray(end_s) <= np.asarray(start_s)
    return before


def span_problem(start_s: int, end_s: int | None) -> Rule | None:
    """The rule one event's span breaks (``end_s`` exclusive, None: no end), or None."""
    if end_s is None:
        return None
    before = ends_before_start(np.array([start_s], np.int64), np.array([end_s], np.int64))
    return END_BEFORE_START if before[0] else None
