"""Giving each row a place: its coordinates, the project's places, or the gazetteer.

* Rows with coordinates share a place with the rows of the same name and country whose
  coordinates lie within the place's stated precision (1 km for a town or an exact
  point, more for a region or a country: see ``TOLERANCE_KM``), in this file or already
  in the project: 5,000 ACLED rows for Beijing with slightly different coordinates are
  one place. The place keeps the coordinates of the first row that made it.
* Rows with only a name are matched to the project's places (a name several places
  carry picks the one that agrees in country and lies where the gazetteer puts the
  name, or stays unlocated with the reason in the warnings), then to the offline
  gazetteer, helped by a state/province column ("Birmingham" + "AL").
* A name that cannot be located is kept: the row gets a place of that name without
  coordinates, so locating the place later (Edit ▸ Place) locates all its events.
* Placeholders ("Unknown", "N/A", "Various" ...) are no place and are never looked up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import select

from desktop_app.ingest.nearby import PlaceBook, join_nearby
from desktop_app.ingest.place_names import name_index, place_by_name
from desktop_app.ingest.placeholders import is_placeholder
from desktop_app.ingest.presets.base import Draft
from desktop_app.ingest.vector import json_objects
from desktop_app.store.project import Project
from desktop_app.store.schema import Location

LOCATION_COLUMNS = [
    "name",
    "country",
    "latitude",
    "longitude",
    "geo_precision",
    "alt_names",
    "gazetteer_id",
    "attributes",
]
TOLERANCE_KM = {
    "exact": 1.0,
    "town": 1.0,
    "unknown": 1.0,
    "near": 5.0,
    "admin2": 10.0,
    "region": 25.0,
    "admin1": 25.0,
    "country": 250.0,
}
# a name several project places carry: they count as one place when this close
ADMIN_COLUMNS = (
    "admin1",
    "state",
    "province",
    "state/province",
    "state_province",
    "provstate",
    "adm_1",
    "admin1_name",
    "state_name",
    "us_state",
    "region_state",
)


@dataclass
class ResolvedLocations:
    """Per row: an existing location id or a new one (local index), or neither."""

    existing: pd.Series  # Int64, NA where none
    new: pd.Series  # Int64 index into ``locations``, NA where none
    locations: pd.DataFrame  # the new ones (LOCATION_COLUMNS)
    unresolved: dict[str, int] = field(default_factory=dict)  # place name -> rows
    has_coordinates: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    warnings: list[str] = field(default_factory=list)
    # rows whose own coordinates differ from those of the place they joined (the
    # pipeline keeps the row's own among the event's attributes)
    moved: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    @property
    def located(self) -> np.ndarray:
        return np.asarray((self.existing.notna() | self.new.notna()).to_numpy(), bool)


def project_locations(project: Project) -> pd.DataFrame:
    with project.engine.connect() as conn:
        rows = conn.execute(
            select(
                Location.id,
                Location.name,
                Location.country,
                Location.latitude,
                Location.longitude,
                Location.alt_names,
            )
        ).all()
    return pd.DataFrame(
        rows, columns=["id", "name", "country", "latitude", "longitude", "alt_names"]
    )


def place_hints(d: Draft, keep: np.ndarray) -> pd.Series | None:
    """The state/province text of each kept row (an admin1/State/Province column among the
    place details or the kept columns), or None when the file has none."""
    for frame in (d.location_attributes, d.attributes):
        if frame is None:
            continue
        for column in frame.columns:
            if str(column).strip().lower() in ADMIN_COLUMNS:
                values = frame[column]
                if values.ndim != 1:
                    values = values.iloc[:, 0]
                hints = values[keep].astype("string").fillna("").str.strip()
                return hints.where(~is_placeholder(hints), "").reset_index(drop=True)
    return None


class LocationRegistry:
    """The places of one import, kept across the slices of a big file.

    New locations get batch-wide local ids in the order they are first met; a place met
    again in a later slice gets the same id.
    """

    def __init__(self, known: pd.DataFrame) -> None:
        self.known = known
        self.count = 0
        self.by_name: dict[tuple[str, str, str], tuple[int, int, bool]] = {}
        self.by_city: dict[tuple[str, int], int] = {}  # (name, gazetteer id) -> local id
        self.frames: list[pd.DataFrame] = []  # the new locations, in local-id order
        self._name_index: dict[str, list[tuple[int, str | None, float, float]]] | None = None
        # the places rows with coordinates may join (the project's first)
        self._places: PlaceBook | None = None
        # (name, country, lat, lon) -> the position of the project place at that point
        self._exact: dict[tuple[str, str, float, float], int] | None = None
        self._project_keys: list[tuple[str, str]] = []  # (name, country) of each
        self._unlocated: dict[tuple[str, str], int] | None = None

    def name_index(self) -> dict[str, list[tuple[int, str | None, float, float]]]:
        """Lower-case name and alternate names -> [(id, country, lat, lon)] of the
        project's places (NaN coordinates for a place not located yet)."""
        if self._name_index is None:
            self._name_index = name_index(self.known)
        return self._name_index

    def places(self) -> PlaceBook:
        """The places rows with coordinates may join: the project's located ones first."""
        if self._places is None:
            book = PlaceBook()
            k = self.known
            if len(k):
                lat = pd.to_numeric(k.latitude, errors="coerce").to_numpy(np.float64)
                lon = pd.to_numeric(k.longitude, errors="coerce").to_numpy(np.float64)
                at = np.flatnonzero(~(np.isnan(lat) | np.isnan(lon)))
                names = k.name.to_numpy()[at].tolist()
                ccs = k.country.fillna("").to_numpy()[at].tolist()
                groups = np.array(
                    [book.group_of((str(a), str(b))) for a, b in zip(names, ccs, strict=True)],
                    np.int64,
                )
                book.add(  # to 5 decimals as Python rounds (as a file's points are)
                    groups,
                    np.array([round(v, 5) for v in lat[at].tolist()], np.float64),
                    np.array([round(v, 5) for v in lon[at].tolist()], np.float64),
                    np.ones(len(at)),
                    k.id.to_numpy()[at].astype(np.int64),
                )
                self._project_keys = [(str(a), str(b)) for a, b in zip(names, ccs, strict=True)]
            self._places = book
        return self._places

    def exact_points(self) -> dict[tuple[str, str, float, float], int]:
        """(name, country, lat, lon to 5 decimals) -> the position of the project place
        at exactly that point."""
        if self._exact is None:
            book = self.places()
            keys = self._project_keys
            self._exact = {
                (name, cc, a, b): p
                for p, ((name, cc), a, b) in enumerate(
                    zip(
                        keys,
                        book.lat[: len(keys)].tolist(),
                        book.lon[: len(keys)].tolist(),
                        strict=True,
                    )
                )
            }
        return self._exact

    def unlocated(self) -> dict[tuple[str, str], int]:
        """(lower-case name, country) -> the first project place of that name without
        coordinates."""
        if self._unlocated is None:
            found: dict[tuple[str, str], int] = {}
            k = self.known
            if len(k):
                lat = pd.to_numeric(k.latitude, errors="coerce").to_numpy(np.float64)
                for i, name, cc, a in zip(
                    k.id.to_numpy(),
                    k.name.to_numpy(),
                    k.country.fillna("").to_numpy(),
                    lat,
                    strict=True,
                ):
                    if np.isnan(a):
                        found.setdefault((str(name).strip().lower(), str(cc)), int(i))
            self._unlocated = found
        return self._unlocated

    def add(self, frame: pd.DataFrame) -> None:
        self.frames.append(frame)
        self.count += len(frame)

    def rows(self, local: np.ndarray) -> pd.DataFrame:
        """The new locations with these local ids, in that order."""
        frames = [f[LOCATION_COLUMNS] for f in self.frames if len(f)]
        if not frames:
            return pd.DataFrame(columns=LOCATION_COLUMNS)
        if len(frames) > 1:  # keep one frame: later slices look up earlier places
            frames = [pd.concat(frames, ignore_index=True)]
        self.frames = frames
        return frames[0].iloc[local].reset_index(drop=True)


