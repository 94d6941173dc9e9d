"""Bringing a frame up to date after an edit by reading only the events it touched.

An edit changes a handful of events (a place moved: every event at it); reloading the
whole frame for it costs seconds at a million events. :func:`patch_frame` reads those
events again (their rows, place, links and tags) and returns a new frame with their
rows replaced, added (ids new to the frame) or removed (ids no longer in the store),
equal in content to a fresh :meth:`EventFrame.load`: the same rows in the same order
(by start, then id), the same facet values (only those in use, sorted) and codes, the
same links (in another order: links are a set). The old frame is left as it was.

The patched frame is not written to the frame cache: its content key is that of the
store after the edit, and the next open builds and stores the frame once.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from desktop_app.frame.event_frame import EventFrame, Links, links_of, sorted_names
from desktop_app.frame.patch_in_place import NAMED_BY_TABLE, patch_in_place
from desktop_app.frame.patch_in_place import ROW_COLUMNS as IN_PLACE_COLUMNS
from desktop_app.store import frame_rows
from desktop_app.store.project import Project

# rows columns of an EventFrame (one value per event): the ids and those patched in place
ROW_COLUMNS = ("ids", *IN_PLACE_COLUMNS)
# inserting more rows than this one by one costs more than sorting them all in
INSERT_ONE_BY_ONE = 2000


def patch_frame(frame: EventFrame, project: Project, ids: Iterable[int]) -> EventFrame:
    """``frame`` with the events ``ids`` read again from ``project``.

    Give every event the edit may have changed: an event edited, created or deleted,
    or every event of a place edited or merged (the ``moved_events`` of a merge and
    the events at the kept place). An id the store no longer has is removed; an id the
    frame did not have is added; ids of other events are harmless (just read again).
    """
    wanted = np.unique(np.fromiter((int(i) for i in ids), np.int64))
    if not len(wanted):
        return frame
    tables = frame_rows.event_tables(project, wanted.tolist())
    fresh = EventFrame.from_tables(tables)
    same_rows = patch_in_place(frame, fresh, wanted, tables)
    if same_rows is not None:
        return same_rows
    gone = np.isin(frame.ids, wanted)  # rows read again (or deleted)
    kept = np.flatnonzero(~gone)
    place = _Placement(frame, kept, np.flatnonzero(gone), fresh)
    columns = {
        name: place.merge(getattr(frame, name), getattr(fresh, name)) for name in ROW_COLUMNS
    }
    old_to_new = np.full(len(frame) + 1, -1, np.int64)  # old row -> new row (-1: gone)
    old_to_new[kept] = place.at_kept
    single = {
        facet: _merge_codes(frame.single[facet], fresh.single[facet], kept, place)
        for facet in frame.single
    }
    multi: dict[str, Links] = {}
    for facet, links in frame.multi.items():
        merged_links = _merge_links(
            links, fresh.multi[facet], old_to_new, place.at_new, _table_names(tables, facet)
        )
        if merged_links is None:  # the facet's names changed: its links read again
            table = NAMED_BY_TABLE[facet]
            merged_links = links_of(
                columns["ids"], frame_rows.link_pairs(project, facet), tables[table]
            )
        multi[facet] = merged_links
    return EventFrame(
        ids=columns["ids"],
        start=columns["start"],
        end=columns["end"],
        precision=columns["precision"],
        has_end=columns["has_end"],
        lat=columns["lat"],
        lon=columns["lon"],
        location_id=columns["location_id"],
        title=columns["title"],
        place=columns["place"],
        single=single,
        multi=multi,
    )


class _Placement:
    """Where the kept rows and the fresh rows go in the patched frame (ordered by start,
    then id, as a loaded frame is), and the merge of a column by it."""

    def __init__(
        self, frame: EventFrame, kept: np.ndarray, gone: np.ndarray, fresh: EventFrame
    ) -> None:
        self.n = len(kept) + len(fresh)
        self.kept, self.gone = kept, gone
        self.slot: np.ndarray | None = None  # kept row before which each fresh row goes
        k_start, k_ids = frame.start[kept], frame.ids[kept]
        m = len(fresh)
        if m > INSERT_ONE_BY_ONE:
            order = np.lexsort(
                (np.concatenate([k_ids, fresh.ids]), np.concatenate([k_start, fresh.start]))
            )
            where = np.empty(len(order), np.int64)
            where[order] = np.arange(len(order))
            self.at_kept, self.at_new = where[: len(kept)], where[len(kept) :]
            return
        # the kept rows are in order: find each fresh row's place among them
        lo = np.searchsorted(k_start, fresh.start, "left")
        hi = np.searchsorted(k_start, fresh.start, "right")
        slot = lo.copy()
        for i in np.flatnonzero(hi > lo).tolist():  # the same start: by id
            slot[i] = lo[i] + np.searchsorted(k_ids[lo[i] : hi[i]], fresh.ids[i])
        # fresh rows are in order too, so the slots never decrease
        self.slot = slot
        self.at_new = slot + np.arange(m)
        self.at_kept = np.arange(len(kept)) + np.searchsorted(slot, np.arange(len(kept)), "right")

    def merge(self, old: np.ndarray, new: np.ndarray) -> np.ndarray:
        """A column of the patched frame from the old frame's column (all its rows) and
        the fresh rows' column."""
        if self.slot is not None:  # a few rows: block copies around them
            merged: np.ndarray = np.insert(
                np.delete(old, self.gone), self.slot, new.astype(old.dtype)
            )
            return merged
        out = np.empty(self.n, dtype=old.dtype)
        out[self.at_kept] = old[self.kept]
        out[self.at_new] = new
        return out


