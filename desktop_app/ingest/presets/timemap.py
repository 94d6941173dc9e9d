"""Forensic Architecture timemap sheets: description, date (10/10/2015), time, location,
latitude, longitude, association1..n, source1..n."""

from __future__ import annotations

import re

from desktop_app.domain.dates import DateOrder
from desktop_app.ingest.presets.base import (
    Draft,
    ListColumn,
    Options,
    SourceColumn,
    extra_columns,
    first_words,
    parse_column,
    text,
)
from desktop_app.ingest.readers import RawTable

NAME = "timemap"


def _numbered(columns: list[str], stem: str) -> list[str]:
    return [c for c in columns if re.fullmatch(stem + r"\d*", c.lower())]


def score(table: RawTable) -> float:
    names = {c.lower() for c in table.columns}
    if not {"description", "date", "latitude", "longitude"} <= names:
        return 0.0
    numbered = _numbered(table.columns, "association") + _numbered(table.columns, "source")
    return 0.9 if numbered else 0.0


def normalize(table: RawTable, options: Options) -> Draft:
    original = table.frame
    f = original.rename(columns=str.lower)
    warnings: list[str] = []
    date = text(f, "date")
    clock = text(f, "time")
    combined = (date + " " + clock).str.strip().where(date != "", "")
    # timemap's examples write dates month-first (10/23/2015); the column may say otherwise
    start = parse_column(combined, "date", options.date_order, DateOrder.MONTH_FIRST, warnings)
    associations = _numbered(list(f.columns), "association")
    sources = _numbered(list(f.columns), "source")
    description = text(f, "description")
    used = {
        "id",
        "description",
        "date",
        "time",
        "location",
        "latitude",
        "longitude",
        *associations,
        *sources,
    }
    return Draft(
        table=table,
        preset=NAME,
        mapping={
            "external_id": "id",
            "start": "date + time",
            "title": "description",
            "description": "description",
            "place": "location",
            "latitude": "latitude",
            "longitude": "longitude",
            "tags": "association*",
            "source": "source*",
        },
        start=start,
        title=first_words(description),
        description=description,
        external_id=text(f, "id") if "id" in f else None,
        place=text(f, "location"),
        latitude=text(f, "latitude"),
        longitude=text(f, "longitude"),
        geo_precision=None,
        tags=[ListColumn(text(f, c)) for c in associations],
        sources=[
            SourceColumn(
                text(f, c), None, urls=text(f, c).where(text(f, c).str.match(r"^https?://"), "")
            )
            for c in sources
        ],
        attributes=extra_columns(f, used),
        warnings=warnings,
    )
