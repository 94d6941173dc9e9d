"""What makes two rows the same event, and which rows of an import repeat another.

Each event carries a 64-bit fingerprint. A row is a duplicate only when it is the same
event:

* from the provider's own id, where the preset says its ids are global (ACLED, GDELT)
  and the file's ids are unique: two rows of the file that share an id but differ in
  anything else make the id column "not unique", and the whole file falls back to
  content (so those rows are not merged);
* otherwise from the row's whole content: every column of the file, text compared
  exactly as given (no stripping, no case folding), so rows that differ in a link, an
  actor, a source, an id column or only in spaces are different events. A column mapped
  to the id of a sheet without global ids is part of that content.

Rows with an empty id are fingerprinted by content too (an empty id says nothing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.core.util.hashing import hash_array

from desktop_app.ingest.presets.base import Draft, text

_MULT = np.uint64(1000003)


def _combine(columns: list[np.ndarray], n: int) -> np.ndarray:
    """pandas' way of combining per-column 64-bit hashes into one per row."""
    out = np.full(n, 0x345678, np.uint64)
    mult = _MULT
    for i, h in enumerate(columns):
        out ^= h
        out *= mult
        mult += np.uint64(82520 + 2 * (len(columns) - i))
    out += np.uint64(97531)
    return out


def _text_hashes(values: np.ndarray) -> np.ndarray:
    return np.asarray(hash_array(values.astype(object), categorize=False), np.uint64)


def id_fingerprints(namespace: str, ids: pd.Series) -> np.ndarray:
    """``hash_pandas_object(DataFrame({"ns": namespace, "id": ids}), index=False)``, the
    fingerprint of an event with a global id, without hashing the constant column per row
    (the same per-column hashes, combined as pandas combines them)."""
    n = len(ids)
    columns = [
        np.full(n, _text_hashes(np.array([namespace], dtype=object))[0], np.uint64),
        hash_array(ids.to_numpy(dtype=object), categorize=False),
    ]
    return _combine(columns, n).view(np.int64)


def content_fingerprints(frame: pd.DataFrame) -> np.ndarray:
    """One fingerprint per row from every column's exact text, by column name (the
    order of the columns does not matter; a missing cell and an empty one are equal)."""
    n = len(frame)
    names = sorted({str(c) for c in frame.columns})
    by_name = {str(c): c for c in frame.columns}
    columns = [np.full(n, _text_hashes(np.array(["\x1econtent"], dtype=object))[0], np.uint64)]
    for name in names:
        salt = _text_hashes(np.array([name], dtype=object))[0]
        values = frame[by_name[name]]
        if values.ndim != 1:  # the same header twice: pandas hands back a frame
            values = values.iloc[:, 0]
        cells = values.astype("string").fillna("").to_numpy(dtype=object)
        columns.append(hash_array(cells, categorize=True) ^ salt)
    return _combine(columns, n).view(np.int64)


def id_column(d: Draft) -> object | None:
    """The file column the draft's ids were read from (None if it cannot be told)."""
    if d.external_id is None or not len(d):
        return None
    frame = d.table.frame
    named = str(d.mapping.get("external_id", "")).lower()
    labels = list(frame.columns)
    ids = d.external_id.reset_index(drop=True)
    for column in sorted(labels, key=lambda c: str(c).lower() != named):
        if labels.count(column) == 1 and text(frame, column).reset_index(drop=True).equals(ids):
            return column  # type: ignore[no-any-return]
    return None


def ids_are_unique(frames: list[pd.DataFrame], column: object) -> bool:
    """True when no id of the file (across ``frames``) names two rows that differ."""
    ids = pd.concat([text(f, column) for f in frames], ignore_index=True)  # type: ignore[arg-type]
    repeated = ids.duplicated(keep=False).to_numpy() & (ids != "").to_numpy()
    if not repeated.any():
        return True
    content = np.concatenate(
        [
            content_fingerprints(f[repeated[lo : lo + len(f)]])
            for lo, f in zip(np.cumsum([0] + [len(f) for f in frames[:-1]]), frames, strict=True)
        ]
    )
    groups = pd.DataFrame({"id": ids[repeated].to_numpy(), "content": content})
    return bool((groups.groupby("id", sort=False)["content"].nunique() == 1).all())


def event_fingerprints(d: Draft, keep: np.ndarray, by_id: bool) -> np.ndarray:
    """The fingerprint of each kept row of the draft."""
    raw = d.table.frame
    if not by_id or d.id_namespace is None or d.external_id is None:
        return content_fingerprints(raw[keep])
    ids = d.external_id[keep].reset_index(drop=True).fillna("")
    out = id_fingerprints(d.id_namespace, ids)
    blank = (ids == "").to_numpy()
    if blank.any():
        out[blank] = content_fingerprints(raw[keep][blank])
    return out


@dataclass
class Repeats:
    """The duplicates found in one slice: their positions among the slice's probed rows
    and the file row each repeats (-1: an event already in the project)."""

    fresh: np.ndarray  # bool per probed row
    positions: np.ndarray
    repeats_row: np.ndarray


class Fingerprints:
    """The fingerprints of the project and of the events written so far in this import
    (with the file row each came from)."""

    def __init__(self, known: np.ndarray) -> None:
        self.project = np.sort(known)
        self.parts: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted prints, rows)

    def _in_project(self, ordered: np.ndarray) -> np.ndarray:
        if not len(self.project):
            return np.zeros(len(ordered), bool)
        at = np.minimum(np.searchsorted(self.project, ordered), len(self.project) - 1)
        return np.asarray(self.project[at] == ordered, bool)

    def _written_row(self, ordered: np.ndarray) -> np.ndarray:
        """The file row of an event written earlier with each print, or -1."""
        found = np.full(len(ordered), -1, np.int64)
        for part, rows in self.parts:
            at = np.minimum(np.searchsorted(part, ordered), len(part) - 1)
            hit = (part[at] == ordered) & (found < 0)
            found[hit] = rows[at[hit]]
        return found

    def probe(self, prints: np.ndarray, rows: np.ndarray) -> Repeats:
        """Which rows (file row numbers ``rows``) are new; the new ones are remembered."""
        codes = pd.factorize(prints)[0]  # in order of first appearance
        first_at = np.unique(codes, return_index=True)[1]
        in_slice = first_at[codes] != np.arange(len(prints))
        order = np.argsort(prints, kind="stable")  # sorted probes walk each part in order
        ordered = prints[order]
        in_project = np.empty(len(prints), bool)
        in_project[order] = self._in_project(ordered)
        earlier = np.empty(len(prints), np.int64)
        earlier[order] = self._written_row(ordered)
        fresh = ~in_slice & ~in_project & (earlier < 0)
        repeats = np.where(in_project, -1, np.where(earlier >= 0, earlier, rows[first_at[codes]]))
        positions = np.flatnonzero(~fresh)
        if fresh.any():
            kept = order[fresh[order]]  # the fresh rows, by print
            self.parts.append((prints[kept], rows[kept]))
        if len(self.parts) > 8:
            merged = np.concatenate([p for p, _ in self.parts])
            merged_rows = np.concatenate([r for _, r in self.parts])
            by_print = np.argsort(merged, kind="stable")
            self.parts = [(merged[by_print], merged_rows[by_print])]
        return Repeats(fresh, positions, repeats[positions])
