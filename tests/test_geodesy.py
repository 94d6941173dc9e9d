"""Great-circle distances and spherical areas (no Qt): known figures, units, edge cases."""

from __future__ import annotations

import math

import pytest

from desktop_app.domain import geodesy
from desktop_app.domain.geodesy import EARTH_RADIUS_KM, area_km2, distance_km, legs_km, path_km

MOSCOW = (55.7558, 37.6173)
BEIJING = (39.9042, 116.4074)
TAIPEI = (25.0330, 121.5654)
LONDON = (51.5074, -0.1278)


def _dms(d: float, m: float, s: float) -> float:
    return d + m / 60 + s / 3600


def test_moscow_beijing_is_about_5800_km() -> None:
    assert distance_km(MOSCOW, BEIJING) == pytest.approx(5794, abs=5)
    assert distance_km(BEIJING, MOSCOW) == distance_km(MOSCOW, BEIJING)


def test_lands_end_to_john_o_groats_as_published() -> None:
    # the worked example of the haversine formula on movable-type.co.uk: 968.9 km
    lands_end = (_dms(50, 3, 59), -_dms(5, 42, 53))
    john_o_groats = (_dms(58, 38, 38), -_dms(3, 4, 12))
    assert distance_km(lands_end, john_o_groats) == pytest.approx(968.9, abs=0.1)


def test_quarter_of_the_equator_and_antipodes() -> None:
    quarter = math.pi / 2 * EARTH_RADIUS_KM
    assert distance_km((0, 0), (0, 90)) == pytest.approx(quarter)
    assert distance_km((0, 0), (90, 0)) == pytest.approx(quarter)
    assert distance_km((10, 20), (-10, -160)) == pytest.approx(2 * quarter)
    assert distance_km((0, 179.5), (0, -179.5)) == pytest.approx(1.0 / 360 * 4 * quarter)
    assert distance_km(MOSCOW, MOSCOW) == 0.0


def test_legs_and_path() -> None:
    path = [MOSCOW, BEIJING, TAIPEI]
    legs = legs_km(path)
    assert legs == [distance_km(MOSCOW, BEIJING), distance_km(BEIJING, TAIPEI)]
    assert path_km(path) == pytest.approx(sum(legs))
    assert legs_km([MOSCOW]) == [] and path_km([]) == 0.0


def test_units() -> None:
    assert geodesy.in_unit(1.852, "nm") == pytest.approx(1.0)
    assert geodesy.in_unit(1.609344, "mi") == pytest.approx(1.0)
    assert geodesy.in_unit(5, "km") == 5
    assert geodesy.area_in_unit(1.852**2, "nm") == pytest.approx(1.0)


def test_octant_area_is_an_eighth_of_the_sphere() -> None:
    sphere = 4 * math.pi * EARTH_RADIUS_KM**2
    octant = [(0.0, 0.0), (0.0, 90.0), (90.0, 0.0)]
    assert area_km2(octant) == pytest.approx(sphere / 8)
    assert area_km2(list(reversed(octant))) == pytest.approx(sphere / 8)  # either winding
    assert area_km2([*octant, octant[0]]) == pytest.approx(sphere / 8)  # closed ring too


def test_one_degree_cell_at_the_equator() -> None:
    side = math.radians(1) * EARTH_RADIUS_KM
    cell = area_km2([(0, 0), (0, 1), (1, 1), (1, 0)])
    assert cell == pytest.approx(side * side, rel=1e-3)
    # across the antimeridian it is the same cell
    assert area_km2([(0, 179.5), (0, -179.5), (1, -179.5), (1, 179.5)]) == pytest.approx(cell)


def test_a_ring_round_the_pole_bounds_the_cap() -> None:
    # a ring of many points at 80 N is (nearly) the spherical cap above it
    cap = 2 * math.pi * EARTH_RADIUS_KM**2 * (1 - math.sin(math.radians(80)))
    ring = [(80.0, float(lon)) for lon in range(-180, 180)]
    assert area_km2(ring) == pytest.approx(cap, rel=1e-3)
    assert area_km2([(-lat, lon) for lat, lon in ring]) == pytest.approx(cap, rel=1e-3)


def test_fewer_than_three_points_have_no_area() -> None:
    assert area_km2([]) == 0.0
    assert area_km2([MOSCOW, BEIJING]) == 0.0
