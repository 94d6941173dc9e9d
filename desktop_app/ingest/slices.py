"""Cutting a big file into slices that are normalised and written one after another.

The day/month order of a date column is decided on the whole column first: the preset
is run once on the rows holding each distinct combination of its date columns, and the
order reports it records are replayed while each slice is normalised, so slicing changes
no result.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from desktop_app.domain.dates import OrderReport
from desktop_app.ingest.presets import Preset
from desktop_app.ingest.presets.base import Options, recording_orders
from desktop_app.ingest.readers import RawTable


def plan_slices(
    table: RawTable,
    preset: Preset,
    options: Options,
    chunk_rows: int,
    max_distinct: float,
) -> tuple[list[tuple[int, int]], list[tuple[str, OrderReport]] | None]:
    """Row ranges to normalise one at a time, and the date-order reports they replay.

    The day/month order of a date column is decided on the whole column: the preset is
    run once on the rows holding each distinct combination of its date columns (the
    order depends on nothing else), recording each column's report.
    """
    n = len(table.frame)
    if n <= chunk_rows or preset.date_sources is None:
        return [(0, n)], None
    sources = preset.date_sources(table, options)
    if not sources:
        return [(0, n)], None
    frame = table.frame
    codes = row_codes([frame[c] for c in sources])
    firsts = np.unique(codes, return_index=True)[1]
    if len(firsts) > n * max_distinct:  # dates mostly distinct: read it whole
        return [(0, n)], None
    firsts.sort()
    sample = RawTable(
        frame.iloc[firsts].reset_index(drop=True),
        table.row_numbers[firsts],
        table.has_header,
        table.encoding,
        table.delimiter,
        table.sheet,
        table.sheets,
        [],
    )
    with recording_orders() as orders:
        preset.normalize(sample, options)
    return [(lo, min(lo + chunk_rows, n)) for lo in range(0, n, chunk_rows)], orders


def row_codes(columns: list[pd.Series]) -> np.ndarray:
    """Dense codes of equal rows across the given columns."""
    codes = np.zeros(len(columns[0]), np.int64)
    for col in columns:
        c, uniques = pd.factorize(col)
        codes = codes * (len(uniques) + 1) + (c + 1)
        codes = pd.factorize(codes)[0].astype(np.int64)
    return codes


def slice_table(table: RawTable, lo: int, hi: int, *, first: bool) -> RawTable:
    whole = lo == 0 and hi == len(table.frame)
    frame = table.frame if whole else table.frame.iloc[lo:hi].reset_index(drop=True)
    return RawTable(
        frame,
        table.row_numbers[lo:hi],
        table.has_header,
        table.encoding,
        table.delimiter,
        table.sheet,
        table.sheets,
        table.bad_rows if first else [],
    )
