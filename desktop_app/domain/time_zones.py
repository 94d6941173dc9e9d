"""Time zones written after a date as an abbreviation ("Jan 11 2012 10:30 CST") or an
offset ("... +0200", "UTC+3"), and a leading weekday ("Wed, 11 Jan 2012").

:func:`undecorate` takes them off so the date parser can read the rest; the parser
shifts only values that carry a clock time (a date alone is never shifted).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# A leading weekday ("Wed, 11 Jan 2012") and a trailing time zone ("... 10:30 CST",
# "... UTC+3", "... +0200", "(GMT)") are taken off and the rest is parsed again.
_WEEKDAY = re.compile(
    r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?"
    r"\.?,?\s+",
    re.IGNORECASE,
)
_ZONE = re.compile(
    r"^(?P<rest>.*?\S)\s+(?:\(?(?P<name>[A-Za-z]{1,5})\)?)?\s*"
    r"(?:(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?)?$"
)
# Common zone abbreviations -> minutes east of UTC. Where an abbreviation is used by
# several zones, the reading common in English-language data is taken (CST is US
# Central, not China; IST and others with no dominant reading are left out).
ZONES: dict[str, int] = {
    "UTC": 0,
    "GMT": 0,
    "UT": 0,
    "Z": 0,
    "WET": 0,
    "WEST": 60,
    "BST": 60,
    "CET": 60,
    "CEST": 120,
    "MET": 60,
    "MEST": 120,
    "EET": 120,
    "EEST": 180,
    "MSK": 180,
    "MSD": 240,
    "EST": -300,
    "EDT": -240,
    "CST": -360,
    "CDT": -300,
    "MST": -420,
    "MDT": -360,
    "PST": -480,
    "PDT": -420,
    "AKST": -540,
    "AKDT": -480,
    "HST": -600,
    "AST": -240,
    "ADT": -180,
    "NST": -210,
    "NDT": -150,
    "JST": 540,
    "KST": 540,
    "HKT": 480,
    "SGT": 480,
    "PHT": 480,
    "WIB": 420,
    "ICT": 420,
    "PKT": 300,
    "AEST": 600,
    "AEDT": 660,
    "ACST": 570,
    "ACDT": 630,
    "AWST": 480,
    "NZST": 720,
    "NZDT": 780,
    "SAST": 120,
    "EAT": 180,
    "WAT": 60,
    "CAT": 120,
}


def undecorate(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Values without a leading weekday and a trailing time zone, and the zone's offset
    (minutes east of UTC). A value whose zone is not known is given back unchanged."""
    rest: list[str] = []
    offsets = np.zeros(len(values), np.int64)
    for i, value in enumerate(values.tolist()):
        text = _WEEKDAY.sub("", value, count=1)
        match = _ZONE.match(text)
        if match is not None and (match["name"] or match["sign"]):
            name = (match["name"] or "").upper()
            minutes = ZONES.get(name) if name else 0
            numeric = match["sign"] is not None
            # a bare offset needs a clock time before it ("2012 -2015" is no date)
            if minutes is None or (numeric and not name and ":" not in match["rest"]):
                rest.append(value)
                continue
            if numeric:
                sign = -1 if match["sign"] == "-" else 1
                minutes += sign * (int(match["hours"]) * 60 + int(match["minutes"] or 0))
            text, offsets[i] = match["rest"], minutes
        rest.append(text)
    return pd.Series(rest, index=values.index, dtype=object), offsets
