"""GDELT event files: v1 (57 or 58 columns) and v2 (61 columns), tab-separated, no header.

Geo country codes are FIPS 10-4, not ISO (RP is the Philippines, CH China). A
Geo_Type 1 match is the country as a whole (its centroid), not a city.
"""

from __future__ import annotations

import pandas as pd

from desktop_app.ingest.countries import iso_from_fips
from desktop_app.ingest.presets.base import (
    Draft,
    ListColumn,
    Options,
    SourceColumn,
    parse_column,
    text,
)
from desktop_app.ingest.readers import RawTable

_ACTOR = ["Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
          "Religion2Code", "Type1Code", "Type2Code", "Type3Code"]
_EVENT = ["IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
          "GoldsteinScale", "NumMentions", "NumSources", "NumArticles", "AvgTone"]
_HEAD = ["GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate"]
_GEO_V1 = ["Type", "FullName", "CountryCode", "ADM1Code", "Lat", "Long", "FeatureID"]
_GEO_V2 = ["Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"]


def _columns(geo: list[str]) -> list[str]:
    cols = list(_HEAD)
    cols += [f"Actor1{c}" for c in _ACTOR] + [f"Actor2{c}" for c in _ACTOR] + _EVENT
    for who in ("Actor1Geo_", "Actor2Geo_", "ActionGeo_"):
        cols += [who + c for c in geo]
    return cols + ["DATEADDED"]


V1_COLUMNS = _columns(_GEO_V1)  # 57
V2_COLUMNS = _columns(_GEO_V2) + ["SOURCEURL"]  # 61
WIDTHS = {57: V1_COLUMNS, 58: V1_COLUMNS + ["SOURCEURL"], 61: V2_COLUMNS}

# CAMEO root event codes
CAMEO_ROOT = {
    "01": "Make public statement", "02": "Appeal", "03": "Express intent to cooperate",
    "04": "Consult", "05": "Engage in diplomatic cooperation",
    "06": "Engage in material cooperation", "07": "Provide aid", "08": "Yield",
    "09": "Investigate", "10": "Demand", "11": "Disapprove", "12": "Reject", "13": "Threaten",
    "14": "Protest", "15": "Exhibit force posture", "16": "Reduce relations", "17": "Coerce",
    "18": "Assault", "19": "Fight", "20": "Use unconventional mass violence",
}
# Geo_Type: 1 country, 2 US state, 3 US city, 4 world city, 5 world state (ADM1)
GEO_PRECISION = {"1": "country", "2": "region", "3": "town", "4": "town", "5": "region"}


def looks_like(first_line: str) -> int | None:
    """The GDELT width (57, 58 or 61) if a line looks like a GDELT event record."""
    fields = first_line.rstrip("\r\n").split("\t")
    if len(fields) in WIDTHS and fields[0].isdigit() and len(fields[1]) == 8 and fields[1].isdigit():
        return len(fields)
    return None


def score(table: RawTable) -> float:
    if table.has_header or len(table.columns) not in WIDTHS:
        return 0.0
    sample = table.frame.iloc[:20, :2]
    ok = sample.iloc[:, 0].str.isdigit().all() and sample.iloc[:, 1].str.fullmatch(r"\d{8}").all()
    return 1.0 if ok else 0.0


def version(table: RawTable) -> str:
    return "gdelt_v2" if len(table.columns) == 61 else "gdelt_v1"


def date_sources(table: RawTable, options: Options) -> list[str]:
    return table.columns[1:2]  # SQLDATE


def normalize(table: RawTable, options: Options) -> Draft:
    f = table.frame.copy()
    f.columns = WIDTHS[len(f.columns)]
    warnings: list[str] = []
    start = parse_column(text(f, "SQLDATE"), "SQLDATE", options.date_order, None, warnings)
    root = text(f, "EventRootCode").str.zfill(2)
    category = root.map(CAMEO_ROOT).fillna("Other").astype("string")
    actor1 = text(f, "Actor1Name").where(text(f, "Actor1Name") != "", text(f, "Actor1Code"))
    actor2 = text(f, "Actor2Name").where(text(f, "Actor2Name") != "", text(f, "Actor2Code"))
    title = category + ": " + actor1.where(actor1 != "", "(unnamed)")
    title = title + pd.Series(["" if a == "" else f" → {a}" for a in actor2], index=f.index,
                              dtype="string")
    url = text(f, "SOURCEURL")
    kept = ["EventCode", "EventBaseCode", "QuadClass", "GoldsteinScale", "NumMentions",
            "NumSources", "NumArticles", "AvgTone", "ActionGeo_Type", "Actor1CountryCode",
            "Actor2CountryCode", "DATEADDED"]
    place_detail = [c for c in ("ActionGeo_ADM1Code", "ActionGeo_ADM2Code", "ActionGeo_FeatureID")
                    if c in f.columns]
    return Draft(
        table=table, preset=version(table),
        mapping={"external_id": "GLOBALEVENTID", "start": "SQLDATE", "category": "EventRootCode",
                 "actors": "Actor1Name, Actor2Name", "place": "ActionGeo_FullName",
                 "country": "ActionGeo_CountryCode (FIPS)", "latitude": "ActionGeo_Lat",
                 "longitude": "ActionGeo_Long", "source_url": "SOURCEURL"},
        start=start, title=title, external_id=text(f, "GLOBALEVENTID"), id_namespace="gdelt",
        category=category, place=text(f, "ActionGeo_FullName"),
        country=iso_from_fips(text(f, "ActionGeo_CountryCode")),
        latitude=text(f, "ActionGeo_Lat"), longitude=text(f, "ActionGeo_Long"),
        coord_columns=("ActionGeo_Lat", "ActionGeo_Long"),
        location_attributes=f[place_detail],
        geo_precision=text(f, "ActionGeo_Type").map(GEO_PRECISION).fillna("unknown").astype("string"),
        actors=[ListColumn(actor1, None, 1), ListColumn(actor2, None, 2)],
        sources=[SourceColumn(url, None, urls=url)] if "SOURCEURL" in f else [],
        attributes=f[[c for c in kept if c in f.columns]], warnings=warnings,
    )
