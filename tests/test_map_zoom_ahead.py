"""A zoom's cost: the answers the map works out ahead while idle, the basemap outlines
simplified per zoom and drawn after every kind of move, and one push per playback step
with a trail. The real page, offscreen (issue 13's zoom, issue 12's playback)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from helpers import run_js
from PySide6.QtCore import QObject
from PySide6.QtGui import QImage
from test_map import make_map, sample_frame  # noqa: F401  (fixtures)

from desktop_app.frame.event_frame import EventFrame
from desktop_app.frame.map_cells import MapIndex, Viewport
from desktop_app.views.map.bridge import MapBridge
from desktop_app.views.map.prefetch import Prefetch

WAIT_MS = 20_000
LAND = (0xF1, 0xEF, 0xE9)  # the outlines' fill (sightline_map.js STYLE.land)


def _same(a: Any, b: Any) -> bool:
    """Two aggregations (ViewFeatures) are the same, array for array."""
    return all(
        np.array_equal(getattr(a.points, k), getattr(b.points, k)) for k in ("rows", "lat", "lon")
    ) and all(
        np.array_equal(getattr(a.cells, k), getattr(b.cells, k))
        for k in ("count", "lat", "lon", "single_row")
    )


def _segment_distance(
    p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]
) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = dx * dx + dy * dy
    t = (
        0.0
        if length == 0
        else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length))
    )
    return float(np.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy)))


def _douglas_peucker(points: list[tuple[float, float]], tol: float) -> list[int]:
    """The indices Douglas-Peucker keeps at ``tol`` (the textbook recursion)."""
    keep = {0, len(points) - 1}

    def split(a: int, b: int) -> None:
        if b - a < 2:
            return
        far = max(range(a + 1, b), key=lambda i: _segment_distance(points[i], points[a], points[b]))
        if _segment_distance(points[far], points[a], points[b]) > tol:
            keep.add(far)
            split(a, far)
            split(far, b)

    split(0, len(points) - 1)
    return sorted(keep)


def _worked_ahead(qtbot: Any, view: Any) -> None:
    """Wait until the page has settled on its view (a fit can land after the first
    answers) and the views one zoom in and out of that view are worked out."""
    qtbot.waitUntil(lambda: run_js(qtbot, view.page, "Sightline.settled()") is True)
    qtbot.waitUntil(
        lambda: view.prefetch.computed >= 2 and not view.prefetch.waiting, timeout=WAIT_MS
    )


def _zoom_in(qtbot: Any, view: Any) -> None:
    """One zoom step in, without animation, as the +/- buttons and keys give; returns
    once the map has drawn it."""
    with qtbot.waitSignal(view.drawn, timeout=WAIT_MS):
        run_js(qtbot, view.page, "Sightline.map().setZoom(Sightline.map().getZoom() + 1, "
               "{animate: false}) && 1")  # fmt: skip


def test_a_zoom_in_finds_its_answer_ready_and_it_is_the_fresh_one(
    make_map: Any,  # noqa: F811
    sample_frame: EventFrame,  # noqa: F811
    qtbot: Any,
) -> None:
    view, _, _ = make_map(sample_frame)
    _worked_ahead(qtbot, view)
    used = view.prefetch.used
    _zoom_in(qtbot, view)
    qtbot.waitUntil(lambda: run_js(qtbot, view.page, "Sightline.settled()") is True)
    assert view.prefetch.used == used + 1  # the page's view is exactly the one foreseen
    viewport = view._viewport
    assert viewport is not None
    fresh = view._index.features(view._visible, viewport)
    assert _same(view._features(), fresh)
    drawn = run_js(qtbot, view.page, "Sightline.counts().events")
    assert drawn == len(fresh.points.rows) + len(fresh.cells.count)


def test_an_animated_zoom_about_a_point_is_worked_out_while_it_runs(
    make_map: Any,  # noqa: F811
    sample_frame: EventFrame,  # noqa: F811
    qtbot: Any,
) -> None:
    view, _, _ = make_map(sample_frame)
    _worked_ahead(qtbot, view)
    used, computed = view.prefetch.used, view.prefetch.computed
    with qtbot.waitSignal(view.drawn, timeout=WAIT_MS):  # the wheel's zoom: off the centre
        run_js(qtbot, view.page, "Sightline.map().setZoomAround(L.point(200, 150), "
               "Sightline.map().getZoom() + 1) && 1")  # fmt: skip
    qtbot.waitUntil(lambda: run_js(qtbot, view.page, "Sightline.settled()") is True)
    assert view.prefetch.computed > computed and view.prefetch.used == used + 1
    viewport = view._viewport
    assert viewport is not None
    assert _same(view._features(), view._index.features(view._visible, viewport))


def test_an_answer_is_kept_for_its_view_and_state_only(qtbot: Any) -> None:
    rng = np.random.default_rng(7)
    lat, lon = rng.uniform(-60, 70, 5000), rng.uniform(-170, 170, 5000)
    index = MapIndex(lat, lon)
    visible = np.ones(5000, bool)
    computed: list[Viewport] = []

    def compute(view: Viewport) -> Any:
        computed.append(view)
        return index.features(visible, view)

    owner = QObject()
    ahead = Prefetch(compute, owner)
    near = Viewport(10.0, 20.0, 30.0, 40.0, 5.0)
    far = Viewport(-10.0, 0.0, 40.0, 60.0, 4.0)
    ahead.plan([near, far], lambda: (index, visible, 1.0))
    qtbot.waitUntil(lambda: len(computed) == 2, timeout=WAIT_MS)
    found = ahead.take(near, (index, visible, 1.0))
    assert found is not None and _same(found, index.features(visible, near))
    assert ahead.take(Viewport(10.0, 20.0, 30.0, 40.000001, 5.0), (index, visible, 1.0)) is None
    assert ahead.take(near, (index, visible.copy(), 1.0)) is None  # another mask
    assert ahead.take(near, (index, visible, 1.5)) is None  # presenting: bigger bubbles
    assert ahead.take(near, (MapIndex(lat, lon), visible, 1.0)) is None  # another frame


def test_the_bridge_reads_the_views_ahead_and_drops_what_is_not_one(qtbot: Any) -> None:
    bridge = MapBridge()
    report = {"south": 1, "west": 2, "north": 3, "east": 4, "zoom": 5, "lat": 2, "lon": 3}
    good = {"south": 1.5, "west": 2.5, "north": 2.5, "east": 3.5, "zoom": 6}
    bad = [{"south": "x", "west": 2, "north": 3, "east": 4, "zoom": 4}, {"zoom": True}, 7]
    with qtbot.waitSignal(bridge.events.viewport) as got:
        bridge.viewportChanged(json.dumps({**report, "next": [good, *bad]}))
    assert got.args[0]["next"] == [{k: float(v) for k, v in good.items()}]
    assert got.args[0]["zoom"] == 5.0
    with qtbot.waitSignal(bridge.events.viewport) as got:
        bridge.viewportChanged(json.dumps({**report, "next": "no"}))
    assert got.args[0]["next"] == []
    with qtbot.waitSignal(bridge.events.views_ahead) as ahead:
        bridge.viewsAhead(json.dumps([good, *bad]))
    assert ahead.args[0] == [{k: float(v) for k, v in good.items()}]
    with qtbot.waitSignal(bridge.events.views_ahead) as ahead:
        bridge.viewsAhead("{not json")
    assert ahead.args[0] == []


def test_douglas_peucker_significance_gives_the_simplification_at_any_tolerance(
    make_map: Any,  # noqa: F811
    qtbot: Any,
) -> None:
    view, _, _ = make_map()
    rng = np.random.default_rng(3)
    walk = np.cumsum(rng.normal(0, 1, (60, 2)), axis=0)  # a wandering outline
    points = [(float(x), float(y)) for x, y in walk]
    flat = [v for p in points for v in p]
    sig = run_js(
        qtbot,
        view.page,
        f"Array.from(SightlineOutlines.significance(new Float64Array({flat})))"
        ".map(function (v) { return v === Infinity ? -1 : v; })",
    )
    assert sig[0] == -1 and sig[-1] == -1  # the ends always stay
    for tol in (0.05, 0.3, 0.9, 2.2, 5.0, 40.0):
        kept = [i for i, v in enumerate(sig) if v == -1 or v > tol]
        assert kept == _douglas_peucker(points, tol), tol


def _land_share(view: Any) -> float:
    image = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = image.width(), image.height(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), np.uint8, count=stride * h)
    rgb = data.reshape(h, stride)[:, : w * 3].reshape(h, w, 3).astype(int)
    near = np.abs(rgb - np.array(LAND)).max(axis=2) <= 3
    return float(near.mean())


def test_the_outlines_are_drawn_after_every_kind_of_move(
    make_map: Any,  # noqa: F811
    sample_frame: EventFrame,  # noqa: F811
    qtbot: Any,
) -> None:
    view, _, _ = make_map(sample_frame)
    # over Europe's land: a jump of zoom, a far move at one zoom, a zoom in, an animated
    # zoom out; each with the share of land pixels the drawing before this one showed
    # (the grab lags the page: it is read again until it shows the move)
    moves = (
        ("Sightline.map().setView([50, 15], 2, {animate: false})", 0.2),
        ("Sightline.map().setView([48, 10], 5, {animate: false})", 0.45),
        ("Sightline.map().setView([50, 30], 5, {animate: false})", 0.6),
        ("Sightline.map().setZoom(6, {animate: false})", 0.7),
        ("Sightline.map().setZoom(4)", 0.5),
    )
    for script, share in moves:
        run_js(qtbot, view.page, f"{script} && 1")
        qtbot.waitUntil(lambda: run_js(qtbot, view.page, "Sightline.settled()") is True)
        qtbot.waitUntil(lambda s=share: _land_share(view) > s, timeout=WAIT_MS)


def test_a_playback_step_with_a_trail_is_one_push(
    make_main_window: Any, sample_project: Any, qtbot: Any, data_dir: Any
) -> None:
    from desktop_app.domain.dates import parse_date, to_seconds
    from desktop_app.domain.periods import parse_period
    from desktop_app.ingest.pipeline import import_file

    import_file(sample_project, data_dir / "acled_sample.csv")
    window = make_main_window(sample_project)
    playback = window.features["playback"].playback
    day = lambda text: to_seconds(parse_date(text).start)  # noqa: E731
    playback.configure(parse_period("1d"), span=(day("2025-05-16"), day("2025-05-24")))
    playback.set_trail(2)
    sent: list[dict[str, Any]] = []
    window.map._bridge.message.connect(lambda text: sent.append(json.loads(text)))
    playback.seek(0)  # the first step: the map learns that a trail follows each one
    qtbot.waitUntil(lambda: window.map.trail_follows)
    for index in range(1, len(playback.windows)):
        sent.clear()
        with qtbot.waitSignal(window.map.drawn, timeout=WAIT_MS):
            playback.seek(index)
        pushes = [m for m in sent if m["kind"] == "features"]
        assert len(pushes) == 1, index  # the new window and its trail, drawn at once
        bands = playback.trail_masks()
        assert len(pushes[0]["trail"]) == len([b for b in bands if b[1].any()])
    sent.clear()
    with qtbot.waitSignal(window.map.drawn, timeout=WAIT_MS):
        playback.stop()
    assert [m["trail"] for m in sent if m["kind"] == "features"][-1] == []


def test_a_filter_change_plans_no_work_ahead(
    make_map: Any,  # noqa: F811
    sample_frame: EventFrame,  # noqa: F811
    qtbot: Any,
) -> None:
    """Only a move plans the views ahead: after a filter the GUI thread stays free for
    the next change (the old answers are for the old rows and are never used)."""
    view, _, _ = make_map(sample_frame)
    _worked_ahead(qtbot, view)
    half = np.arange(len(sample_frame)) % 2 == 0
    with qtbot.waitSignal(view.drawn, timeout=WAIT_MS):
        view.set_visible(half)
    assert not view.prefetch.waiting
    _zoom_in(qtbot, view)  # a move plans again
    qtbot.waitUntil(lambda: view.prefetch.waiting or view.prefetch.computed > 2, timeout=WAIT_MS)
