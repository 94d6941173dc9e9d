"""Coordinates in DD, DMS and MGRS: known points, round trips and clear refusals."""

from __future__ import annotations

import math

import pytest

from desktop_app.domain.coords import CoordinateError, format_all, format_point, parse_point

# Points whose MGRS references are published: the equator on the prime meridian is the
# textbook 31N AA 66021 00000; the others are cross-checked against GeoTrans output.
KNOWN = [
    ((0.0, 0.0), "31N AA 66021 00000", "0°00′00.0″N 0°00′00.0″E"),
    ((55.7558, 37.6173), "37U DB 13224 79766", "55°45′20.9″N 37°37′02.3″E"),
    ((-33.8568, 151.2153), "56H LH 34900 52288", "33°51′24.5″S 151°12′55.1″E"),
    ((38.8977, -77.0365), "18S UJ 23394 07395", "38°53′51.7″N 77°02′11.4″W"),
]


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat = math.radians((a[0] + b[0]) / 2)
    dy = (a[0] - b[0]) * 111_320
    dx = (a[1] - b[1]) * 111_320 * math.cos(lat)
    return math.hypot(dx, dy)


@pytest.mark.parametrize(("point", "mgrs_ref", "dms"), KNOWN)
def test_known_points_format_and_read_back(
    point: tuple[float, float], mgrs_ref: str, dms: str
) -> None:
    assert format_point(*point, "mgrs") == mgrs_ref
    assert format_point(*point, "dms") == dms
    for style in ("dd", "dms", "mgrs"):
        back = parse_point(format_point(*point, style))  # type: ignore[arg-type]
        assert _metres(back, point) < 3.5, (style, back)
    assert _metres(parse_point(mgrs_ref.replace(" ", "")), point) < 1.5


def test_dd_forms() -> None:
    assert parse_point("55.7558, 37.6173") == (55.7558, 37.6173)
    assert parse_point("55.7558 37.6173") == (55.7558, 37.6173)
    assert parse_point("33.85S 151.2E") == (-33.85, 151.2)
    assert parse_point("55,75; 37,62") == (55.75, 37.62)  # decimal commas
    assert parse_point("-33.85 -70.5") == (-33.85, -70.5)


def test_dms_forms_and_order() -> None:
    moscow = parse_point("55°45′21″N 37°37′02″E")
    assert moscow == pytest.approx((55.755833, 37.617222), abs=1e-6)
    assert parse_point("55 45 21 N, 37 37 02 E") == pytest.approx(moscow)
    assert parse_point("37°37'02\"E 55°45'21\"N") == pytest.approx(moscow)  # longitude first
    assert parse_point("N55°45′21″ E37°37′02″") == pytest.approx(moscow)


def test_polar_points_have_ups_references() -> None:
    refs = format_all(89.5, 10.0)
    assert refs["mgrs"].startswith("Z ")
    assert _metres(parse_point(refs["mgrs"]), (89.5, 10.0)) < 3


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "no coordinates"),
        ("Moscow", "is not a coordinate"),
        ("95, 10", "latitude 95 is outside"),
        ("10, 200", "longitude 200 is outside"),
        ("55°75′00″N 37°00′00″E", "below 60"),
        ("37U DB 1322 797", "as many easting as northing"),
    ],
)
def test_bad_text_says_why(text: str, reason: str) -> None:
    with pytest.raises(CoordinateError, match=reason):
        parse_point(text)


def test_format_refuses_impossible_points() -> None:
    with pytest.raises(CoordinateError):
        format_point(91.0, 0.0, "dd")
    with pytest.raises(CoordinateError):
        format_point(float("nan"), 0.0, "dms")
