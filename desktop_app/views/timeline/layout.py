"""What the timeline draws for one range: event items in lanes (sparse) or density bars.

Built once per change of range, size, visible rows or selection, then painted as is;
tests read these objects to check what is on screen without scraping pixels.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

from desktop_app.domain.dates import Precision

LABEL_COLUMN = 150.0  # the lanes' names, left of the plot
AXIS_HEIGHT = 40.0
RIGHT_MARGIN = 10.0
MIN_ROW_HEIGHT = 12.0  # a readable row
TIGHT_ROW_HEIGHT = 8.0  # the least a row gets before a lane hides events (+N)
LANE_PAD = 2.0  # above and below a lane's rows, together
MAX_ROW_HEIGHT = 18.0
LABELLED_ITEMS = 300  # above this many events in view, titles are not drawn
MAX_LABEL_WIDTH = 220.0
POINT_SIZE = 10.0


class Style(IntEnum):
    """How an event is drawn."""

    POINT = 0  # known to the day or minute, no end: a mark
    SPAN = 1  # has its own end, known to the day or minute: a solid bar
    UNCERTAIN = 2  # known only to the year or month: a faded, hatched bar over the period


def styles_of(precision: np.ndarray, has_end: np.ndarray) -> np.ndarray:
    """The :class:`Style` of each row."""
    uncertain = precision <= Precision.MONTH
    return np.where(uncertain, Style.UNCERTAIN, np.where(has_end, Style.SPAN, Style.POINT))


@dataclass
class EventItem:
    """One event on screen (coordinates in widget pixels)."""

    event_id: int
    row: int
    lane: int
    style: Style
    x0: float  # the span, unclipped
    x1: float
    y: float  # top of the item's row
    h: float
    label: str = ""  # the title drawn next to it ("" when there is no room)
    label_x: float = 0.0
    label_w: float = 0.0
    selected: bool = False
    active: bool = False

    @property
    def centre_x(self) -> float:
        return (self.x0 + self.x1) / 2

    def hit(self, x: float, y: float, slack: float = 3.0) -> bool:
        """Whether a point is on the item (its mark or bar, or its label)."""
        if not self.y - slack <= y <= self.y + self.h + slack:
            return False
        if self.style is Style.POINT:
            half = max(POINT_SIZE / 2, (self.x1 - self.x0) / 2) + slack
            on_mark = abs(x - self.centre_x) <= half
        else:
            on_mark = self.x0 - slack <= x <= max(self.x1, self.x0 + 2) + slack
        on_label = bool(self.label) and self.label_x <= x <= self.label_x + self.label_w
        return on_mark or on_label


@dataclass
class LaneBand:
    name: str
    top: float
    height: float
    count: int  # visible events in the lane (whole frame, not only the range)
    hidden: int = 0  # events in view the lane has no room for ("+N" is drawn)


@dataclass
class SparseLayout:
    items: list[EventItem]
    lanes: list[LaneBand]

    def item_of(self, event_id: int) -> EventItem | None:
        return next((i for i in self.items if i.event_id == event_id), None)


@dataclass
class DenseLayout:
    counts: np.ndarray  # events per bar
    selected: np.ndarray | None  # selected events per bar
    bar_width: float  # pixels
    in_view: int  # events overlapping the range
    max_count: int = field(init=False)

    def __post_init__(self) -> None:
        self.max_count = int(self.counts.max()) if len(self.counts) else 0


def pack_rows(
    x0: np.ndarray, extent: np.ndarray, lanes: np.ndarray, n_lanes: int, max_rows: int
) -> np.ndarray:
    """Greedy interval packing: the sub-row of each item inside its lane.

    Items are taken left to right; each goes to the first sub-row whose last item ends
    before it starts, or, when all are taken, to the sub-row that frees up first.
    """
    row_of = np.zeros(len(x0), np.int64)
    rows = max(max_rows, 1)
    ends = [[-np.inf] * rows for _ in range(n_lanes)]  # plain lists: faster than numpy here
    starts, stops, lane_list = x0.tolist(), extent.tolist(), lanes.tolist()
    for i in np.argsort(x0, kind="stable").tolist():
        lane_ends = ends[lane_list[i]]
        r = next((j for j, e in enumerate(lane_ends) if e <= starts[i]), -1)
        if r < 0:
            r = min(range(rows), key=lane_ends.__getitem__)
        row_of[i] = r
        lane_ends[r] = max(lane_ends[r], stops[i])
    return row_of


def lane_heights(needed: np.ndarray, height: float) -> tuple[np.ndarray, np.ndarray]:
    """Each lane's height and how many sub-rows it can show.

    A lane is never lower than one readable row (``MIN_ROW_HEIGHT``): when the lanes
    need more than ``height`` holds even so, their heights add up to more than it and
    the pane scrolls (:class:`TimelineCanvas` does). Otherwise a lane gets room for the
    sub-rows it needs (at most ``MAX_ROW_HEIGHT`` a row); when that would make rows
    lower than ``TIGHT_ROW_HEIGHT``, rows are readable and each lane shows as many as
    fit the same cap (at least one); the others are counted in the lane's "+N"."""
    n = len(needed)
    need = np.maximum(needed, 1).astype(np.float64)
    floor = MIN_ROW_HEIGHT + LANE_PAD
    total = max(height, floor * n)  # more than the pane holds: it scrolls

    def used(row_h: float) -> float:
        return float(np.maximum(floor, need * row_h + LANE_PAD).sum())

    lo, hi = 0.0, MAX_ROW_HEIGHT
    if used(hi) <= total:
        lo = hi
    else:
        for _ in range(30):  # the tallest row height that fits: used() grows with it
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if used(mid) <= total else (lo, mid)
    if lo >= TIGHT_ROW_HEIGHT:  # every row fits
        heights = np.maximum(floor, need * lo + LANE_PAD)
        return heights * (total / heights.sum()), need.astype(np.int64)
    # rows lower than TIGHT_ROW_HEIGHT: readable rows instead, as many per lane as fit
    # (at least one), the rest counted in the lane's "+N"
    cap = 1
    while cap < need.max() and _capped(need, cap + 1) <= total:
        cap += 1
    shown = np.minimum(need, cap)
    heights = np.maximum(floor, shown * MIN_ROW_HEIGHT + LANE_PAD)
    heights *= max(total, heights.sum()) / heights.sum()
    return heights, shown.astype(np.int64)


