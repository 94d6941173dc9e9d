"""A million events through the real map page: the bubbles the page draws never overlap
and each one's count fits inside it, at world, region and city zoom (the bubbles'
geometry is read back from Leaflet, in screen pixels, not from the aggregation)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import shiboken6
from helpers import located_frame, run_js, show_map

# QtWebEngine must be imported before the QApplication exists
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401
from pytestqt.qtbot import QtBot

from desktop_app.frame.event_frame import EventFrame
from desktop_app.views.map import MapView

LOAD_MS = 60_000
N = 1_000_000

# Every drawn bubble (a cell of several events) as [x, y, radius, count, label width].
BUBBLES = """(function(){
  var map = Sightline.map(), out = [];
  var ctx = document.createElement('canvas').getContext('2d');
  map.eachLayer(function (l) {
    if (l.options.count === undefined || l.options.trail || !l._point) { return; }
    var p = map.latLngToContainerPoint(l.getLatLng());
    ctx.font = '600 11px Arial, sans-serif';
    out.push([p.x, p.y, l.getRadius(), l.options.count, ctx.measureText(l.options.label).width]);
  });
  return out;
})()"""


def _million() -> EventFrame:
    """A million located events around forty towns, thirty in one region (as dense as a
    year of ACLED there) and ten anywhere on earth."""
    rng = np.random.default_rng(11)
    towns_lat = np.concatenate([rng.uniform(44.0, 56.0, 30), rng.uniform(-50.0, 65.0, 10)])
    towns_lon = np.concatenate([rng.uniform(24.0, 48.0, 30), rng.uniform(-170.0, 170.0, 10)])
    weight = rng.pareto(1.2, 40) + 0.05
    town = rng.choice(40, N, p=weight / weight.sum())
    lat = towns_lat[town] + rng.normal(0, 0.08, N)
    lon = towns_lon[town] + rng.normal(0, 0.12, N)
    return located_frame(lat, lon, town)


@pytest.fixture(scope="module")
def million() -> EventFrame:
    return _million()


@pytest.fixture(scope="module")
def big_map(qapp: Any, request: pytest.FixtureRequest, million: EventFrame) -> Iterator[MapView]:
    """One page with the million events for the module's tests: each only moves the view
    (to a place of its own, so the page draws again) and reads what is drawn."""
    qtbot = QtBot(request)
    view = show_map(qtbot, 1000, 700, LOAD_MS)
    with qtbot.waitSignal(view.drawn, timeout=LOAD_MS):
        view.set_frame(million)
    qtbot.waitUntil(
        lambda: run_js(qtbot, view.page, "Sightline.settled()") is True, timeout=LOAD_MS
    )
    yield view
    view.close()
    shiboken6.delete(view)


def _overlaps(bubbles: list[list[float]]) -> list[tuple[int, int]]:
    xy = np.array([b[:2] for b in bubbles])
    r = np.array([b[2] for b in bubbles])
    gap = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) - (r[:, None] + r)
    i, j = np.nonzero(np.triu(gap < 0, 1))
    return list(zip(i.tolist(), j.tolist(), strict=True))


@pytest.mark.parametrize(
    ("lat", "lon", "zoom"),
    [(50.0, 36.0, 3), (50.0, 36.0, 6), (0.0, 0.0, 0)],
    ids=["region", "country", "world"],
)
def test_bubbles_never_overlap_at_a_million_events(
    big_map: MapView, qtbot: Any, lat: float, lon: float, zoom: int
) -> None:
    with qtbot.waitSignal(big_map.drawn, timeout=LOAD_MS):
        run_js(
            qtbot,
            big_map.page,
            f"(Sightline.map().setView([{lat}, {lon}], {zoom}, {{animate: false}}), true)",
        )
    qtbot.waitUntil(
        lambda: run_js(qtbot, big_map.page, "Sightline.settled()") is True, timeout=LOAD_MS
    )
    bubbles = run_js(qtbot, big_map.page, BUBBLES)
    assert len(bubbles) >= 3, bubbles  # the towns are aggregated, not one bubble
    counted = sum(b[3] for b in bubbles)
    assert counted == N if zoom == 0 else counted <= N  # the whole world is in view at 0
    assert _overlaps(bubbles) == []
    # the count is written inside its bubble, never over a neighbour
    assert all(b[4] < 2 * b[2] for b in bubbles), [b for b in bubbles if b[4] >= 2 * b[2]]


def test_at_city_zoom_every_event_is_drawn_and_none_is_lost(
    big_map: MapView, million: EventFrame, qtbot: Any
) -> None:
    """Zoomed in on one town, what the bubbles and dots count is what lies in the view."""
    frame = million
    centre = (float(np.median(frame.lat[:1])), float(np.median(frame.lon[:1])))
    with qtbot.waitSignal(big_map.drawn, timeout=LOAD_MS):
        run_js(
            qtbot,
            big_map.page,
            f"(Sightline.map().setView([{centre[0]}, {centre[1]}], 11, {{animate: false}}), true)",
        )
    qtbot.waitUntil(
        lambda: run_js(qtbot, big_map.page, "Sightline.settled()") is True, timeout=LOAD_MS
    )
    bounds = run_js(qtbot, big_map.page, "Sightline.map().getBounds()")
    s, w = bounds["_southWest"]["lat"], bounds["_southWest"]["lng"]
    n, e = bounds["_northEast"]["lat"], bounds["_northEast"]["lng"]
    inside = int(((frame.lat >= s) & (frame.lat <= n) & (frame.lon >= w) & (frame.lon <= e)).sum())
    bubbles = run_js(qtbot, big_map.page, BUBBLES)
    assert _overlaps(bubbles) == []
    drawn = run_js(
        qtbot,
        big_map.page,
        """(function(){ var map = Sightline.map(), b = map.getBounds(), n = 0;
          map.eachLayer(function (l) {
            if (l.options.trail || !l.getLatLng || !b.contains(l.getLatLng())) { return; }
            if (l.options.count !== undefined) { n += l.options.count; }
            else if (l.options.eventId !== undefined) { n += 1; }
          });
          return n; })()""",
    )
    # bubbles near the edge may hold events just outside; none inside is left out
    assert drawn >= inside > 0
