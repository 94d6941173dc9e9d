"""Count bubbles that never hide each other.

The map aggregates dense views into grid cells (``map_cells``) and draws each as a
bubble whose radius grows with its count. Two cells on either side of a grid line can
sit a few pixels apart, so their bubbles overlap and the bigger hides the smaller's
count (Ryazan's 247 under Moscow's 773). :func:`merge_overlapping` merges such cells the
way supercluster's clustering does, in screen pixels at the current zoom: the biggest
bubble absorbs every bubble that touches it, at the counts-weighted centroid of their
events, and the pass repeats until no two bubbles touch. No Qt here.

Point views go through the same merge (:func:`merge_spots`): each distinct spot is
an item of its events' count, and an item that has not merged yet may reach further
than its bubble (``reach``: a stack's dot and the count badge beside it).

The radius is the page's own (``cellRadius`` in resources/map/sightline_map.js):
``min(8 + 3.2 log10(count), 22)`` pixels times the marker scale.
"""

from __future__ import annotations

import numpy as np

from desktop_app.frame.mercator import latitude_of, mercator_x, mercator_y

GAP_PX = 2.0  # bubbles closer than this (edge to edge) count as touching
MAX_PASSES = 64  # a pass merges at least one pair, and it ends when none touch
TILE_PX = 256.0
# a stack's count badge (sightline_map.css .sl-stack span): 16 px high, its text (600
# 11px, at most 7 px a character) padded 4 px each side, at least 14 px of text, and
# drawn first 4 px right of the dot and 16 px up (BADGE_SPOTS[0] in sightline_map.js)
BADGE_ATTEMPTS = 4  # merges while badges are in the way, before every stack reaches far
BADGE_H, BADGE_PAD, BADGE_MIN_TEXT, BADGE_CHAR, BADGE_DX = 16.0, 9.0, 14.0, 7.0, 4.0


