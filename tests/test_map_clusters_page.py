"""Clustered point views through the real map page: 500 crowded events at world zoom
draw dots, stacks with their counts and cluster bubbles of which none touches another,
each event counted once; at city zoom every event is its own dot; a cluster bubble
zooms in on a click as a cell bubble does, and rings the colour mix of its events. The
geometry is read back from Leaflet and the page's own layout, in screen pixels."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import shiboken6
from helpers import located_frame, run_js

# QtWebEngine must be imported before the QApplication exists
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401

from desktop_app.frame.event_frame import EventFrame
from desktop_app.state.models import SelectionModel, ViewState
from desktop_app.views.map import MapView

LOAD_MS = 30_000
CATEGORIES = ["Battles", "Protests", "Riots", "Explosions/Remote violence"]

# Every drawn marker, in container pixels: circles [x, y, radius with half the stroke,
# count or null, mix or null] and the stacks' count badges [left, top, right, bottom, text].
DRAWN = """(function(){
  var map = Sightline.map(), box = map.getContainer().getBoundingClientRect();
  var circles = [], badges = [];
  map.eachLayer(function (l) {
    var o = l.options;
    if (!(l instanceof L.CircleMarker) || o.trail || !l._point) { return; }
    if (o.count === undefined && (o.eventId === undefined || o.eventId === null)) { return; }
    if (o.pane === 'events' && o.fillColor === '#1971c2') { return; }  // selection
    var p = map.latLngToContainerPoint(l.getLatLng());
    circles.push([p.x, p.y, l.getRadius() + (o.weight || 0) / 2,
                  o.count === undefined ? null : o.count, o.mix || null]);
  });
  document.querySelectorAll('.sl-stack span').forEach(function (b) {
    var r = b.getBoundingClientRect();
    badges.push([r.left - box.left, r.top - box.top, r.right - box.left,
                 r.bottom - box.top, b.textContent]);
  });
  return {circles: circles, badges: badges, zoom: map.getZoom()};
})()"""


def _crowd(n: int = 500, seed: int = 5) -> EventFrame:
    """ACLED-like: events at forty towns, most at the town's own coordinates (a stack
    there), the others a few km around it, each of one of four event types."""
    rng = np.random.default_rng(seed)
    towns_lat = rng.uniform(-35.0, 60.0, 40)
    towns_lon = rng.uniform(-100.0, 130.0, 40)
    town = rng.integers(0, 40, n)
    moved = rng.random(n) < 0.4
    lat = np.round(towns_lat[town] + moved * rng.normal(0, 0.3, n), 4)
    lon = np.round(towns_lon[town] + moved * rng.normal(0, 0.3, n), 4)
    frame = located_frame(lat, lon, town)
    codes = rng.integers(0, len(CATEGORIES), n).astype(np.int32)
    return dataclasses.replace(frame, single={"category": (codes, list(CATEGORIES))})


@pytest.fixture()
def crowd_map(qtbot: Any) -> Iterator[tuple[MapView, EventFrame, SelectionModel]]:
    selection = SelectionModel()
    view = MapView(selection, ViewState())
    view.resize(1000, 650)
    view.show()
    with qtbot.waitSignal(view.ready, timeout=LOAD_MS):
        pass
    frame = _crowd()
    with qtbot.waitSignal(view.drawn, timeout=LOAD_MS):
        view.set_frame(frame)
    yield view, frame, selection
    view.close()
    shiboken6.delete(view)


def _go(qtbot: Any, view: MapView, lat: float, lon: float, zoom: float) -> dict[str, Any]:
    """Move the map, wait until the page has drawn that view, and read what it drew
    (moved again if the fit of the frame just set lands after the move)."""
    move = f"(Sightline.map().setView([{lat}, {lon}], {zoom}, {{animate: false}}), 1)"
    run_js(qtbot, view.page, move)

    def there() -> bool:
        where = run_js(qtbot, view.page, "[Sightline.map().getZoom(), Sightline.settled()]")
        if where[1] and where[0] != zoom:
            run_js(qtbot, view.page, move)
            return False
        return bool(where[0] == zoom and where[1] and view._viewport is not None)

    qtbot.waitUntil(there, timeout=LOAD_MS)
    # the features of this viewport drawn: the page's events match the aggregation
    qtbot.waitUntil(
        lambda: (
            view._viewport is not None
            and view._viewport.zoom == zoom
            and run_js(qtbot, view.page, "Sightline.counts().events") == view._features().in_view
        ),
        timeout=LOAD_MS,
    )
    drawn: dict[str, Any] = run_js(qtbot, view.page, DRAWN)
    return drawn


def _overlaps(drawn: dict[str, Any]) -> list[tuple[str, int, int]]:
    """Markers that overlap: two circles (the dots of one stack are one marker), two
    badges, or a badge and a circle other than its own stack's dot."""
    spots: dict[tuple[float, float], list[Any]] = {}
    for c in drawn["circles"]:
        spots.setdefault((round(c[0], 3), round(c[1], 3)), c)
    circles = np.array([c[:3] for c in spots.values()]).reshape(-1, 3)
    out: list[tuple[str, int, int]] = []
    d = np.hypot(
        circles[:, None, 0] - circles[None, :, 0], circles[:, None, 1] - circles[None, :, 1]
    )
    i, j = np.nonzero(np.triu(d < circles[:, None, 2] + circles[None, :, 2], 1))
    out += [("circles", a, b) for a, b in zip(i.tolist(), j.tolist(), strict=True)]
    badges = drawn["badges"]
    for k, (left, top, right, bottom, _) in enumerate(badges):
        dx = np.clip(circles[:, 0], left, right) - circles[:, 0]
        dy = np.clip(circles[:, 1], top, bottom) - circles[:, 1]
        inside = np.hypot(dx, dy) < circles[:, 2]
        # its own dot: the nearest circle centre to the badge's corner, under the corner
        own = np.argmin(np.hypot(circles[:, 0] - left, circles[:, 1] - bottom))
        inside[own] = False
        out += [("badge-circle", k, int(z)) for z in np.flatnonzero(inside)]
        for m in range(k + 1, len(badges)):
            o = badges[m]
            if not (right <= o[0] or o[2] <= left or bottom <= o[1] or o[3] <= top):
                out.append(("badges", k, m))
    return out


