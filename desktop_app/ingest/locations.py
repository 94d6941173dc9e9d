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


def resolve(
    known: pd.DataFrame, place: pd.Series, country: pd.Series, lat: np.ndarray, lon: np.ndarray,
    geo_precision: pd.Series, detail: pd.DataFrame | None = None,
) -> ResolvedLocations:
    """Rows with coordinates get a location keyed by (name, country, lat, lon); rows with
    only a place name are matched to the project's locations, then to the gazetteer."""
    n = len(place)
    place = place.reset_index(drop=True).astype("string").fillna("")
    country = country.reset_index(drop=True).astype("string")
    existing = pd.Series(pd.NA, index=range(n), dtype="Int64")
    new = pd.Series(pd.NA, index=range(n), dtype="Int64")
    new_rows: list[pd.DataFrame] = []
    count = 0

    has_xy = ~(np.isnan(lat) | np.isnan(lon))
    if has_xy.any():
        keys = pd.DataFrame({
            "name": place[has_xy].to_numpy(), "country": country[has_xy].to_numpy(),
            "latitude": np.round(lat[has_xy], 5), "longitude": np.round(lon[has_xy], 5),
        })
        codes = _row_keys(keys.fillna({"country": ""}))
        firsts = np.unique(codes, return_index=True)[1]
        table = keys.iloc[firsts].reset_index(drop=True)
        table["geo_precision"] = geo_precision[has_xy].to_numpy()[firsts]
        table["attributes"] = (
            json_objects(detail[has_xy].iloc[firsts].reset_index(drop=True)).to_numpy(dtype=object)
            if detail is not None and detail.shape[1] else None)
        # reuse a project location with the same name, country and coordinates
        match = np.full(len(table), -1, np.int64)
        if len(known):
            k = known.assign(latitude=known.latitude.round(5), longitude=known.longitude.round(5),
                             country=known.country.fillna(""))
            merged = table.assign(country=table.country.fillna(""), _i=np.arange(len(table))).merge(
                k[["id", "name", "country", "latitude", "longitude"]],
                on=["name", "country", "latitude", "longitude"], how="left",
            ).drop_duplicates("_i")
            match = merged["id"].fillna(-1).to_numpy(np.int64)
        fresh = match < 0
        local = np.full(len(table), -1, np.int64)
        local[fresh] = np.arange(count, count + int(fresh.sum()))
        count += int(fresh.sum())
        rows_idx = np.flatnonzero(has_xy)
        per_row_match, per_row_local = match[codes], local[codes]
        existing.iloc[rows_idx[per_row_match >= 0]] = per_row_match[per_row_match >= 0]
        new.iloc[rows_idx[per_row_local >= 0]] = per_row_local[per_row_local >= 0]
        new_table = table[fresh].copy()
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
        name_index = _name_index(known)
        found_existing = np.full(len(uniques), -1, np.int64)
        found_local = np.full(len(uniques), -1, np.int64)
        gaz_rows = []
        for i, (name, cc) in enumerate(uniques):
            hit = _match_project(name_index, name, cc or None)
            if hit is not None:
                found_existing[i] = hit
                continue
            city = gazetteer.lookup(name, cc or None)
            if city is None:
                continue
            found_local[i] = count
            count += 1
            gaz_rows.append({
                "name": name, "country": city.country, "latitude": city.latitude,
                "longitude": city.longitude, "geo_precision": "town",
                "alt_names": json.dumps([city.name] if city.name != name else []),
                "gazetteer_id": city.geonameid, "attributes": None,
            })
        rows_idx = np.flatnonzero(by_name)
        m, loc = found_existing[codes], found_local[codes]
        existing.iloc[rows_idx[m >= 0]] = m[m >= 0]
        new.iloc[rows_idx[loc >= 0]] = loc[loc >= 0]
        missing = (m < 0) & (loc < 0)
        for name in pd.Series(pairs["name"].to_numpy()[missing]).value_counts().items():
            unresolved[str(name[0])] = int(name[1])
        if gaz_rows:
            new_rows.append(pd.DataFrame(gaz_rows))

    columns = ["name", "country", "latitude", "longitude", "geo_precision", "alt_names",
               "gazetteer_id", "attributes"]
    locations = (pd.concat([r[columns] for r in new_rows], ignore_index=True)
                 if new_rows else pd.DataFrame(columns=columns))
    return ResolvedLocations(existing, new, locations, unresolved)


def _row_keys(frame: pd.DataFrame) -> np.ndarray:
    """Dense codes of equal rows (factorizing each column, then the 64-bit row hashes)."""
    parts = pd.DataFrame({c: pd.factorize(frame[c])[0] for c in frame.columns})
    return pd.factorize(pd.util.hash_pandas_object(parts, index=False).to_numpy())[0]


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
