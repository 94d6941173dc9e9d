"""Count bubbles that never hide each other.

The map aggregates dense views into grid cells (``map_cells``) and draws each as a
bubble whose radius grows with its count. Two cells on either side of a grid line can
sit a few pixels apart, so their bubbles overlap and the bigger hides the smaller's
count (Ryazan's 247 under Moscow's 773). :func:`merge_overlapping` merges such cells the
way supercluster's clustering does, in screen pixels at the current zoom: the biggest
bubble absorbs every bubble that touches it, at the counts-weighted centroid of their
events, and the pass repeats until no two bubbles touch. No Qt here.

The radius is the page's own (``cellRadius`` in resources/map/sightline_map.js):
``min(8 + 3.2 log10(count), 22)`` pixels times the marker scale.
"""

from __future__ import annotations

import numpy as np

from desktop_app.frame.mercator import latitude_of, mercator_x, mercator_y

GAP_PX = 2.0  # bubbles closer than this (edge to edge) count as touching
MAX_PASSES = 8
TILE_PX = 256.0


def bubble_radius(count: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """The drawn radius, in pixels, of bubbles of these counts (sightline_map.js)."""
    radius: np.ndarray = np.minimum(8.0 + 3.2 * np.log10(np.maximum(count, 1)), 22.0) * scale
    return radius


def _pixels(lat: np.ndarray, lon: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    world = TILE_PX * 2.0**zoom
    return mercator_x(lon) * world, mercator_y(lat) * world


def _latlon(x: np.ndarray, y: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    world = TILE_PX * 2.0**zoom
    return latitude_of(y / world), x / world * 360.0 - 180.0


def _touching(x: np.ndarray, y: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of bubbles that touch, as lists of neighbours: bubble ``i`` touches
    ``near[start[i]:start[i + 1]]``. Only pairs less than the widest reach apart in x
    are measured (a sweep over the bubbles sorted by x), each by the very comparison of
    the whole matrix it replaces (hypot(dx, dy) < r_i + r_j + GAP_PX)."""
    n = len(x)
    reach = 2.0 * float(r.max()) + GAP_PX + 1.0  # a pixel more: no rounding drops a pair
    order = np.argsort(x, kind="stable")
    xs = x[order]
    ends = np.searchsorted(xs, xs + reach, side="right")  # past the last within reach
    spans = ends - np.arange(n) - 1  # candidates after each one in x order
    first = np.repeat(np.arange(n), spans)
    offset = np.arange(len(first)) - np.repeat(np.cumsum(spans) - spans, spans)
    i, j = order[first], order[first + 1 + offset]
    hit = np.hypot(x[i] - x[j], y[i] - y[j]) < (r[i] + r[j] + GAP_PX)
    i, j = i[hit], j[hit]
    a, b = np.concatenate([i, j]), np.concatenate([j, i])  # both ways
    by = np.lexsort((b, a))
    near = b[by]
    start = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(a, minlength=n), out=start[1:])
    return start, near


def merge_overlapping(
    count: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    zoom: float,
    scale: float = 1.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Merge touching bubbles; returns (count, lat, lon, group) where ``group[i]`` is the
    index, in the returned arrays, of the bubble that cell ``i`` ended in."""
    n = len(count)
    group = np.arange(n)
    if n < 2:
        return count.copy(), lat.copy(), lon.copy(), group
    x, y = _pixels(lat.astype(np.float64), lon.astype(np.float64), zoom)
    c = count.astype(np.float64)
    for _ in range(MAX_PASSES):
        r = bubble_radius(c, scale)
        start, near_of = _touching(x, y, r)
        if not len(near_of):
            break
        owner = np.arange(len(c))
        taken = np.zeros(len(c), bool)
        for i in np.argsort(-c, kind="stable").tolist():  # the biggest absorbs its neighbours
            if taken[i]:
                continue
            taken[i] = True
            near = near_of[start[i] : start[i + 1]]
            near = near[~taken[near]]
            owner[near] = i
            taken[near] = True
        keep = np.unique(owner)
        new_index = np.full(len(c), -1)
        new_index[keep] = np.arange(len(keep))
        target = new_index[owner]
        total: np.ndarray = np.bincount(target, weights=c, minlength=len(keep)).astype(float)
        x = np.bincount(target, weights=c * x, minlength=len(keep)) / total
        y = np.bincount(target, weights=c * y, minlength=len(keep)) / total
        c = total.astype(np.float64)
        group = target[group]
    out_lat, out_lon = _latlon(x, y, zoom)
    return np.rint(c).astype(np.int64), out_lat, out_lon, group