def resolve(
    known: pd.DataFrame,
    place: pd.Series,
    country: pd.Series,
    lat: np.ndarray,
    lon: np.ndarray,
    geo_precision: pd.Series,
    detail: pd.DataFrame | None = None,
    registry: LocationRegistry | None = None,
    admin: pd.Series | None = None,
) -> ResolvedLocations:
    """The place of each row (see the module's notes); ``admin`` is each row's
    state/province text, if the file has one.

    With a ``registry``, ``new`` holds batch-wide local ids and ``locations`` only the
    places this call added (``registry.rows`` gives any of them later)."""
    registry = registry if registry is not None else LocationRegistry(known)
    n = len(place)
    place = place.reset_index(drop=True).astype("string").fillna("")
    placeholder = is_placeholder(place)
    warnings: list[str] = []
    if placeholder.any():
        said = pd.Series(place[placeholder].to_numpy()).value_counts()
        names = ", ".join(f"{k!r} ({v})" for k, v in said.head(5).items())
        warnings.append(
            f"{int(placeholder.sum())} rows give no place but a placeholder "
            f"({names}): not looked up"
        )
        place = place.where(~placeholder, "")
    country = country.reset_index(drop=True).astype("string")
    hints = (
        admin.reset_index(drop=True).astype("string").fillna("")
        if admin is not None
        else pd.Series([""] * n, dtype="string")
    )
    existing = np.full(n, -1, np.int64)
    new = np.full(n, -1, np.int64)
    has_coordinates = np.zeros(n, bool)
    moved = np.zeros(n, bool)
    new_rows: list[pd.DataFrame] = []
    first_local = registry.count
    count = [registry.count]  # next local id

    has_xy = ~(np.isnan(lat) | np.isnan(lon))
    if has_xy.any():
        frame = _by_coordinates(
            registry,
            np.flatnonzero(has_xy),
            place,
            country,
            lat,
            lon,
            geo_precision,
            detail,
            existing,
            new,
            moved,
            count,
        )
        if frame is not None:
            new_rows.append(frame)
        has_coordinates[has_xy] = True

    by_name = (~has_xy) & (place != "").to_numpy()
    unresolved: dict[str, int] = {}
    if by_name.any():
        frame = place_by_name(
            registry,
            np.flatnonzero(by_name),
            place,
            country,
            hints,
            existing,
            new,
            has_coordinates,
            count,
            unresolved,
            warnings,
        )
        if frame is not None:
            new_rows.append(frame)

    locations = (
        pd.concat([r[LOCATION_COLUMNS] for r in new_rows], ignore_index=True)
        if new_rows
        else pd.DataFrame(columns=LOCATION_COLUMNS)
    )
    assert len(locations) == count[0] - first_local
    registry.add(locations)
    return ResolvedLocations(
        _nullable(existing), _nullable(new), locations, unresolved, has_coordinates, warnings, moved
    )


