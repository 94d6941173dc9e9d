"""Which events the filters let through, computed on the frame (no Qt).

The filters are a time window, search text, facet choices, ranges of numeric columns
and weekday x hour cells. :func:`filter_masks` keeps them apart (the window and text in
one mask, one mask per chosen facet, per numeric range under ``number_key(name)`` and
for the grid under :data:`CLOCK`) because a facet's own counts (a histogram's bars, the
grid's cells) must ignore its own choice, so its other values stay pickable;
:func:`visible_mask` is their conjunction. A range on a column the numbers given do not
have (not read yet, or not in this project) filters nothing. The window's linker and
every export use these two functions, so what is shown and what is written never differ.
An area drawn on the map (``area``, (lon, lat) corners, :mod:`desktop_app.frame.area`)
joins the window and text in the base mask.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from desktop_app.frame.area import area_mask
from desktop_app.frame.event_frame import EventFrame
from desktop_app.frame.numeric import NumberColumn, clock_cells, clock_counts, clock_mask

SearchFn = Callable[[str], np.ndarray]  # search text -> matching event ids
Bounds = tuple[float | None, float | None]
CLOCK = "clock"  # the key of the weekday x hour grid's mask


def number_key(name: str) -> str:
    """The key of a numeric column's range mask (never a facet's name)."""
    return f"number:{name}"


@dataclass(frozen=True)
class FilterMasks:
    """The filters as masks: ``base`` (time window and text) and one per chosen facet
    (and per numeric range, and the grid)."""

    base: np.ndarray
    facets: dict[str, np.ndarray]

    def visible(self) -> np.ndarray:
        """Events every filter lets through."""
        return self.without(None)

    def without(self, skip: str | None) -> np.ndarray:
        """Events every filter but facet ``skip``'s own lets through."""
        mask = self.base.copy()
        for facet, facet_mask in self.facets.items():
            if facet != skip:
                mask &= facet_mask
        return mask


class MaskCache:
    """The masks of the last filters, each kept under what it is made of, so a change
    recomputes only the masks of what changed: a playback step or a brushed window
    makes the time mask alone, a facet click that facet's. Masks of the filters before
    the last ones are kept too (a value ticked and unticked again). A new frame starts
    afresh (frames are never changed in place). The cached masks are shared: no caller
    writes into them."""

    def __init__(self) -> None:
        self._frame: EventFrame | None = None
        self._now: dict[tuple[object, ...], np.ndarray] = {}
        self._before: dict[tuple[object, ...], np.ndarray] = {}
        self._sorted: bool = False  # the frame's starts ascend (EventFrame's rule)

    def start(self, frame: EventFrame) -> None:
        """Begin the masks of one set of filters on ``frame``."""
        if frame is not self._frame:
            self._frame = frame
            self._now, self._before = {}, {}
            start = frame.start
            self._sorted = bool(len(start) < 2 or (start[1:] >= start[:-1]).all())
        else:
            self._before, self._now = {**self._before, **self._now}, {}

    def carry(self, old: EventFrame, new: EventFrame) -> None:
        """Keep the masks made on ``old`` for ``new``, a frame whose every column a mask
        but the text's reads is the very same array (an edit's patched frame, see the
        linker's ``_counted_alike``); the text's masks go (a search may answer otherwise)."""
        if self._frame is not old or new is old:
            return
        self._frame = new
        self._now = {k: v for k, v in self._now.items() if k[0] != "text"}
        self._before = {k: v for k, v in self._before.items() if k[0] != "text"}

    def finish(self) -> None:
        """Forget the masks the last filters did not use but the ones before them."""
        self._before = {k: v for k, v in self._before.items() if k not in self._now}
        if len(self._before) > 16:
            self._before = dict(list(self._before.items())[-16:])

    def get(self, key: tuple[object, ...], make: Callable[[], np.ndarray]) -> np.ndarray:
        mask = self._now.get(key)
        if mask is None:
            mask = self._before.get(key)
        if mask is None:
            mask = make()
            mask.flags.writeable = False
        self._now[key] = mask
        return mask

    @property
    def starts_sorted(self) -> bool:
        return self._sorted


class _Same:
    """A key part equal only to the very object it holds (held, so its id stays its own)."""

    __slots__ = ("obj",)

    def __init__(self, obj: object) -> None:
        self.obj = obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.obj is self.obj


