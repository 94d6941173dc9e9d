"""What a selection of several events amounts to: count, date span, top categories/places.

Pure numpy on the frame (no Qt), so the detail pane's summary is tested without a window.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
import pandas as pd

from desktop_app.frame.event_frame import EventFrame


@dataclass(frozen=True)
class SelectionSummary:
    """A few figures about a set of event rows."""

    count: int
    first_start: int | None  # civil seconds of the earliest start
    first_precision: int  # Precision of that start (0 when empty)
    last_end: int | None  # exclusive end of the latest span
    located: int  # events with coordinates
    top_categories: list[tuple[str, int]]  # (name, count), most frequent first
    top_places: list[tuple[str, int]]


def summarise(frame: EventFrame, rows: np.ndarray, top: int = 5) -> SelectionSummary:
    """Summarise the events at ``rows`` (frame rows, any order, duplicates ignored)."""
    rows = np.asarray(rows, np.int64)
    if len(rows) > 1 and not bool((rows[1:] > rows[:-1]).all()):  # rows_of gives them sorted
        rows = np.unique(rows)
    if not len(rows):
        return SelectionSummary(0, None, 0, None, 0, [], [])
    # every row (select all, no filter): the columns themselves, no gather of a million
    every = len(rows) == len(frame)

    def pick(column: np.ndarray) -> np.ndarray:
        return column if every else column[rows]

    first = int(rows[np.argmin(pick(frame.start))])
    codes, names = frame.single.get("category", (np.full(len(frame), -1, np.int32), []))
    return SelectionSummary(
        count=len(rows),
        first_start=int(frame.start[first]),
        first_precision=int(frame.precision[first]),
        last_end=int(pick(frame.end).max()),
        located=len(rows) - int(np.count_nonzero(np.isnan(pick(frame.lat)))),
        top_categories=_top_codes(pick(codes), names, top),
        top_places=_top_places(frame, rows, top, every),
    )


def _top_places(
    frame: EventFrame, rows: np.ndarray, top: int, every: bool = False
) -> list[tuple[str, int]]:
    """The most frequent place names of ``rows``. A row's place name is its place's (or
    "" without one), so the rows are counted by place id (a bincount) and only the
    places' names are then added up by name (two places may share one): a tenth of
    hashing a million names (select all)."""
    places = frame.location_id if every else frame.location_id[rows]  # every: rows is arange
    has = places >= 0
    if not bool(has.any()):
        return _top_text(frame.place[rows], top)
    places, at = places[has], rows[has]
    counts = np.bincount(places)
    one_row = np.zeros(len(counts), np.int64)
    one_row[places] = at  # any row of a place names it
    used = np.flatnonzero(counts)
    by_name: dict[str, int] = {}
    for name, n in zip(frame.place[one_row[used]].tolist(), counts[used].tolist(), strict=True):
        if name != "":
            by_name[name] = by_name.get(name, 0) + n
    nameless = frame.place[rows[~has]]  # no place id: "" in a loaded frame, but be exact
    for name in nameless[nameless != ""].tolist():
        by_name[name] = by_name.get(name, 0) + 1
    return heapq.nsmallest(top, by_name.items(), key=lambda kv: (-kv[1], kv[0]))


def _top_codes(codes: np.ndarray, names: list[str], top: int) -> list[tuple[str, int]]:
    codes = codes[codes >= 0]
    if not len(codes):
        return []
    counts = np.bincount(codes, minlength=len(names))
    order = np.argsort(-counts, kind="stable")[:top]
    return [(names[i], int(counts[i])) for i in order if counts[i] > 0]


def _top_text(values: np.ndarray, top: int) -> list[tuple[str, int]]:
    values = values[values != ""]
    if not len(values):
        return []
    # counted by hashing (pandas), not by sorting the values as fixed-width text (0.3 s
    # less at a million); ties in name order, as np.unique's sorted names gave them
    counted = pd.Series(values, dtype=object).value_counts(sort=False)
    names = counted.index.to_numpy(dtype=object)
    counts = counted.to_numpy(dtype=np.int64)
    if len(counts) > top:
        threshold = np.partition(counts, len(counts) - top)[len(counts) - top]
        above = np.flatnonzero(counts > threshold)
        tied = heapq.nsmallest(top - len(above), names[counts == threshold].tolist())
        chosen = [(str(names[i]), int(counts[i])) for i in above.tolist()]
        chosen += [(str(name), int(threshold)) for name in tied]
    else:
        chosen = [(str(n), int(c)) for n, c in zip(names.tolist(), counts.tolist(), strict=True)]
    return sorted(chosen, key=lambda kv: (-kv[1], kv[0]))
