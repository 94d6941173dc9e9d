"""Count bubbles never hide each other: touching ones merge, counts and centroids hold."""

from __future__ import annotations

import numpy as np

from desktop_app.frame.bubbles import _pixels, bubble_radius, merge_overlapping
from desktop_app.frame.map_cells import MapIndex, Viewport


def _touching_pairs(count: np.ndarray, lat: np.ndarray, lon: np.ndarray, zoom: float) -> int:
    x, y = _pixels(lat, lon, zoom)
    r = bubble_radius(count)
    d = np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :])
    close = d < r[:, None] + r[None, :]
    np.fill_diagonal(close, False)
    return int(close.sum()) // 2


def test_moscow_and_ryazan_do_not_hide_each_other() -> None:
    """773 events around Moscow and 247 around Ryazan (180 km apart): at zoom 4 their
    grid cells' bubbles overlap; drawn, they must not."""
    rng = np.random.default_rng(7)
    lat = np.concatenate([55.75 + rng.normal(0, 0.05, 773), 54.63 + rng.normal(0, 0.05, 247)])
    lon = np.concatenate([37.62 + rng.normal(0, 0.05, 773), 39.74 + rng.normal(0, 0.05, 247)])
    index = MapIndex(lat, lon)
    view = Viewport(south=40.0, west=20.0, north=65.0, east=60.0, zoom=4.0)
    found = index.features(np.ones(len(lat), bool), view, max_points=10)
    cells = found.cells
    assert cells.count.sum() == 1020  # nothing lost in merging
    assert _touching_pairs(cells.count, cells.lat, cells.lon, 4.0) == 0
    # zoomed in, the two cities are apart again and keep their own counts
    near = Viewport(south=53.0, west=34.0, north=57.0, east=42.0, zoom=7.0)
    apart = index.features(np.ones(len(lat), bool), near, max_points=10).cells
    assert sorted(apart.count.tolist())[-2:] == [247, 773]


def test_dense_views_never_draw_touching_bubbles() -> None:
    rng = np.random.default_rng(3)
    n = 200_000
    lat = np.clip(rng.normal(48, 8, n), -80, 80)
    lon = rng.normal(20, 15, n)
    index = MapIndex(lat, lon)
    for zoom, (s, w, nn, e) in ((3.0, (20, -20, 70, 60)), (5.0, (40, 5, 55, 35))):
        cells = index.features(np.ones(n, bool), Viewport(s, w, nn, e, zoom)).cells
        assert len(cells.count) > 5
        assert _touching_pairs(cells.count, cells.lat, cells.lon, zoom) == 0
        inside = (lat >= s - 12) & (lat <= nn + 12)  # the query's margin: a quarter each side
        assert cells.count.sum() <= int(inside.sum())


def test_a_merged_bubble_sits_on_its_events_weighted_centroid() -> None:
    count = np.array([300, 100])
    lat, lon = np.array([10.0, 10.0]), np.array([20.0, 20.2])  # 18 px apart at zoom 6
    merged, mlat, mlon, group = merge_overlapping(count, lat, lon, zoom=6.0)
    assert merged.tolist() == [400] and group.tolist() == [0, 0]
    assert abs(mlon[0] - 20.05) < 1e-6 and abs(mlat[0] - 10.0) < 1e-6
    # far apart: nothing changes
    same, _, _, group = merge_overlapping(count, lat, np.array([20.0, 30.0]), zoom=6.0)
    assert same.tolist() == [300, 100] and group.tolist() == [0, 1]
    # presenting draws bigger bubbles: they merge sooner
    wider = merge_overlapping(count, lat, np.array([20.0, 20.9]), zoom=6.0, scale=1.7)[0]
    assert merge_overlapping(count, lat, np.array([20.0, 20.9]), zoom=6.0)[0].tolist() == [
        300,
        100,
    ]
    assert wider.tolist() == [400]
