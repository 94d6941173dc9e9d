"""Giving each row a location: its coordinates, the project's places, or the gazetteer."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import select

from desktop_app.ingest import gazetteer
from desktop_app.ingest.vector import json_objects
from desktop_app.store.project import Project
from desktop_app.store.schema import Location


@dataclass
class ResolvedLocations:
    """Per row: an existing location id or a new one (local index), or neither."""

    existing: pd.Series  # Int64, NA where none
    new: pd.Series  # Int64 index into ``locations``, NA where none
    locations: pd.DataFrame  # the new ones (LOCATION_COLUMNS)
    unresolved: dict[str, int] = field(default_factory=dict)  # place name -> rows

    @property
    def located(self) -> np.ndarray:
        return (self.existing.notna() | self.new.notna()).to_numpy()


def project_locations(project: Project) -> pd.DataFrame:
    with project.engine.connect() as conn:
        rows = conn.execute(select(Location.id, Location.name, Location.country,
                                   Location.latitude, Location.longitude,
                                   Location.alt_names)).all()
    return pd.DataFrame(rows, columns=["id", "name", "country", "latitude", "longitude",
                                       "alt_names"])


class LocationRegistry:
    """The places of one import, kept across the slices of a big file.

    New locations get batch-wide local ids in the order they are first met; a place met
    again in a later slice gets the same id.
    """

    def __init__(self, known: pd.DataFrame) -> None:
        self.known = known
        self.count = 0
        self.by_key: dict[tuple[str, str, float, float], int] = {}  # coordinates -> local
        self.by_name: dict[tuple[str, str], tuple[int, int]] = {}  # -> (existing, local)
        self.frames: list[pd.DataFrame] = []  # the new locations, in local-id order
        self._name_index: dict[str, list[tuple[int, str | None]]] | None = None
        self._known_keys: dict[tuple[str, str, float, float], int] | None = None

    def name_index(self) -> dict[str, list[tuple[int, str | None]]]:
        if self._name_index is None:
            self._name_index = _name_index(self.known)
        return self._name_index

    def known_keys(self) -> dict[tuple[str, str, float, float], int]:
        """(name, country, lat, lon) of the project's locations -> the first such id."""
        if self._known_keys is None:
            k = self.known
            keys: dict[tuple[str, str, float, float], int] = {}
            if len(k):
                lat = k.latitude.astype(float).round(5).to_numpy()
                lon = k.longitude.astype(float).round(5).to_numpy()
                for i, name, cc, a, b in zip(k.id.to_numpy(), k.name.to_numpy(),
                                             k.country.fillna("").to_numpy(), lat, lon,
                                             strict=True):
                    if not (np.isnan(a) or np.isnan(b)):
                        keys.setdefault((str(name), str(cc), float(a), float(b)), int(i))
            self._known_keys = keys
        return self._known_keys

    def add(self, frame: pd.DataFrame) -> None:
        self.frames.append(frame)
        self.count += len(frame)

    def rows(self, local: np.ndarray) -> pd.DataFrame:
        """The new locations with these local ids, in that order."""
        columns = ["name", "country", "latitude", "longitude", "geo_precision", "alt_names",
                   "gazetteer_id", "attributes"]
        frames = [f[columns] for f in self.frames if len(f)]
        if not frames:
            return pd.DataFrame(columns=columns)
        if len(frames) > 1:  # keep one frame: later slices look up earlier places
            frames = [pd.concat(frames, ignore_index=True)]
        self.frames = frames
        return frames[0].iloc[local].reset_index(drop=True)


