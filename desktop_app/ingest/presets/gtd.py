"""The Global Terrorism Database (GTD, START, University of Maryland): one row per attack.

Codebook fields become:

- eventid (12 digits: the date of entry and a case number): the event's global id
  (namespace "gtd");
- iyear, imonth, iday: the date. 0 means unknown: imonth 0 gives a year span, iday 0 a
  month span. approxdate (the codebook's approximate date when the exact one is not
  known) is kept as an attribute; extended 1 with a resolution date gives the end;
- attacktype1_txt: the category; attacktype1_txt + " in " + city: the title; summary:
  the description (blank for most attacks before 1997);
- gname (gname2, gname3): the perpetrator groups as actors 1 and associated; the
  placeholder "Unknown" is no actor;
- city, provstate, country_txt, region_txt, latitude, longitude, specificity: the place
  (city "Unknown" is no place); specificity 1 is the town itself, 2-4 the centroid of an
  administrative area, 5 no coordinates;
- scite1..3 (the cited sources): the sources; dbsource: an attribute;
- targtype1_txt, weaptype1_txt, nkill, nwound and every other column: attributes.
"""

from __future__ import annotations

from desktop_app.domain.dates import DateOrder
from desktop_app.ingest.presets.base import (
    Draft,
    ListColumn,
    Options,
    SourceColumn,
    country_codes,
    drop_placeholders,
    extra_columns,
    header_score,
    parse_column,
    split_date_column,
    text,
)
from desktop_app.ingest.readers import RawTable

NAME = "gtd"
REQUIRED = ("eventid", "iyear", "imonth", "iday")
# the columns that identify the layout (the full file has 135)
COLUMNS = (
    "eventid",
    "iyear",
    "imonth",
    "iday",
    "approxdate",
    "extended",
    "resolution",
    "country",
    "country_txt",
    "region",
    "region_txt",
    "provstate",
    "city",
    "latitude",
    "longitude",
    "specificity",
    "vicinity",
    "location",
    "summary",
    "attacktype1_txt",
    "targtype1_txt",
    "gname",
    "weaptype1_txt",
    "nkill",
    "nwound",
    "scite1",
    "dbsource",
)
# specificity -> how precise the coordinates are
GEO_PRECISION = {"1": "town", "2": "region", "3": "region", "4": "region", "5": "unknown"}


def score(table: RawTable) -> float:
    return header_score(table, REQUIRED, COLUMNS)


def date_sources(table: RawTable, options: Options) -> list[str]:
    wanted = {"iyear", "imonth", "iday", "resolution", "extended"}
    return [c for c in table.columns if c.lower() in wanted]


def normalize(table: RawTable, options: Options) -> Draft:
    f = table.frame.rename(columns=str.lower)
    warnings: list[str] = []
    start = split_date_column(f, "iyear", "imonth", "iday")
    end = None
    if "resolution" in f:
        # the end of an extended incident; US-made, so numeric dates are month-first
        resolution = text(f, "resolution").where(text(f, "extended") == "1", "")
        end = parse_column(
            resolution, "resolution", options.date_order, DateOrder.MONTH_FIRST, warnings
        )
    city = drop_placeholders(text(f, "city"))
    attack = drop_placeholders(text(f, "attacktype1_txt"))
    title = attack.where(attack != "", "Attack") + (
        " in " + city.where(city != "", text(f, "country_txt"))
    ).where((city != "") | (text(f, "country_txt") != ""), "")
    groups = [c for c in ("gname", "gname2", "gname3") if c in f]
    sources = [c for c in ("scite1", "scite2", "scite3") if c in f]
    used = {
        "eventid",
        "iyear",
        "imonth",
        "iday",
        "summary",
        "attacktype1_txt",
        "city",
        "provstate",
        "country_txt",
        "region_txt",
        "latitude",
        "longitude",
        *groups,
        *sources,
    }
    return Draft(
        table=table,
        preset=NAME,
        mapping={
            "external_id": "eventid",
            "start": "iyear/imonth/iday",
            "end": "resolution (when extended)",
            "title": "attacktype1_txt + city",
            "description": "summary",
            "category": "attacktype1_txt",
            "place": "city",
            "country": "country_txt",
            "latitude": "latitude",
            "longitude": "longitude",
            "actors": ", ".join(groups),
            "source": ", ".join(sources),
        },
        start=start,
        end=end,
        title=title,
        description=text(f, "summary"),
        external_id=text(f, "eventid"),
        id_namespace=NAME,
        category=attack,
        place=city,
        country=country_codes(text(f, "country_txt")),
        latitude=text(f, "latitude"),
        longitude=text(f, "longitude"),
        # provstate is the first-order administrative area (ACLED's admin1)
        location_attributes=f[[c for c in ("provstate", "region_txt") if c in f]].rename(
            columns={"provstate": "admin1", "region_txt": "region"}
        ),
        geo_precision=(
            text(f, "specificity").map(GEO_PRECISION).fillna("unknown").astype("string")
        ),
        actors=[
            ListColumn(drop_placeholders(text(f, c)), None, 1 if c == "gname" else 3)
            for c in groups
        ],
        sources=[SourceColumn(text(f, c)) for c in sources],
        attributes=extra_columns(f, used),
        warnings=warnings,
    )
