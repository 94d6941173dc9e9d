"""EventFrame: every event of a project as columns, for filtering and drawing at speed.

Rows are sorted by start. Event ids (database keys) map to rows through
:meth:`EventFrame.rows_of`; views and state only ever exchange ids, never rows.
Multi-valued fields (actors, tags, sources) are kept as (row, code) link arrays.
No Qt here: the frame is plain numpy, loaded once, patched after an edit (``patch.py``)
and reloaded after an import or a change made elsewhere.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from desktop_app.domain.dates import Precision, span_end_seconds
from desktop_app.store import frame_rows
from desktop_app.store.project import Project

FACETS = (
    "category",
    "actor",
    "country",
    "tag",
    "source",
    "reliability",
    "credibility",
    "precision",
)
# a precision code -> its word ("" for none); the one table of these names
PRECISION_NAMES = ["", *(p.name.lower() for p in Precision)]


def _code_mask(codes: np.ndarray, wanted: np.ndarray, n_names: int) -> np.ndarray:
    """codes in wanted, by a lookup table (codes may be -1 for 'none')."""
    table = np.zeros(n_names + 1, bool)
    table[wanted] = True
    return np.asarray(table[codes])  # -1 picks the last entry, which stays False


@dataclass
class Links:
    """A multi-valued field: for each link, the event row and the value's code."""

    rows: np.ndarray  # int64 event rows
    codes: np.ndarray  # int32 codes into names
    names: list[str]

    def mask_for(self, n_rows: int, wanted_codes: np.ndarray) -> np.ndarray:
        hit = _code_mask(self.codes, wanted_codes, len(self.names))
        mask = np.zeros(n_rows, bool)
        mask[self.rows[hit]] = True
        return mask

    def counts(self, row_mask: np.ndarray) -> np.ndarray:
        keep = row_mask[self.rows]
        return np.bincount(self.codes[keep], minlength=len(self.names))


