"""The project's own places as map labels: the places its events happen at, by how many
events each has, so a village no gazetteer knows is named on the map like a city.

They go to the page once per frame (a few thousand at most) and are placed there with
the gazetteer's labels, before them: the project's names win a contested spot, a
gazetteer label repeating one of them is left out, and none covers a marker.
"""

from __future__ import annotations

import numpy as np

from desktop_app.frame.event_frame import EventFrame

MAX_PLACES = 2000
# the busiest places are named from the world view, the rest as the analyst zooms in
FIRST_ZOOM = ((30, 3), (300, 5), (1000, 7))
LAST_ZOOM = 9


def place_labels(frame: EventFrame) -> list[list[object]]:
    """[name, lat, lon, "place", first zoom, events] for the busiest named places."""
    if len(frame) == 0:
        return []
    located = frame.located & (frame.location_id >= 0)
    if not located.any():
        return []
    rows = np.flatnonzero(located)
    _ids, first, counts = np.unique(frame.location_id[rows], return_index=True, return_counts=True)
    order = np.argsort(-counts, kind="stable")
    out: list[list[object]] = []
    for rank, k in enumerate(order.tolist()):
        row = int(rows[first[k]])
        name = str(frame.place[row] or "").strip()
        if not name:
            continue
        zoom = next((z for limit, z in FIRST_ZOOM if len(out) < limit), LAST_ZOOM)
        out.append(
            [
                name,
                round(float(frame.lat[row]), 5),
                round(float(frame.lon[row]), 5),
                "place",
                zoom,
                int(counts[k]),
            ]
        )
        if len(out) >= MAX_PLACES or rank > 20 * MAX_PLACES:
            break
    return out
