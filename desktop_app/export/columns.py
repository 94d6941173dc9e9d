"""Whole columns of export text at once: dates at their precision, span ends,
precision names and coordinates.

Each function gives the same text as its one-value counterpart in ``records.py``
(``start_text``, ``end_text``, ``ExportEvent.precision_name``) and ``repr(float)``,
for a whole chunk of events: values are formatted once per distinct value (a million
events fall on a few thousand days and a few thousand places) and dates by numpy's
``datetime_as_string``, not one Python call per event. No Qt here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from json.encoder import encode_basestring  # what json.dumps(ensure_ascii=False) uses
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from desktop_app.domain.dates import DAY_SECONDS, Precision, civil_from_days

#: numpy datetime unit of each precision's ISO text (minutes: "2023-05-14T09:30")
_UNITS = {Precision.YEAR: "Y", Precision.MONTH: "M", Precision.DAY: "D", Precision.MINUTE: "m"}
_NAMES = np.array(["day", "year", "month", "day", "minute"], object)  # unknown -> "day"


def by_distinct(values: np.ndarray, texts: Callable[[np.ndarray], Sequence[str]]) -> list[str]:
    """``texts(values)`` element by element, computed once per distinct value."""
    if len(values) == 0:
        return []
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return np.asarray(list(texts(np.asarray(uniques))), object)[codes].tolist()  # type: ignore[no-any-return]


def iso_texts(seconds: np.ndarray, precision: np.ndarray) -> np.ndarray:
    """ISO text of each instant at its precision (2023 / 2023-05 / 2023-05-14 /
    2023-05-14 09:30), as ``domain.dates.iso_text`` writes it."""
    seconds = np.asarray(seconds, np.int64)
    precision = np.asarray(precision, np.int64)
    out = np.empty(len(seconds), object)
    known = np.zeros(len(seconds), bool)
    moments = seconds.astype("datetime64[s]")
    for p, unit in _UNITS.items():
        at = precision == int(p)
        if at.any():
            text = np.datetime_as_string(moments[at], unit=unit)  # type: ignore[call-overload]
            if p is Precision.MINUTE:
                text = np.char.replace(text, "T", " ")
            out[at] = text.astype(object)
            known |= at
    if not known.all():
        Precision(int(precision[~known][0]))  # raises ValueError as iso_text would
    return out


def start_texts(start_s: np.ndarray, precision: np.ndarray) -> list[str]:
    """Each start as ISO text at its precision (``records.start_text``)."""
    start_s = np.asarray(start_s, np.int64)
    precision = np.asarray(precision, np.int64)
    key = start_s * 8 + precision  # precision < 8; civil seconds stay far from overflow
    return by_distinct(key, lambda k: iso_texts(k >> 3, k & 7).tolist())


def end_precisions(end_s: np.ndarray) -> np.ndarray:
    """The coarsest precision whose span ends (exclusively) at each ``end_s``
    (``records.end_precision``): a midnight on a 1 January ends a year, on the 1st a
    month, any other midnight a day; anything else ends a minute."""
    end_s = np.asarray(end_s, np.int64)
    days, rest = np.divmod(end_s, DAY_SECONDS)
    _, month, day = civil_from_days(days)
    midnight = rest == 0
    out = np.full(len(end_s), int(Precision.MINUTE), np.int64)
    out[midnight] = int(Precision.DAY)
    out[midnight & (day == 1)] = int(Precision.MONTH)
    out[midnight & (day == 1) & (month == 1)] = int(Precision.YEAR)
    return out


def end_texts(end_s: np.ndarray, has_end: np.ndarray) -> list[str]:
    """Each end as the ISO text a re-import reads back (``records.end_text``), '' for none."""
    has_end = np.asarray(has_end, bool)
    key = np.where(has_end, np.asarray(end_s, np.int64), np.iinfo(np.int64).min)

    def texts(ends: np.ndarray) -> list[str]:
        out = np.full(len(ends), "", object)
        real = ends != np.iinfo(np.int64).min
        out[real] = iso_texts(ends[real] - 1, end_precisions(ends[real]))
        return list(out.tolist())

    return by_distinct(key, texts)


def precision_names(precision: np.ndarray) -> list[str]:
    """year / month / day / minute ("day" for an unknown code, as ``precision_name``)."""
    precision = np.asarray(precision, np.int64)
    known = (precision > 0) & (precision < len(_NAMES))
    return _NAMES[np.where(known, precision, 0)].tolist()  # type: ignore[no-any-return]


def number_texts(values: np.ndarray, missing: str = "") -> list[str]:
    """Shortest text that reads back to each float (``repr``); ``missing`` for NaN."""

    def texts(bits: np.ndarray) -> list[str]:
        return [missing if v != v else repr(v) for v in bits.view(np.float64).tolist()]

    # distinct by bit pattern: -0.0 and 0.0 are equal floats but read "-0.0" and "0.0"
    return by_distinct(np.ascontiguousarray(values, np.float64).view(np.int64), texts)


# ---------------------------------------------------------------------- Arrow columns
TEXT = pa.large_string()  # what the writers join: 64-bit offsets, no 2 GB limit per chunk


def _byte_set(chars: str) -> np.ndarray:
    table = np.zeros(256, bool)
    table[list(chars.encode())] = True
    return table


_FORMULA = _byte_set("=+-@\t\r")  # a cell a spreadsheet would run (see csv_export)
_NEEDS_QUOTES = _byte_set(',"\r\n')  # as csv.writer's QUOTE_MINIMAL decides
_NEEDS_ESCAPES = _byte_set("".join(map(chr, range(32))) + '"\\')  # json's escapes


def distinct_rows(*keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first row of each distinct combination of ``keys`` (int64 columns), and each
    row's index among those."""
    combined = np.zeros(len(keys[0]), np.int64)
    for key in keys:  # codes stay below the row count: no overflow
        codes, uniques = pd.factorize(key, use_na_sentinel=False)
        combined, _ = pd.factorize(combined * len(uniques) + codes, use_na_sentinel=False)
    _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
    return first, inverse