@dataclass
class EventFrame:
    ids: np.ndarray  # int64, sorted by start
    start: np.ndarray  # int64 civil seconds
    end: np.ndarray  # int64 exclusive end of the span (the precision's span if no end)
    precision: np.ndarray  # int8 (domain.dates.Precision)
    has_end: np.ndarray  # bool: the event has its own end
    lat: np.ndarray  # float64, NaN where unlocated
    lon: np.ndarray
    location_id: np.ndarray  # int64, -1 where none
    title: np.ndarray  # object (str)
    place: np.ndarray  # object (str): location name or ""
    single: dict[str, tuple[np.ndarray, list[str]]] = field(default_factory=dict)
    multi: dict[str, Links] = field(default_factory=dict)
    _id_order: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    _sorted_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    _last_rows: tuple[Any, np.ndarray] | None = None
    # (the frame this one was patched in place from, the rows overwritten): lets a pane
    # patch what it derived from that frame instead of deriving it again (weak: a chain
    # of edits never keeps the old frames alive)
    _patched: tuple[weakref.ref[EventFrame], np.ndarray] | None = field(
        default=None, compare=False, repr=False
    )
    _located: tuple[np.ndarray, np.ndarray] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._id_order = np.argsort(self.ids, kind="stable")
        # the ids ascending, kept: gathering them on every look-up cost ~5 ms a call at
        # a million events, and every pane looks rows up after each selection or edit
        self._sorted_ids = self.ids[self._id_order]
        self._last_rows = None

    def __len__(self) -> int:
        return len(self.ids)

    def patched_rows(self, old: EventFrame) -> np.ndarray | None:
        """The rows overwritten when this frame was patched in place from ``old`` (the
        same ids in the same rows; every other row's values are the old ones), or None
        when it was not made that way from ``old``."""
        if self._patched is None or self._patched[0]() is not old:
            return None
        return self._patched[1]

    def mark_patched(self, old: EventFrame, rows: np.ndarray) -> None:
        """Record that this frame is ``old`` with ``rows`` overwritten (patch_in_place)."""
        self._patched = (weakref.ref(old), np.asarray(rows, np.int64))

    # ------------------------------------------------------------------ ids <-> rows
    def rows_of(self, ids: Any) -> np.ndarray:
        """Rows of the given event ids (ids not in the frame are dropped).

        The last answer is kept: every pane asks for the rows of the same selection
        (the same frozenset object) right after it changes.
        """
        last = self._last_rows
        if last is not None and last[0] is ids:
            return last[1]
        rows = self._rows_of(ids)
        if isinstance(ids, frozenset):
            self._last_rows = (ids, rows)
        return rows

    def remember_rows(self, ids: frozenset[int], rows: np.ndarray) -> None:
        """Tell :meth:`rows_of` the (sorted) rows of ``ids``, known already by whoever
        made the set (select all: the visible rows), so no pane has to look them up."""
        self._last_rows = (ids, np.asarray(rows, np.int64))

    def _rows_of(self, ids: Any) -> np.ndarray:
        wanted = (
            ids.astype(np.int64, copy=False)
            if isinstance(ids, np.ndarray)
            else np.fromiter(ids, np.int64, count=len(ids))
        )
        if not len(wanted) or not len(self.ids):
            return np.zeros(0, np.int64)
        sorted_ids = self._sorted_ids
        pos = np.searchsorted(sorted_ids, wanted)
        pos = np.clip(pos, 0, len(sorted_ids) - 1)
        found = sorted_ids[pos] == wanted
        return np.sort(self._id_order[pos[found]])

    def row_of(self, event_id: int) -> int | None:
        rows = self.rows_of([event_id])
        return int(rows[0]) if len(rows) else None

    def ids_mask(self, ids: Any) -> np.ndarray:
        mask = np.zeros(len(self), bool)
        mask[self.rows_of(ids)] = True
        return mask

    @property
    def located(self) -> np.ndarray:
        """Rows with coordinates (kept for the frame's ``lat`` array: every refilter's
        status line asks; shared, so read-only)."""
        kept = self._located
        if kept is None or kept[0] is not self.lat:
            mask = np.asarray(~np.isnan(self.lat))
            mask.flags.writeable = False
            kept = self._located = (self.lat, mask)
        return kept[1]

    # ------------------------------------------------------------------ filters
    def time_mask(self, t0: int | None, t1: int | None) -> np.ndarray:
        """Events whose span overlaps [t0, t1)."""
        mask = np.ones(len(self), bool)
        if t1 is not None:
            mask &= self.start < t1
        if t0 is not None:
            mask &= self.end > t0
        return mask

    def facet_values(self, facet: str) -> list[str]:
        if facet in self.multi:
            return self.multi[facet].names
        return self.single[facet][1]

    def facet_mask(self, facet: str, values: set[str]) -> np.ndarray:
        """Events having any of ``values`` in ``facet``."""
        names = self.facet_values(facet)
        wanted = np.array([i for i, n in enumerate(names) if n in values], np.int32)
        if facet in self.multi:
            return self.multi[facet].mask_for(len(self), wanted)
        codes = self.single[facet][0]
        return _code_mask(codes, wanted, len(names))

    def facet_counts(self, facet: str, mask: np.ndarray) -> list[tuple[str, int]]:
        """(value, count among ``mask``), most frequent first, zero counts left out."""
        names = self.facet_values(facet)
        if not names:  # a facet no event has (no gather of a million codes for nothing)
            return []
        if facet in self.multi:
            counts = self.multi[facet].counts(mask)
        else:
            codes = self.single[facet][0][mask]
            counts = np.bincount(codes[codes >= 0], minlength=len(names))
        order = np.argsort(-counts, kind="stable")
        return [(names[i], int(counts[i])) for i in order if counts[i] > 0]

    # ------------------------------------------------------------------ loading
    @classmethod
    def empty(cls) -> EventFrame:
        z = np.zeros(0, np.int64)
        return cls(
            z,
            z,
            z,
            np.zeros(0, np.int8),
            np.zeros(0, bool),
            np.zeros(0),
            np.zeros(0),
            z,
            np.zeros(0, object),
            np.zeros(0, object),
            {
                f: (np.zeros(0, np.int32), [])
                for f in ("category", "country", "reliability", "credibility", "precision")
            },
            {f: Links(z, np.zeros(0, np.int32), []) for f in ("actor", "tag", "source")},
        )

    @classmethod
    def load(cls, project: Project) -> EventFrame:
        """Read every event (and its links) from the store.

        Joins are done here in numpy on integer keys: asking SQLite to join a million
        events to their places and names costs seconds more than reading the tables.
        """
        return cls.from_tables(frame_rows.frame_tables(project))

    @classmethod
    def from_tables(cls, tables: dict[str, pd.DataFrame]) -> EventFrame:
        """The frame of the tables :func:`desktop_app.store.frame_rows.frame_tables` reads
        (or of some events' tables: see ``frame/patch.py``)."""
        events = tables["events"]
        if events.empty:
            return cls.empty()
        order = np.lexsort((events["id"].to_numpy(np.int64), events["start_s"].to_numpy(np.int64)))
        events = events.iloc[order].reset_index(drop=True)
        places = tables["places"]
        start = events["start_s"].to_numpy(np.int64)
        precision = events["precision"].to_numpy(np.int8)
        own_end = pd.to_numeric(events["end_s"], errors="coerce").to_numpy(np.float64)
        has_end = ~np.isnan(own_end)
        end = np.where(
            has_end, np.nan_to_num(own_end).astype(np.int64), span_end_seconds(start, precision)
        )
        ids = events["id"].to_numpy(np.int64)
        location_id = (
            pd.to_numeric(events["location_id"], errors="coerce").fillna(-1).to_numpy(np.int64)
        )
        at = _lookup(places["id"].to_numpy(np.int64), location_id)  # place row or -1
        # each place column gets a last "no place" entry, which row -1 picks
        lat = np.append(places["latitude"].to_numpy(np.float64, na_value=np.nan), np.nan)[at]
        lon = np.append(places["longitude"].to_numpy(np.float64, na_value=np.nan), np.nan)[at]
        place_names = np.append(places["name"].to_numpy(dtype=object), "")
        countries = np.append(
            places["country"].astype("string").fillna("").to_numpy(dtype=object), ""
        )
        credibility = pd.to_numeric(events["credibility"], errors="coerce")
        single = {
            "category": _codes(events["category"]),
            "country": _codes(pd.Series(countries[at])),
            "reliability": _codes(events["reliability"]),
            "credibility": _codes(
                pd.Series(
                    np.where(credibility.isna(), "", credibility.fillna(0).astype(int).astype(str))
                )
            ),
            "precision": _codes(pd.Series(np.array(PRECISION_NAMES, object)[precision])),
        }
        multi = {
            "actor": links_of(ids, tables["actor_pairs"], tables["actors"]),
            "source": links_of(ids, tables["source_pairs"], tables["sources"]),
            "tag": _tag_links(ids, tables["tags"]),
        }
        return cls(
            ids=ids,
            start=start,
            end=np.maximum(end, start + 1),
            precision=precision,
            has_end=has_end,
            lat=lat,
            lon=lon,
            location_id=location_id,
            title=events["title"].to_numpy(dtype=object),
            place=place_names[at],
            single=single,
            multi=multi,
        )


