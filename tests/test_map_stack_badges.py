"""Counts of co-located events through the real page: stacks a few pixels apart get
their counts beside their dots without one count hiding another."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from helpers import located_frame, run_js

# QtWebEngine must be imported before the QApplication exists
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401

from desktop_app.frame.event_frame import EventFrame
from desktop_app.views.map import MapView

LOAD_MS = 30_000
BADGES = """Array.from(document.querySelectorAll('.sl-stack span')).map(function (b) {
  var r = b.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom, b.textContent];
})"""


def _stacks(spots: list[tuple[float, float]], each: int) -> EventFrame:
    """``each`` events at every spot (the same coordinates, as a place's events are)."""
    lat = np.repeat([s[0] for s in spots], each)
    lon = np.repeat([s[1] for s in spots], each)
    return located_frame(lat, lon, np.repeat(np.arange(len(spots)), each))


@pytest.fixture()
def shown_map(make_map: Callable[..., MapView]) -> MapView:
    return make_map(900, 600)


def _overlapping(boxes: list[list[Any]]) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i in range(len(boxes))
        for j in range(i + 1, len(boxes))
        if not (
            boxes[i][2] <= boxes[j][0]
            or boxes[j][2] <= boxes[i][0]
            or boxes[i][3] <= boxes[j][1]
            or boxes[j][3] <= boxes[i][1]
        )
    ]


CIRCLES = """(function(){
  var map = Sightline.map(), box = map.getContainer().getBoundingClientRect(), out = [];
  map.eachLayer(function (l) {
    if (!(l instanceof L.CircleMarker) || !l._point) { return; }
    var p = map.latLngToContainerPoint(l.getLatLng()), r = l.getRadius();
    out.push([p.x + box.left - r, p.y + box.top - r, p.x + box.left + r, p.y + box.top + r]);
  });
  return out;
})()"""


def _show(view: MapView, qtbot: Any, frame: EventFrame | None, zoom: int) -> None:
    if frame is not None:
        with qtbot.waitSignal(view.drawn, timeout=LOAD_MS):
            view.set_frame(frame)
    with qtbot.waitSignal(view.drawn, timeout=LOAD_MS):
        run_js(
            qtbot,
            view.page,
            f"(Sightline.map().setView([46, 17], {zoom}, {{animate: false}}), true)",
        )
    qtbot.waitUntil(lambda: run_js(qtbot, view.page, "Sightline.settled()"), timeout=LOAD_MS)


def test_counts_of_stacks_a_few_pixels_apart_never_overlap(shown_map: MapView, qtbot: Any) -> None:
    # two rows of eight places 5 degrees apart, three events at each: about 14 px at
    # zoom 2, under a count's width, so their counts would cover each other and the
    # neighbouring dots; they are clustered there, and apart at zoom 4
    spots = [(lat, 5.0 * k) for lat in (52.0, 38.0) for k in range(8)]
    frame = _stacks(spots, 3)
    _show(shown_map, qtbot, frame, 2)
    badges = run_js(qtbot, shown_map.page, BADGES)
    circles = run_js(qtbot, shown_map.page, CIRCLES)
    # no count box touches another count or a marker other than its own dot (the
    # nearest), and no two markers touch
    assert _overlapping(badges) == []
    assert _overlapping([[*c, ""] for c in circles]) == []
    for badge in badges:
        centre = ((badge[0] + badge[2]) / 2, (badge[1] + badge[3]) / 2)
        others = sorted(
            circles,
            key=lambda c: np.hypot((c[0] + c[2]) / 2 - centre[0], (c[1] + c[3]) / 2 - centre[1]),
        )[1:]
        assert all(_overlapping([badge, [*c, ""]]) == [] for c in others)
    assert run_js(qtbot, shown_map.page, "Sightline.counts().events") == len(frame.ids)
    _show(shown_map, qtbot, None, 4)
    badges = run_js(qtbot, shown_map.page, BADGES)
    assert len(badges) == len(spots) and {b[4] for b in badges} == {"3"}
    assert _overlapping(badges) == []
    # each count stays beside its own dot (within a badge's size of it)
    dots = run_js(
        qtbot,
        shown_map.page,
        "(function(){var r=Sightline.map().getContainer().getBoundingClientRect();"
        "return Object.values(Sightline.stackPoints()).map(function(p){"
        "return [p.x + r.left, p.y + r.top];});})()",
    )
    for left, top, right, bottom, _ in badges:
        cx, cy = (left + right) / 2, (top + bottom) / 2
        assert min(np.hypot(cx - x, cy - y) for x, y in dots) < 40
