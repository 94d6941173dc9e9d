"""Distances and areas on the Earth, as the map's measure tool gives them.

A sphere of the IUGG mean radius (6,371.0088 km): great-circle distances by the
haversine formula, polygon areas by spherical excess (the signed area between each edge
and the equator, summed). On the WGS84 ellipsoid the true figures differ by up to about 0.5 %
(distances) — the accuracy of a map measurement, not of a survey. The page's measure
tool (``resources/map/sightline_measure.js``) uses the same formulas; a test holds the
two together. No Qt here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

EARTH_RADIUS_KM = 6371.0088
Unit = Literal["km", "nm", "mi"]
UNITS: tuple[Unit, ...] = ("km", "nm", "mi")
KM_PER_UNIT: dict[Unit, float] = {"km": 1.0, "nm": 1.852, "mi": 1.609344}
UNIT_NAMES: dict[Unit, str] = {"km": "kilometres", "nm": "nautical miles", "mi": "miles"}

Point = tuple[float, float]  # (lat, lon) in degrees


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance between two (lat, lon) points, in kilometres."""
    lat1, lon1 = math.radians(a[0]), math.radians(a[1])
    lat2, lon2 = math.radians(b[0]), math.radians(b[1])
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def legs_km(points: Sequence[Point]) -> list[float]:
    """The length of each leg of a path of points, in kilometres."""
    return [distance_km(points[i], points[i + 1]) for i in range(len(points) - 1)]


def path_km(points: Sequence[Point]) -> float:
    """The whole length of a path, in kilometres."""
    return sum(legs_km(points))


def _wrap(radians: float) -> float:
    """An angle brought into (-pi, pi]."""
    wrapped = (radians + math.pi) % (2 * math.pi) - math.pi
    return math.pi if wrapped == -math.pi else wrapped


def area_km2(points: Sequence[Point]) -> float:
    """Area of the polygon with these vertices (great-circle edges, closed for you), in
    square kilometres; 0 for fewer than three points.

    Spherical excess: the signed area between each edge and the equator,
    ``E = 2 atan2(tan(dlon/2) (tan(lat1/2) + tan(lat2/2)), 1 + tan(lat1/2) tan(lat2/2))``,
    summed; a ring round a pole bounds the hemisphere less that sum. The smaller of the
    two regions the ring bounds is the polygon's area."""
    if len(points) < 3:
        return 0.0
    ring = list(points)
    if ring[0] == ring[-1]:
        ring = ring[:-1]
    excess = 0.0
    turn = 0.0  # the longitudes swept: 0 for a ring beside the pole, 2 pi round it
    for i, (lat1, lon1) in enumerate(ring):
        lat2, lon2 = ring[(i + 1) % len(ring)]
        t1 = math.tan(math.radians(lat1) / 2)
        t2 = math.tan(math.radians(lat2) / 2)
        dlon = _wrap(math.radians(lon2 - lon1))
        turn += dlon
        excess += 2 * math.atan2(math.tan(dlon / 2) * (t1 + t2), 1 + t1 * t2)
    excess = abs(excess)
    if abs(turn) > math.pi:  # round a pole
        excess = abs(2 * math.pi - excess)
    sphere = 4 * math.pi
    return min(excess, sphere - excess) * EARTH_RADIUS_KM**2


def in_unit(km: float, unit: Unit) -> float:
    """A length in kilometres, in ``unit``."""
    return km / KM_PER_UNIT[unit]


def area_in_unit(km2: float, unit: Unit) -> float:
    """An area in square kilometres, in square ``unit``."""
    return km2 / KM_PER_UNIT[unit] ** 2
