"""The timeline's density bars: counts per bar of the events in view (and of the
selected ones) when too many are in view to draw one by one. No Qt here.

The counts of a range are kept until the index, the range or the number of bars change,
so a new selection (a brush) recounts only the selected events."""

from __future__ import annotations

import numpy as np

from desktop_app.frame.event_frame import EventFrame
from desktop_app.frame.timeline_data import TimelineIndex
from desktop_app.views.timeline.layout import DenseLayout

BAR_PIXELS = 3  # width of a density bar


class DensityBars:
    """Counts for the canvas's dense layouts; ``forget_selection`` when the selected or
    visible rows change."""

    def __init__(self) -> None:
        self._counts: tuple[tuple[object, int, int, int], np.ndarray] | None = None
        self._selected_index: TimelineIndex | None = None

    def forget_selection(self) -> None:
        self._selected_index = None

    def layout(
        self,
        index: TimelineIndex,
        frame: EventFrame,
        visible: np.ndarray,
        selected: np.ndarray,
        t0: int,
        t1: int,
        width: float,
        in_view: int,
    ) -> DenseLayout:
        bins = max(int(width // BAR_PIXELS), 1)
        key = (index, t0, t1, bins)
        cached = self._counts
        if cached is None or cached[0] != key:
            cached = self._counts = (key, index.histogram(t0, t1, bins))
        chosen = None
        if selected.any():
            if self._selected_index is None:  # all visible selected: the same index
                shown = selected & visible
                same = int(np.count_nonzero(shown)) == len(index)
                self._selected_index = (
                    index if same else TimelineIndex(frame.start, frame.end, shown)
                )
            chosen = self._selected_index.histogram(t0, t1, bins)
        return DenseLayout(cached[1], chosen, width / bins, in_view)
