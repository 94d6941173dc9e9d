"""Cost of the map's heatmap and colour-by per viewport, at N events (numpy only).

Usage::

    python bench/map_layers_bench.py [N]     # default 1,000,000

Prints, for a region view (zoom 3) and a city-scale view (zoom 6), the time of the heat
squares, of the colouring (once per filter change) by a single-valued facet (category)
and a multi-valued one (actors, two an event), and of the bubbles' colour mix.
Run it with ``uptime`` beside it: the figures follow the machine's load.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from desktop_app.frame.event_frame import EventFrame, Links
from desktop_app.frame.map_cells import MapIndex, Viewport
from desktop_app.frame.map_overlays import bubble_mix, colouring, dominant, heat_points


def synthetic(n: int) -> EventFrame:
    rng = np.random.default_rng(0)
    lat, lon = rng.normal(48, 8, n), rng.normal(35, 12, n)
    actors = Links(
        np.repeat(np.arange(n, dtype=np.int64), 2),
        rng.integers(0, 2000, 2 * n).astype(np.int32),
        [f"actor {i}" for i in range(2000)],
    )
    return EventFrame(
        ids=np.arange(n, dtype=np.int64),
        start=np.zeros(n, np.int64),
        end=np.ones(n, np.int64),
        precision=np.zeros(n, np.int8),
        has_end=np.zeros(n, bool),
        lat=lat,
        lon=lon,
        location_id=np.zeros(n, np.int64),
        title=np.array([""] * n, object),
        place=np.array([""] * n, object),
        single={
            "category": (rng.integers(0, 20, n).astype(np.int32), [f"c{i}" for i in range(20)])
        },
        multi={"actor": actors},
    )


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 1_000_000
    frame = synthetic(n)
    index = MapIndex(frame.lat, frame.lon)
    visible = np.ones(n, bool)
    views = {3: Viewport(20, -20, 70, 90, 3), 6: Viewport(44, 30, 52, 42, 6)}
    for zoom, view in views.items():
        found = index.features(visible, view)
        many = found.cells.single_row < 0
        t = time.perf_counter()
        heat = heat_points(index, visible, view)
        heat_ms = (time.perf_counter() - t) * 1000
        for facet in ("category", "actor"):
            t = time.perf_counter()
            colour = colouring(frame, facet, visible)
            colour_ms = (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            lat, lon = found.cells.lat[many], found.cells.lon[many]
            slots = dominant(colour, bubble_mix(colour, index, visible, view, lat, lon))
            mix_ms = (time.perf_counter() - t) * 1000
            print(
                f"{n:,} events, zoom {zoom}: heat {heat_ms:.0f} ms ({len(heat)} squares); "
                f"colouring by {facet} {colour_ms:.0f} ms; bubble mix {mix_ms:.0f} ms "
                f"({len(slots)} bubbles)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
