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
    # place ids are small row ids of the location table: count them and find one event
    # of each by indexing (a sort of a million ids cost ~150 ms on every new frame, and
    # an edit hands the map a new frame); any event of a place gives its name and point,
    # which the frame takes from the place itself
    rows = np.flatnonzero(located)
    places = frame.location_id[rows]
    counts = np.bincount(places)
    first = np.full(len(counts), -1, np.int64)
    first[places] = rows
    used = np.flatnonzero(counts)
    order = used[np.argsort(-counts[used], kind="stable")]  # ties: lower place id first
    out: list[list[object]] = []
    for rank, k in enumerate(order.tolist()):
        row = int(first[k])
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
