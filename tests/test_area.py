"""Area selection on the frame (no Qt): even-odd point-in-polygon on lon/lat, the
outline counting as inside, the antimeridian ignored, and the area filter joining
the other filters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from desktop_app.frame.area import AreaError, area_mask, clean_outline, points_in_outline
from desktop_app.frame.event_frame import EventFrame
from desktop_app.frame.visible import filter_masks, visible_mask
from desktop_app.ingest.pipeline import import_file
from desktop_app.store.project import Project

SQUARE = [(10.0, 40.0), (20.0, 40.0), (20.0, 50.0), (10.0, 50.0)]  # (lon, lat)
KNOWN = """title,date,lat,lon,country,category
Inside,2024-01-01,45,15,IT,a
Outside east,2024-01-02,45,25,RS,a
On the east edge,2024-01-03,45,20,IT,b
On a corner,2024-01-04,40,10,IT,b
Just outside the edge,2024-01-05,45,20.001,RS,a
No place,2024-01-06,,,,a
"""


def known_project(project: Project, tmp_path: Path) -> EventFrame:
    path = tmp_path / "known points.csv"
    path.write_text(KNOWN, "utf-8")
    assert import_file(project, path).imported == 6
    return EventFrame.load(project)


def test_events_inside_a_square_and_on_its_outline(project: Project, tmp_path: Path) -> None:
    frame = known_project(project, tmp_path)
    inside = set(frame.title[area_mask(frame, SQUARE)])
    assert inside == {"Inside", "On the east edge", "On a corner"}


def test_even_odd_leaves_a_doubly_wound_part_out() -> None:
    # a bow tie crosses itself: both lobes are inside, the crossing point is on the outline
    bow = clean_outline([(0, 0), (2, 2), (2, 0), (0, 2)])
    lon = np.array([0.2, 1.8, 1.0, 1.0, 1.0, np.nan])
    lat = np.array([1.0, 1.0, 1.9, 0.1, 1.0, 1.0])
    assert points_in_outline(lon, lat, bow).tolist() == [True, True, False, False, True, False]
    # a star whose points overlap at the centre (pentagram): the centre is wound twice
    angles = np.deg2rad(90 + 144 * np.arange(5))
    star = clean_outline(np.column_stack([np.cos(angles), np.sin(angles)]).tolist())
    assert points_in_outline(np.array([0.0]), np.array([0.0]), star).tolist() == [False]
    tip = np.cos(np.deg2rad(90)), 0.9
    assert points_in_outline(np.array([tip[0]]), np.array([tip[1]]), star).tolist() == [True]


def test_a_concave_outline_and_a_closed_one() -> None:
    # a "U": the notch between the arms is outside
    u_shape = [(0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3), (0, 0)]
    outline = clean_outline(u_shape)
    assert len(outline) == 8  # the repeated first corner is dropped
    lon = np.array([0.5, 1.5, 2.5, 1.5])
    lat = np.array([2.0, 2.0, 2.0, 0.5])
    assert points_in_outline(lon, lat, outline).tolist() == [True, False, True, True]


def test_antimeridian_is_ignored_and_the_outline_is_shifted_whole() -> None:
    # drawn on the world copy east of the date line: corners at 190..200 are -170..-160
    outline = clean_outline([(190, -10), (200, -10), (200, 10), (190, 10)])
    assert outline[:, 0].min() == pytest.approx(-170.0)
    lon = np.array([-165.0, 175.0])
    assert points_in_outline(lon, np.zeros(2), outline).tolist() == [True, False]
    # an outline across ±180 (170..190) takes nothing beyond the line
    across = clean_outline([(170, -10), (190, -10), (190, 10), (170, 10)])
    assert points_in_outline(np.array([175.0, -175.0]), np.zeros(2), across).tolist() == [
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("outline", "message"),
    [
        ([(0, 0), (1, 1)], "at least 3"),
        ([(0, 0), (1, 1), (0, 0)], "at least 3"),
        ([(0, 0), (1, 95), (2, 0)], "latitudes"),
        ([(0, 0), (1, float("nan")), (2, 0)], "finite"),
        ([(0, 0, 0), (1, 1, 1), (2, 0, 0)], "pairs"),
        ([("a", 0), (1, 1), (2, 0)], "numbers"),
    ],
)
def test_what_is_not_an_area_is_refused(outline: list[tuple[object, ...]], message: str) -> None:
    with pytest.raises(AreaError, match=message):
        clean_outline(outline)  # type: ignore[arg-type]


def test_area_filter_joins_the_other_filters(project: Project, tmp_path: Path) -> None:
    frame = known_project(project, tmp_path)
    alone = visible_mask(frame, None, None, "", {}, area=SQUARE)
    assert int(alone.sum()) == 3
    with_facet = visible_mask(frame, None, None, "", {"category": frozenset({"b"})}, area=SQUARE)
    assert set(frame.title[with_facet]) == {"On the east edge", "On a corner"}
    masks = filter_masks(frame, None, None, "", {"category": frozenset({"a"})}, area=SQUARE)
    # a facet's own counts ignore its choice, but never the area
    assert set(frame.title[masks.without("category")]) == {
        "Inside",
        "On the east edge",
        "On a corner",
    }
    assert int(visible_mask(frame, None, None, "", {}).sum()) == 6  # no area: every event
