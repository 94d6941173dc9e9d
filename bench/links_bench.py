"""How long the link graph takes: 1M events with 10,000 actors, against a naive
pure-networkx build (a loop adding each event's pairs) on 100,000 events.

    .venv/bin/python bench/links_bench.py [--events 1000000] [--actors 10000] [--json]

The frame is synthetic (built in memory, no database): each event names 1-4 actors
drawn with a Zipf-like skew (a few actors are in many events, as in ACLED), one of
2,000 places and 1-2 of 500 sources; 0.1% of events name 40 actors (the cap's case).
Figures: the numpy build of the actor graph, the actors+places+sources graph, the top
100 chart with its ranking (betweenness), a force-directed layout of it, and the pane's
whole work on its worker for a new time window (graph, top 60, ranking, layout).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from itertools import combinations
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_app.frame.event_frame import EventFrame, Links
from desktop_app.graph.analysis import ranking, top_chart
from desktop_app.graph.build import build_graph
from desktop_app.graph.layout import layout
from desktop_app.views.links.view import compute_chart


def synthetic_frame(n_events: int, n_actors: int, seed: int = 0) -> EventFrame:
    rng = np.random.default_rng(seed)
    per_event = rng.integers(1, 5, n_events)
    big = rng.random(n_events) < 0.001
    per_event[big] = 40
    rows = np.repeat(np.arange(n_events, dtype=np.int64), per_event)
    weights = 1.0 / np.arange(1, n_actors + 1) ** 0.8
    codes = rng.choice(n_actors, size=len(rows), p=weights / weights.sum()).astype(np.int32)
    source_per = rng.integers(1, 3, n_events)
    source_rows = np.repeat(np.arange(n_events, dtype=np.int64), source_per)
    source_codes = rng.integers(0, 500, len(source_rows)).astype(np.int32)
    z = np.zeros(n_events, np.int64)
    places = rng.integers(0, 2000, n_events).astype(np.int64)
    return EventFrame(
        ids=np.arange(1, n_events + 1, dtype=np.int64),
        start=np.arange(n_events, dtype=np.int64) * 60,
        end=np.arange(n_events, dtype=np.int64) * 60 + 86400,
        precision=np.full(n_events, 3, np.int8),
        has_end=np.zeros(n_events, bool),
        lat=np.zeros(n_events),
        lon=np.zeros(n_events),
        location_id=places,
        title=np.full(n_events, "event", object),
        place=np.array([f"place {i}" for i in range(2000)], object)[places],
        single={
            "category": (np.zeros(n_events, np.int32), ["Battles"]),
            "country": (np.zeros(n_events, np.int32), ["X"]),
        },
        multi={
            "actor": Links(rows, codes, [f"actor {i}" for i in range(n_actors)]),
            "source": Links(source_rows, source_codes, [f"source {i}" for i in range(500)]),
            "tag": Links(z[:0], np.zeros(0, np.int32), []),
        },
    )


def naive_networkx(frame: EventFrame, n_events: int) -> nx.Graph:
    """The baseline: one Python loop over the events, adding each pair to networkx."""
    links = frame.multi["actor"]
    keep = links.rows < n_events
    by_event: dict[int, set[int]] = {}
    for row, code in zip(links.rows[keep].tolist(), links.codes[keep].tolist(), strict=True):
        by_event.setdefault(row, set()).add(code)
    g = nx.Graph()
    for actors in by_event.values():
        for a, b in combinations(sorted(actors), 2):
            if g.has_edge(a, b):
                g[a][b]["weight"] += 1
            else:
                g.add_edge(a, b, weight=1)
    return g


def timed(fn, repeat: int = 3):  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--actors", type=int, default=10_000)
    parser.add_argument("--baseline-events", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    frame = synthetic_frame(args.events, args.actors)
    visible = np.ones(len(frame), bool)
    half = frame.time_mask(None, int(frame.start[len(frame) // 2]))
    figures: dict[str, float | int] = {"events": len(frame), "actors": args.actors,
                                       "actor_links": len(frame.multi["actor"].rows)}  # fmt: skip
    t, graph = timed(lambda: build_graph(frame, visible, ["actor"]))
    figures |= {"actor_graph_s": t, "nodes": graph.n_nodes, "edges": graph.n_edges,
                "capped_events": graph.capped_events}  # fmt: skip
    figures["actor_graph_half_window_s"], _ = timed(lambda: build_graph(frame, half, ["actor"]))
    figures["mixed_graph_s"], mixed = timed(
        lambda: build_graph(frame, visible, ["actor", "place", "source"])
    )
    figures["mixed_edges"] = mixed.n_edges
    figures["top100_chart_and_ranking_s"], _ = timed(lambda: ranking(graph, 100))
    figures["pane_whole_work_top60_s"], _ = timed(
        lambda: compute_chart(1, frame, half, "actors", 60, "force", None, None)
    )
    chart = top_chart(graph, 100)
    figures["force_layout_top100_s"], _ = timed(lambda: layout(chart, "force"), 1)
    small = args.baseline_events
    small_visible = np.zeros(len(frame), bool)
    small_visible[:small] = True
    figures["numpy_build_baseline_events_s"], numpy_small = timed(
        lambda: build_graph(frame, small_visible, ["actor"], max_per_event=10_000)
    )
    figures["naive_networkx_baseline_events_s"], naive = timed(
        lambda: naive_networkx(frame, small), 1
    )
    # the same graph both ways (uncapped)
    assert naive.number_of_edges() == numpy_small.n_edges, (naive.number_of_edges(),
                                                            numpy_small.n_edges)  # fmt: skip
    figures["baseline_events"] = small
    if args.json:
        print(json.dumps(figures))
        return 0
    print(f"{len(frame):,} events, {args.actors:,} actors, {figures['actor_links']:,} links")
    print(f"  actor graph (numpy)          {figures['actor_graph_s']:.3f} s  "
          f"{graph.n_nodes:,} nodes, {graph.n_edges:,} edges, "
          f"{graph.capped_events:,} events capped")  # fmt: skip
    print(f"  actor graph, half the time   {figures['actor_graph_half_window_s']:.3f} s")
    print(f"  actors+places+sources        {figures['mixed_graph_s']:.3f} s  "
          f"{mixed.n_edges:,} edges")  # fmt: skip
    print(f"  top 100 + ranking            {figures['top100_chart_and_ranking_s']:.3f} s")
    print(f"  force layout of the top 100  {figures['force_layout_top100_s']:.3f} s")
    print(f"  the pane's whole work        {figures['pane_whole_work_top60_s']:.3f} s  "
          "(half the window: graph, top 60, ranking, force layout)")  # fmt: skip
    print(f"{small:,} events: numpy {figures['numpy_build_baseline_events_s']:.3f} s, "
          f"naive networkx {figures['naive_networkx_baseline_events_s']:.3f} s "
          f"(same {naive.number_of_edges():,} edges)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
