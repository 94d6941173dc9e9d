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

MIN_ROW_HEIGHT = 12.0
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
    """
    n_lanes = max(len(lane_names), 1)
    lane_h = height / n_lanes
    lanes = [
        LaneBand(name, top + i * lane_h, lane_h, int(lane_counts[i]))
        for i, name in enumerate(lane_names)
    ]
    max_rows = max(1, int((lane_h - 4) // MIN_ROW_HEIGHT))
    lane = lane_of_row[rows]
    style = styles[rows]
    vis0 = np.maximum(x0, left)
    mark_end = np.where(style == Style.POINT, (x0 + x1) / 2 + POINT_SIZE / 2, x1)
    labelled = len(rows) <= LABELLED_ITEMS
    labels: list[str] = []
    label_x = np.zeros(len(rows))
    label_w = np.zeros(len(rows))
    if labelled:
        for k, row in enumerate(rows):
            labels.append(elide(str(titles[row]), MAX_LABEL_WIDTH))
            label_w[k] = measure(labels[k]) + 8 if labels[k] else 0
        # a mark's label follows the mark; a bar's label starts inside the bar
        label_x = np.where(style == Style.POINT, mark_end + 3, vis0 + 3)
    extent = np.maximum(mark_end, label_x + label_w) + 4
    start_x = np.where(style == Style.POINT, (x0 + x1) / 2 - POINT_SIZE / 2, vis0)
    sub = pack_rows(start_x, extent, lane, n_lanes, max_rows)
    used = np.ones(n_lanes, np.int64)
    np.maximum.at(used, lane, sub + 1)
    items: list[EventItem] = []
    for k, row in enumerate(rows):
        ln = int(lane[k])
        row_h = min(MAX_ROW_HEIGHT, (lane_h - 4) / used[ln])
        y = lanes[ln].top + 2 + sub[k] * row_h
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
    for k, item in enumerate(items):
        by_row.setdefault((item.lane, int(sub[k])), []).append(item)
    for group in by_row.values():
        group.sort(key=lambda it: it.x0)
        for a, b in itertools.pairwise(group):
            b_start = b.centre_x - POINT_SIZE / 2 if b.style is Style.POINT else b.x0
            if a.label and a.label_x + a.label_w > b_start:
                a.label = ""
    return SparseLayout(items, lanes)
