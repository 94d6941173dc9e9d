"""Point views cluster like cell views (desktop_app.frame.map_cells, frame.bubbles): spots
whose dots or stacks (with their count badge) would touch at the zoom become count
bubbles at their events' centroid; each event is counted once; nothing drawn touches."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_app.frame.bubbles import (
    GAP_PX,
    _owners,
    _pixels,
    _touching,
    badge_box,
    bubble_radius,
    merge_overlapping,
)
from desktop_app.frame.map_cells import MapIndex, ViewFeatures, Viewport
from desktop_app.frame.mercator import mercator_x, mercator_y

WORLD_VIEW = Viewport(-80.0, -180.0, 80.0, 180.0, 2.0)


def _crowd(n: int = 500, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """ACLED-like: events at forty towns, most at the town's own coordinates (a stack),
    some a few km around it, as a year of conflict events is."""
    rng = np.random.default_rng(seed)
    towns_lat = rng.uniform(-35.0, 60.0, 40)
    towns_lon = rng.uniform(-100.0, 130.0, 40)
    town = rng.integers(0, 40, n)
    moved = rng.random(n) < 0.4
    lat = np.round(towns_lat[town] + moved * rng.normal(0, 0.3, n), 4)
    lon = np.round(towns_lon[town] + moved * rng.normal(0, 0.3, n), 4)
    return lat, lon


def _markers(found: ViewFeatures, zoom: float, scale: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """What the page draws: circles (x, y, radius) in pixels, a bubble per cluster and a
    dot per spot of points (as wide as a bubble of its events), and the count badge of
    each stack (left, top, right, bottom) up-right of its dot."""
    circles: list[tuple[float, float, float]] = []
    boxes: list[tuple[float, float, float, float]] = []
    x, y = _pixels(found.cells.lat, found.cells.lon, zoom)
    for bx, by, c in zip(x, y, found.cells.count, strict=True):
        circles.append((float(bx), float(by), float(bubble_radius(np.array([c]), scale)[0])))
    spots: dict[tuple[float, float], int] = {}
    for lat, lon in zip(np.round(found.points.lat, 5), np.round(found.points.lon, 5), strict=True):
        spots[(lat, lon)] = spots.get((lat, lon), 0) + 1
    for (lat, lon), k in spots.items():
        px, py = _pixels(np.array([lat]), np.array([lon]), zoom)
        circles.append((float(px[0]), float(py[0]), float(bubble_radius(np.array([k]), scale)[0])))
        if k > 1:
            box = badge_box(px, py, np.array([k]))
            boxes.append(tuple(float(v[0]) for v in box))  # type: ignore[arg-type]
    return np.array(circles).reshape(-1, 3), np.array(boxes).reshape(-1, 4)


def _touching_pairs(markers: tuple[np.ndarray, np.ndarray]) -> list[tuple[str, int, int]]:
    """Every two markers closer than GAP_PX: circles, badges, a badge and a circle (a
    badge's own dot is under its corner, not touching it)."""
    c, b = markers
    out: list[tuple[str, int, int]] = []
    d = np.hypot(c[:, None, 0] - c[None, :, 0], c[:, None, 1] - c[None, :, 1])
    i, j = np.nonzero(np.triu(d < c[:, None, 2] + c[None, :, 2] + GAP_PX, 1))
    out += [("circles", a, z) for a, z in zip(i.tolist(), j.tolist(), strict=True)]
    for k, (left, top, right, bottom) in enumerate(b):
        dx = np.clip(c[:, 0], left, right) - c[:, 0]
        dy = np.clip(c[:, 1], top, bottom) - c[:, 1]
        gap = np.hypot(dx, dy) - c[:, 2]
        own = (np.abs(c[:, 0] - (left - 4.0)) < 1e-6) & (np.abs(c[:, 1] - bottom) < 1e-6)
        out += [("badge-circle", k, int(z)) for z in np.flatnonzero((gap < GAP_PX) & ~own)]
        for m in range(k + 1, len(b)):
            o = b[m]
            if not (
                right + GAP_PX <= o[0]
                or o[2] + GAP_PX <= left
                or bottom + GAP_PX <= o[1]
                or o[3] + GAP_PX <= top
            ):
                out.append(("badges", k, m))
    return out


@pytest.mark.parametrize("zoom", [0.0, 1.0, 2.0, 3.5, 5.0])
def test_crowded_world_view_counts_every_event_once_and_nothing_touches(zoom: float) -> None:
    lat, lon = _crowd()
    index = MapIndex(lat, lon)
    found = index.features(np.ones(len(lat), bool), Viewport(-80, -180, 80, 180, zoom))
    assert not found.aggregated and found.in_view == 500
    if zoom <= 2.0:
        assert found.clustered  # crowded at world zoom: towns merge
    members, alone = found.members.rows, found.points.rows
    assert len(np.intersect1d(members, alone)) == 0
    assert sorted(np.concatenate([members, alone]).tolist()) == list(range(500))
    sizes = np.bincount(found.members.bubble, minlength=len(found.cells.count))
    assert np.array_equal(sizes, found.cells.count)
    assert (found.cells.count >= 2).all() and (found.cells.single_row == -1).all()
    assert int(found.cells.count.sum()) + len(alone) == found.in_view
    assert _touching_pairs(_markers(found, zoom)) == []


def test_a_bubble_sits_on_its_events_centroid() -> None:
    lat, lon = _crowd()
    index = MapIndex(lat, lon)
    found = index.features(np.ones(len(lat), bool), WORLD_VIEW)
    assert found.clustered
    for k in range(len(found.cells.count)):
        rows = found.members.rows[found.members.bubble == k]
        wx, wy = mercator_x(lon[rows]).mean(), mercator_y(lat[rows]).mean()
        assert float(mercator_x(found.cells.lon[k])) == pytest.approx(wx, abs=1e-6)
        assert float(mercator_y(found.cells.lat[k])) == pytest.approx(wy, abs=1e-6)


def test_at_city_zoom_every_event_is_a_dot_again() -> None:
    lat, lon = _crowd()
    index = MapIndex(lat, lon)
    town_lat, town_lon = float(lat[0]), float(lon[0])
    city = Viewport(town_lat - 0.05, town_lon - 0.08, town_lat + 0.05, town_lon + 0.08, 13.0)
    found = index.features(np.ones(len(lat), bool), city)
    assert found.in_view > 1 and not found.clustered and not len(found.cells.count)
    assert len(found.points.rows) == found.in_view


def test_a_stack_alone_stays_points_and_two_stacks_that_touch_merge() -> None:
    # three events at one spot and two at another 3 degrees east: 8 px at zoom 2,
    # closer than the first stack's count badge reaches
    lat = np.array([50.0, 50.0, 50.0, 50.0, 50.0, -20.0])
    lon = np.array([10.0, 10.0, 10.0, 13.0, 13.0, 100.0])
    index = MapIndex(lat, lon)
    found = index.features(np.ones(6, bool), WORLD_VIEW)
    assert found.cells.count.tolist() == [5]
    assert sorted(found.members.rows.tolist()) == [0, 1, 2, 3, 4]
    assert found.points.rows.tolist() == [5]
    # far apart at zoom 9 (3 degrees is 2,000 px): two stacks of points, no bubble
    apart = index.features(np.ones(6, bool), Viewport(47, 5, 53, 18, 9.0))
    assert not apart.clustered and sorted(apart.points.rows.tolist()) == [0, 1, 2, 3, 4]


def test_a_stack_merges_with_a_dot_under_its_badge_but_two_dots_as_far_do_not() -> None:
    # 20 px apart at zoom 6: two dots (8 px each, 2 px gap) stay apart, a stack's
    # badge reaches them
    zoom = 6.0
    step = 20.0 / (256 * 2**zoom) * 360.0
    lat = np.array([0.0, 0.0])
    lon = np.array([0.0, step])
    view = Viewport(-5, -5, 5, 5, zoom)
    assert not MapIndex(lat, lon).features(np.ones(2, bool), view).clustered
    lat3, lon3 = np.array([0.0, 0.0, 0.0]), np.array([0.0, 0.0, step])
    assert MapIndex(lat3, lon3).features(np.ones(3, bool), view).cells.count.tolist() == [3]


def test_presentation_scale_merges_more() -> None:
    lat, lon = _crowd()
    index = MapIndex(lat, lon)
    view = Viewport(-80, -180, 80, 180, 4.0)
    normal = index.features(np.ones(500, bool), view)
    big = index.features(np.ones(500, bool), view, bubble_scale=2.0)
    assert len(_markers(big, 4.0, 2.0)[0]) < len(_markers(normal, 4.0)[0])
    assert _touching_pairs(_markers(big, 4.0, 2.0)) == []


def test_selection_and_unclustered_queries_stay_points() -> None:
    lat, lon = _crowd()
    index = MapIndex(lat, lon)
    mask = np.ones(500, bool)
    picked = index.selected(np.arange(500), mask, WORLD_VIEW)
    assert sorted(picked.points.rows.tolist()) == list(range(500)) and not picked.clustered
    plain = index.features(mask, WORLD_VIEW, cluster=False)
    assert len(plain.points.rows) == 500 and not len(plain.cells.count)


def test_reach_counts_only_until_an_item_merges() -> None:
    count = np.array([3, 1, 1])
    lat = np.zeros(3)
    zoom = 6.0
    px = 360.0 / (256 * 2**zoom)
    lon = np.array([0.0, 25.0 * px, 200.0 * px])
    # no reach: 25 px apart is more than two bubbles' radii and the gap
    assert merge_overlapping(count, lat, lon, zoom)[0].tolist() == [3, 1, 1]
    reach = np.array([30.0, 0.0, 0.0])
    merged, _, _, group = merge_overlapping(count, lat, lon, zoom, reach=reach)
    assert merged.tolist() == [4, 1] and group.tolist() == [0, 0, 1]


@pytest.mark.parametrize("seed", range(4))
def test_touching_finds_exactly_the_pairs_of_the_whole_matrix(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 600
    x, y = rng.uniform(0, 700, n), rng.uniform(0, 500, n)
    r = np.full(n, 8.0)
    big = rng.random(n) < 0.15
    r[big] = rng.uniform(9.0, 32.0, int(big.sum()))
    x[:40] = x[40:80] + rng.uniform(-1, 1, 40)  # some nearly on top of each other
    y[:40] = y[40:80]
    start, near = _touching(x, y, r)
    d = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    want = (d < r[:, None] + r[None, :] + GAP_PX) & ~np.eye(n, dtype=bool)
    for i in range(n):
        assert near[start[i] : start[i + 1]].tolist() == np.flatnonzero(want[i]).tolist()


def test_a_stack_stays_a_stack_when_its_badge_is_clear() -> None:
    # three videos of one strike and a convoy 36 px up-left at zoom 6 (tests/test_map_
    # stacks.py): closer than the badge's far corner, but the badge, up-right, is clear
    lat = np.array([46.6354, 46.6354, 46.6354, 46.9659])
    lon = np.array([32.6169, 32.6169, 32.6169, 31.9974])
    found = MapIndex(lat, lon).features(np.ones(4, bool), Viewport(45, 30, 48, 35, 6.0))
    assert not found.clustered and sorted(found.points.rows.tolist()) == [0, 1, 2, 3]
    # the convoy up-right instead, under the badge: one bubble of four
    lon[3] = 32.6169 + (32.6169 - 31.9974) * 0.6
    lat[3] = 46.6354 + 0.08
    found = MapIndex(lat, lon).features(np.ones(4, bool), Viewport(45, 30, 48, 35, 6.0))
    assert found.cells.count.tolist() == [4]


def test_stacks_left_alone_keep_clear_badges_in_a_crowd() -> None:
    lat, lon = _crowd(1500, seed=8)
    index = MapIndex(lat, lon)
    for zoom in (3.0, 5.0, 7.0, 9.0):
        view = Viewport(-80, -180, 80, 180, zoom)
        found = index.features(np.ones(1500, bool), view)
        circles, boxes = _markers(found, zoom)
        assert _touching_pairs((circles, boxes)) == []
        if zoom >= 7.0:
            assert len(boxes) > 0  # some stacks stand alone with their counts


def _owners_one_by_one(c: np.ndarray, start: np.ndarray, near: np.ndarray) -> np.ndarray:
    """The merge's absorbing pass as it was written first: biggest first, one by one."""
    owner = np.arange(len(c))
    taken = np.zeros(len(c), bool)
    for i in np.argsort(-c, kind="stable").tolist():
        if taken[i]:
            continue
        taken[i] = True
        neighbours = near[start[i] : start[i + 1]]
        neighbours = neighbours[~taken[neighbours]]
        owner[neighbours] = i
        taken[neighbours] = True
    return owner


@pytest.mark.parametrize("seed", range(6))
def test_absorbing_in_rounds_gives_the_one_by_one_answer(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 800
    x, y = rng.uniform(0, 600, n), rng.uniform(0, 400, n)
    c = rng.integers(1, 4, n).astype(np.float64)  # many ties: the index order decides
    big = rng.random(n) < 0.05
    c[big] = rng.integers(5, 900, int(big.sum()))
    start, near = _touching(x, y, bubble_radius(c))
    assert len(near) > n  # crowded: chains of touching bubbles
    assert np.array_equal(_owners(c, start, near), _owners_one_by_one(c, start, near))
