"""Which places of a file will and will not be located, before anything is written.

The import wizard's check page shows this. It runs the import's own resolver
(``locations.resolve``) on the rows that pass the checks, against the project's places
as they are (read once, never written), so what it says is what the import will do
(short of places another process adds meanwhile).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from desktop_app.ingest.locations import project_locations, resolve
from desktop_app.ingest.placeholders import is_placeholder
from desktop_app.ingest.presets.base import Draft
from desktop_app.store.project import Project

TOP_UNRESOLVED = 20


@dataclass(frozen=True)
class PlacePreview:
    """Rows (that will be imported) by how they get a location."""

    rows: int = 0
    by_coordinates: int = 0  # the row's own coordinates
    project_places: int = 0  # a place already in the project, by name
    gazetteer: int = 0  # the offline gazetteer, by name
    unresolved: int = 0  # a place name that cannot be located
    no_place: int = 0  # neither coordinates nor a place name
    top_unresolved: list[tuple[str, int]] = field(default_factory=list)  # (name, rows)

    @property
    def located(self) -> int:
        return self.by_coordinates + self.project_places + self.gazetteer


def known_places(project: Project) -> pd.DataFrame:
    """The project's places, as the import matches against them (read only)."""
    return project_locations(project)


def preview_places(draft: Draft, known: pd.DataFrame) -> PlacePreview:
    """How the accepted rows of ``draft`` would be located (nothing is written)."""
    from desktop_app.ingest.validation import Validated

    checked = Validated.check(draft)
    keep = checked.accepted
    n = int(keep.sum())
    if n == 0:
        return PlacePreview()

    def column(values: pd.Series | None, blank: str = "") -> pd.Series:
        if values is None:
            return pd.Series([blank] * n, dtype="string")
        return values[keep].reset_index(drop=True)

    place = column(draft.place).astype("string").fillna("")
    lat, lon = checked.lat[keep], checked.lon[keep]
    located = resolve(
        known,
        place,
        column(draft.country),
        lat,
        lon,
        column(draft.geo_precision, "unknown").fillna("unknown"),
        (
            draft.location_attributes[keep].reset_index(drop=True)
            if draft.location_attributes is not None
            else None
        ),
    )
    has_xy = ~(np.isnan(lat) | np.isnan(lon))
    existing = located.existing.to_numpy(dtype=float, na_value=np.nan)
    new = located.new.to_numpy(dtype=float, na_value=np.nan)
    # a place found but without coordinates (kept to be located later) is not located
    known_lat = (
        dict(zip(known["id"].to_numpy(), pd.to_numeric(known["latitude"]).to_numpy(), strict=True))
        if len(known)
        else {}
    )
    new_lat = (
        pd.to_numeric(located.locations["latitude"]).to_numpy(dtype=float)
        if len(located.locations)
        else np.zeros(0)
    )
    with_lat = np.zeros(n, bool)
    for i in np.flatnonzero(~np.isnan(existing)):
        with_lat[i] = not np.isnan(float(known_lat.get(int(existing[i]), np.nan)))
    for i in np.flatnonzero(~np.isnan(new)):
        k = int(new[i])
        with_lat[i] = k < len(new_lat) and not np.isnan(new_lat[k])
    named = (place != "").to_numpy() & ~is_placeholder(place)  # "Unknown" names no place
    by_xy = has_xy & with_lat
    project = ~has_xy & with_lat & ~np.isnan(existing)
    gazetteer = ~has_xy & with_lat & np.isnan(existing)
    unresolved = ~with_lat & named & ~has_xy
    counts = pd.Series(place[unresolved].to_numpy()).value_counts()
    top = [(str(k), int(v)) for k, v in counts.head(TOP_UNRESOLVED).items()]
    return PlacePreview(
        rows=n,
        by_coordinates=int(by_xy.sum()),
        project_places=int(project.sum()),
        gazetteer=int(gazetteer.sum()),
        unresolved=int(unresolved.sum()),
        no_place=int(n - by_xy.sum() - project.sum() - gazetteer.sum() - unresolved.sum()),
        top_unresolved=top,
    )