def _union_names(
    old_names: list[str], old_used: np.ndarray, new_names: list[str], new_used: np.ndarray
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The sorted names in use, and each side's old code -> new code (-1 -> -1)."""
    names = sorted(
        {old_names[i] for i in np.flatnonzero(old_used)}
        | {new_names[i] for i in np.flatnonzero(new_used)}
    )
    index = {name: i for i, name in enumerate(names)}
    old_map = np.array([index.get(x, -1) for x in old_names] + [-1], np.int32)
    new_map = np.array([index.get(x, -1) for x in new_names] + [-1], np.int32)
    return names, old_map, new_map


def _used(codes: np.ndarray, n_names: int) -> np.ndarray:
    return np.bincount(codes[codes >= 0], minlength=n_names)[:n_names] > 0


def _merge_codes(
    old: tuple[np.ndarray, list[str]],
    new: tuple[np.ndarray, list[str]],
    kept: np.ndarray,
    place: _Placement,
) -> tuple[np.ndarray, list[str]]:
    """A single-valued facet: codes of the kept and the fresh rows into the names now in
    use (a value no event has any more is gone, as in a loaded frame)."""
    (old_codes, old_names), (new_codes, new_names) = old, new
    names, old_map, new_map = _union_names(
        old_names,
        _used(old_codes[kept], len(old_names)),
        new_names,
        _used(new_codes, len(new_names)),
    )
    # -1 (no value) picks the -1 appended to each map
    return place.merge(old_map[old_codes], new_map[new_codes]), names


def _merge_links(
    old: Links,
    new: Links,
    old_to_new: np.ndarray,
    at_new: np.ndarray,
    table_names: list[str] | None,
) -> Links | None:
    """A multi-valued facet: the kept rows' links and the fresh rows' links, coded into
    the facet's names (actors and sources: every row of their table, read again; tags:
    those in use). None when the table's names changed (a source renamed, added or
    deleted): then the old codes cannot be trusted and the links are read again."""
    rows = old_to_new[old.rows]
    keep = rows >= 0
    old_rows, old_codes = rows[keep], old.codes[keep]
    new_rows = at_new[new.rows]
    if table_names is None:  # tags
        names, old_map, new_map = _union_names(
            old.names,
            _used(old_codes, len(old.names)),
            new.names,
            _used(new.codes, len(new.names)),
        )
        old_codes, new_codes = old_map[old_codes], new_map[new.codes]
    else:
        names, new_codes = table_names, new.codes  # the fresh links use these names
        if len(old_codes) and old.names != names:
            return None
    all_rows = np.concatenate([old_rows, new_rows]).astype(np.int64)
    all_codes = np.concatenate([old_codes, new_codes]).astype(np.int32)
    if not len(all_rows):  # a loaded frame names no values for a facet without links
        return Links(np.zeros(0, np.int64), np.zeros(0, np.int32), [])
    return Links(all_rows, all_codes, names)


def _table_names(tables: dict[str, pd.DataFrame], facet: str) -> list[str] | None:
    table = NAMED_BY_TABLE.get(facet)
    if table is None:
        return None
    names = tables[table]
    if names.empty:
        return []
    return [str(x) for x in sorted_names(names).iloc[:, 1].to_numpy(dtype=object)]
