"""Joining the points of one name into places, a whole slice of points at once.

A point (a row's coordinates under a name and country) joins the first place of that
name and country, in the order the places were made, that lies within the larger of
the point's tolerance and the place's; a point that joins none makes a new place there
(see ``locations.py``). Points are taken in the order the file first gives them, so the
result depends on that order, and this module reproduces exactly what that one-by-one
reading gives, with numpy over all the points instead of a Python loop per point:

1. every point is checked against the places known before the slice (the project's,
   earlier slices'), all (point, place) pairs of a name at once;
2. the rest go in rounds: in each name the first point left makes a new place, and the
   points left that lie within its reach join it. The points before it in that name
   have all found their place already, and the places made before it were checked in
   earlier rounds, so each point still joins the first place that reaches it. A name
   needs as many rounds as it makes places in the slice (80 at most in a million
   ACLED rows with coordinates of their own); after ``MAX_ROUNDS`` the points left are
   taken one by one, as before.

A point without a name joins only a place at the very same spot (tolerance 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from desktop_app.ingest.place_names import distance_km

# [latitude, longitude, tolerance km, project id or -1, local id or -1]
Entry = list[float]
MAX_ROUNDS = 256
MAX_PAIRS = 4_000_000  # (point, known place) pairs looked at at once


def distances_km(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """:func:`place_names.distance_km` on arrays."""
    dx = (lon1 - lon2 + 540.0) % 360.0 - 180.0
    dx = dx * (np.cos(np.radians((lat1 + lat2) / 2)) * 111.32)
    out: np.ndarray = np.hypot(dx, (lat1 - lat2) * 110.57)
    return out


class Joined:
    """Per point: the place entry it joined, whether it made it, the place's position."""

    def __init__(self, n: int) -> None:
        self.entries: list[Entry] = [[]] * n  # each filled in by put
        self.created = np.zeros(n, bool)
        self.lat = np.full(n, np.nan)
        self.lon = np.full(n, np.nan)

    def put(self, i: int, entry: Entry, created: bool = False) -> None:
        self.entries[i] = entry
        self.created[i] = created
        self.lat[i], self.lon[i] = entry[0], entry[1]


def join_nearby(
    group: np.ndarray,
    names: np.ndarray,
    countries: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    tolerance: np.ndarray,
    places: dict[tuple[str, str], list[Entry]],
) -> Joined:
    """The place of each point (in order of first appearance; ``group`` codes equal
    (name, country)); ``places`` gets the new ones appended under their name."""
    n = len(group)
    out = Joined(n)
    if n == 0:
        return out
    _, first, inv = np.unique(group, return_index=True, return_inverse=True)
    inv = inv.reshape(-1)
    lists = [places.setdefault((str(names[f]), str(countries[f])), []) for f in first.tolist()]
    named = np.asarray(names != "", bool)
    hit = _known(lists, inv, named, lat, lon, tolerance, out)
    rem = np.flatnonzero(~hit)

    def make(i: int) -> None:
        entry = [float(lat[i]), float(lon[i]), float(tolerance[i]), -1.0, -1.0]
        lists[inv[i]].append(entry)
        out.put(i, entry, created=True)

    # without a name: a place per spot (a second point there is rare: taken one by one)
    unnamed = rem[~named[rem]]
    later: list[np.ndarray] = []
    if len(unnamed):
        spot = pd.factorize(
            pd.MultiIndex.from_arrays([inv[unnamed], lat[unnamed], lon[unnamed] % 360.0])
        )[0]
        again = pd.Series(spot).duplicated().to_numpy()
        for i in unnamed[~again].tolist():
            make(i)
        later.append(unnamed[again])
    rem = rem[named[rem]]
    leader_of = np.full(len(first), -1, np.int64)
    for _ in range(MAX_ROUNDS):
        if not len(rem):
            break
        g = inv[rem]
        leads = ~pd.Series(g).duplicated().to_numpy()
        for i in rem[leads].tolist():
            make(i)
        leader_of[g[leads]] = rem[leads]
        lead = leader_of[g]
        reach = distances_km(lat[rem], lon[rem], lat[lead], lon[lead]) <= np.maximum(
            tolerance[rem], tolerance[lead]
        )
        members = reach & ~leads
        for i, k in zip(rem[members].tolist(), lead[members].tolist(), strict=True):
            out.put(i, out.entries[k])
        rem = rem[~(reach | leads)]
    later.append(rem)
    for i in np.sort(np.concatenate(later)).tolist():  # one by one, in order
        _one(i, lists[inv[i]], bool(named[i]), lat, lon, tolerance, out)
    return out


def _known(
    lists: list[list[Entry]],
    inv: np.ndarray,
    named: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    tolerance: np.ndarray,
    out: Joined,
) -> np.ndarray:
    """Points that join a place known before this slice (put into ``out``)."""
    n = len(inv)
    counts = np.array([len(x) for x in lists], np.int64)
    if not counts.any():
        return np.zeros(n, bool)
    flat = [e for x in lists for e in x]
    known = np.array(flat, np.float64).reshape(-1, 5)[:, :3]
    offsets = np.cumsum(counts) - counts
    per_point = counts[inv]
    ends = np.cumsum(per_point)
    found = np.full(n, -1, np.int64)
    start = 0
    while start < n:  # a few million pairs at a time
        limit = ends[start] - per_point[start] + MAX_PAIRS
        stop = max(start + 1, int(np.searchsorted(ends, limit, side="right")))
        idx = np.arange(start, stop)
        m = per_point[idx]
        pt = np.repeat(idx, m)
        within = np.arange(len(pt)) - np.repeat(np.cumsum(m) - m, m)
        pl = offsets[inv[pt]] + within
        d = distances_km(lat[pt], lon[pt], known[pl, 0], known[pl, 1])
        limit_km = np.where(named[pt], np.maximum(tolerance[pt], known[pl, 2]), 0.0)
        ok = np.flatnonzero(d <= limit_km)
        if len(ok):
            points, at = np.unique(pt[ok], return_index=True)  # the first place of each
            found[points] = pl[ok[at]]
        start = stop
    hit = found >= 0
    at = np.flatnonzero(hit)
    out.lat[at], out.lon[at] = known[found[at], 0], known[found[at], 1]
    entries = out.entries
    for i, k in zip(at.tolist(), found[at].tolist(), strict=True):
        entries[i] = flat[k]
    return hit


def _one(
    i: int,
    near: list[Entry],
    named: bool,
    lat: np.ndarray,
    lon: np.ndarray,
    tolerance: np.ndarray,
    out: Joined,
) -> None:
    """One point the way the rounds would take it: the first place that reaches it."""
    a, b, t = float(lat[i]), float(lon[i]), float(tolerance[i])
    for p in near:
        if distance_km(a, b, p[0], p[1]) <= (max(t, p[2]) if named else 0.0):
            out.put(i, p)
            return
    entry = [a, b, t, -1.0, -1.0]
    near.append(entry)
    out.put(i, entry, created=True)
