"""ICEWS coded event data (Integrated Crisis Early Warning System, Harvard Dataverse):
tab-separated files, one row per event coded from one sentence of a news story.

Codebook fields become:

- Event ID: the event's global id (namespace "icews"); Story ID and Sentence Number are
  attributes;
- Event Date (YYYY-MM-DD): the date at day precision;
- Source Name, Target Name: actors 1 and 2 (the acting and the acted-on party; "Source"
  here is the *actor*, not where the report came from); their Sectors and Country are
  attributes;
- Event Text (the CAMEO event description): the category; CAMEO Code and Intensity are
  attributes; "Event Text: Source Name → Target Name" is the title;
- Publisher: the source (the outlet that published the story);
- City, else District, else Province, else Country, with Latitude and Longitude: the
  place; District and Province as its detail.
"""

from __future__ import annotations

import pandas as pd

from desktop_app.ingest.presets.base import (
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

NAME = "icews"
COLUMNS = (
    "Event ID",
    "Event Date",
    "Source Name",
    "Source Sectors",
    "Source Country",
    "Event Text",
    "CAMEO Code",
    "Intensity",
    "Target Name",
    "Target Sectors",
    "Target Country",
    "Story ID",
    "Sentence Number",
    "Publisher",
    "City",
    "District",
    "Province",
    "Country",
    "Latitude",
    "Longitude",
)
REQUIRED = ("event date", "source name", "target name", "event text")


def _key(name: str) -> str:
    return " ".join(name.replace("_", " ").lower().split())


def score(table: RawTable) -> float:
    return header_score(table, REQUIRED, COLUMNS, _key)


def date_sources(table: RawTable, options: Options) -> list[str]:
    return [c for c in table.columns if _key(c) == "event date"]


def normalize(table: RawTable, options: Options) -> Draft:
    original = table.frame
    # "Event Date", "event_date" and "EVENT DATE" (re-exports) are the same column
    by_key = {_key(c): c for c in original.columns}
    f = original.rename(columns={c: _key(c) for c in original.columns})
    warnings: list[str] = []
    start = parse_column(
        text(f, "event date"),
        by_key.get("event date", "Event Date"),
        options.date_order,
        None,
        warnings,
    )
    source, target = text(f, "source name"), text(f, "target name")
    event = text(f, "event text")
    arrow = pd.Series(["" if t == "" else f" → {t}" for t in target], index=f.index, dtype="string")
    title = (
        event.where(event != "", "Event") + ": " + source.where(source != "", "(unnamed)") + arrow
    )
    place = text(f, "city")
    for wider in ("district", "province", "country"):
        place = place.where(place != "", text(f, wider))
    city, district, province = text(f, "city"), text(f, "district"), text(f, "province")
    precision = pd.Series("unknown", index=f.index, dtype="string")
    precision = precision.mask(text(f, "country") != "", "country")
    precision = precision.mask((district != "") | (province != ""), "region")
    precision = precision.mask(city != "", "town")
    used = {
        "event id",
        "event date",
        "source name",
        "target name",
        "event text",
        "publisher",
        "city",
        "district",
        "province",
        "country",
        "latitude",
        "longitude",
    }
    attributes = extra_columns(f, used)
    if attributes is not None:  # keep the file's own spelling of the names
        attributes = attributes.rename(columns={k: by_key[k] for k in attributes.columns})
    detail = f[[c for c in ("district", "province") if c in f]].rename(
        columns={"district": "admin2", "province": "admin1"}
    )
    return Draft(
        table=table,
        preset=NAME,
        mapping={
            "external_id": "Event ID",
            "start": "Event Date",
            "title": "Event Text + Source Name + Target Name",
            "category": "Event Text",
            "actors": "Source Name, Target Name",
            "source": "Publisher",
            "place": "City/District/Province/Country",
            "country": "Country",
            "latitude": "Latitude",
            "longitude": "Longitude",
        },
        start=start,
        title=title,
        external_id=text(f, "event id"),
        id_namespace=NAME,
        category=event,
        place=place,
        country=country_codes(text(f, "country")),
        latitude=text(f, "latitude"),
        longitude=text(f, "longitude"),
        coord_columns=(by_key.get("latitude", "Latitude"), by_key.get("longitude", "Longitude")),
        location_attributes=detail,
        geo_precision=precision,
        actors=[ListColumn(source, None, 1), ListColumn(target, None, 2)],
        sources=[SourceColumn(text(f, "publisher"), None, publisher_is_title=True)],
        attributes=attributes,
        warnings=warnings,
    )