def time_mask(frame: EventFrame, t0: int | None, t1: int | None, starts_sorted: bool) -> np.ndarray:
    """``frame.time_mask``; with the starts ascending, the rows starting before ``t1``
    are a prefix found by a binary search, and only those are compared."""
    if not starts_sorted or t1 is None:
        return frame.time_mask(t0, t1)
    hi = int(np.searchsorted(frame.start, t1, side="left"))
    mask = np.zeros(len(frame), bool)
    if t0 is None:
        mask[:hi] = True
    else:
        np.greater(frame.end[:hi], t0, out=mask[:hi])
    return mask


def filter_masks(
    frame: EventFrame,
    t0: int | None,
    t1: int | None,
    text: str,
    facets: dict[str, frozenset[str]],
    search: SearchFn | None = None,
    *,
    ranges: Mapping[str, Bounds] | None = None,
    numbers: Mapping[str, NumberColumn] | None = None,
    clock: frozenset[int] = frozenset(),
    area: Sequence[Sequence[float]] = (),
    cache: MaskCache | None = None,
) -> FilterMasks:
    """The masks of the time window + text (+ the map area), and of each facet, numeric
    range and the grid that has a choice (``numbers``: the frame's numeric columns by
    name). With a ``cache``, the masks of filters that did not change since its last
    call are its own (the same values: a test compares them on random filters)."""
    cache = cache if cache is not None else MaskCache()
    cache.start(frame)
    starts_sorted = cache.starts_sorted
    base = cache.get(("time", t0, t1), lambda: time_mask(frame, t0, t1, starts_sorted))
    if text.strip() and search is not None:
        hits = cache.get(("text", text), lambda: frame.ids_mask(search(text)))
        base = base & hits
    if area:
        corners = tuple(tuple(float(v) for v in corner) for corner in area)
        inside = cache.get(("area", corners), lambda: area_mask(frame, area))
        base = base & inside
    masks: dict[str, np.ndarray] = {}
    for facet, values in facets.items():
        if values:
            chosen = frozenset(values)
            make = partial(frame.facet_mask, facet, set(chosen))
            masks[facet] = cache.get(("facet", facet, chosen), make)
    for name, (low, high) in sorted((ranges or {}).items()):
        column = (numbers or {}).get(name)
        if column is not None and (low is not None or high is not None):
            make = partial(column.mask, low, high)
            masks[number_key(name)] = cache.get(("number", name, _Same(column), low, high), make)
    if clock:
        masks[CLOCK] = cache.get(
            ("clock", frozenset(clock)),
            lambda: clock_mask(clock_cells(frame.start, frame.precision), clock),
        )
    cache.finish()
    return FilterMasks(base, masks)


def visible_mask(
    frame: EventFrame,
    t0: int | None,
    t1: int | None,
    text: str,
    facets: dict[str, frozenset[str]],
    search: SearchFn | None = None,
    skip: str | None = None,
    *,
    ranges: Mapping[str, Bounds] | None = None,
    numbers: Mapping[str, NumberColumn] | None = None,
    clock: frozenset[int] = frozenset(),
    area: Sequence[Sequence[float]] = (),
) -> np.ndarray:
    """Events inside the time window (and the area), matching the text and every facet,
    range and grid choice (but ``skip``)."""
    return filter_masks(
        frame,
        t0,
        t1,
        text,
        facets,
        search,
        ranges=ranges,
        numbers=numbers,
        clock=clock,
        area=area,
    ).without(skip)


@dataclass(frozen=True)
class NumberChart:
    """One numeric column's histogram of the events the other filters let through."""

    name: str
    edges: np.ndarray  # bar edges
    counts: np.ndarray  # events per bar
    missing: int  # of those events, how many have no value
    whole: bool  # the values are whole numbers
    lo: float  # the column's extent over the whole frame
    hi: float


@dataclass(frozen=True)
class Charts:
    """The filters pane's charts: a histogram per numeric column and the weekday x hour
    grid, each counting what every filter but its own lets through."""

    numbers: list[NumberChart]
    clock: np.ndarray  # 7 x 24 counts
    untimed: int  # events (of the grid's mask) with no time of day


def charts_of(frame: EventFrame, masks: FilterMasks, numbers: Mapping[str, NumberColumn]) -> Charts:
    """Every chart's counts under ``masks`` (each ignoring its own choice)."""
    out = []
    for name, column in numbers.items():
        counts, missing = column.counts(masks.without(number_key(name)))
        out.append(
            NumberChart(name, column.edges, counts, missing, column.whole, column.lo, column.hi)
        )
    cells = clock_cells(frame.start, frame.precision)
    grid, untimed = clock_counts(cells, masks.without(CLOCK))
    return Charts(out, grid, untimed)
