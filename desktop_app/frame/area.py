"""Which events lie inside a drawn area (a polygon or a lasso), in numpy on the frame.

The test is the even-odd rule on plain longitude/latitude (degrees, as a flat plane):
a point is inside when a ray from it crosses the outline an odd number of times, so a
self-crossing lasso leaves its doubly wound parts out, as every drawing program does.
A point exactly on the outline (an edge or a corner) counts as inside: an event placed
on the border the analyst traced is one they meant to take.

The antimeridian is ignored: an area is not split where it crosses ±180°, so a polygon
drawn across the date line (Leaflet gives its corners as, say, 170° and 190°) is shifted
as a whole into [-180°, 180°] by its centre and takes no event on the far side of the
line. Events without a location are never inside.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence

import numpy as np

from desktop_app.frame.event_frame import EventFrame

MIN_VERTICES = 3
MAX_VERTICES = 5_000  # a lasso is thinned in the page; anything longer is refused
EDGE_EPS = 1e-9  # degrees: closer than this to the outline is on it


class AreaError(ValueError):
    """The outline is not an area (too few corners, not numbers, out of range)."""


def clean_outline(points: Sequence[Sequence[float]]) -> np.ndarray:
    """The outline as an (n, 2) array of (lon, lat), checked, closed implicitly (a
    repeated last corner is dropped) and shifted as a whole into [-180°, 180°] by its
    centre. Raises :class:`AreaError` for anything that is not an area."""
    try:
        outline = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise AreaError("an area's corners are (longitude, latitude) numbers") from exc
    if outline.ndim != 2 or outline.shape[1] != 2:
        raise AreaError("an area's corners are (longitude, latitude) pairs")
    if len(outline) > 1 and np.array_equal(outline[0], outline[-1]):
        outline = outline[:-1]
    if len(outline) < MIN_VERTICES:
        raise AreaError(f"an area needs at least {MIN_VERTICES} corners")
    if len(outline) > MAX_VERTICES:
        raise AreaError(f"an area has at most {MAX_VERTICES:,} corners")
    if not np.isfinite(outline).all():
        raise AreaError("an area's corners must be finite numbers")
    if (np.abs(outline[:, 1]) > 90.0).any():
        raise AreaError("an area's latitudes lie between -90 and 90")
    centre = (outline[:, 0].min() + outline[:, 0].max()) / 2.0
    shift = 360.0 * np.round(centre / 360.0)  # the world copy the analyst drew on
    outline = outline.copy()
    outline[:, 0] -= shift
    return outline


def points_in_outline(lon: np.ndarray, lat: np.ndarray, outline: np.ndarray) -> np.ndarray:
    """Even-odd point-in-polygon for every (lon, lat); points on the outline are inside;
    NaN positions are outside. ``outline`` is what :func:`clean_outline` returns.

    Only the points in the outline's box are tested, sorted by latitude once, so each
    edge looks only at the points in its own band of latitudes (a slice found by binary
    search): the work is about the number of points times the edges a parallel
    crosses, not times every edge, which keeps a 600-corner lasso fast at a million."""
    lon = np.asarray(lon, np.float64)
    lat = np.asarray(lat, np.float64)
    inside = np.zeros(lon.shape, bool)
    x0, y0 = outline.min(axis=0)
    x1, y1 = outline.max(axis=0)
    box = (lon >= x0 - EDGE_EPS) & (lon <= x1 + EDGE_EPS)
    box &= (lat >= y0 - EDGE_EPS) & (lat <= y1 + EDGE_EPS)  # NaN compares False
    candidates = np.flatnonzero(box)
    if len(candidates) == 0:
        return inside
    order = np.argsort(lat[candidates])
    candidates = candidates[order]
    x, y = lon[candidates], lat[candidates]
    hits = np.zeros(len(candidates), bool)  # odd crossings, or on the outline
    on_edge = np.zeros(len(candidates), bool)
    ax, ay = outline[:, 0], outline[:, 1]
    bx, by = np.roll(ax, -1), np.roll(ay, -1)
    for i in range(len(outline)):
        xa, ya, xb, yb = float(ax[i]), float(ay[i]), float(bx[i]), float(by[i])
        low = int(np.searchsorted(y, min(ya, yb) - EDGE_EPS, "left"))
        high = int(np.searchsorted(y, max(ya, yb) + EDGE_EPS, "right"))
        if low == high:
            continue
        px, py = x[low:high], y[low:high]
        # half-open in latitude: a ray through a corner is counted once, a flat edge never
        straddles = (ya > py) != (yb > py)
        if ya != yb:
            crossing = xa + (py - ya) / (yb - ya) * (xb - xa)
            hits[low:high] ^= straddles & (px < crossing)
        # on this edge: collinear with it and within its extent
        dx, dy = xb - xa, yb - ya
        length = max(float(np.hypot(dx, dy)), EDGE_EPS)
        near = np.abs((px - xa) * dy - (py - ya) * dx) / length <= EDGE_EPS
        near &= (px >= min(xa, xb) - EDGE_EPS) & (px <= max(xa, xb) + EDGE_EPS)
        on_edge[low:high] |= near
    inside[candidates] = hits | on_edge
    return inside


_last: tuple[weakref.ref[EventFrame], tuple[tuple[float, float], ...], np.ndarray] | None = None


def area_mask(frame: EventFrame, points: Sequence[Sequence[float]]) -> np.ndarray:
    """Which events of ``frame`` lie inside the area with these (lon, lat) corners.

    The last answer is kept (for the same frame object and corners): the area filter is
    computed again at every change of any other filter, and its area rarely changes."""
    global _last
    try:
        key = tuple((float(p[0]), float(p[1])) for p in points)
    except (TypeError, ValueError, IndexError) as exc:
        raise AreaError("an area's corners are (longitude, latitude) numbers") from exc
    if _last is not None and _last[0]() is frame and _last[1] == key:
        return _last[2].copy()
    mask = points_in_outline(frame.lon, frame.lat, clean_outline(points))
    _last = (weakref.ref(frame), key, mask)
    return mask.copy()
