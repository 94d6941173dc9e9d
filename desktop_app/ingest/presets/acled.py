"""ACLED exports (the 31-column current header)."""

from __future__ import annotations

import numpy as np

from desktop_app.domain.dates import (
    DAY_SECONDS,
    DateOrder,
    Precision,
    civil_from_days,
    days_from_civil,
)
from desktop_app.ingest.countries import iso_from_numeric, iso_from_text
from desktop_app.ingest.presets.base import (
    Draft,
    ListColumn,
    Options,
    SourceColumn,
    extra_columns,
    parse_column,
    text,
)
from desktop_app.ingest.readers import RawTable

NAME = "acled"
COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]
# ACLED geo_precision: 1 the named town, 2 near it / part of a region, 3 a larger region
GEO_PRECISION = {"1": "town", "2": "near", "3": "region"}


def score(table: RawTable) -> float:
    if not table.has_header:
        return 0.0
    names = {c.lower() for c in table.columns}
    if not {"event_id_cnty", "event_date"} <= names:
        return 0.0
    return sum(c in names for c in COLUMNS) / len(COLUMNS)


def date_sources(table: RawTable, options: Options) -> list[str]:
    return [c for c in table.columns if c.lower() == "event_date"]


def normalize(table: RawTable, options: Options) -> Draft:
    f = table.frame.rename(columns=str.lower)
    warnings: list[str] = []
    # ACLED's numeric dates (16-05-2025) are day-first; ISO and "16 May 2025" have no order
    start = parse_column(text(f, "event_date"), "event_date", options.date_order,
                         DateOrder.DAY_FIRST, warnings)
    # time_precision 3: only the month is known -> a span over the month
    tp = text(f, "time_precision").to_numpy()
    month_only = (tp == "3") & (start.parsed.precision >= Precision.DAY)
    if month_only.any():
        y, m, _ = civil_from_days(start.parsed.seconds[month_only] // DAY_SECONDS)
        start.parsed.seconds[month_only] = days_from_civil(y, m, np.ones_like(m)) * DAY_SECONDS
        start.parsed.precision[month_only] = Precision.MONTH
    place = text(f, "location")
    sub = text(f, "sub_event_type")
    title = sub.where(sub != "", text(f, "event_type")) + (" in " + place).where(place != "", "")
    country = iso_from_numeric(text(f, "iso")) if "iso" in f else iso_from_text(text(f, "country"))
    country = country.fillna(iso_from_text(text(f, "country")))
    used = {"event_id_cnty", "event_date", "event_type", "actor1", "actor2", "assoc_actor_1",
            "assoc_actor_2", "location", "country", "latitude", "longitude", "source", "notes",
            "tags", "year", "iso", "region", "admin1", "admin2", "admin3"}
    return Draft(
        table=table, preset=NAME,
        mapping={"external_id": "event_id_cnty", "start": "event_date", "title": "sub_event_type + location",
                 "description": "notes", "category": "event_type", "place": "location",
                 "country": "iso/country", "latitude": "latitude", "longitude": "longitude",
                 "actors": "actor1, actor2, assoc_actor_1, assoc_actor_2", "source": "source",
                 "tags": "tags"},
        start=start, title=title, description=text(f, "notes"),
        external_id=text(f, "event_id_cnty"), id_namespace=NAME,
        category=text(f, "event_type"), place=place, country=country,
        latitude=text(f, "latitude"), longitude=text(f, "longitude"),
        location_attributes=f[[c for c in ("region", "admin1", "admin2", "admin3") if c in f]],
        geo_precision=text(f, "geo_precision").map(GEO_PRECISION).fillna("unknown").astype("string"),
        actors=[ListColumn(text(f, "actor1"), None, 1), ListColumn(text(f, "actor2"), None, 2),
                ListColumn(text(f, "assoc_actor_1"), ";", 3),
                ListColumn(text(f, "assoc_actor_2"), ";", 3)],
        sources=[SourceColumn(text(f, "source"), ";", publisher_is_title=True)],
        tags=[ListColumn(text(f, "tags"), ";")],
        attributes=extra_columns(f, used), warnings=warnings,
    )
