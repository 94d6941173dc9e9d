"""Column helpers that stay fast at a million rows.

Event files repeat themselves: a million ACLED rows hold a few thousand dates, actors
and places. Work on the distinct values and expand by their codes; leave per-row string
work to pyarrow's compute kernels rather than Python loops.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def map_distinct(
    values: pd.Series,
    func: Callable[[Any], Any],
    dtype: str = "object",
    missing: Any = None,
    prepare: Callable[[pd.Series], pd.Series] | None = None,
) -> pd.Series:
    """``prepare(values).map(func)``, calling ``prepare`` (an elementwise transform) and
    ``func`` once per distinct value; missing values give ``missing``."""
    codes, uniques = pd.factorize(values)
    keys = uniques if prepare is None else prepare(pd.Series(uniques))
    mapped = [func(u) for u in keys] + [missing]
    at = np.where(codes < 0, len(uniques), codes)
    if dtype == "string" and all(m is None or isinstance(m, str) for m in mapped):
        # taken in Arrow: no million-object array to convert
        taken = pa.array(mapped, type=pa.large_string()).take(pa.array(at))
        return pd.Series(pd.arrays.ArrowStringArray(taken), index=values.index)
    out = np.array(mapped, dtype=object)[at]
    return pd.Series(out, index=values.index).astype(dtype)


def to_float(values: pd.Series) -> np.ndarray:
    """Numbers from text ('' and non-numbers are NaN; a decimal comma is accepted)."""
    arr = pa.array(values.astype("string").fillna(""), type=pa.string())
    arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
    numbers: np.ndarray
    try:
        numbers = pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        text = pd.Series(arr.to_pandas(), dtype="string").str.replace(",", ".", regex=False)
        numbers = pd.to_numeric(text, errors="coerce").to_numpy(np.float64, na_value=np.nan)
    return numbers


_CONTROL = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f]"


def json_string(arr: pa.Array) -> pa.Array:
    """Each value as a JSON string literal (with its quotes)."""
    out = arr
    if pc.any(pc.match_substring_regex(arr, '["\\\\\\n\\r\\t]')).as_py():
        for raw, escaped in (
            ("\\", "\\\\"),
            ('"', '\\"'),
            ("\n", "\\n"),
            ("\r", "\\r"),
            ("\t", "\\t"),
        ):
            out = pc.replace_substring(out, raw, escaped)
    out = pc.binary_join_element_wise('"', out, '"', "")
    odd = pc.match_substring_regex(arr, _CONTROL)
    if pc.any(odd).as_py():  # rare control characters: let json do them
        fixed = [
            json.dumps(v, ensure_ascii=False) if o else None
            for v, o in zip(arr.to_pylist(), odd.to_pylist(), strict=True)
        ]
        out = pc.if_else(odd, pa.array(fixed, pa.string()), out)
    return out


def _flat(values: pd.Series) -> pa.Array:
    """A text column as one contiguous pyarrow string array ('' for missing)."""
    arr = pa.array(values.astype("string").fillna(""), type=pa.string())
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def json_objects(frame: pd.DataFrame) -> pd.Series:
    """One JSON object per row of text columns; empty cells are left out; {} -> None."""
    n = len(frame)
    if frame.shape[1] == 0:
        return pd.Series([None] * n, dtype=object)
    if frame.shape[1] > WIDE_COLUMNS:  # one kernel call per column costs more than a loop
        return _json_objects_by_row(frame)
    pieces = []
    for column in frame.columns:
        arr = _flat(frame[column])
        key = json.dumps(str(column), ensure_ascii=False) + ":"
        # most columns repeat a few values: build each member once, then take
        encoded = pc.dictionary_encode(arr)
        if len(encoded.dictionary) < len(arr) // 2:
            words = encoded.dictionary
            members = pc.if_else(
                pc.equal(words, ""),
                "",
                pc.binary_join_element_wise(key, json_string(words), ",", ""),
            )
            pieces.append(pc.take(members, encoded.indices))
        else:
            member = pc.binary_join_element_wise(key, json_string(arr), ",", "")
            pieces.append(pc.if_else(pc.equal(arr, ""), "", member))
    body = pc.binary_join_element_wise(*pieces, "")
    body = pc.utf8_slice_codeunits(body, 0, -1)  # the trailing comma
    obj = pc.binary_join_element_wise("{", body, "}", "")
    obj = pc.if_else(pc.equal(body, ""), pa.scalar(None, pa.string()), obj)
    return pd.Series(obj.to_pandas(types_mapper=lambda _t: pd.StringDtype()), dtype="string")


WIDE_COLUMNS = 1000


def _json_objects_by_row(frame: pd.DataFrame) -> pd.Series:
    """:func:`json_objects` for thousands of columns: the same text, built per row."""
    names = [str(c) for c in frame.columns]
    out: list[str | None] = []
    for row in frame.to_numpy(dtype=object):  # itertuples makes a Series per column
        obj = {
            k: str(v)
            for k, v in zip(names, row, strict=True)
            if v is not None and v is not pd.NA and v != ""
        }
        out.append(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) if obj else None)
    return pd.Series(out, dtype="string")


def explode_names(values: pd.Series, separator: str | None) -> pd.DataFrame:
    """(row, name) pairs for the names in each cell, split on ``separator``.

    ``row`` is the position of the cell in ``values``; blank names are dropped.
    """
    codes, uniques = pd.factorize(values.reset_index(drop=True))
    distinct = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    if not separator:  # one name per cell: no join needed
        names = distinct.astype("string").str.strip().to_numpy(dtype=object, na_value="")
        names = np.append(names, "")
        picked = names[np.where(codes < 0, len(names) - 1, codes)]
        rows = np.flatnonzero(picked != "")
        return pd.DataFrame({"row": rows, "name": picked[rows]})
    parts = distinct.str.split(separator).explode().astype("string").str.strip()
    parts = parts[parts.notna() & (parts != "")]
    names = pd.DataFrame({"code": parts.index.to_numpy(np.int64), "name": parts.to_numpy()})
    rows = pd.DataFrame({"row": np.arange(len(codes)), "code": codes})
    rows = rows[rows.code >= 0]
    return rows.merge(names, on="code")[["row", "name"]]


def json_lists(columns: list[tuple[pd.Series, str | None]], n: int) -> pd.Series:
    """Per row, a JSON list of the distinct names across the given columns, or None."""
    if not columns:
        return pd.Series([None] * n, dtype=object)
    if len(columns) == 1:
        values, separator = columns[0]
    else:  # join the columns into one cell per row, then treat it as one column
        separator = "\x1f"
        parts = [
            v.astype("string").fillna("")
            if s is None
            else v.astype("string").fillna("").str.replace(s, separator, regex=False)
            for v, s in columns
        ]
        values = parts[0]
        for p in parts[1:]:
            values = values + separator + p

    def as_json(cell: Any) -> str | None:
        if cell is None or cell is pd.NA:
            return None
        names = [p.strip() for p in (str(cell).split(separator) if separator else [str(cell)])]
        names = list(dict.fromkeys(p for p in names if p))
        return json.dumps(names, ensure_ascii=False) if names else None

    codes, uniques = pd.factorize(values.reset_index(drop=True))
    texts = pa.array([as_json(u) for u in uniques.tolist()] + [None], pa.string())
    picked = texts.take(pa.array(np.where(codes < 0, len(uniques), codes)))
    return pd.Series(pd.arrays.ArrowStringArray(picked))


def split_names(
    values: pd.Series, separator: str | None
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The names in each cell, split on ``separator``, stripped, blanks dropped:
    ``(row, code)`` per name in row order, and the distinct names the codes index
    (in order of first appearance). ``row`` is the position of the cell in ``values``.

    The same pairs as :func:`explode_names`, working once per distinct cell and name.
    """
    codes, uniques = pd.factorize(values.reset_index(drop=True))
    cells = [str(u) for u in uniques.tolist()]
    if separator:
        pieces = [c.split(separator) for c in cells]
        lens = np.array([len(p) for p in pieces], np.int64)
        flat = pa.array([q for p in pieces for q in p], pa.string())
    else:
        lens = np.ones(len(cells), np.int64)
        flat = pa.array(cells, pa.string())
    stripped = pc.utf8_trim_whitespace(flat)
    piece_codes, names = pd.factorize(pd.Series(stripped.to_pandas(), dtype=object))
    names = [str(n) for n in names]
    blank = names.index("") if "" in names else -1
    # per distinct cell: its (non-blank) name codes, contiguous
    owner = np.repeat(np.arange(len(cells)), lens)
    good = piece_codes != blank
    owner, piece_codes = owner[good], piece_codes[good]
    counts_u = np.bincount(owner, minlength=len(cells) + 1).astype(np.int64)
    offsets = np.concatenate([[0], np.cumsum(counts_u)])
    codes = np.where(codes < 0, len(cells), codes)  # a missing cell: no names
    counts = counts_u[codes]
    rows = np.repeat(np.arange(len(codes)), counts)
    if len(rows):
        within = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
        picked = piece_codes[np.repeat(offsets[codes], counts) + within]
    else:
        picked = np.zeros(0, np.int64)
    if blank >= 0:  # renumber the names without the blank one
        keep = np.arange(len(names)) != blank
        remap = np.cumsum(keep) - 1
        picked = remap[picked]
        names = [n for n, k in zip(names, keep, strict=True) if k]
    return rows.astype(np.int64), picked.astype(np.int64), names
