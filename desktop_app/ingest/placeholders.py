"""Texts that stand for "no place" in a place column ("Unknown", "N/A", "-" ...): such
a row is given no place rather than one called "Unknown"."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# texts that stand for "no place" (compared lower-case, spaces collapsed)
PLACEHOLDERS = frozenset(
    {
        "unknown",
        "unk",
        "na",
        "n/a",
        "n.a.",
        "n.a",
        "none",
        "null",
        "nil",
        "nan",
        "-",
        "--",
        "?",
        "??",
        "???",
        "various",
        "multiple",
        "not specified",
        "unspecified",
        "not known",
        "not available",
        "no location",
        "unknown location",
        "location unknown",
        "various locations",
        "multiple locations",
        "several",
        "several locations",
        "tbd",
    }
)
_PLACEHOLDER_SET = pa.array(
    sorted({form for p in PLACEHOLDERS for form in (p, p.capitalize(), p.title(), p.upper())})
)
# how far apart two points of the same name and country may be and still be one place,
# by the row's stated precision (geo_precision)


def is_placeholder(values: pd.Series) -> np.ndarray:
    """True where a place text stands for no place ("Unknown", "N/A", "-" ...): the
    placeholders written lower-case, capitalised, title-case or upper-case (the presets
    hand over trimmed text)."""
    text = pa.array(values.astype("string").fillna(""), type=pa.string())
    hit = pc.is_in(text, value_set=_PLACEHOLDER_SET)
    return np.asarray(hit.to_numpy(zero_copy_only=False), bool)
