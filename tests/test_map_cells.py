"""Map aggregation (desktop_app.frame.map_cells): points when sparse, cells when dense."""

from __future__ import annotations

import numpy as np
import pytest

from desktop_app.frame.map_cells import MapIndex, Viewport, latitude_of, mercator_y

WORLD_VIEW = Viewport(-80.0, -180.0, 80.0, 180.0, 2.0)
EAST_ASIA = Viewport(0.0, 90.0, 50.0, 150.0, 4.0)


def _random(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(-60, 70, n), rng.uniform(-179, 179, n)


def test_mercator_round_trip() -> None:
    lat = np.array([-80.0, -10.5, 0.0, 25.03, 60.0])
    assert np.allclose(latitude_of(mercator_y(lat)), lat)


def test_sparse_view_gives_points_with_rows() -> None:
    lat = np.array([55.75, 39.90, 25.03, np.nan, 51.5])
    lon = np.array([37.62, 116.40, 121.56, np.nan, -0.13])
    index = MapIndex(lat, lon)
    got = index.features(np.ones(5, bool), WORLD_VIEW)
    assert not got.aggregated
    assert sorted(got.points.rows.tolist()) == [0, 1, 2, 4]  # the unlocated row is left out
    order = np.argsort(got.points.rows)
    assert np.allclose(got.points.lat[order], lat[[0, 1, 2, 4]])
    assert np.allclose(got.points.lon[order], lon[[0, 1, 2, 4]])


def test_viewport_and_mask_limit_points() -> None:
    lat = np.array([55.75, 39.90, 25.03, 14.60, 51.5])
    lon = np.array([37.62, 116.40, 121.56, 120.98, -0.13])
    index = MapIndex(lat, lon)
    mask = np.array([True, True, True, False, True])
    got = index.features(mask, EAST_ASIA, margin=0.0)
    assert sorted(got.points.rows.tolist()) == [1, 2]  # Manila hidden by the mask


def test_dense_view_gives_cells_whose_counts_add_up() -> None:
    lat, lon = _random(50_000)
    lat[::10] = np.nan
    index = MapIndex(lat, lon)
    mask = np.ones(len(lat), bool)
    mask[::7] = False
    got = index.features(mask, Viewport(-85, -180, 85, 180, 2.0), margin=0.0)
    assert got.aggregated and len(got.points.rows) == 0
    expected = int((mask & ~np.isnan(lat)).sum())
    assert got.in_view == expected
    assert int(got.cells.count.sum()) == expected
    # centroids lie where the events are
    assert got.cells.lat.min() >= -61 and got.cells.lat.max() <= 71
    # 64-px cells at zoom 2: a 1024-px world holds at most 16x16 cells
    assert len(got.cells.count) <= 16 * 16


def test_threshold_between_points_and_cells() -> None:
    lat, lon = _random(3000)
    index = MapIndex(lat, lon)
    mask = np.zeros(3000, bool)
    mask[:1500] = True
    assert not index.features(mask, WORLD_VIEW, margin=1.0).aggregated
    mask[:1501] = True
    assert index.features(mask, WORLD_VIEW, margin=1.0).aggregated
    assert not index.features(mask, WORLD_VIEW, max_points=5000).aggregated


def test_lone_cells_carry_their_event_and_exact_position() -> None:
    lat, lon = _random(5000)
    lat = np.append(lat, -75.0)  # far from everything else
    lon = np.append(lon, 10.0)
    index = MapIndex(lat, lon)
    got = index.features(np.ones(len(lat), bool), Viewport(-85, -180, 85, 180, 3.0))
    assert got.aggregated
    cells = got.cells
    assert np.all((cells.single_row >= 0) == (cells.count == 1))
    lone = np.flatnonzero(cells.single_row == 5000)
    assert len(lone) == 1
    assert cells.lat[lone[0]] == pytest.approx(-75.0)
    assert cells.lon[lone[0]] == pytest.approx(10.0)
    rows = cells.single_row[cells.single_row >= 0]
    assert np.allclose(cells.lat[cells.single_row >= 0], lat[rows])


def test_cell_centroid_is_the_mean_position() -> None:
    lat = np.full(2000, 10.0)
    lon = np.full(2000, 20.0)
    lat[1000:] = 10.2
    index = MapIndex(lat, lon)
    got = index.features(np.ones(2000, bool), Viewport(-30, -20, 40, 60, 3.0))
    assert got.aggregated and got.cells.count.tolist() == [2000]
    # to half a sub-cell: a cell is 11.25 degrees wide at zoom 3, a sub-cell 1/8 of it
    assert got.cells.lat[0] == pytest.approx(10.1, abs=0.71)
    assert got.cells.lon[0] == pytest.approx(20.0, abs=0.71)


def test_selection_is_returned_separately_and_capped() -> None:
    lat, lon = _random(20_000)
    index = MapIndex(lat, lon)
    mask = np.ones(len(lat), bool)
    mask[5] = False
    picked = index.selected(np.array([3, 5, 7]), mask, WORLD_VIEW, margin=1.0)
    assert sorted(picked.points.rows.tolist()) == [3, 7]  # row 5 is filtered out
    many = index.selected(np.arange(0, 20_000, 2), mask, WORLD_VIEW, max_points=100, margin=1.0)
    assert many.aggregated and int(many.cells.count.sum()) == 10_000
    assert len(index.selected(np.zeros(0, np.int64), mask, WORLD_VIEW).points.rows) == 0


def test_antimeridian_view_finds_both_sides_in_the_viewport_copy() -> None:
    lat = np.array([-17.7, -13.8, 10.0])
    lon = np.array([178.0, -171.8, 0.0])  # Fiji, Samoa, Africa
    index = MapIndex(lat, lon)
    got = index.features(np.ones(3, bool), Viewport(-30, 160, 0, 200, 4.0), margin=0.0)
    by_row = dict(zip(got.points.rows.tolist(), got.points.lon.tolist(), strict=True))
    assert set(by_row) == {0, 1}
    assert by_row[0] == pytest.approx(178.0)
    assert by_row[1] == pytest.approx(-171.8 + 360.0)  # drawn east of Fiji, not a world away


def test_rows_in_box_and_bounds() -> None:
    lat = np.array([55.75, 39.90, 25.03, 14.60, np.nan])
    lon = np.array([37.62, 116.40, 121.56, 120.98, np.nan])
    index = MapIndex(lat, lon)
    mask = np.ones(5, bool)
    assert index.rows_in_box(mask, 10, 100, 30, 130).tolist() == [2, 3]
    assert index.rows_in_box(mask, 10, 100 - 360, 30, 130 - 360).tolist() == [2, 3]
    assert index.bounds(mask) == (14.60, 37.62, 55.75, 121.56)
    assert index.bounds(np.zeros(5, bool)) is None


def test_empty_frame() -> None:
    index = MapIndex(np.zeros(0), np.zeros(0))
    got = index.features(np.zeros(0, bool), WORLD_VIEW)
    assert got.in_view == 0 and not got.aggregated


def _reference_cells(index: MapIndex, mask: np.ndarray, view: Viewport) -> dict[int, list[int]]:
    """Cell -> its rows, by brute force over every located row of ``mask``."""
    from desktop_app.frame.map_cells import CELL_PX, MARGIN, WORLD, _cell_shift, _window

    shift = _cell_shift(view.zoom, CELL_PX)
    x0, y0, width, height = _window(view, MARGIN, shift)
    cells: dict[int, list[int]] = {}
    for row in np.flatnonzero(mask & index.located).tolist():
        rel_x = (int(index.qx[row]) - x0) % WORLD
        rel_y = int(index.qy[row]) - y0
        if 0 <= rel_y < height and (width >= WORLD or rel_x < width):
            cells.setdefault((rel_y >> shift) * WORLD + (rel_x >> shift), []).append(row)
    return cells


@pytest.mark.parametrize("share", [1.0, 0.3, 0.01])
def test_cells_counts_and_lone_events_match_a_brute_force_count(share: float) -> None:
    rng = np.random.default_rng(11)
    n = 6_000
    lat = np.concatenate([rng.normal(48, 3, n // 2), rng.uniform(-60, 70, n // 2)])
    lon = np.concatenate([rng.normal(20, 6, n // 2), rng.uniform(-180, 180, n // 2)])
    lat[rng.random(n) < 0.05] = np.nan
    index = MapIndex(lat, lon)
    for zoom, box in [
        (2.0, (-70, -180, 80, 180)),
        (5.0, (40, 5, 56, 35)),
        (4.0, (30, 150, 60, 200)),
    ]:
        view = Viewport(*box, zoom)
        mask = rng.random(n) < share
        # bubbles drawn a thousandth of their size: none merge, the grid's cells stay
        found = index.features(mask, view, max_points=0, bubble_scale=0.001)
        cells = _reference_cells(index, mask, view)
        assert sorted(found.cells.count.tolist()) == sorted(len(r) for r in cells.values())
        lone = sorted(rows[0] for rows in cells.values() if len(rows) == 1)
        got = found.cells.single_row
        assert sorted(got[got >= 0].tolist()) == lone
        assert np.array_equal(found.cells.lat[got >= 0], lat[got[got >= 0]])


def test_touching_bubbles_are_the_whole_matrix_ones() -> None:
    from desktop_app.frame.bubbles import GAP_PX, _touching, bubble_radius

    rng = np.random.default_rng(4)
    for n in (2, 5, 40, 400):
        x, y = rng.uniform(0, 900, n), rng.uniform(0, 600, n)
        x[: n // 4] = x[0]  # some in one column, some at one spot
        y[: n // 8] = y[0]
        r = bubble_radius(rng.integers(1, 5000, n).astype(float))
        start, near = _touching(x, y, r)
        dense = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) < (
            r[:, None] + r[None, :] + GAP_PX
        )
        np.fill_diagonal(dense, False)
        for i in range(n):
            assert near[start[i] : start[i + 1]].tolist() == np.flatnonzero(dense[i]).tolist()
