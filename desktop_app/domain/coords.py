"""Coordinates written the ways analysts write them: decimal degrees, DMS and MGRS.

:func:`format_point` writes a WGS84 point in one of :data:`STYLES`; :func:`parse_point`
reads any of them back (what a "go to" box or a pasted cell holds) and says, in a
:class:`CoordinateError`, why a text is not a point. MGRS goes through the ``mgrs``
package (the GeoTrans algorithms NGA publishes); DD and DMS are done here.

Precision: DD keeps 5 decimals (about 1 m), DMS whole seconds with one decimal
(about 3 m), MGRS 1 m (five digits per axis). Those are finer than almost any source
event's place, so formatting never suggests a false precision below a metre.
"""

from __future__ import annotations

import math
import re
from typing import Literal

import mgrs

Style = Literal["dd", "dms", "mgrs"]
STYLES: tuple[Style, ...] = ("dd", "dms", "mgrs")
STYLE_NAMES: dict[Style, str] = {
    "dd": "Decimal degrees",
    "dms": "Degrees, minutes, seconds",
    "mgrs": "MGRS",
}


class CoordinateError(ValueError):
    """A text that is not a point, with the reason in words."""


_converter = mgrs.MGRS()


def _check(lat: float, lon: float) -> None:
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise CoordinateError("a coordinate is not a number")
    if not -90.0 <= lat <= 90.0:
        raise CoordinateError(f"latitude {lat:g} is outside -90..90")
    if not -180.0 <= lon <= 180.0:
        raise CoordinateError(f"longitude {lon:g} is outside -180..180")


def _dms(value: float, positive: str, negative: str) -> str:
    hemisphere = positive if value >= 0 else negative
    tenths = round(abs(value) * 36000)  # tenths of a second, rounded once
    degrees, rest = divmod(tenths, 36000)
    minutes, tenth_seconds = divmod(rest, 600)
    return f"{degrees}°{minutes:02d}′{tenth_seconds / 10:04.1f}″{hemisphere}"


def format_point(lat: float, lon: float, style: Style = "dd") -> str:
    """``lat``/``lon`` written in ``style``."""
    _check(lat, lon)
    if style == "dd":
        return f"{lat:.5f}, {lon:.5f}"
    if style == "dms":
        return f"{_dms(lat, 'N', 'S')} {_dms(lon, 'E', 'W')}"
    if style == "mgrs":
        try:
            raw = _converter.toMGRS(lat, lon, MGRSPrecision=5)
        except Exception as exc:  # the C library raises plain Exceptions
            raise CoordinateError(f"no MGRS reference for {lat:g}, {lon:g}") from exc
        text = raw.decode() if isinstance(raw, bytes) else str(raw)
        return _spaced_mgrs(text)
    raise CoordinateError(f"unknown coordinate style {style!r}")


def format_all(lat: float, lon: float) -> dict[Style, str]:
    """The point in every style (for "Copy coordinates" menus); MGRS left out near the poles."""
    out: dict[Style, str] = {}
    for style in STYLES:
        try:
            out[style] = format_point(lat, lon, style)
        except CoordinateError:
            continue
    return out


# zone and latitude band (UTM), or a polar band alone (UPS), the 100 km square, digits
_MGRS_RE = re.compile(r"^(\d{1,2}[C-HJ-NP-X]|[ABYZ])([A-HJ-NP-Z]{2})(\d*)$")


def _spaced_mgrs(compact: str) -> str:
    match = _MGRS_RE.match(compact)
    if not match:
        return compact
    zone, square, digits = match.groups()
    half = len(digits) // 2
    return f"{zone} {square} {digits[:half]} {digits[half:]}".strip()


