"""Recognising columns by name, in the many spellings people use."""

from __future__ import annotations

import re
from collections.abc import Iterable

# target field -> accepted header spellings (compared after normalise())
SYNONYMS: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "eventid", "uid", "ref", "reference", "recordid", "key"),
    "title": ("title", "headline", "name", "event", "eventname", "subject", "what"),
    "description": ("description", "desc", "text", "details", "notes", "note", "body",
                    "content", "summary"),
    "start": ("date", "start", "startdate", "datestart", "begin", "from", "eventdate", "when",
              "datetime", "timestamp", "starttime", "startdatetime", "time"),
    "time": ("time", "timeofday", "hour"),
    "end": ("end", "enddate", "dateend", "to", "until", "finish", "endtime", "enddatetime"),
    "latitude": ("lat", "latitude", "y", "latdd", "decimallatitude"),
    "longitude": ("lon", "lng", "long", "longitude", "x", "londd", "decimallongitude"),
    "place": ("location", "place", "city", "town", "site", "locality", "placename", "where",
              "locationname"),
    "country": ("country", "countrycode", "countryname", "iso", "iso2", "iso3", "nation"),
    "category": ("category", "type", "eventtype", "kind", "class", "group", "theme"),
    "source": ("source", "sources", "sourcename", "sourcetitle", "publisher"),
    "source_url": ("url", "link", "sourceurl", "sourcelink", "href"),
    "actors": ("actors", "actor", "participants", "who", "parties"),
    "tags": ("tags", "tag", "keywords", "labels", "label"),
    "reliability": ("reliability", "sourcereliability", "sourcegrade"),
    "credibility": ("credibility", "informationcredibility", "infocredibility"),
}

FIELD_LABELS = {
    "external_id": "ID", "title": "Title", "description": "Description", "start": "Date / start",
    "time": "Time of day", "end": "End", "latitude": "Latitude", "longitude": "Longitude",
    "place": "Place name", "country": "Country", "category": "Category", "source": "Source",
    "source_url": "Source URL", "actors": "Actors", "tags": "Tags",
    "reliability": "Source reliability (A-F)", "credibility": "Information credibility (1-6)",
}


def normalise(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def guess_mapping(columns: Iterable[str]) -> dict[str, str]:
    """Target field -> column, taking for each field the first synonym present.

    A column is used for one field only; fields are filled in SYNONYMS order, and
    "time" is only a time-of-day column when a separate date column exists.
    """
    by_norm: dict[str, str] = {}
    for column in columns:
        by_norm.setdefault(normalise(column), column)
    used: set[str] = set()
    mapping: dict[str, str] = {}
    for target, names in SYNONYMS.items():
        if target == "time":
            continue
        for name in names:
            column = by_norm.get(name)
            if column is not None and column not in used:
                mapping[target] = column
                used.add(column)
                break
    if "start" in mapping and normalise(mapping["start"]) != "time":
        for name in SYNONYMS["time"]:
            column = by_norm.get(name)
            if column is not None and column not in used:
                mapping["time"] = column
                used.add(column)
                break
    return mapping


def find_date_column(columns: Iterable[str]) -> str | None:
    return guess_mapping(columns).get("start")