def _lookup(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Row of each wanted key in ``keys`` (any order), or -1 where absent."""
    if not len(keys):
        return np.full(len(wanted), -1, np.int64)
    low, high = int(keys.min()), int(keys.max())
    if low >= 0 and high < 4 * len(keys) + 1024:  # database ids are dense: a direct table
        table = np.full(high + 2, -1, np.int64)
        table[keys] = np.arange(len(keys))
        return np.asarray(table[np.clip(wanted, -1, high + 1)])
    order = np.argsort(keys, kind="stable")
    pos = np.clip(np.searchsorted(keys[order], wanted), 0, len(keys) - 1)
    return np.where(keys[order][pos] == wanted, order[pos], -1)


def _codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes with "" (missing) as -1, and the names sorted alphabetically."""
    text_values = values.astype("string").fillna("")
    codes, names = pd.factorize(text_values, sort=True)
    names_list = [str(n) for n in names]
    if "" in names_list:
        blank = names_list.index("")
        codes = np.where(codes == blank, -1, codes - (codes > blank))
        names_list.pop(blank)
    return codes.astype(np.int32), names_list


def sorted_names(names: pd.DataFrame) -> pd.DataFrame:
    """(id, name) rows in the order a facet lists its values: by name, ties as read."""
    return names.sort_values(names.columns[1], kind="stable").reset_index(drop=True)


def links_of(ids: np.ndarray, pairs: pd.DataFrame, names: pd.DataFrame) -> Links:
    """(event, value) links by integer id, with the values named and sorted by name
    (``ids``: the frame's event ids, by row; ``pairs``: (event id, value id);
    ``names``: (value id, name))."""
    if pairs.empty or names.empty:
        return Links(np.zeros(0, np.int64), np.zeros(0, np.int32), [])
    by_name = sorted_names(names)
    code = _lookup(by_name.iloc[:, 0].to_numpy(np.int64), pairs.iloc[:, 1].to_numpy(np.int64))
    rows = _lookup(ids, pairs.iloc[:, 0].to_numpy(np.int64))
    keep = (code >= 0) & (rows >= 0)
    return Links(
        rows[keep],
        code[keep].astype(np.int32),
        [str(n) for n in by_name.iloc[:, 1].to_numpy(dtype=object)],
    )


def _tag_links(ids: np.ndarray, pairs: pd.DataFrame) -> Links:
    if pairs.empty:
        return Links(np.zeros(0, np.int64), np.zeros(0, np.int32), [])
    rows = _lookup(ids, pairs.iloc[:, 0].to_numpy(np.int64))
    codes, names = pd.factorize(pairs.iloc[:, 1].astype("string"), sort=True)
    keep = rows >= 0
    return Links(rows[keep], codes[keep].astype(np.int32), [str(n) for n in names])
