"""The table's sort orders carried over to an edit's patched frame.

Sorting a column of a million rows costs from a few ms (an argsort of codes) to most of
a second (the titles, in Arrow); an edit changes a row or a few. So when the table is
given a frame patched in place from the one it shows (:meth:`EventFrame.patched_rows`),
an order whose column is the very same array is kept, and the title order is patched:
the edited rows taken out and put back where their new titles go, which gives exactly
the order a full sort of the new titles would (a test compares them on random edits).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from desktop_app.frame.event_frame import EventFrame

# above this many edited rows, sorting everything again is as quick as patching
PATCH_ORDER_UP_TO = 256


def order_inputs(frame: EventFrame, column: str) -> tuple[object, ...]:
    """The arrays a column's order is made of (``column``: date, title, category, place,
    country or precision), compared by identity: a patched frame shares the arrays it
    did not change."""
    if column == "date":  # the frame's own order (by start, then id)
        return (frame.ids, frame.start)
    if column in ("category", "country"):
        codes_names = frame.single.get(column)
        return (len(frame),) if codes_names is None else (codes_names[0], codes_names[1])
    return (getattr(frame, column),)


def same_inputs(old: EventFrame, new: EventFrame, column: str) -> bool:
    """Whether ``column``'s order on ``old`` is its order on ``new`` (same arrays)."""
    if len(old) != len(new):
        return False
    a, b = order_inputs(old, column), order_inputs(new, column)
    return all(x is y or (isinstance(x, int) and x == y) for x, y in zip(a, b, strict=True))


def _lower(text: object) -> str:
    """The case-folded key Arrow sorts a title by (``pc.utf8_lower``, as the full sort)."""
    if not isinstance(text, str):
        raise TypeError("not a text value")
    value = pc.utf8_lower(pa.array([text], pa.string()))[0].as_py()
    return str(value)


def patched_text_order(
    perm: np.ndarray, values: np.ndarray, rows: np.ndarray, full: Callable[[], np.ndarray]
) -> np.ndarray:
    """The ascending text order of ``values`` (case-insensitive, stable, blanks last, as
    ``model._text_order``) from ``perm``, that order before ``rows`` got their values;
    ``full()`` (the full sort) when a value is not text or there are too many rows."""
    rows = np.unique(np.asarray(rows, np.int64))
    if len(rows) > PATCH_ORDER_UP_TO or len(perm) != len(values):
        return full()
    try:
        rest = perm[~np.isin(perm, rows)]
        # blanks are last (by row): the first blank of the rest, found by bisection
        boundary = bisect_left(rest, True, key=lambda r: values[r] == "")
        heads: list[tuple[str, int]] = []
        tails: list[int] = []
        for row in rows.tolist():
            if values[row] == "":
                tails.append(row)
            else:
                heads.append((_lower(values[row]), row))
        heads.sort()
        head_rest = rest[:boundary]
        at_heads = [
            bisect_left(head_rest, key, key=lambda r: (_lower(values[r]), int(r))) for key in heads
        ]
        at_tails = (boundary + np.searchsorted(rest[boundary:], tails)).tolist()
    except TypeError:
        return full()
    inserted = [row for _, row in heads] + tails
    return np.asarray(np.insert(rest, [*at_heads, *at_tails], inserted), np.int64)
