"""Turning one checked slice of a file into the tables the batch writer stores.

What an import carries from one slice to the next lives in :class:`ImportState`: the
project's rows it matches against (:class:`Known`), the places, actors and sources met so
far, the fingerprints written and the counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from sqlalchemy import select

from desktop_app.ingest.fingerprints import Fingerprints, event_fingerprints
from desktop_app.ingest.locations import LocationRegistry, ResolvedLocations, project_locations
from desktop_app.ingest.presets.base import Draft, Reject
from desktop_app.ingest.vector import json_lists, json_objects, split_names
from desktop_app.store.bulk import EVENT_COLUMNS
from desktop_app.store.project import Project
from desktop_app.store.schema import Actor, Event, Source

if TYPE_CHECKING:
    from desktop_app.ingest.validation import Validated


class ImportState:
    """What an import carries from one slice of the file to the next."""

    def __init__(self, known: Known) -> None:
        self.known = known
        self.fingerprints = Fingerprints(known.fingerprints)
        self.by_id = True  # fingerprints from the provider's ids (see fingerprints.py)
        self.locations = LocationRegistry(known.locations)
        self.location_ids: dict[int, int] = {}  # local id of a place -> its position written
        self.actors: dict[str, int] = {}  # new actor name -> local id
        self.sources: dict[str, int] = {}  # new "title\x1furl" -> local id
        self.events = 0  # events written so far (the next one's position in the batch)
        self.imported = self.unlocated = self.skipped = self.built_titles = 0
        # duplicates: the file row of each and the row it repeats (-1: in the project)
        self.duplicate_rows: list[np.ndarray] = []
        self.duplicate_of: list[np.ndarray] = []
        self.rejects: list[Reject] = []
        self.warnings: list[str] = []
        self.unresolved: dict[str, int] = {}
        self.preset = ""

    @property
    def duplicates(self) -> int:
        return sum(len(r) for r in self.duplicate_rows)


@dataclass
class Known:
    """What the project already holds that an import matches against."""

    fingerprints: np.ndarray
    actors: dict[str, int]
    sources: dict[str, int]  # "title\x1furl" -> id
    locations: pd.DataFrame

    @classmethod
    def load(cls, project: Project) -> Known:
        with project.engine.connect() as conn:
            fingerprints = np.fromiter(conn.execute(select(Event.fingerprint)).scalars(), np.int64)
            actors = dict(conn.execute(select(Actor.name, Actor.id)).all())
            sources = {
                f"{t}\x1f{u or ''}": i
                for t, u, i in conn.execute(select(Source.title, Source.url, Source.id)).all()
            }
        return cls(fingerprints, actors, sources, project_locations(project))


def blank(n: int, value: str = "") -> pd.Series:
    return pd.Series([value] * n, dtype="string")


# ---------------------------------------------------------------- building the batch
def event_table(
    d: Draft, v: Validated, keep: np.ndarray, located: ResolvedLocations, by_id: bool
) -> pd.DataFrame:
    start = d.start.parsed
    n = int(keep.sum())
    ext = d.external_id[keep].reset_index(drop=True) if d.external_id is not None else None
    title = d.title[keep].reset_index(drop=True)
    description = d.description[keep].reset_index(drop=True) if len(d.description) else blank(n)
    start_s = start.seconds[keep]
    precision = start.precision[keep]
    end_s = v.end_s[keep].reset_index(drop=True)
    tags = json_lists([(c.values[keep], c.separator) for c in d.tags], n)
    events = pd.DataFrame(
        {
            "external_id": ext.where(ext != "", None) if ext is not None else None,
            "title": title,
            "description": description.where(description != "", None),
            "start_s": start_s,
            "end_s": end_s,
            "precision": precision.astype(np.int64),
            "category": (
                d.category[keep].reset_index(drop=True).replace("", None)
                if d.category is not None
                else None
            ),
            "tags": tags,
            "reliability": v.reliability[keep].reset_index(drop=True),
            "credibility": (
                pd.array(v.credibility[keep].reset_index(drop=True), dtype="Int64")
                if d.credibility is not None
                else _no_ints(n)
            ),
            "attributes": None,  # filled from attributes_json before writing
            "location_id": located.existing,
            "location_new": located.new,
        }
    )
    events["fingerprint"] = event_fingerprints(d, keep, by_id)
    return events[[*EVENT_COLUMNS, "location_id", "location_new"]]


def attributes_json(d: Draft, keep: np.ndarray) -> pd.Series:
    """Columns no field took, as one JSON object per kept row (None when all empty)."""
    if d.attributes is None:
        return pd.Series([None] * int(keep.sum()), dtype=object)
    return json_objects(d.attributes[keep].reset_index(drop=True))


def with_own_coordinates(
    d: Draft, keep: np.ndarray, moved: np.ndarray, attributes: pd.Series
) -> pd.Series:
    """The attributes JSON of the kept rows, where a row joined a place a little away
    from its own coordinates holding those coordinates too, as the file gave them (so
    sharing a place loses no geolocation)."""
    if not moved.any() or d.latitude is None or d.longitude is None:
        return attributes
    lat_col, lon_col = d.coord_columns
    rows = np.flatnonzero(moved)
    own = pd.DataFrame(
        {
            lat_col: d.latitude[keep].iloc[rows].to_numpy(dtype=object),
            lon_col: d.longitude[keep].iloc[rows].to_numpy(dtype=object),
        }
    )
    out = attributes.astype(object).copy()
    if d.attributes is not None and any(c in own.columns for c in d.attributes.columns):
        rest = d.attributes[keep].iloc[rows].reset_index(drop=True)
        own = pd.concat(
            [rest.drop(columns=[c for c in rest.columns if c in own.columns]), own], axis=1
        )
        out.iloc[rows] = json_objects(own.astype("string").fillna("")).to_numpy(dtype=object)
        return out
    # the object of the other columns is already built: add the two members to it
    # (the same text json_objects gives for the other columns and these two)
    out.iloc[rows] = _join_objects(
        out.iloc[rows], json_objects(own.astype("string").fillna(""))
    ).to_numpy(dtype=object)
    return out


def _join_objects(first: pd.Series, then: pd.Series) -> pd.Series:
    """Two JSON objects per row (None: empty) as one: the members of ``first``, then
    those of ``then``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    a = pa.array(first.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    b = pa.array(then.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    both = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(a, 0, -1), pc.utf8_slice_codeunits(b, 1), ","
    )
    joined = pc.if_else(pc.is_null(a), b, pc.if_else(pc.is_null(b), a, both))
    return pd.Series(joined.to_pandas(types_mapper=lambda _t: pd.StringDtype()), dtype="string")


def used_locations(events: pd.DataFrame, state: ImportState) -> pd.DataFrame:
    """The new places written events use that are not written yet, in local-id order;
    ``location_new`` becomes the position of each place among those written."""
    local = events["location_new"].to_numpy(dtype=np.int64, na_value=-1)
    used = np.unique(local[local >= 0])
    todo = np.array([u for u in used.tolist() if u not in state.location_ids], np.int64)
    first = len(state.location_ids)
    for i, u in enumerate(todo.tolist()):
        state.location_ids[u] = first + i
    if len(used):
        remap = np.full(int(used.max()) + 1, -1, np.int64)
        remap[used] = [state.location_ids[u] for u in used.tolist()]
        events["location_new"] = _ids(np.where(local >= 0, remap[np.maximum(local, 0)], -1))
    return state.locations.rows(todo)


def _match(
    keys: list[str], known: dict[str, int], new: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Per distinct key: existing id or -1, and local id of a new one or -1 (``new``
    remembers them across slices); and the keys first met here, in local-id order."""
    existing = np.full(len(keys), -1, np.int64)
    local = np.full(len(keys), -1, np.int64)
    added: list[str] = []
    for i, key in enumerate(keys):
        hit = known.get(key)
        if hit is not None:
            existing[i] = hit
            continue
        at = new.get(key)
        if at is None:
            at = new[key] = len(new)
            added.append(key)
        local[i] = at
    return existing, local, added


def _first_each(keys: np.ndarray) -> np.ndarray:
    """Mask of the first occurrence of each value."""
    first: np.ndarray = ~pd.Series(keys).duplicated().to_numpy()
    return first


def actor_links(d: Draft, rows: np.ndarray, state: ImportState) -> tuple[pd.Series, pd.DataFrame]:
    """New actor names, and (event, actor) links for the written rows."""
    names: dict[str, int] = {}  # this slice's distinct names, in order of first appearance
    parts = []
    for c in d.actors:
        row, code, distinct = split_names(c.values.iloc[rows], c.separator)
        ids = np.array([names.setdefault(x, len(names)) for x in distinct], np.int64)
        parts.append((row, ids[code] if len(ids) else code, c.role))
    row = np.concatenate([p[0] for p in parts])
    name = np.concatenate([p[1] for p in parts])
    role = np.concatenate([np.full(len(p[0]), p[2], np.int64) for p in parts])
    once = _first_each((row * (len(names) + 1) + name) * 8 + role)
    row, name, role = row[once], name[once], role[once]
    existing, local, added = _match(list(names), state.known.actors, state.actors)
    order = np.lexsort((role, name, row))  # links in event order: SQLite appends them
    row, name, role = row[order], name[order], role[order]
    return pd.Series(added, dtype=object), pd.DataFrame(
        {
            "event": row + state.events,
            "actor_id": _ids(existing[name]),
            "actor_new": _ids(local[name]),
            "role": role,
        }
    )


def source_links(
    d: Draft, rows: np.ndarray, state: ImportState
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """New sources (a source is its title and URL), and (event, source) links."""
    keys: dict[str, int] = {}  # "title\x1furl" of this slice's sources, first seen first
    info: list[tuple[str, str, bool]] = []  # (title, url, publisher is title) per key
    pieces = []
    for col in d.sources:
        row, code, titles = split_names(col.titles.iloc[rows], col.separator)
        if col.urls is not None:
            url_codes, urls = pd.factorize(col.urls.iloc[rows].reset_index(drop=True).fillna(""))
            urls = [str(u) for u in urls]
            url = url_codes[row]
        else:
            urls, url = [""], np.zeros(len(row), np.int64)
        pair = code * (len(urls) + 1) + url
        pair_codes, pairs = pd.factorize(pair)
        ids = []
        for p in pairs.tolist():
            key = f"{titles[p // (len(urls) + 1)]}\x1f{urls[p % (len(urls) + 1)]}"
            at = keys.get(key)
            if at is None:
                at = keys[key] = len(keys)
                info.append(
                    (
                        titles[p // (len(urls) + 1)],
                        urls[p % (len(urls) + 1)],
                        col.publisher_is_title,
                    )
                )
            ids.append(at)
        pieces.append((row, np.array(ids, np.int64)[pair_codes] if ids else pair_codes))
    row = np.concatenate([p[0] for p in pieces])
    source = np.concatenate([p[1] for p in pieces])
    once = _first_each(row * (len(keys) + 1) + source)
    row, source = row[once], source[once]
    existing, local, added = _match(list(keys), state.known.sources, state.sources)
    new = [info[keys[k]] for k in added]
    sources = pd.DataFrame(
        {
            "title": [t for t, _, _ in new],
            "publisher": [t if p else None for t, _, p in new],
            "url": [u or None for _, u, _ in new],
            "date": None,
            "notes": None,
        }
    )
    order = np.lexsort((source, row))
    row, source = row[order], source[order]
    return sources, pd.DataFrame(
        {
            "event": row + state.events,
            "source_id": _ids(existing[source]),
            "source_new": _ids(local[source]),
        }
    )


def _no_ints(n: int) -> pd.arrays.IntegerArray:
    """``n`` missing integers (a list of ``pd.NA`` takes a Python loop)."""
    return pd.arrays.IntegerArray(np.zeros(n, np.int64), np.ones(n, bool))


def _ids(values: np.ndarray) -> pd.Series:
    """Ids with -1 meaning none, as a nullable integer column."""
    return pd.Series(values, dtype="Int64").where(values >= 0)
