"""What the map says beyond its viewport: "N results outside the view" and the playback
trail's bands, from the map's index (no Qt; the map view sends the answers)."""

from __future__ import annotations

from typing import Any

import numpy as np

from desktop_app.frame.map_cells import MapIndex, Viewport, in_box


class OutsideCounts:
    """Selected events, and a filter's results, on the map but outside the view (a
    filter's only: with no filter, most of the world is always outside a close-up).

    Which located events the view holds is kept for the last view, so a filter change
    counts with two passes over booleans; of the selection only its rows are looked at.
    """

    def __init__(self) -> None:
        # per index: how many rows are located; which are in the view's box (the box)
        self._located_count: tuple[MapIndex, int] | None = None
        self._in_view_cache: tuple[MapIndex, tuple[float, float, float, float], np.ndarray] | None
        self._in_view_cache = None

    def count(
        self,
        index: MapIndex,
        view: Viewport | None,
        visible: np.ndarray,
        selected_rows: np.ndarray,
        shown: np.ndarray | None = None,
        n_shown: int | None = None,
    ) -> dict[str, int]:
        """``shown``: the visible located rows (and how many), when the caller has them."""
        located = index.located
        if view is None or not len(located):
            return {"results": 0, "selected": 0}
        box = (view.south, view.west, view.north, view.east)
        if shown is None or n_shown is None:
            shown = visible & located
            n_shown = int(np.count_nonzero(shown))
        cached = self._located_count
        if cached is None or cached[0] is not index:
            cached = self._located_count = (index, int(np.count_nonzero(located)))
        results = 0
        if n_shown < cached[1]:  # a filter hides some located events
            results = n_shown - int(np.count_nonzero(shown & self._in_view(index, box)))
        rows = selected_rows[shown[selected_rows]]
        inside = in_box(index.lat[rows], index.lon[rows], *box)
        return {"results": results, "selected": len(rows) - int(np.count_nonzero(inside))}

    def _in_view(self, index: MapIndex, box: tuple[float, float, float, float]) -> np.ndarray:
        """Which rows of the index lie in the view's box (kept for the last view)."""
        cached = self._in_view_cache
        if cached is None or cached[0] is not index or cached[1] != box:
            cached = self._in_view_cache = (index, box, in_box(index.lat, index.lon, *box))
        return cached[2]


def trail_payload(
    index: MapIndex, view: Viewport, trail: list[tuple[float, np.ndarray]], scale: float
) -> list[dict[str, Any]]:
    """Each trail band as dots and counted bubbles (not clickable: no ids, no titles)."""
    out = []
    for opacity, mask in trail:
        found = index.features(mask, view, bubble_scale=scale)
        cells = found.cells
        lone = cells.single_row >= 0
        lat = np.concatenate([found.points.lat, cells.lat[lone]])
        lon = np.concatenate([found.points.lon, cells.lon[lone]])
        many = ~lone
        out.append(
            {
                "opacity": opacity,
                "points": np.round(np.column_stack([lat, lon]), 5).tolist(),
                "cells": np.round(
                    np.column_stack([cells.lat[many], cells.lon[many], cells.count[many]]), 5
                ).tolist(),
            }
        )
    return out
