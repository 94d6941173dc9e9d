"""Numbers behind the timeline: span histograms, rows in a time range, lanes by category.

Everything here is vectorised numpy over the frame's columns (no Qt), fast at a million
rows. Times are civil seconds; every span is ``[start, end)`` with an exclusive end, and
"in a range" always means *overlaps* the range (a year-only event is in May of its year).

:class:`TimelineIndex` holds the visible rows once per filter change so that each range
change (zoom, pan) only slices sorted arrays: rows are sorted by start, and a running
maximum of the ends gives the first row whose span can still reach a given time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from desktop_app.frame.event_frame import EventFrame

OTHER_LANE = "other"
NO_CATEGORY = "(no category)"


def _bin_edges(
    start: np.ndarray, end: np.ndarray, t0: int, t1: int, bins: int
) -> tuple[np.ndarray, np.ndarray]:
    """First and last bin (inclusive) that each span overlaps; spans must overlap [t0, t1).

    Integer arithmetic (bin = offset * bins // span) is exact and faster than floats;
    offsets stay below 10**12 s and bins below 10**5, far from int64 overflow.
    """
    span = t1 - t0
    first = np.maximum(start, t0)
    first -= t0
    first *= bins
    first //= span
    last = np.minimum(end, t1)
    last -= t0 + 1  # the last covered second
    last *= bins
    last //= span
    np.maximum(last, first, out=last)
    return first, last


def histogram(
    start: np.ndarray, end: np.ndarray, t0: int, t1: int, bins: int, mask: np.ndarray | None = None
) -> np.ndarray:
    """Events overlapping each of ``bins`` equal bins of [t0, t1) (int64 counts).

    A span is counted in every bin it overlaps, so a year-long event adds one to each
    bin of its year: each span adds +1 at its first bin and -1 after its last one in a
    difference array, and a cumulative sum turns that into counts.
    """
    if bins <= 0 or t1 <= t0:
        return np.zeros(max(bins, 0), np.int64)
    keep = (start < t1) & (end > t0)
    if mask is not None:
        keep &= mask
    s, e = start[keep], end[keep]
    if not len(s):
        return np.zeros(bins, np.int64)
    first, last = _bin_edges(s, e, t0, t1, bins)
    diff = np.bincount(first, minlength=bins + 1) - np.bincount(last + 1, minlength=bins + 1)
    return np.cumsum(diff[:bins]).astype(np.int64)


def overlapping(
    start: np.ndarray, end: np.ndarray, t0: int, t1: int, mask: np.ndarray | None = None
) -> np.ndarray:
    """Rows whose span overlaps [t0, t1) (sorted row numbers)."""
    keep = (start < t1) & (end > t0)
    if mask is not None:
        keep &= mask
    return np.flatnonzero(keep)


def brushed_ids(
    ids: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    t0: int,
    t1: int,
    mask: np.ndarray | None = None,
) -> np.ndarray:
    """Event ids of the (visible) rows whose span overlaps a brushed range, either order."""
    lo, hi = min(t0, t1), max(t0, t1)
    if hi == lo:
        hi = lo + 1
    return np.asarray(ids[overlapping(start, end, lo, hi, mask)])


@dataclass(frozen=True)
class Lanes:
    """Which lane each row goes to.

    ``lane_of_row`` has one entry per frame row (-1 where the row is not visible);
    ``names`` are the lane labels top to bottom (the busiest category first);
    ``counts`` the visible events per lane.
    """

    lane_of_row: np.ndarray
    names: list[str]
    counts: np.ndarray


def assign_lanes(
    codes: np.ndarray,
    names: list[str],
    mask: np.ndarray | None = None,
    max_lanes: int = 12,
    none_label: str = NO_CATEGORY,
) -> Lanes:
    """A lane per category of the visible rows, busiest first; beyond ``max_lanes``
    categories the least frequent share one "other" lane. Rows without a category
    (code -1) get a lane of their own (``none_label``), counted like a category.
    """
    n = len(codes)
    visible = np.ones(n, bool) if mask is None else mask
    # code -1 (none) becomes the last code so bincount can count it
    shifted = np.where(codes < 0, len(names), codes).astype(np.int64)
    counts = np.bincount(shifted[visible], minlength=len(names) + 1)
    labels = [*names, none_label]
    present = np.flatnonzero(counts)
    order = present[np.argsort(-counts[present], kind="stable")]
    if len(order) > max_lanes:
        own, rest = order[: max_lanes - 1], order[max_lanes - 1 :]
    else:
        own, rest = order, order[:0]
    lane_of_code = np.full(len(labels), -1, np.int64)
    lane_of_code[own] = np.arange(len(own))
    lane_names = [labels[i] for i in own]
    lane_counts = list(counts[own])
    if len(rest):
        lane_of_code[rest] = len(own)
        lane_names.append(OTHER_LANE)
        lane_counts.append(int(counts[rest].sum()))
    lane_of_row = np.where(visible, lane_of_code[shifted], -1)
    return Lanes(lane_of_row, lane_names, np.asarray(lane_counts, np.int64))


LANE_FACETS = {  # what the timeline's lanes can be by: facet -> the label of "none"
    "category": NO_CATEGORY,
    "actor": "(no actor)",
    "country": "(no country)",
    "source": "(no source)",
    "tag": "(no tag)",
    "reliability": "(not graded)",
    "credibility": "(not graded)",
    "none": "all events",
}


def facet_lanes(frame: EventFrame, facet: str, mask: np.ndarray) -> Lanes:
    """Lanes by ``facet``: an event with several values of a multi-valued facet (actors,
    sources, tags) goes to the lane of its first one; "none" puts every event in one."""
    n = len(frame)
    if facet == "none":
        return assign_lanes(np.full(n, -1, np.int32), [], mask, none_label=LANE_FACETS["none"])
    if facet in frame.multi:
        links = frame.multi[facet]
        codes = np.full(n, -1, np.int32)
        codes[links.rows[::-1]] = links.codes[::-1]  # the first link of each row wins
        names = links.names
    else:
        codes, names = frame.single.get(facet, (np.full(n, -1, np.int32), []))
    return assign_lanes(codes, names, mask, none_label=LANE_FACETS.get(facet, NO_CATEGORY))


class TimelineIndex:
    """The visible rows of a frame, ready for fast range queries.

    Built once per filter change (O(n)); each query then costs a binary search plus work
    proportional to the rows that can overlap the range.
    """

    def __init__(self, start: np.ndarray, end: np.ndarray, mask: np.ndarray | None = None) -> None:
        rows = np.arange(len(start)) if mask is None else np.flatnonzero(mask)
        self.rows = rows.astype(np.int64)  # frame rows, ascending (so sorted by start)
        self.start = np.ascontiguousarray(start[self.rows], np.int64)
        self.end = np.ascontiguousarray(end[self.rows], np.int64)
        # running maximum of the ends: rows before the first whose max end > t0 cannot
        # overlap anything from t0 on
        self._reach = np.maximum.accumulate(self.end) if len(self.end) else self.end
        # the last histogram asked for: an edit or a selection repaints the same range
        # of an index kept as it was (IndexCache), ~40 ms at a million rows
        self._last_histogram: tuple[tuple[int, int, int], np.ndarray] | None = None
        # the last count asked for: the pane's status and its layout count the same range
        self._last_count: tuple[tuple[int, int], int] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def extent(self) -> tuple[int, int] | None:
        """(earliest start, latest end) of the visible rows, or None when there are none."""
        if not len(self.rows):
            return None
        return int(self.start[0]), int(self._reach[-1])

    def _window(self, t0: int, t1: int) -> tuple[int, int]:
        lo = int(np.searchsorted(self._reach, t0, side="right"))
        hi = int(np.searchsorted(self.start, t1, side="left"))
        return lo, max(lo, hi)

    def positions(self, t0: int, t1: int) -> np.ndarray:
        """Positions (into this index) of the rows overlapping [t0, t1)."""
        lo, hi = self._window(t0, t1)
        return lo + np.flatnonzero(self.end[lo:hi] > t0)

    def rows_in(self, t0: int, t1: int) -> np.ndarray:
        """Frame rows overlapping [t0, t1), ascending."""
        return np.asarray(self.rows[self.positions(t0, t1)])

    def count_in(self, t0: int, t1: int) -> int:
        """How many rows overlap [t0, t1)."""
        key = (int(t0), int(t1))
        if self._last_count is not None and self._last_count[0] == key:
            return self._last_count[1]
        lo, hi = self._window(t0, t1)
        count = int(np.count_nonzero(self.end[lo:hi] > t0))
        self._last_count = (key, count)
        return count

    def any_in(self, t0: int, t1: int) -> bool:
        """Whether any row overlaps [t0, t1), by two binary searches: the first row
        whose running maximum end passes t0 ends after t0 itself."""
        lo, hi = self._window(t0, t1)
        return lo < hi

    def histogram(self, t0: int, t1: int, bins: int) -> np.ndarray:
        """Visible events overlapping each of ``bins`` equal bins of [t0, t1)."""
        if bins <= 0 or t1 <= t0:
            return np.zeros(max(bins, 0), np.int64)
        key = (int(t0), int(t1), int(bins))
        if self._last_histogram is not None and self._last_histogram[0] == key:
            return self._last_histogram[1].copy()
        lo, hi = self._window(t0, t1)
        s, e = self.start[lo:hi], self.end[lo:hi]
        keep = e > t0
        if not keep.all():
            s, e = s[keep], e[keep]
        if not len(s):
            return np.zeros(bins, np.int64)
        first, last = _bin_edges(s, e, t0, t1, bins)
        diff = np.bincount(first, minlength=bins + 1)
        diff -= np.bincount(last + 1, minlength=bins + 1)
        counts = np.cumsum(diff[:bins])
        self._last_histogram = (key, counts)
        return counts.copy()


def _same(old: tuple[object, ...] | None, new: tuple[object, ...]) -> bool:
    """Whether two keys of arrays (and lists of names) hold the same values."""
    if old is None or len(old) != len(new):
        return False
    for a, b in zip(old, new, strict=True):
        if a is b:
            continue
        if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
            if a.shape != b.shape or not np.array_equal(a, b):
                return False
        elif a != b:
            return False
    return True


def _lane_key(frame: EventFrame, facet: str) -> tuple[object, ...]:
    """What :func:`facet_lanes` reads of the frame for ``facet``."""
    if facet in frame.multi:
        links = frame.multi[facet]
        return (facet, len(frame), links.rows, links.codes, links.names)
    codes_names = frame.single.get(facet)
    if codes_names is None:
        return (facet, len(frame))
    return (facet, len(frame), codes_names[0], codes_names[1])


class IndexCache:
    """The timeline's :class:`TimelineIndex` and :class:`Lanes`, built again only when
    what they are made of changed: after an edit the patched frame has new arrays with
    (mostly) the same values, and the linker hands the same visible mask again, so an
    edit at a million events costs a few comparisons, not a rebuild (30-50 ms)."""

    def __init__(self) -> None:
        self._index_key: tuple[object, ...] | None = None
        self._index = TimelineIndex(np.zeros(0, np.int64), np.zeros(0, np.int64))
        self._lanes_key: tuple[object, ...] | None = None
        self._lanes = assign_lanes(np.zeros(0, np.int32), [])

    def index(self, frame: EventFrame, mask: np.ndarray) -> TimelineIndex:
        key = (frame.start, frame.end, mask)
        if not _same(self._index_key, key):
            self._index = TimelineIndex(frame.start, frame.end, mask)
            self._index_key = (frame.start, frame.end, mask.copy())
        return self._index

    def lanes(self, frame: EventFrame, facet: str, mask: np.ndarray) -> Lanes:
        key = (*_lane_key(frame, facet), mask)
        if not _same(self._lanes_key, key):
            self._lanes = facet_lanes(frame, facet, mask)
            self._lanes_key = (*key[:-1], mask.copy())
        return self._lanes
