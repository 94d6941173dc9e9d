"""Where a chart's nodes go: force-directed, circular, or grouped by kind, and where
their labels go so that none covers another.

Positions are in a unit square ([-1, 1] on both axes); the pane scales them to its
size. Everything here runs on a worker thread (the pane's), never the GUI thread.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    pass

from desktop_app.graph.analysis import Chart
from desktop_app.graph.build import KINDS

KIND_ORDER = {kind: i for i, kind in enumerate([*KINDS, "event"])}

LAYOUTS = ("force", "circular", "grouped")


def layout(chart: Chart, kind: str = "force", seed: int = 7) -> np.ndarray:
    """(n, 2) positions in [-1, 1]."""
    n = len(chart)
    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.zeros((1, 2))
    if kind == "circular":
        pos = _circle(n)
    elif kind == "grouped":
        return _grouped(chart, seed)
    elif kind == "force":
        return _force(chart, seed)
    else:
        raise ValueError(f"unknown layout {kind!r}")
    return _normalise(pos)


def _force(chart: Chart, seed: int) -> np.ndarray:
    """Spring layout of the linked nodes; nodes without a link go in a row along the
    bottom (a spring layout pushes them to the far edges, squeezing everything else)."""
    import networkx as nx  # on first use, not at every start

    n = len(chart)
    linked = np.zeros(n, bool)
    linked[chart.source] = True
    linked[chart.target] = True
    alone = np.flatnonzero(~linked)
    pos = np.zeros((n, 2))
    if linked.sum() > 1:
        g = chart.to_networkx()
        g.remove_nodes_from(int(i) for i in alone)
        for _a, _b, data in g.edges(data=True):  # heavy links pull, but not into one spot
            data["pull"] = 1.0 + math.log(data["weight"])
        k = 2.0 / math.sqrt(len(g))
        spring = nx.spring_layout(g, seed=seed, weight="pull", k=k, iterations=80)
        members = np.flatnonzero(linked)
        pos[members] = _normalise(np.array([spring[int(i)] for i in members], float))
    if len(alone) and len(alone) < n:
        pos[linked, 1] = pos[linked, 1] * 0.85 - 0.15  # room for the row below
        pos[alone] = np.c_[np.linspace(-1, 1, len(alone) + 2)[1:-1], np.ones(len(alone))]
    elif len(alone):
        pos[alone] = _circle(len(alone))
    return pos


def _circle(n: int, phase: float = 0.0) -> np.ndarray:
    angle = phase + 2 * math.pi * np.arange(n) / max(n, 1)
    return np.asarray(np.c_[np.cos(angle), np.sin(angle)])


def _grouped(chart: Chart, seed: int) -> np.ndarray:
    """Each kind in its own column, left to right (actors, places, sources, ...), a column
    as wide as the square root of its number of nodes; force-directed within it."""
    import networkx as nx  # on first use, not at every start

    kinds = sorted(set(chart.kinds), key=lambda k: (KIND_ORDER.get(k, 99), k))
    groups = [[i for i, x in enumerate(chart.kinds) if x == kind] for kind in kinds]
    widths = np.array([math.sqrt(len(g)) for g in groups])
    edges = np.cumsum(np.r_[0.0, widths]) / widths.sum() * 2 - 1  # column bounds in [-1, 1]
    gap = 0.12 if len(groups) > 1 else 0.0
    pos = np.zeros((len(chart), 2))
    for k, members in enumerate(groups):
        index = {m: j for j, m in enumerate(members)}
        g = nx.Graph()
        g.add_nodes_from(range(len(members)))
        for s, t, w in zip(chart.source, chart.target, chart.weight, strict=True):
            if int(s) in index and int(t) in index:
                g.add_edge(index[int(s)], index[int(t)], pull=1.0 + math.log(int(w)))
        if len(members) > 2:
            k_len = 2.0 / math.sqrt(len(members))
            spring = nx.spring_layout(g, seed=seed, weight="pull", k=k_len)
            local = _normalise(np.array([spring[j] for j in range(len(members))], float))
        else:  # one or two nodes: one above the other
            local = np.c_[np.zeros(len(members)), np.linspace(-0.5, 0.5, len(members))]
        low, high = edges[k] + gap / 2, edges[k + 1] - gap / 2
        pos[members, 0] = low + (local[:, 0] + 1) / 2 * (high - low)
        pos[members, 1] = local[:, 1]
    return pos


def _normalise(pos: np.ndarray) -> np.ndarray:
    low, high = pos.min(axis=0), pos.max(axis=0)
    span = np.where(high - low > 0, high - low, 1.0)
    return np.asarray((pos - low) / span * 2 - 1)


# ---------------------------------------------------------------------- labels
Rect = tuple[float, float, float, float]  # x, y, width, height


def place_labels(
    centres: np.ndarray,
    radii: np.ndarray,
    sizes: Sequence[tuple[float, float]],
    order: Sequence[int],
    bounds: Rect | None = None,
) -> list[Rect | None]:
    """Greedy label placement: in ``order`` (most important first), each label takes
    the first of eight places around its node (right, left, above, below, then the
    corners) that overlaps no label already placed and no node other than its own, and
    stays inside ``bounds``; a label with no free place is left out (None)."""
    placed: list[Rect] = []
    out: list[Rect | None] = [None] * len(centres)
    circles = [(float(x), float(y), float(r)) for (x, y), r in zip(centres, radii, strict=True)]
    for i in order:
        x, y = float(centres[i][0]), float(centres[i][1])
        r = float(radii[i]) + 2
        w, h = sizes[i]
        candidates = [
            (x + r, y - h / 2),
            (x - r - w, y - h / 2),
            (x - w / 2, y - r - h),
            (x - w / 2, y + r),
            (x + r * 0.7, y - r * 0.7 - h),
            (x - r * 0.7 - w, y - r * 0.7 - h),
            (x + r * 0.7, y + r * 0.7),
            (x - r * 0.7 - w, y + r * 0.7),
        ]
        for cx, cy in candidates:
            rect = (cx, cy, w, h)
            if bounds is not None and not _inside(rect, bounds):
                continue
            if any(_overlap(rect, other) for other in placed):
                continue
            if any(_hits_circle(rect, c) for j, c in enumerate(circles) if j != i):
                continue
            placed.append(rect)
            out[i] = rect
            break
    return out


def _inside(a: Rect, b: Rect) -> bool:
    return (
        a[0] >= b[0] and a[1] >= b[1] and a[0] + a[2] <= b[0] + b[2] and a[1] + a[3] <= b[1] + b[3]
    )


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _hits_circle(rect: Rect, circle: tuple[float, float, float]) -> bool:
    cx, cy, r = circle
    nearest_x = min(max(cx, rect[0]), rect[0] + rect[2])
    nearest_y = min(max(cy, rect[1]), rect[1] + rect[3])
    return (nearest_x - cx) ** 2 + (nearest_y - cy) ** 2 < r * r