def _by_coordinates(
    registry: LocationRegistry,
    rows_idx: np.ndarray,
    place: pd.Series,
    country: pd.Series,
    lat: np.ndarray,
    lon: np.ndarray,
    geo_precision: pd.Series,
    detail: pd.DataFrame | None,
    existing: np.ndarray,
    new: np.ndarray,
    moved: np.ndarray,
    count: list[int],
) -> pd.DataFrame | None:
    """Rows with coordinates: join a place of the same name and country close enough,
    or make one. Works on the distinct (name, country, lat, lon) rows, in order of first
    appearance; ``moved`` marks the rows whose place lies elsewhere than their own
    coordinates."""
    precision = geo_precision.reset_index(drop=True).astype("string").fillna("unknown")
    parts = [
        pd.factorize(place.iloc[rows_idx]),
        pd.factorize(country.iloc[rows_idx].fillna("")),
        pd.factorize(np.round(lat[rows_idx], 5)),
        pd.factorize(np.round(lon[rows_idx], 5)),
    ]
    codes = np.zeros(len(rows_idx), np.int64)
    for c, u in parts:
        codes = pd.factorize(codes * (len(u) + 1) + c)[0].astype(np.int64)
    firsts = np.unique(codes, return_index=True)[1]  # in order of first appearance
    names, ccs, lats, lons = (np.asarray(u, dtype=object)[c[firsts]] for c, u in parts)
    lats, lons = lats.astype(np.float64), lons.astype(np.float64)
    how = precision.iloc[rows_idx[firsts]].to_numpy(dtype=object)
    # a point at the very coordinates of a project place joins it at once; one met in
    # an earlier slice is joined again below (the first place that reaches a point
    # stays the first: places never move and new ones come after)
    exact = registry.exact_points()
    book = registry.places()
    joined = np.full(len(firsts), -1, np.int64)  # the position of each point's place
    if exact:
        joined[:] = [
            exact.get(k, -1)
            for k in zip(names.tolist(), ccs.tolist(), lats.tolist(), lons.tolist(), strict=True)
        ]
    seen = joined >= 0
    elsewhere = np.zeros(len(firsts), bool)  # a project place at that very point is there
    # the others, by (name, country): those alone under their name with no place of that
    # name known are new places; the rest need a look at distances
    group = pd.factorize(parts[0][0][firsts] * (len(parts[1][1]) + 1) + parts[1][0][firsts])[0]
    unseen = np.flatnonzero(~seen)
    group_firsts = unseen[np.unique(group[unseen], return_index=True)[1]]
    known = np.zeros(int(group.max()) + 1 if len(group) else 0, bool)
    known[group[group_firsts]] = [
        book.has(k)
        for k in zip(names[group_firsts].tolist(), ccs[group_firsts].tolist(), strict=True)
    ]
    slow = ((np.bincount(group, weights=~seen) > 1) | known)[group] & ~seen
    fresh = ~slow & ~seen
    slow_at = np.flatnonzero(slow)
    if len(slow_at):
        took = join_nearby(
            group[slow_at],
            names[slow_at],
            ccs[slow_at],
            lats[slow_at],
            lons[slow_at],
            _tolerances(names[slow_at], how[slow_at]),
            book,
        )
        joined[slow_at] = took.place
        fresh[slow_at[took.created]] = True
        at_lat, at_lon = took.where(book)
        elsewhere[slow_at] = (at_lat != lats[slow_at]) | (at_lon != lons[slow_at])
    # local ids of the new places, in order of first appearance
    local = np.full(len(firsts), -1, np.int64)
    local[fresh] = count[0] + np.arange(int(fresh.sum()))
    count[0] += int(fresh.sum())
    alone = np.flatnonzero(fresh & ~slow)  # new places alone under their name
    if len(alone):
        groups = np.array(
            [
                book.group_of(k)
                for k in zip(names[alone].tolist(), ccs[alone].tolist(), strict=True)
            ],
            np.int64,
        )
        joined[alone] = book.add(
            groups, lats[alone], lons[alone], _tolerances(names[alone], how[alone])
        )
    made = np.flatnonzero(fresh)
    book.local_id[joined[made]] = local[made]
    match, local = book.project_id[joined], book.local_id[joined]
    existing[rows_idx] = match[codes]
    new[rows_idx] = local[codes]
    moved[rows_idx] = elsewhere[codes]
    if not fresh.any():
        return None
    picked = rows_idx[firsts[fresh]]
    table = pd.DataFrame(
        {
            "name": pd.Series(names[fresh], dtype="string"),
            "country": pd.Series(ccs[fresh], dtype=object),
            "latitude": lats[fresh],
            "longitude": lons[fresh],
        }
    )
    table["geo_precision"] = geo_precision.iloc[picked].to_numpy(dtype=object)
    table["attributes"] = (
        json_objects(detail.iloc[picked].reset_index(drop=True)).to_numpy(dtype=object)
        if detail is not None and detail.shape[1]
        else None
    )
    unnamed = (table["name"] == "").to_numpy()
    if unnamed.any():  # a place without a name is called by its coordinates
        table.loc[unnamed, "name"] = _coordinate_names(table[unnamed])
    table["country"] = table["country"].replace("", None)
    table["alt_names"] = "[]"
    table["gazetteer_id"] = pd.arrays.IntegerArray(
        np.zeros(len(table), np.int64), np.ones(len(table), bool)
    )
    return table


def _tolerances(names: np.ndarray, how: np.ndarray) -> np.ndarray:
    """How far a point of each name reaches, in km, by its stated precision (a point
    without a name only its very spot)."""
    by_precision = pd.Series(how, dtype=object).map(TOLERANCE_KM).fillna(1.0)
    out: np.ndarray = np.where(names == "", 0.0, by_precision.to_numpy(np.float64))
    return out


def _nullable(ids: np.ndarray) -> pd.Series:
    """Ids with -1 meaning none, as a nullable integer column."""
    return pd.Series(ids, dtype="Int64").where(ids >= 0)


def _coordinate_names(table: pd.DataFrame) -> pd.Series:
    return pd.Series(
        [f"{a:.4f}, {b:.4f}" for a, b in zip(table.latitude, table.longitude, strict=True)],
        index=table.index,
        dtype="string",
    )