def by_rows(
    table: pa.Table, keys: Sequence[np.ndarray], make: Callable[[pa.Table], pa.Array]
) -> pa.Array:
    """``make(table)``, computed once per distinct combination of ``keys`` (a place's
    cells, a date's): on the first row of each, then spread to the rest."""
    first, codes = distinct_rows(*keys)
    return make(table.take(pa.array(first))).take(pa.array(codes))


def text(value: str) -> pa.Scalar:
    return pa.scalar(value, TEXT)


def distinct_array(values: np.ndarray, texts: Callable[[np.ndarray], Sequence[str]]) -> pa.Array:
    """``texts(values)`` element by element as Arrow text, computed once per distinct value."""
    if len(values) == 0:
        return pa.array([], TEXT)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return pa.array(list(texts(np.asarray(uniques))), TEXT).take(pa.array(codes))


def start_array(start_s: np.ndarray, precision: np.ndarray) -> pa.Array:
    """:func:`start_texts` as Arrow text."""
    key = np.asarray(start_s, np.int64) * 8 + np.asarray(precision, np.int64)
    return distinct_array(key, lambda k: iso_texts(k >> 3, k & 7).tolist())


def end_array(end_s: pa.Array) -> pa.Array:
    """:func:`end_texts` as Arrow text ('' where ``end_s`` is null)."""
    has_end = ~np.asarray(pc.is_null(end_s))
    ends = np.asarray(pc.fill_null(end_s, 0), np.int64)
    return pa.array(end_texts(ends, has_end), TEXT) if len(ends) else pa.array([], TEXT)


def precision_array(precision: np.ndarray) -> pa.Array:
    """:func:`precision_names` as Arrow text."""
    return distinct_array(np.asarray(precision, np.int64), precision_names)


def number_array(values: pa.Array, missing: str = "") -> pa.Array:
    """:func:`number_texts` of a float column (null is missing) as Arrow text."""
    numbers = np.asarray(pc.fill_null(values.cast(pa.float64()), np.nan), np.float64)
    bits = np.ascontiguousarray(numbers).view(np.int64)
    return distinct_array(bits, lambda b: number_texts(b.view(np.float64), missing))


def filled(texts: pa.Array) -> pa.Array:
    """A text column as :data:`TEXT`, '' for null."""
    texts = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
    return pc.fill_null(texts.cast(TEXT), text(""))