def _capped(need: np.ndarray, cap: int) -> float:
    return float((np.minimum(need, cap) * MIN_ROW_HEIGHT + LANE_PAD).sum())


def build_sparse(
    rows: np.ndarray,
    ids: np.ndarray,
    lane_of_row: np.ndarray,
    lane_names: list[str],
    lane_counts: np.ndarray,
    styles: np.ndarray,
    titles: np.ndarray,
    x0: np.ndarray,
    x1: np.ndarray,
    left: float,
    top: float,
    right: float,
    height: float,
    measure: Callable[[str], float],
    elide: Callable[[str, float], str],
) -> SparseLayout:
    """Lay out the events of ``rows`` (already in view) in their lanes.

    ``x0``/``x1`` are the pixel ends of each row's span; ``left``..``right`` the plot.
    Events that overlap go to sub-rows of their lane, so none hides another; a lane
    with no room left for some says how many it could not show (``LaneBand.hidden``).
    An event known to the day (or minute) whose period is wide enough on screen is
    drawn as a span over it, never as an instant at its middle.
    """
    n_lanes = max(len(lane_names), 1)
    lane = lane_of_row[rows]
    style = styles[rows].copy()
    style[(style == Style.POINT) & (x1 - x0 >= 2 * POINT_SIZE)] = Style.UNCERTAIN
    vis0 = np.maximum(x0, left)
    vis1 = np.minimum(x1, right)
    mark_end = np.where(style == Style.POINT, (x0 + x1) / 2 + POINT_SIZE / 2, x1)
    labelled = len(rows) <= LABELLED_ITEMS
    labels: list[str] = []
    label_x = np.zeros(len(rows))
    label_w = np.zeros(len(rows))
    if labelled:
        for k, row in enumerate(rows):
            # a bar's title may use the bar's own width; a mark's the usual room
            room = max(MAX_LABEL_WIDTH, float(vis1[k] - vis0[k]) - 8)
            labels.append(elide(str(titles[row]), room))
            label_w[k] = measure(labels[k]) + 8 if labels[k] else 0
        # a mark's label follows the mark; a bar's label starts inside the bar
        label_x = np.where(style == Style.POINT, mark_end + 3, vis0 + 3)
    extent = np.maximum(mark_end, label_x + label_w) + 4
    start_x = np.where(style == Style.POINT, (x0 + x1) / 2 - POINT_SIZE / 2, vis0)
    sub = pack_rows(start_x, extent, lane, n_lanes, len(rows) + 1)  # unlimited sub-rows
    needed = np.ones(n_lanes, np.int64)
    np.maximum.at(needed, lane, sub + 1)
    heights, shown_rows = lane_heights(needed, height)
    tops = top + np.concatenate([[0.0], np.cumsum(heights)[:-1]])
    hidden = np.zeros(n_lanes, np.int64)
    np.add.at(hidden, lane, (sub >= shown_rows[lane]).astype(np.int64))
    lanes = [
        LaneBand(name, float(tops[i]), float(heights[i]), int(lane_counts[i]), int(hidden[i]))
        for i, name in enumerate(lane_names)
    ]
    items: list[EventItem] = []
    kept_sub: list[int] = []
    for k, row in enumerate(rows):
        ln = int(lane[k])
        if sub[k] >= shown_rows[ln]:
            continue  # no room: counted in the lane's "+N"
        row_h = min(MAX_ROW_HEIGHT, (heights[ln] - LANE_PAD) / shown_rows[ln])
        y = tops[ln] + LANE_PAD / 2 + sub[k] * row_h
        kept_sub.append(int(sub[k]))
        items.append(
            EventItem(
                event_id=int(ids[row]),
                row=int(row),
                lane=ln,
                style=Style(int(style[k])),
                x0=float(x0[k]),
                x1=float(x1[k]),
                y=float(y),
                h=float(max(row_h - 2, 4)),
                label=labels[k] if labelled else "",
                label_x=float(label_x[k]),
                label_w=float(label_w[k]),
            )
        )
    # a label may not run into the next item of its sub-row
    by_row: dict[tuple[int, int], list[EventItem]] = {}
    for item, r in zip(items, kept_sub, strict=True):
        by_row.setdefault((item.lane, r), []).append(item)
    for group in by_row.values():
        group.sort(key=lambda it: it.x0)
        for a, b in itertools.pairwise(group):
            b_start = b.centre_x - POINT_SIZE / 2 if b.style is Style.POINT else b.x0
            if a.label and a.label_x + a.label_w > b_start:
                a.label = ""
    return SparseLayout(items, lanes)
