"""A file read as text: the table every reader returns and every preset reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class RawTable:
    """A file read as text: columns of str, with the spreadsheet row number of each row."""

    frame: pd.DataFrame
    row_numbers: np.ndarray
    has_header: bool
    encoding: str = "utf-8"
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # (row, reason)
    # rows of a UTF-8 file holding a byte that was not UTF-8, read as Windows-1252
    repaired_rows: list[int] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]


def clean_header(columns: Iterable[object], header: bool) -> list[str]:
    """Header names stripped, blanks named by position, repeats numbered."""
    columns = list(columns)
    if not header:
        return [str(i) for i in range(len(columns))]
    out: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(str(c).strip() for c in columns):
        name = name or f"column {i + 1}"
        base, k = name, 2
        while name in seen:
            name, k = f"{base} ({k})", k + 1
        seen.add(name)
        out.append(name)
    return out
