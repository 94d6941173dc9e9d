"""TimelineJS sheets: Year/Month/Day/Time and End columns, Headline, Text, Type, Group.

The precision of a date is whichever parts are filled. Rows of Type ``title`` or
``era`` are not events and are skipped (they are reported as skipped, not rejected).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from desktop_app.ingest.presets.base import (
    Draft,
    Options,
    SourceColumn,
    extra_columns,
    first_words,
    parse_column,
    text,
)
from desktop_app.ingest.readers import RawTable

NAME = "timelinejs"
REQUIRED = ("year", "month", "day", "headline")
COLUMNS = (
    "Year",
    "Month",
    "Day",
    "Time",
    "End Year",
    "End Month",
    "End Day",
    "End Time",
    "Display Date",
    "Headline",
    "Text",
    "Media",
    "Media Credit",
    "Media Caption",
    "Media Thumbnail",
    "Type",
    "Group",
    "Background",
)


def score(table: RawTable) -> float:
    names = {c.lower() for c in table.columns}
    if not set(REQUIRED) <= names:
        return 0.0
    return sum(c.lower() in names for c in COLUMNS) / len(COLUMNS)


def _compose(f: pd.DataFrame, prefix: str) -> pd.Series:
    """'2020', '2020-03', '2020-03-14', '2020-03-14 14:30' from the filled parts."""
    year, month, day, time = (text(f, f"{prefix}{p}") for p in ("year", "month", "day", "time"))

    def one(y: str, m: str, d: str, t: str) -> str:
        if not y:
            return ""
        out = y if not y.lstrip("-").isdigit() else f"{int(y):04d}"
        if m:
            out += f"-{int(m):02d}" if m.isdigit() else f"-{m}"
            if d:
                out += f"-{int(d):02d}" if d.isdigit() else f"-{d}"
                if t:
                    out += f" {t}"
        return out

    return pd.Series(
        [one(*parts) for parts in zip(year, month, day, time, strict=True)],
        index=f.index,
        dtype="string",
    )


def normalize(table: RawTable, options: Options) -> Draft:
    original = table.frame
    f = original.rename(columns=str.lower)
    warnings: list[str] = []
    start = parse_column(
        _compose(f, ""), _col(original, "Year"), options.date_order, None, warnings
    )
    end = parse_column(
        _compose(f, "end "), _col(original, "End Year"), options.date_order, None, warnings
    )
    kind = text(f, "type").str.lower()
    headline, body = text(f, "headline"), text(f, "text")
    title = headline.where(headline != "", first_words(body))
    used = {
        c
        for c in original.columns
        if c.lower()
        in (
            "year",
            "month",
            "day",
            "time",
            "end year",
            "end month",
            "end day",
            "end time",
            "headline",
            "text",
            "group",
        )
    }
    media = text(f, "media")
    return Draft(
        table=table,
        preset=NAME,
        mapping={
            "start": "Year/Month/Day/Time",
            "end": "End Year/End Month/End Day/End Time",
            "title": "Headline",
            "description": "Text",
            "category": "Group",
        },
        start=start,
        end=end,
        title=title,
        description=body,
        category=text(f, "group"),
        sources=[
            SourceColumn(
                media.where(media.str.match(r"^https?://"), ""),
                None,
                urls=media.where(media.str.match(r"^https?://"), ""),
            )
        ],
        attributes=extra_columns(original, used),
        skip=np.isin(kind.to_numpy(), ["title", "era"]),
        warnings=warnings,
    )


def _col(frame: pd.DataFrame, name: str) -> str:
    return next((c for c in frame.columns if c.lower() == name.lower()), name)
