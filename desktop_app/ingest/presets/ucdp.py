"""UCDP Georeferenced Event Dataset (GED, Uppsala Conflict Data Program): one row per
event of organised violence with at least one death.

Codebook fields become:

- id: the event's global id (namespace "ucdp"); relid and the conflict/dyad/side ids are
  attributes;
- date_start, date_end, date_prec: the date. date_prec 1 (the exact day), 2 (a 2-6 day
  period) and 3 (a week) give day precision with the end at date_end; 4 (a month, 8-30
  days) a month span; 5 (more than a month, within the year) a year span;
- type_of_violence (1 state-based, 2 non-state, 3 one-sided): the category; category +
  dyad_name: the title;
- side_a, side_b: actors 1 and 2;
- where_coordinates (the name of the place coded), latitude, longitude, where_prec,
  country, adm_1, adm_2, region: the place; where_prec 1 is the exact place, 2 within
  25 km, 3-5 an administrative area or a linear feature, 6 the country, 7 international
  waters or airspace;
- source_article (several separated by ";"): the sources; source_headline: the
  description;
- best (the best estimate of deaths), high, low, deaths_a/b/civilians/unknown,
  event_clarity and every other column: attributes.
"""

from __future__ import annotations

import numpy as np

from desktop_app.domain.dates import (
    DAY_SECONDS,
    DateOrder,
    Precision,
    civil_from_days,
    days_from_civil,
)
from desktop_app.ingest.presets.base import (
    DateColumn,
    Draft,
    ListColumn,
    Options,
    SourceColumn,
    country_codes,
    extra_columns,
    header_score,
    parse_column,
    text,
)
from desktop_app.ingest.readers import RawTable

NAME = "ucdp"
REQUIRED = ("id", "date_start", "date_prec", "side_a", "side_b")
COLUMNS = (
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
)
VIOLENCE = {"1": "State-based conflict", "2": "Non-state conflict", "3": "One-sided violence"}
GEO_PRECISION = {
    "1": "town",
    "2": "near",
    "3": "region",
    "4": "region",
    "5": "region",
    "6": "country",
    "7": "unknown",
}


def score(table: RawTable) -> float:
    return header_score(table, REQUIRED, COLUMNS)


def date_sources(table: RawTable, options: Options) -> list[str]:
    return [c for c in table.columns if c.lower() in ("date_start", "date_end", "date_prec")]


def _days(column: DateColumn) -> None:
    """GED writes '2017-07-31 00:00:00.000': the day, not a minute."""
    p = column.parsed
    timed = p.precision == Precision.MINUTE
    p.seconds[timed] = p.seconds[timed] // DAY_SECONDS * DAY_SECONDS
    p.precision[timed] = Precision.DAY


def _widen(column: DateColumn, prec: np.ndarray) -> None:
    """date_prec 4: a month span; 5: a year span (the start moved to its first day)."""
    p = column.parsed
    days = p.seconds // DAY_SECONDS
    y, m, _ = civil_from_days(days)
    for code, precision in (("4", Precision.MONTH), ("5", Precision.YEAR)):
        hit = (prec == code) & (p.precision >= Precision.DAY)
        if not hit.any():
            continue
        month = m[hit] if precision is Precision.MONTH else np.ones_like(m[hit])
        p.seconds[hit] = days_from_civil(y[hit], month, np.ones_like(month)) * DAY_SECONDS
        p.precision[hit] = precision


def normalize(table: RawTable, options: Options) -> Draft:
    f = table.frame.rename(columns=str.lower)
    warnings: list[str] = []
    # GED dates are ISO; numeric ones, if a re-save made them, are read day-first
    start = parse_column(
        text(f, "date_start"), "date_start", options.date_order, DateOrder.DAY_FIRST, warnings
    )
    end = parse_column(text(f, "date_end"), "date_end", start.used, DateOrder.DAY_FIRST, warnings)
    _days(start)
    _days(end)
    prec = text(f, "date_prec").to_numpy(dtype=object)
    _widen(start, prec)
    # an end on the start's own day adds nothing
    same = (end.parsed.seconds == start.parsed.seconds) & (prec != "4") & (prec != "5")
    end.parsed.error[same & end.parsed.ok] = "empty"
    category = text(f, "type_of_violence").map(VIOLENCE).fillna("").astype("string")
    dyad = text(f, "dyad_name")
    dyad = dyad.where(dyad != "", text(f, "side_a") + " - " + text(f, "side_b"))
    title = (category + ": " + dyad).where(category != "", dyad)
    used = {
        "id",
        "date_start",
        "date_end",
        "type_of_violence",
        "side_a",
        "side_b",
        "source_article",
        "source_headline",
        "where_coordinates",
        "latitude",
        "longitude",
        "country",
        "adm_1",
        "adm_2",
        "region",
    }
    detail = f[[c for c in ("adm_1", "adm_2", "region") if c in f]].rename(
        columns={"adm_1": "admin1", "adm_2": "admin2"}
    )
    return Draft(
        table=table,
        preset=NAME,
        mapping={
            "external_id": "id",
            "start": "date_start (date_prec)",
            "end": "date_end",
            "title": "type_of_violence + dyad_name",
            "description": "source_headline",
            "category": "type_of_violence",
            "place": "where_coordinates",
            "country": "country",
            "latitude": "latitude",
            "longitude": "longitude",
            "actors": "side_a, side_b",
            "source": "source_article",
        },
        start=start,
        end=end,
        title=title,
        description=text(f, "source_headline"),
        external_id=text(f, "id"),
        id_namespace=NAME,
        category=category,
        place=text(f, "where_coordinates"),
        country=country_codes(text(f, "country")),
        latitude=text(f, "latitude"),
        longitude=text(f, "longitude"),
        location_attributes=detail,
        geo_precision=(text(f, "where_prec").map(GEO_PRECISION).fillna("unknown").astype("string")),
        actors=[ListColumn(text(f, "side_a"), None, 1), ListColumn(text(f, "side_b"), None, 2)],
        sources=[SourceColumn(text(f, "source_article"), ";")],
        attributes=extra_columns(f, used),
        warnings=warnings,
    )
