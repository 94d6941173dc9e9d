"""Placing a row that gives a name and no coordinates: a place of the project, a city of
the offline gazetteer, or a new place of that name without coordinates.

A name several of the project's places carry picks the one that agrees in country and
lies where the gazetteer puts the name (within ``SAME_PLACE_KM``); otherwise the row
stays unlocated and the warnings say why.
"""

from __future__ import annotations

import json
import math
from typing import Protocol

import numpy as np
import pandas as pd

from desktop_app.ingest import gazetteer


class LocationRegistry(Protocol):
    """What name resolution reads of ``locations.LocationRegistry`` (the project's
    places and those this import adds), so the two modules do not import each other."""

    by_name: dict[tuple[str, str, str], tuple[int, int, bool]]
    by_city: dict[tuple[str, int], int]

    def name_index(self) -> dict[str, list[tuple[int, str | None, float, float]]]: ...
    def unlocated(self) -> dict[tuple[str, str], int]: ...


SAME_PLACE_KM = 25.0
# columns that name a row's state or province, lower-case


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance on the sphere's tangent plane: enough to tell 1 km from 5."""
    dx = (lon1 - lon2 + 540.0) % 360.0 - 180.0
    dx *= math.cos(math.radians((lat1 + lat2) / 2)) * 111.32
    return math.hypot(dx, (lat1 - lat2) * 110.57)


def place_by_name(
    registry: LocationRegistry,
    rows_idx: np.ndarray,
    place: pd.Series,
    country: pd.Series,
    hints: pd.Series,
    existing: np.ndarray,
    new: np.ndarray,
    has_coordinates: np.ndarray,
    count: list[int],
    unresolved: dict[str, int],
    warnings: list[str],
) -> pd.DataFrame | None:
    """Rows with a place name only: a project place, a gazetteer city, or a new place
    without coordinates. Works on the distinct (name, country, state) rows."""
    keys = pd.DataFrame(
        {
            "name": place.iloc[rows_idx].to_numpy(),
            "country": country.iloc[rows_idx].fillna("").to_numpy(),
            "hint": hints.iloc[rows_idx].to_numpy(),
        }
    )
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(keys))
    found = np.full((len(uniques), 3), -1, np.int64)  # existing, local, has coordinates
    made = []
    for i, (name, cc, hint) in enumerate(uniques):
        done = registry.by_name.get((name, cc, hint))
        if done is None:
            done, row = place_for_name(registry, name, cc, hint, count, warnings)
            if row is not None:
                made.append(row)
            registry.by_name[(name, cc, hint)] = done
        found[i] = (done[0], done[1], int(done[2]))
    m, loc, xy = found[codes, 0], found[codes, 1], found[codes, 2] == 1
    existing[rows_idx[m >= 0]] = m[m >= 0]
    new[rows_idx[loc >= 0]] = loc[loc >= 0]
    has_coordinates[rows_idx] = xy
    missing = pd.Series(keys["name"].to_numpy()[~xy]).value_counts()
    for name, rows in missing.items():
        unresolved[str(name)] = unresolved.get(str(name), 0) + int(rows)
    return pd.DataFrame(made) if made else None


def place_for_name(
    registry: LocationRegistry,
    name: str,
    cc: str,
    hint: str,
    count: list[int],
    warnings: list[str],
) -> tuple[tuple[int, int, bool], dict[str, object] | None]:
    """(existing id, local id, located) for one name, and the new place's row if any."""
    area = gazetteer.area(hint)
    country = cc or (area[0] if area is not None else "")
    picked, reason = match_project(registry.name_index(), name, country, hint)
    if picked is not None:
        return (picked, -1, True), None
    if reason:
        warnings.append(reason)
    else:
        city = gazetteer.lookup(name, country or None, hint or None)
        if city is not None:
            met = registry.by_city.get((name, city.geonameid))
            if met is not None:  # the same city, reached with another state spelling
                return (-1, met, True), None
            local = registry.by_city[(name, city.geonameid)] = count[0]
            count[0] += 1
            return (-1, local, True), {
                "name": name,
                "country": city.country,
                "latitude": city.latitude,
                "longitude": city.longitude,
                "geo_precision": "town",
                "alt_names": json.dumps([city.name] if city.name != name else []),
                "gazetteer_id": city.geonameid,
                "attributes": None,
            }
    kept = registry.unlocated().get((name.strip().lower(), country))
    if kept is not None:
        return (kept, -1, False), None
    local = count[0]
    count[0] += 1
    return (-1, local, False), {
        "name": name,
        "country": country or None,
        "latitude": None,
        "longitude": None,
        "geo_precision": "unknown",
        "alt_names": "[]",
        "gazetteer_id": pd.NA,
        "attributes": json.dumps({"state": hint}) if hint else None,
    }


def name_index(known: pd.DataFrame) -> dict[str, list[tuple[int, str | None, float, float]]]:
    """Lower-case name and alternate names -> [(location id, country, lat, lon)]."""
    index: dict[str, list[tuple[int, str | None, float, float]]] = {}
    for row in known.itertuples(index=False):
        lat = (
            float(row.latitude)
            if row.latitude is not None and not pd.isna(row.latitude)
            else math.nan
        )
        lon = (
            float(row.longitude)
            if row.longitude is not None and not pd.isna(row.longitude)
            else math.nan
        )
        alts = row.alt_names if isinstance(row.alt_names, list) else []
        country = row.country if isinstance(row.country, str) and row.country else None
        for name in {row.name, *alts}:
            index.setdefault(str(name).strip().lower(), []).append((int(row.id), country, lat, lon))
    return index


def match_project(
    index: dict[str, list[tuple[int, str | None, float, float]]], name: str, country: str, hint: str
) -> tuple[int | None, str]:
    """The located project place a name stands for, or None with a reason when several
    places carry the name and none can be told to be the one ('' when none carries it)."""
    hits = [h for h in index.get(name.strip().lower(), []) if not math.isnan(h[2])]
    if country:
        same = [h for h in hits if h[1] == country]
        hits = same or [h for h in hits if h[1] is None]
    ids = sorted({h[0] for h in hits})
    if not ids:
        return None, ""
    if len(ids) == 1:
        return ids[0], ""
    first = min(hits, key=lambda h: h[0])
    if all(distance_km(first[2], first[3], h[2], h[3]) <= SAME_PLACE_KM for h in hits):
        return first[0], ""  # the same place recorded more than once: the oldest
    city = gazetteer.lookup(name, country or None, hint or None)
    if city is not None:
        nearest = min(
            hits, key=lambda h: (distance_km(city.latitude, city.longitude, h[2], h[3]), h[0])
        )
        if distance_km(city.latitude, city.longitude, nearest[2], nearest[3]) <= SAME_PLACE_KM:
            return nearest[0], ""
    where = ", ".join(sorted({f"{h[1] or '?'} ({h[2]:.2f}, {h[3]:.2f})" for h in hits})[:5])
    return None, (
        f"{name!r} matches {len(ids)} places in the project far apart ({where}): "
        f"its rows are kept under an unlocated place of that name; "
        f"give a country or a state column, or locate it in Edit ▸ Place"
    )
