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


def test_counts_of_stacks_a_few_pixels_apart_never_overlap(shown_map: MapView, qtbot: Any) -> None:
    # two rows of eight places 5 degrees apart: about 14 px at zoom 2, under a count's
    # width, so each neighbour's count must go elsewhere than up-right
    spots = [(lat, 5.0 * k) for lat in (52.0, 38.0) for k in range(8)]
    frame = _stacks(spots, 3)
    with qtbot.waitSignal(shown_map.drawn, timeout=LOAD_MS):
        shown_map.set_frame(frame)
    with qtbot.waitSignal(shown_map.drawn, timeout=LOAD_MS):
        run_js(
            qtbot, shown_map.page, "(Sightline.map().setView([46, 17], 2, {animate: false}), true)"
        )
    qtbot.waitUntil(lambda: run_js(qtbot, shown_map.page, "Sightline.settled()"), timeout=LOAD_MS)
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