def resolve(
    known: pd.DataFrame, place: pd.Series, country: pd.Series, lat: np.ndarray, lon: np.ndarray,
    geo_precision: pd.Series, detail: pd.DataFrame | None = None,
    registry: LocationRegistry | None = None,
) -> ResolvedLocations:
    """Rows with coordinates get a location keyed by (name, country, lat, lon); rows with
    only a place name are matched to the project's locations, then to the gazetteer.

    With a ``registry``, ``new`` holds batch-wide local ids and ``locations`` only the
    places this call added (``registry.rows`` gives any of them later)."""
    registry = registry if registry is not None else LocationRegistry(known)
    n = len(place)
    place = place.reset_index(drop=True).astype("string").fillna("")
    country = country.reset_index(drop=True).astype("string")
    existing = np.full(n, -1, np.int64)
    new = np.full(n, -1, np.int64)
    new_rows: list[pd.DataFrame] = []
    first_local = registry.count
    count = registry.count

    has_xy = ~(np.isnan(lat) | np.isnan(lon))
    if has_xy.any():
        rows_idx = np.flatnonzero(has_xy)
        # equal (name, country, lat, lon) rows share a code; work on the distinct ones
        parts = [pd.factorize(place.iloc[rows_idx]), pd.factorize(country.iloc[rows_idx].fillna("")),
                 pd.factorize(np.round(lat[rows_idx], 5)), pd.factorize(np.round(lon[rows_idx], 5))]
        codes = np.zeros(len(rows_idx), np.int64)
        for c, u in parts:
            codes = pd.factorize(codes * (len(u) + 1) + c)[0].astype(np.int64)
        firsts = np.unique(codes, return_index=True)[1]
        table = pd.DataFrame({
            name: np.asarray(u, dtype=object if name in ("name", "country") else np.float64)[
                c[firsts]]
            for name, (c, u) in zip(("name", "country", "latitude", "longitude"), parts,
                                    strict=True)
        })
        # reuse a project location with the same name, country and coordinates, or a
        # place an earlier slice of this file added
        known_keys = registry.known_keys()
        match = np.full(len(table), -1, np.int64)
        local = np.full(len(table), -1, np.int64)
        fresh = np.zeros(len(table), bool)
        for i, key in enumerate(zip(table["name"].to_numpy(),
                                    table["country"].fillna("").to_numpy(),
                                    table["latitude"].to_numpy(), table["longitude"].to_numpy(),
                                    strict=True)):
            key = (str(key[0]), str(key[1]), float(key[2]), float(key[3]))
            hit = known_keys.get(key)
            if hit is not None:
                match[i] = hit
                continue
            seen = registry.by_key.get(key)
            if seen is None:
                seen = registry.by_key[key] = count
                count += 1
                fresh[i] = True
            local[i] = seen
        existing[rows_idx] = match[codes]
        new[rows_idx] = local[codes]
        if fresh.any():
            picked = rows_idx[firsts[fresh]]
            new_table = table[fresh].reset_index(drop=True)
            new_table["geo_precision"] = geo_precision.iloc[picked].to_numpy(dtype=object)
            new_table["attributes"] = (
                json_objects(detail.iloc[picked].reset_index(drop=True)).to_numpy(
                    dtype=object)
                if detail is not None and detail.shape[1] else None)
            new_table["name"] = new_table["name"].where(new_table["name"] != "",
                                                        _coordinate_names(new_table))
            new_table["country"] = new_table["country"].replace("", None)
            new_table["alt_names"] = "[]"
            new_table["gazetteer_id"] = pd.array([pd.NA] * len(new_table), dtype="Int64")
            new_rows.append(new_table)

    by_name = (~has_xy) & (place != "").to_numpy()
    unresolved: dict[str, int] = {}
    if by_name.any():
        pairs = pd.DataFrame({"name": place[by_name].to_numpy(),
                              "country": country[by_name].fillna("").to_numpy()})
        codes, uniques = pd.factorize(pd.MultiIndex.from_frame(pairs))
        name_index = registry.name_index()
        found_existing = np.full(len(uniques), -1, np.int64)
        found_local = np.full(len(uniques), -1, np.int64)
        gaz_rows = []
        for i, (name, cc) in enumerate(uniques):
            done = registry.by_name.get((name, cc))
            if done is None:
                done = (-1, -1)
                hit = _match_project(name_index, name, cc or None)
                if hit is not None:
                    done = (hit, -1)
                else:
                    city = gazetteer.lookup(name, cc or None)
                    if city is not None:
                        done = (-1, count)
                        count += 1
                        gaz_rows.append({
                            "name": name, "country": city.country, "latitude": city.latitude,
                            "longitude": city.longitude, "geo_precision": "town",
                            "alt_names": json.dumps([city.name] if city.name != name else []),
                            "gazetteer_id": city.geonameid, "attributes": None,
                        })
                registry.by_name[(name, cc)] = done
            found_existing[i], found_local[i] = done
        rows_idx = np.flatnonzero(by_name)
        m, loc = found_existing[codes], found_local[codes]
        existing[rows_idx[m >= 0]] = m[m >= 0]
        new[rows_idx[loc >= 0]] = loc[loc >= 0]
        missing = (m < 0) & (loc < 0)
        for name in pd.Series(pairs["name"].to_numpy()[missing]).value_counts().items():
            unresolved[str(name[0])] = int(name[1])
        if gaz_rows:
            new_rows.append(pd.DataFrame(gaz_rows))

    columns = ["name", "country", "latitude", "longitude", "geo_precision", "alt_names",
               "gazetteer_id", "attributes"]
    locations = (pd.concat([r[columns] for r in new_rows], ignore_index=True)
                 if new_rows else pd.DataFrame(columns=columns))
    assert len(locations) == count - first_local
    registry.add(locations)
    return ResolvedLocations(_nullable(existing), _nullable(new), locations, unresolved)


def _nullable(ids: np.ndarray) -> pd.Series:
    """Ids with -1 meaning none, as a nullable integer column."""
    return pd.Series(ids, dtype="Int64").where(ids >= 0)


def _coordinate_names(table: pd.DataFrame) -> pd.Series:
    return pd.Series([f"{a:.4f}, {b:.4f}" for a, b in zip(table.latitude, table.longitude,
                                                          strict=True)],
                     index=table.index, dtype="string")


def _name_index(known: pd.DataFrame) -> dict[str, list[tuple[int, str | None]]]:
    """Lower-case name and alternate names -> [(location id, country)]."""
    index: dict[str, list[tuple[int, str | None]]] = {}
    for row in known.itertuples(index=False):
        if row.latitude is None or pd.isna(row.latitude):
            continue
        alts = row.alt_names if isinstance(row.alt_names, list) else []
        for name in {row.name, *alts}:
            index.setdefault(str(name).strip().lower(), []).append((int(row.id), row.country))
    return index


def _match_project(index: dict[str, list[tuple[int, str | None]]], name: str,
                   country: str | None) -> int | None:
    hits = index.get(name.strip().lower(), [])
    if country:
        hits = [h for h in hits if h[1] in (None, country)]
    ids = {h[0] for h in hits}
    return hits[0][0] if len(ids) == 1 else None
