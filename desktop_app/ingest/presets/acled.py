"""ACLED exports: the 31-column current header and the older layouts.

Older layouts: the 2019-era API export (``data_id, iso, event_id_cnty, event_id_no_cnty,
event_date, ... timestamp, iso3``), and 2015-era files with upper-case headers (``GWNO,
EVENT_ID_CNTY, EVENT_ID_NO_CNTY, EVENT_DATE, YEAR, TIME_PRECISION, EVENT_TYPE, ACTOR1,
ALLY_ACTOR_1, INTER1, ACTOR2, ALLY_ACTOR_2, ...``). Headers are matched in any case.
Codebook fields become:

- event_id_cnty (else data_id): the event's global id (namespace "acled");
- event_date: the date (numeric dates are day-first; Excel re-saves like 9-May-20 read);
  time_precision 3 (only the month is known) makes it a month span;
- event_type: the category; sub_event_type (else event_type) + " in " + location: the title;
- actor1, actor2: actors 1 and 2; assoc_actor_1/2 (ally_actor_1/2 in older files,
  several names split on ";"): associated actors;
- location, latitude, longitude, geo_precision (1 town, 2 near it, 3 a region), iso (the
  ISO 3166 numeric code, else country): the place; region and admin1..3 as its detail;
- source (split on ";"): the sources, as publishers; notes: the description;
- fatalities, inter1/2, interaction, GWNO, timestamp and other columns: attributes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
# ACLED geo_precision: 1 the named town, 2 near it / part of a region, 3 a larger region
GEO_PRECISION = {"1": "town", "2": "near", "3": "region"}


# columns of the older layouts that the current one renamed or dropped
OLDER = ["gwno", "event_id_no_cnty", "ally_actor_1", "ally_actor_2", "data_id", "iso3"]


def score(table: RawTable) -> float:
    if not table.has_header:
        return 0.0
    names = {c.lower() for c in table.columns}
    if "event_date" not in names or not names & {"event_id_cnty", "data_id"}:
        return 0.0
    known = sum(c in names for c in COLUMNS) + sum(c in names for c in OLDER)
    return min(1.0, known / len(COLUMNS))


def date_sources(table: RawTable, options: Options) -> list[str]:
    return [c for c in table.columns if c.lower() == "event_date"]


def _lower(table: RawTable) -> pd.DataFrame:
    """The columns in lower case (2015-era files write EVENT_DATE, LATITUDE ...)."""
    return table.frame.rename(columns=str.lower)


def normalize(table: RawTable, options: Options) -> Draft:
    f = _lower(table)
    warnings: list[str] = []
    # ACLED's numeric dates (16-05-2025) are day-first; ISO and "16 May 2025" have no order
    start = parse_column(
        text(f, "event_date"), "event_date", options.date_order, DateOrder.DAY_FIRST, warnings
    )
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
    id_column = "event_id_cnty" if "event_id_cnty" in f else "data_id"
    associated = [
        c for c in ("assoc_actor_1", "assoc_actor_2", "ally_actor_1", "ally_actor_2") if c in f
    ]
    used = {
        "event_id_cnty",
        "event_date",
        "event_type",
        "actor1",
        "actor2",
        *associated,
        "location",
        "country",
        "latitude",
        "longitude",
        "source",
        "notes",
        "tags",
        "year",
        "iso",
        "region",
        "admin1",
        "admin2",
        "admin3",
    }
    return Draft(
        table=table,
        preset=NAME,
        mapping={
            "external_id": id_column,
            "start": "event_date",
            "title": "sub_event_type + location",
            "description": "notes",
            "category": "event_type",
            "place": "location",
            "country": "iso/country",
            "latitude": "latitude",
            "longitude": "longitude",
            "actors": ", ".join(["actor1", "actor2", *associated]),
            "source": "source",
            "tags": "tags",
        },
        start=start,
        title=title,
        description=text(f, "notes"),
        external_id=text(f, id_column),
        id_namespace=NAME,
        category=text(f, "event_type"),
        place=place,
        country=country,
        latitude=text(f, "latitude"),
        longitude=text(f, "longitude"),
        location_attributes=f[[c for c in ("region", "admin1", "admin2", "admin3") if c in f]],
        geo_precision=(
            text(f, "geo_precision").map(GEO_PRECISION).fillna("unknown").astype("string")
        ),
        actors=[
            ListColumn(text(f, "actor1"), None, 1),
            ListColumn(text(f, "actor2"), None, 2),
            *[ListColumn(text(f, c), ";", 3) for c in associated],
        ],
        sources=[SourceColumn(text(f, "source"), ";", publisher_is_title=True)],
        tags=[ListColumn(text(f, "tags"), ";")],
        attributes=extra_columns(f, used),
        warnings=warnings,
    )