def bubble_radius(count: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """The drawn radius, in pixels, of bubbles of these counts (sightline_map.js)."""
    radius: np.ndarray = np.minimum(8.0 + 3.2 * np.log10(np.maximum(count, 1)), 22.0) * scale
    return radius


def badge_width(count: np.ndarray) -> np.ndarray:
    """The width in pixels of a stack's count badge (the text is the page's ``compact``:
    at most three digits, else four characters such as 1.5k)."""
    n = np.maximum(np.asarray(count, np.float64), 1.0)
    chars = np.minimum(np.floor(np.log10(n)) + 1.0, 4.0)
    width: np.ndarray = np.maximum(chars * BADGE_CHAR, BADGE_MIN_TEXT) + BADGE_PAD
    return width


def badge_box(
    x: np.ndarray, y: np.ndarray, count: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(left, top, right, bottom) of the count badges of stacks whose dots are at pixels
    (x, y): up-right of the dot, where the page puts a count first."""
    left = x + BADGE_DX
    return left, y - BADGE_H, left + badge_width(count), y


def badge_reach(count: np.ndarray) -> np.ndarray:
    """How far from its dot, in pixels, a stack of ``count`` events reaches with its
    count badge up-right of the dot (the far corner of the badge)."""
    reach: np.ndarray = np.hypot(BADGE_DX + badge_width(count), BADGE_H) + 1.0
    return reach


def _pixels(lat: np.ndarray, lon: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    world = TILE_PX * 2.0**zoom
    return mercator_x(lon) * world, mercator_y(lat) * world


def _latlon(x: np.ndarray, y: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    world = TILE_PX * 2.0**zoom
    return latitude_of(y / world), x / world * 360.0 - 180.0


def _ranges(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (k, position) with lo[k] <= position < hi[k], as two arrays."""
    spans = np.maximum(hi - lo, 0)
    source = np.repeat(np.arange(len(lo)), spans)
    position = np.repeat(lo - np.cumsum(spans) + spans, spans) + np.arange(int(spans.sum()))
    return source, position


def _small_pairs(x: np.ndarray, y: np.ndarray, side: float) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of positions closer than ``side`` in x and in y, found on a grid of
    ``side`` squares (each pair once: same square, or the square right, below-left,
    below or below-right), and some farther pairs."""
    gx = np.floor((x - x.min()) / side).astype(np.int64)
    gy = np.floor((y - y.min()) / side).astype(np.int64)
    columns = int(gx.max()) + 2  # a spare column: a step left never wraps a row
    key = gy * columns + gx
    order = np.argsort(key, kind="stable")
    keys = key[order]
    first, second = [], []
    source, position = _ranges(
        np.arange(1, len(keys) + 1), np.searchsorted(keys, keys, side="right")
    )
    first.append(source)
    second.append(position)
    for step in (1, columns - 1, columns, columns + 1):
        lo = np.searchsorted(keys, keys + step, side="left")
        hi = np.searchsorted(keys, keys + step, side="right")
        source, position = _ranges(lo, hi)
        first.append(source)
        second.append(position)
    return order[np.concatenate(first)], order[np.concatenate(second)]


def _touching(x: np.ndarray, y: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of bubbles that touch, as lists of neighbours: bubble ``i`` touches
    ``near[start[i]:start[i + 1]]``. Each pair is measured by the very comparison of the
    whole matrix it replaces (hypot(dx, dy) < r_i + r_j + GAP_PX), but only candidates
    are measured: the smallest bubbles (a view of single dots is mostly these) against
    each other on a grid of squares as wide as their reach, and each bigger one against
    the bubbles within its reach in x (a sweep over the bubbles sorted by x)."""
    n = len(x)
    pad = GAP_PX + 1.0  # a pixel more: no rounding drops a pair
    r_min, r_max = float(r.min()), float(r.max())
    small = r <= r_min
    order = np.argsort(x, kind="stable")
    xs, rs = x[order], r[order]
    big = np.flatnonzero(~small[order])  # positions in x order
    # a big bubble and any bubble after it in x order
    hi = np.searchsorted(xs, xs[big] + rs[big] + r_max + pad, side="right")
    source, position = _ranges(big + 1, hi)
    i_big, j_big = order[big[source]], order[position]
    # a small bubble before a big one in x order
    lo = np.searchsorted(xs, xs[big] - rs[big] - r_min - pad, side="left")
    source, position = _ranges(lo, big)
    i_back, j_back = order[big[source]], order[position]
    keep = small[j_back]
    # two small bubbles
    at = np.flatnonzero(small)
    i_small, j_small = _small_pairs(x[at], y[at], 2.0 * r_min + pad)
    i = np.concatenate([i_big, i_back[keep], at[i_small]])
    j = np.concatenate([j_big, j_back[keep], at[j_small]])
    hit = np.hypot(x[i] - x[j], y[i] - y[j]) < (r[i] + r[j] + GAP_PX)
    i, j = i[hit], j[hit]
    a, b = np.concatenate([i, j]), np.concatenate([j, i])  # both ways
    by = np.lexsort((b, a))
    near = b[by]
    start = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(a, minlength=n), out=start[1:])
    return start, near


def _owners(c: np.ndarray, start: np.ndarray, near: np.ndarray) -> np.ndarray:
    """The bubble each bubble goes to when, biggest first (ties in index order), every
    bubble not yet absorbed absorbs the touching ones not yet absorbed: itself for the
    absorbers, else the first absorber touching it.

    The absorbers are the first independent set of the touching graph in that order,
    found in rounds rather than one bubble at a time: a bubble ranked before every
    undecided neighbour absorbs, and its undecided neighbours are absorbed (the same
    answer as the one-by-one pass, in a few array steps per round)."""
    n = len(c)
    by_rank = np.argsort(-c, kind="stable")
    rank = np.empty(n, np.int64)
    rank[by_rank] = np.arange(n)
    a = np.repeat(np.arange(n), np.diff(start))
    b = near
    undecided = np.ones(n, bool)
    absorber = np.zeros(n, bool)
    while undecided.any():
        live = undecided[a] & undecided[b]
        first = np.full(n, n, np.int64)  # the best rank among undecided neighbours
        np.minimum.at(first, a[live], rank[b[live]])
        now = undecided & (rank < first)
        absorber |= now
        undecided &= ~now
        undecided[b[now[a]]] = False  # their neighbours are absorbed
    owner = np.arange(n)
    to = absorber[b] & ~absorber[a]
    best = np.full(n, n, np.int64)
    np.minimum.at(best, a[to], rank[b[to]])
    absorbed = ~absorber
    owner[absorbed] = by_rank[best[absorbed]]
    return owner


def merge_overlapping(
    count: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    zoom: float,
    scale: float = 1.0,
    reach: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Merge touching bubbles; returns (count, lat, lon, group) where ``group[i]`` is the
    index, in the returned arrays, of the bubble that cell ``i`` ended in. ``reach``
    (pixels) is how far each item reaches while it is on its own, when that is more than
    its bubble; a merged bubble reaches its bubble's radius."""
    n = len(count)
    group = np.arange(n)
    if n < 2:
        return count.copy(), lat.copy(), lon.copy(), group
    x, y = _pixels(lat.astype(np.float64), lon.astype(np.float64), zoom)
    c = count.astype(np.float64)
    r = bubble_radius(c, scale)
    if reach is not None:
        r = np.maximum(r, reach)
    for _ in range(MAX_PASSES):
        start, near_of = _touching(x, y, r)
        if not len(near_of):
            break
        owner = _owners(c, start, near_of)
        keep = np.unique(owner)
        new_index = np.full(len(c), -1)
        new_index[keep] = np.arange(len(keep))
        target = new_index[owner]
        total: np.ndarray = np.bincount(target, weights=c, minlength=len(keep)).astype(float)
        x = np.bincount(target, weights=c * x, minlength=len(keep)) / total
        y = np.bincount(target, weights=c * y, minlength=len(keep)) / total
        alone = np.bincount(target, minlength=len(keep)) == 1
        c = total.astype(np.float64)
        r = np.where(alone, r[keep], bubble_radius(c, scale))
        group = target[group]
    out_lat, out_lon = _latlon(x, y, zoom)
    return np.rint(c).astype(np.int64), out_lat, out_lon, group


def _hidden_badges(
    spot_x: np.ndarray,
    spot_y: np.ndarray,
    size: np.ndarray,
    merged: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    zoom: float,
    scale: float,
) -> np.ndarray:
    """Which spots are stacks drawn alone whose count badge (up-right of the dot) would
    touch another marker or another stack's badge."""
    count, lat, lon, group = merged
    spots_in = np.bincount(group, minlength=len(count))
    lone_stack = np.flatnonzero((size > 1) & (spots_in[group] == 1))
    if not len(lone_stack):
        return np.zeros(len(size), bool)
    x, y = _pixels(lat, lon, zoom)
    radius = bubble_radius(count, scale)
    own = group[lone_stack]
    left, top, right, bottom = badge_box(spot_x[lone_stack], spot_y[lone_stack], size[lone_stack])
    # a badge and the circle of every other marker: the nearest point of the box
    dx = np.clip(x[None, :], left[:, None], right[:, None]) - x[None, :]
    dy = np.clip(y[None, :], top[:, None], bottom[:, None]) - y[None, :]
    near = np.hypot(dx, dy) < radius[None, :] + GAP_PX
    near[np.arange(len(own)), own] = False
    # two badges
    apart = (
        (right[:, None] + GAP_PX <= left[None, :])
        | (right[None, :] + GAP_PX <= left[:, None])
        | (bottom[:, None] + GAP_PX <= top[None, :])
        | (bottom[None, :] + GAP_PX <= top[:, None])
    )
    np.fill_diagonal(apart, True)
    hidden = np.zeros(len(size), bool)
    hidden[lone_stack] = near.any(axis=1) | ~apart.all(axis=1)
    return hidden


def merge_spots(
    size: np.ndarray, lat: np.ndarray, lon: np.ndarray, zoom: float, scale: float = 1.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`merge_overlapping` for the spots of a point view (``size`` events at each
    distinct position): a spot of one event is a dot, a spot of several a stack with its
    count badge up-right of its dot. A stack counts as its dot until its badge would
    touch another marker or badge, then as far as its badge reaches, so no dot, bubble
    or badge touches another and a stack with its badge clear stays a stack."""
    x, y = _pixels(lat, lon, zoom)
    reach = bubble_radius(size, scale)
    badge = np.maximum(reach, badge_reach(size))
    merged = merge_overlapping(size, lat, lon, zoom, scale, reach=reach)
    for attempt in range(BADGE_ATTEMPTS):
        hidden = _hidden_badges(x, y, size, merged, zoom, scale)
        if not hidden.any():
            break
        # a badge in the way: that stack reaches as far as its badge (every stack, the
        # last time: then no badge can touch anything)
        grow = hidden if attempt < BADGE_ATTEMPTS - 1 else size > 1
        reach = np.where(grow, badge, reach)
        merged = merge_overlapping(size, lat, lon, zoom, scale, reach=reach)
    return merged