def test_crowded_world_view_clusters_without_overlap(
    crowd_map: tuple[MapView, EventFrame, SelectionModel], qtbot: Any
) -> None:
    view, _, _ = crowd_map
    for zoom in (2, 3, 4):
        drawn = _go(qtbot, view, 20.0, 15.0, zoom)
        bubbles = [c for c in drawn["circles"] if c[3] is not None]
        dots = [c for c in drawn["circles"] if c[3] is None]
        assert len(bubbles) >= 3, zoom  # crowded towns are clustered
        assert _overlaps(drawn) == [], zoom
        # every event in view counted once: bubbles' counts, dots (a stack's dots too)
        in_view = view._features().in_view
        assert sum(c[3] for c in bubbles) + len(dots) == in_view
        if zoom == 2:
            assert in_view == 500  # the whole world in view
        # a stack's badge shows how many dots share its spot
        spots: dict[tuple[float, float], int] = {}
        for c in dots:
            key = (round(c[0], 3), round(c[1], 3))
            spots[key] = spots.get(key, 0) + 1
        assert sorted(int(b[4]) for b in drawn["badges"]) == sorted(
            n for n in spots.values() if n > 1
        )


def test_at_city_zoom_every_event_is_its_own_dot(
    crowd_map: tuple[MapView, EventFrame, SelectionModel], qtbot: Any
) -> None:
    view, frame, _ = crowd_map
    town = int(np.argmax(np.bincount(frame.location_id)))
    at = np.flatnonzero(frame.location_id == town)
    drawn = _go(qtbot, view, float(np.median(frame.lat[at])), float(np.median(frame.lon[at])), 14)
    assert drawn["circles"] and all(c[3] is None for c in drawn["circles"])
    assert len(drawn["circles"]) == view._features().in_view
    assert _overlaps(drawn) == []


def test_a_cluster_click_zooms_in_like_a_cell(
    crowd_map: tuple[MapView, EventFrame, SelectionModel], qtbot: Any
) -> None:
    view, _, selection = crowd_map
    drawn = _go(qtbot, view, 20.0, 15.0, 2)
    biggest = max((c for c in drawn["circles"] if c[3] is not None), key=lambda c: c[3])
    click = (
        "(function(){var r=Sightline.map().getContainer().getBoundingClientRect();"
        f"var x=r.left+{biggest[0]}, y=r.top+{biggest[1]};"
        "document.elementFromPoint(x,y).dispatchEvent(new MouseEvent('click',"
        "{clientX:x,clientY:y,bubbles:true,cancelable:true,view:window}));return 1;})()"
    )
    run_js(qtbot, view.page, click)
    qtbot.waitUntil(
        lambda: (
            run_js(qtbot, view.page, "[Sightline.map().getZoom(), Sightline.settled()]")
            == [4, True]
        ),
        timeout=LOAD_MS,
    )
    assert selection.ids == frozenset()  # a bubble is no event: nothing selected


def test_a_cluster_rings_the_colour_mix_of_its_own_events(
    crowd_map: tuple[MapView, EventFrame, SelectionModel], qtbot: Any
) -> None:
    view, frame, _ = crowd_map
    with qtbot.waitSignal(view.drawn, timeout=LOAD_MS):
        view.layers.set_colour("category")
    drawn = _go(qtbot, view, 20.0, 15.0, 2)
    found = view._features()
    assert found.clustered
    codes = frame.single["category"][0]
    legend = [value for value, _ in view.layers.legend]
    bubbles = [c for c in drawn["circles"] if c[3] is not None]
    want = set()
    for k in range(len(found.cells.count)):
        rows = found.members.rows[found.members.bubble == k]
        per = np.bincount(codes[rows], minlength=len(CATEGORIES))
        mix = [0] * (len(legend) + 1)
        for code, n in enumerate(per.tolist()):
            mix[legend.index(CATEGORIES[code])] += n
        want.add((int(found.cells.count[k]), tuple(mix)))
    got = {(c[3], tuple(c[4])) for c in bubbles}
    assert got == want
    assert any(sum(1 for n in c[4] if n) > 1 for c in bubbles)  # a ring of several colours
