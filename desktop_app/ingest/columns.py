"""Recognising columns by name, in the many spellings people use, and a date column by
its content when no name says which it is."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

# target field -> accepted header spellings (compared after normalise())
SYNONYMS: dict[str, tuple[str, ...]] = {
    "external_id": ("id", "eventid", "uid", "ref", "reference", "recordid", "key"),
    "title": ("title", "headline", "name", "event", "eventname", "subject", "what"),
    "description": (
        "description",
        "desc",
        "text",
        "details",
        "notes",
        "note",
        "body",
        "content",
        "summary",
    ),
    "start": (
        "date",
        "start",
        "startdate",
        "datestart",
        "begin",
        "from",
        "eventdate",
        "when",
        "datetime",
        "timestamp",
        "starttime",
        "startdatetime",
        "time",
    ),
    "time": ("time", "timeofday", "hour"),
    "end": ("end", "enddate", "dateend", "to", "until", "finish", "endtime", "enddatetime"),
    "latitude": ("lat", "latitude", "y", "latdd", "decimallatitude"),
    "longitude": ("lon", "lng", "long", "longitude", "x", "londd", "decimallongitude"),
    "place": (
        "location",
        "place",
        "city",
        "town",
        "site",
        "locality",
        "placename",
        "where",
        "locationname",
    ),
    "country": ("country", "countrycode", "countryname", "iso", "iso2", "iso3", "nation"),
    "category": ("category", "type", "eventtype", "kind", "class", "group", "theme"),
    "source": ("source", "sources", "sourcename", "sourcetitle", "publisher"),
    "source_url": ("url", "link", "sourceurl", "sourcelink", "href"),
    "actors": ("actors", "actor", "participants", "who", "parties"),
    "tags": ("tags", "tag", "keywords", "labels", "label"),
    "reliability": ("reliability", "sourcereliability", "sourcegrade"),
    "credibility": ("credibility", "informationcredibility", "infocredibility"),
}
# dates split over columns (GTD's iyear/imonth/iday): used only when no date column is
# named; a month or day of 0 or blank means unknown
SPLIT_DATE: dict[str, tuple[str, ...]] = {
    "year": ("year", "iyear", "yr", "eventyear"),
    "month": ("month", "imonth", "mo", "eventmonth"),
    "day": ("day", "iday", "eventday", "dayofmonth"),
}
# other names people give the fields (``--map date=COLUMN``)
FIELD_ALIASES = {
    "date": "start",
    "start_date": "start",
    "id": "external_id",
    "url": "source_url",
    "lat": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "actor": "actors",
    "tag": "tags",
    "end_date": "end",
}

FIELD_LABELS = {
    "external_id": "ID",
    "title": "Title",
    "description": "Description",
    "start": "Date / start",
    "time": "Time of day",
    "end": "End",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "place": "Place name",
    "country": "Country",
    "category": "Category",
    "source": "Source",
    "source_url": "Source URL",
    "actors": "Actors",
    "tags": "Tags",
    "reliability": "Source reliability (A-F)",
    "credibility": "Information credibility (1-6)",
    "year": "Year (split date)",
    "month": "Month (split date; 0 = unknown)",
    "day": "Day (split date; 0 = unknown)",
}
MAP_HINT = (
    "map one with --map date=COLUMN (or, for dates split over columns, "
    "--map year=iyear --map month=imonth --map day=iday)"
)


def normalise(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def guess_mapping(columns: Iterable[str]) -> dict[str, str]:
    """Target field -> column, taking for each field the first synonym present.

    A column is used for one field only; fields are filled in SYNONYMS order, and
    "time" is only a time-of-day column when a separate date column exists.
    """
    by_norm: dict[str, str] = {}
    for name in columns:
        by_norm.setdefault(normalise(name), name)
    used: set[str] = set()
    column: str | None
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
    if "start" not in mapping:  # dates split over year/month/day columns
        for target, names in SPLIT_DATE.items():
            split = next(
                (by_norm[n] for n in names if n in by_norm and by_norm[n] not in used), None
            )
            if split is not None:
                mapping[target] = split
                used.add(split)
        if "year" not in mapping:
            for target in ("month", "day"):
                used.discard(mapping.pop(target, ""))
    if "start" in mapping and normalise(mapping["start"]) != "time":
        for name in SYNONYMS["time"]:
            column = by_norm.get(name)
            if column is not None and column not in used:
                mapping["time"] = column
                used.add(column)
                break
    return mapping


def find_date_column(columns: Iterable[str]) -> str | None:
    mapping = guess_mapping(columns)
    return mapping.get("start") or mapping.get("year")


def canonical_mapping(mapping: Mapping[str, str]) -> dict[str, str]:
    """A user's mapping (field -> column) with field aliases resolved ("date" is
    "start"); raises ValueError naming a field that does not exist."""
    out: dict[str, str] = {}
    for name, column in mapping.items():
        field = FIELD_ALIASES.get(name.strip().lower(), name.strip().lower())
        if field not in FIELD_LABELS:
            raise ValueError(
                f"unknown field {name!r} in the mapping; the fields are: "
                + ", ".join(["date", *[f for f in FIELD_LABELS if f != "start"]])
            )
        out[field] = column
    return out


# share of a column's non-blank values that must parse for it to be taken as the dates
CONTENT_SHARE = 0.8
CONTENT_SAMPLE = 2000
CONTENT_COLUMNS = 200  # only the first columns are looked at (a sheet may have 100,000)


def date_column_by_content(
    frame: pd.DataFrame, exclude: Iterable[str] = ()
) -> tuple[str, float] | None:
    """The column whose non-blank values mostly (>= 80%) parse as dates, and that share.

    Columns of plain whole numbers count only when they are all YYYYMMDD (8 digits):
    ids, counts and years alone are not dates. The best share wins; ties go to the
    leftmost column.
    """
    from desktop_app.domain.dates import parse_dates
    from desktop_app.ingest.presets.base import text

    skip = set(exclude)
    best: tuple[str, float] | None = None
    for column in frame.columns[:CONTENT_COLUMNS]:
        if column in skip:
            continue
        values = text(frame, str(column))
        values = values[values != ""].head(CONTENT_SAMPLE)
        if values.empty:
            continue
        digits = values.str.fullmatch(r"[+-]?\d+(?:\.0+)?").fillna(False).astype(bool)
        if digits.all() and not values.str.fullmatch(r"\d{8}").fillna(False).all():
            continue
        share = float(parse_dates(values.reset_index(drop=True)).ok.mean())
        if share >= CONTENT_SHARE and (best is None or share > best[1]):
            best = (str(column), share)
    return best
