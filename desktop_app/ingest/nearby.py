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

The places live in a :class:`PlaceBook`: numpy columns in the order the places were
made, and a group number per (name, country), so a slice looks at the places of its
names without a Python object per place.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from desktop_app.ingest.place_names import distance_km

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


class PlaceBook:
    """Every place rows with coordinates may join, in the order the places were made:
    position, coordinates, tolerance (km), project id (-1: new), local id (-1: none
    yet), and the group of its (name, country)."""

    def __init__(self) -> None:
        self.groups: dict[tuple[str, str], int] = {}
        self.size = 0
        self.lat = np.zeros(0, np.float64)
        self.lon = np.zeros(0, np.float64)
        self.tolerance = np.zeros(0, np.float64)
        self.project_id = np.zeros(0, np.int64)
        self.local_id = np.zeros(0, np.int64)
        self.group = np.zeros(0, np.int64)

    def group_of(self, key: tuple[str, str]) -> int:
        """The group number of a (name, country), a new one if it has none."""
        return self.groups.setdefault(key, len(self.groups))

    def has(self, key: tuple[str, str]) -> bool:
        """Whether a place of this (name, country) was made (or is being made)."""
        return key in self.groups

    def add(
        self,
        group: np.ndarray,
        lat: np.ndarray,
        lon: np.ndarray,
        tolerance: np.ndarray,
        project_id: np.ndarray | None = None,
    ) -> np.ndarray:
        """Append places (in this order); their positions."""
        n = len(group)
        if self.size + n > len(self.lat):
            room = max(2 * len(self.lat), self.size + n, 1024)
            for name in ("lat", "lon", "tolerance", "project_id", "local_id", "group"):
                old = getattr(self, name)
                grown = np.full(room, -1, old.dtype)
                grown[: self.size] = old[: self.size]
                setattr(self, name, grown)
        at = np.arange(self.size, self.size + n, dtype=np.int64)
        self.lat[at], self.lon[at], self.tolerance[at] = lat, lon, tolerance
        self.project_id[at] = -1 if project_id is None else project_id
        self.local_id[at] = -1
        self.group[at] = group
        self.size += n
        return at

    def members(self, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The positions of the places of these groups, by group (in the order given)
        and by position within each; and how many each group has."""
        slot = np.full(len(self.groups) + 1, -1, np.int64)
        slot[groups] = np.arange(len(groups))
        of = slot[self.group[: self.size]]
        at = np.flatnonzero(of >= 0)
        at = at[np.argsort(of[at], kind="stable")]
        return at, np.bincount(of[at], minlength=len(groups)).astype(np.int64)


class Joined:
    """Per point: the position of the place it joined, whether it made it, where it is."""

    def __init__(self, n: int) -> None:
        self.place = np.full(n, -1, np.int64)
        self.created = np.zeros(n, bool)

    def where(self, book: PlaceBook) -> tuple[np.ndarray, np.ndarray]:
        """The coordinates of each point's place."""
        return book.lat[self.place], book.lon[self.place]


def join_nearby(
    group: np.ndarray,
    names: np.ndarray,
    countries: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    tolerance: np.ndarray,
    book: PlaceBook,
) -> Joined:
    """The place of each point (in order of first appearance; ``group`` codes equal
    (name, country)); the new places are added to ``book``."""
    n = len(group)
    out = Joined(n)
    if n == 0:
        return out
    _, first, inv = np.unique(group, return_index=True, return_inverse=True)
    inv = inv.reshape(-1)
    groups = np.array(
        [book.group_of((str(names[f]), str(countries[f]))) for f in first.tolist()], np.int64
    )
    named = np.asarray(names != "", bool)
    hit = _known(book, groups, inv, named, lat, lon, tolerance, out)
    rem = np.flatnonzero(~hit)

    def make(points: np.ndarray) -> None:
        out.place[points] = book.add(
            groups[inv[points]], lat[points], lon[points], tolerance[points]
        )
        out.created[points] = True

    # without a name: a place per spot (a second point there is rare: taken one by one)
    unnamed = rem[~named[rem]]
    later: list[np.ndarray] = []
    if len(unnamed):
        spot = pd.factorize(
            pd.MultiIndex.from_arrays([inv[unnamed], lat[unnamed], lon[unnamed] % 360.0])
        )[0]
        again = pd.Series(spot).duplicated().to_numpy()
        make(unnamed[~again])
        later.append(unnamed[again])
    rem = rem[named[rem]]
    leader_of = np.full(len(first), -1, np.int64)
    for _ in range(MAX_ROUNDS):
        if not len(rem):
            break
        g = inv[rem]
        leads = ~pd.Series(g).duplicated().to_numpy()
        make(rem[leads])
        leader_of[g[leads]] = rem[leads]
        lead = leader_of[g]
        reach = distances_km(lat[rem], lon[rem], lat[lead], lon[lead]) <= np.maximum(
            tolerance[rem], tolerance[lead]
        )
        members = reach & ~leads
        out.place[rem[members]] = out.place[lead[members]]
        rem = rem[~(reach | leads)]
    later.append(rem)
    for i in np.sort(np.concatenate(later)).tolist():  # one by one, in order
        _one(i, book, int(groups[inv[i]]), bool(named[i]), lat, lon, tolerance, out)
    return out


def _known(
    book: PlaceBook,
    groups: np.ndarray,
    inv: np.ndarray,
    named: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    tolerance: np.ndarray,
    out: Joined,
) -> np.ndarray:
    """Points that join a place known before this slice (put into ``out``)."""
    n = len(inv)
    flat, counts = book.members(groups)
    if not counts.any():
        return np.zeros(n, bool)
    known_lat, known_lon = book.lat[flat], book.lon[flat]
    known_tolerance = book.tolerance[flat]
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
        limit_km = np.where(named[pt], np.maximum(tolerance[pt], known_tolerance[pl]), 0.0)
        # the north-south part alone rules most pairs out (the distance is never less,
        # as computed: the same expression inside distances_km's hypot)
        near = np.flatnonzero(np.abs((lat[pt] - known_lat[pl]) * 110.57) <= limit_km)
        pt, pl, limit_km = pt[near], pl[near], limit_km[near]
        d = distances_km(lat[pt], lon[pt], known_lat[pl], known_lon[pl])
        ok = np.flatnonzero(d <= limit_km)
        if len(ok):
            points, at = np.unique(pt[ok], return_index=True)  # the first place of each
            found[points] = pl[ok[at]]
        start = stop
    hit = found >= 0
    out.place[hit] = flat[found[hit]]
    return hit


def _one(
    i: int,
    book: PlaceBook,
    group: int,
    named: bool,
    lat: np.ndarray,
    lon: np.ndarray,
    tolerance: np.ndarray,
    out: Joined,
) -> None:
    """One point the way the rounds would take it: the first place that reaches it."""
    a, b, t = float(lat[i]), float(lon[i]), float(tolerance[i])
    for p in np.flatnonzero(book.group[: book.size] == group).tolist():
        reach = max(t, float(book.tolerance[p])) if named else 0.0
        if distance_km(a, b, float(book.lat[p]), float(book.lon[p])) <= reach:
            out.place[i] = p
            return
    out.place[i] = book.add(np.array([group]), np.array([a]), np.array([b]), np.array([t]))[0]
    out.created[i] = True
