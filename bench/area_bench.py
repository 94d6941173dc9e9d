"""Selecting by polygon or lasso at scale: frame.area's even-odd test on N events.

    python bench/area_bench.py [--rows N] [--repeat K] [--json]

N event positions (1,000,000 by default) are drawn as real data is: most around a few
hundred places (cities), the rest spread over the land between. Three areas are timed:
a 4-corner box, a 60-corner polygon drawn by clicks, and a 600-corner lasso (the page
adds a corner every 3 pixels of a drag, so a lasso round a region has hundreds), each
over a region holding a fifth to a half of the events, which is the costly case (the
box of the outline is the first cut; only the events inside it are tested edge by edge).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np

from desktop_app.frame.area import clean_outline, points_in_outline


def positions(rows: int, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    towns = np.column_stack([rng.uniform(-10, 60, 400), rng.uniform(10, 60, 400)])
    clustered = rows * 4 // 5
    at = rng.integers(0, len(towns), clustered)
    lon = np.concatenate([towns[at, 0] + rng.normal(0, 0.3, clustered),
                          rng.uniform(-10, 60, rows - clustered)])  # fmt: skip
    lat = np.concatenate([towns[at, 1] + rng.normal(0, 0.3, clustered),
                          rng.uniform(10, 60, rows - clustered)])  # fmt: skip
    lat[::50] = np.nan  # some events have no place
    return lon, lat


def ring(corners: int, wobble: float, seed: int = 3) -> list[tuple[float, float]]:
    """A closed outline round (25 E, 35 N), radius about 20 degrees, a little irregular."""
    rng = np.random.default_rng(seed)
    angles = np.linspace(0, 2 * np.pi, corners, endpoint=False)
    radius = 20 * (1 + wobble * rng.uniform(-1, 1, corners))
    return list(zip(25 + radius * np.cos(angles), 35 + radius * np.sin(angles), strict=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    lon, lat = positions(args.rows)
    areas = {
        "box (4 corners)": [(0.0, 20.0), (40.0, 20.0), (40.0, 50.0), (0.0, 50.0)],
        "polygon (60 corners)": ring(60, 0.2),
        "lasso (600 corners)": ring(600, 0.05),
    }
    figures = {}
    for name, corners in areas.items():
        outline = clean_outline(corners)
        times = []
        inside = 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            inside = int(points_in_outline(lon, lat, outline).sum())
            times.append((time.perf_counter() - started) * 1000)
        figures[name] = {"median_ms": round(statistics.median(times), 1),
                         "max_ms": round(max(times), 1), "inside": inside}  # fmt: skip
    if args.json:
        print(json.dumps({"rows": args.rows, "areas": figures}))
    else:
        print(f"{args.rows:,} events")
        for name, f in figures.items():
            print(f"  {name:22s} median {f['median_ms']:8.1f} ms  max {f['max_ms']:8.1f} ms"
                  f"  ({f['inside']:,} inside)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
