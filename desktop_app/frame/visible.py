"""Which events the filters let through, computed on the frame (no Qt).

The filters are a time window, search text, facet choices and an area drawn on the
map. :func:`filter_masks` keeps them apart (the window, text and area in one mask, one
mask per chosen facet) because a
facet's own counts must ignore its own choice, so its other values stay pickable;
:func:`visible_mask` is their conjunction. The window's linker and every export use
these two functions, so what is shown and what is written never differ.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from desktop_app.frame.area import area_mask
from desktop_app.frame.event_frame import EventFrame

SearchFn = Callable[[str], np.ndarray]  # search text -> matching event ids


@dataclass(frozen=True)
class FilterMasks:
    """The filters as masks: ``base`` (time window and text) and one per chosen facet."""

    base: np.ndarray
    facets: dict[str, np.ndarray]

    def visible(self) -> np.ndarray:
        """Events every filter lets through."""
        return self.without(None)

    def without(self, skip: str | None) -> np.ndarray:
        """Events every filter but facet ``skip``'s own lets through."""
        mask = self.base.copy()
        for facet, facet_mask in self.facets.items():
            if facet != skip:
                mask &= facet_mask
        return mask


def filter_masks(
    frame: EventFrame,
    t0: int | None,
    t1: int | None,
    text: str,
    facets: dict[str, frozenset[str]],
    search: SearchFn | None = None,
    area: Sequence[Sequence[float]] = (),
) -> FilterMasks:
    """The masks of the time window + text (+ the map area, (lon, lat) corners), and of
    each facet that has a choice."""
    base = frame.time_mask(t0, t1)
    if text.strip() and search is not None:
        base &= frame.ids_mask(search(text))
    if area:
        base &= area_mask(frame, area)
    return FilterMasks(
        base,
        {facet: frame.facet_mask(facet, set(values)) for facet, values in facets.items() if values},
    )


def visible_mask(
    frame: EventFrame,
    t0: int | None,
    t1: int | None,
    text: str,
    facets: dict[str, frozenset[str]],
    search: SearchFn | None = None,
    skip: str | None = None,
    area: Sequence[Sequence[float]] = (),
) -> np.ndarray:
    """Events inside the time window (and the area), matching the text and every facet
    (but ``skip``)."""
    return filter_masks(frame, t0, t1, text, facets, search, area).without(skip)