_NUMBER = r"[-+]?\d+(?:[.,]\d+)?"
_DD_RE = re.compile(
    rf"^\s*({_NUMBER})\s*°?\s*([NSns])?\s*[,;/\s]\s*({_NUMBER})\s*°?\s*([EWew])?\s*$"
)
_DMS_BODY = (
    r"(?P<{n}d>\d+(?:\.\d+)?)\s*(?:°|d|deg|\s)\s*"
    r"(?:(?P<{n}m>\d+(?:\.\d+)?)\s*(?:′|'|m|min|\s)\s*)?"
    r"(?:(?P<{n}s>\d+(?:\.\d+)?)\s*(?:″|\"|''|s|sec)?\s*)?"
)
_HEMI = r"(?P<{n}h>[NSEWnsew])"
_SEP = r"\s*[,;/]?\s*"
# hemisphere letters all before (N55°45′ E37°37′) or all after (55°45′N 37°37′E)
_DMS_RES = [
    re.compile(
        r"^\s*"
        + (_HEMI + r"\s*" + _DMS_BODY).format(n="a")
        + _SEP
        + (_HEMI + r"\s*" + _DMS_BODY).format(n="b")
        + r"\s*$"
    ),
    re.compile(
        r"^\s*"
        + (_DMS_BODY + _HEMI).format(n="a")
        + _SEP
        + (_DMS_BODY + _HEMI).format(n="b")
        + r"\s*$"
    ),
]


def _parse_dd(text: str) -> tuple[float, float] | None:
    match = _DD_RE.match(text)
    if not match:
        return None
    lat_text, lat_h, lon_text, lon_h = match.groups()
    lat = float(lat_text.replace(",", "."))
    lon = float(lon_text.replace(",", "."))
    if lat_h and lat_h.upper() == "S":
        lat = -abs(lat)
    if lon_h and lon_h.upper() == "W":
        lon = -abs(lon)
    if (lat_h and lat_h.upper() in "EW") or (lon_h and lon_h.upper() in "NS"):
        return None
    return lat, lon


def _dms_value(groups: dict[str, str | None], n: str) -> tuple[float, str | None]:
    degrees = float(groups[f"{n}d"] or 0)
    minutes = float(groups[f"{n}m"] or 0)
    seconds = float(groups[f"{n}s"] or 0)
    if minutes >= 60 or seconds >= 60:
        raise CoordinateError("minutes and seconds must be below 60")
    hemisphere = groups[f"{n}h"]
    return degrees + minutes / 60 + seconds / 3600, hemisphere.upper() if hemisphere else None


def _parse_dms(text: str) -> tuple[float, float] | None:
    match = _DMS_RES[0].match(text) or _DMS_RES[1].match(text)
    if not match:
        return None
    groups = match.groupdict()
    first, first_h = _dms_value(groups, "a")
    second, second_h = _dms_value(groups, "b")
    if first_h is None or second_h is None:
        return None  # without hemispheres it is DD or nothing
    if first_h in "EW" and second_h in "NS":  # written longitude first
        first, first_h, second, second_h = second, second_h, first, first_h
    if first_h not in "NS" or second_h not in "EW":
        raise CoordinateError("DMS needs one N/S and one E/W")
    lat = -first if first_h == "S" else first
    lon = -second if second_h == "W" else second
    return lat, lon


def _parse_mgrs(text: str) -> tuple[float, float] | None:
    compact = re.sub(r"\s+", "", text).upper()
    match = _MGRS_RE.match(compact)
    if not match:
        return None
    if len(match.group(3)) % 2:
        raise CoordinateError("an MGRS reference needs as many easting as northing digits")
    try:
        lat, lon = _converter.toLatLon(compact)
    except Exception as exc:
        raise CoordinateError(f"{text.strip()!r} is not a valid MGRS reference") from exc
    return float(lat), float(lon)


def parse_point(text: str) -> tuple[float, float]:
    """A point from DD (``55.75, 37.62``), DMS (``55°45′21″N 37°37′02″E``) or MGRS."""
    if not text or not text.strip():
        raise CoordinateError("no coordinates given")
    for parse in (_parse_dd, _parse_dms, _parse_mgrs):
        point = parse(text)
        if point is not None:
            _check(*point)
            return point
    raise CoordinateError(
        f"{text.strip()[:60]!r} is not a coordinate: write decimal degrees (55.75, 37.62), "
        "DMS (55°45′21″N 37°37′02″E) or MGRS (37U DB 13224 79766)"
    )
