"""Which events the filters let through, computed on the frame (no Qt)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from desktop_app.frame.event_frame import EventFrame

SearchFn = Callable[[str], np.ndarray]  # search text -> matching event ids


def visible_mask(frame: EventFrame, t0: int | None, t1: int | None, text: str,
                 facets: dict[str, frozenset[str]], search: SearchFn | None = None,
                 skip: str | None = None) -> np.ndarray:
    """Events inside the time window, matching the text and every facet.

    ``skip`` leaves one facet out: a facet's own counts are computed with the other
    filters only, so choosing one value does not hide its siblings.
    """
    mask = frame.time_mask(t0, t1)
    for facet, values in facets.items():
        if facet != skip and values:
            mask &= frame.facet_mask(facet, set(values))
    if text.strip() and search is not None:
        mask &= frame.ids_mask(search(text))
    return mask