def _bytes(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A :data:`TEXT` column's value offsets (one more than values) and its bytes."""
    _, offsets, data = texts.buffers()
    bounds = np.frombuffer(offsets, np.int64, len(texts) + 1, texts.offset * 8)
    raw = np.frombuffer(data, np.uint8) if data is not None else np.zeros(0, np.uint8)
    return bounds, raw


def starts_with_any(texts: pa.Array, chars: np.ndarray) -> np.ndarray:
    """Which values (of a :data:`TEXT` column) begin with one of the (ASCII) ``chars``."""
    bounds, raw = _bytes(texts)
    if len(raw) == 0:
        return np.zeros(len(texts), bool)
    first = raw[np.minimum(bounds[:-1], len(raw) - 1)]
    return chars[first] & (bounds[1:] > bounds[:-1])  # type: ignore[no-any-return]


def contains_any(texts: pa.Array, chars: np.ndarray) -> np.ndarray:
    """Which values (of a :data:`TEXT` column) hold one of the (ASCII) ``chars``: a
    look-up per byte, no Python per value (UTF-8 never uses ASCII bytes inside a
    longer character)."""
    bounds, raw = _bytes(texts)
    base, end = int(bounds[0]), int(bounds[-1])
    if end == base:
        return np.zeros(len(texts), bool)
    hits = chars[raw[base:end]]
    starts = bounds[:-1] - base
    nonempty = bounds[1:] > bounds[:-1]
    out = np.zeros(len(texts), bool)
    if nonempty.any():
        out[nonempty] = np.logical_or.reduceat(hits, starts[nonempty])
    return out


def _replaced(texts: pa.Array, mask: np.ndarray, new: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``texts`` with the values where ``mask`` holds made by ``new`` from themselves."""
    if not mask.any():
        return texts
    chosen = pa.array(mask)
    return pc.replace_with_mask(texts, chosen, new(texts.filter(chosen)).cast(TEXT))


def neutralised_array(texts: pa.Array) -> pa.Array:
    """``csv_export.neutralise`` of each cell ('' for null): a quote before a formula."""
    texts = filled(texts)
    return _replaced(texts, starts_with_any(texts, _FORMULA), lambda t: join(text("'"), t))


def quoted_array(texts: pa.Array) -> pa.Array:
    """``csv_export.quoted`` of each cell ('' for null)."""
    texts = filled(texts)
    return _replaced(
        texts,
        contains_any(texts, _NEEDS_QUOTES),
        lambda t: join(text('"'), pc.replace_substring(t, '"', '""'), text('"')),
    )


def cells(texts: pa.Array) -> pa.Array:
    """A text column as CSV cells: neutralised, then quoted. A column of repeated values
    (places, categories) is done once per distinct value."""
    return _per_distinct(texts, lambda t: quoted_array(neutralised_array(t)))


def _per_distinct(texts: pa.Array, make: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``make(texts)``, computed on the distinct values when there are few of them."""
    texts = texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts
    if len(texts) < 64:
        return make(texts)
    sample = texts.slice(0, 64)
    if len(pc.unique(sample)) > 16:  # mostly distinct (titles, descriptions)
        return make(texts)
    encoded = pc.dictionary_encode(texts)
    made = make(encoded.dictionary)
    if encoded.null_count:
        made = pa.concat_arrays([made, make(pa.nulls(1, texts.type))])
        return made.take(pc.fill_null(encoded.indices, len(made) - 1))
    return made.take(encoded.indices)


def json_array(texts: pa.Array) -> pa.Array:
    """``json.dumps(text, ensure_ascii=False)`` of each value, ``null`` for null: the few
    texts that need escapes go through json's own encoder, the rest are put in quotes."""
    return _per_distinct(texts, _json_array)


def _json_array(texts: pa.Array) -> pa.Array:
    valid = np.asarray(pc.is_valid(texts), bool)
    texts = filled(texts)
    out = _replaced(
        join(text('"'), texts, text('"')),
        contains_any(texts, _NEEDS_ESCAPES),
        lambda t: pa.array([encode_basestring(v[1:-1]) for v in t.to_pylist()], TEXT),
    )
    if valid.all():
        return out
    return pc.replace_with_mask(
        out, pa.array(~valid), pa.array(["null"] * int((~valid).sum()), TEXT)
    )


def join(*parts: Any, separator: str = "") -> pa.Array:
    """Element-wise concatenation of text columns and scalars (null if any part is)."""
    return pc.binary_join_element_wise(*parts, text(separator))


def list_join(values: pa.Array, sizes: np.ndarray, separator: str) -> pa.Array:
    """Per row, its ``sizes[i]`` consecutive ``values`` joined by ``separator`` ('' for none)."""
    offsets = pa.array(np.r_[0, np.cumsum(sizes)].astype(np.int64))
    lists = pa.LargeListArray.from_arrays(offsets, filled(values))
    return pc.binary_join(lists, text(separator))


def flat(lists: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """A list column's values (in row order) and each row's number of them."""
    lists = lists.combine_chunks() if isinstance(lists, pa.ChunkedArray) else lists
    sizes = np.asarray(pc.fill_null(pc.list_value_length(lists), 0), np.int64)
    return pc.list_flatten(lists), sizes


def buffer_of(lines: pa.Array) -> pa.Buffer:
    """The bytes of a text column's values, end to end (no nulls)."""
    lines = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines
    if lines.null_count:  # a formatter let a null through: never write a gap
        raise ValueError("an export line is missing")
    _, offsets, data = lines.buffers()
    width = 8 if pa.types.is_large_string(lines.type) else 4
    bounds = np.frombuffer(
        offsets, np.int64 if width == 8 else np.int32, len(lines) + 1, lines.offset * width
    )
    return data.slice(int(bounds[0]), int(bounds[-1] - bounds[0]))
