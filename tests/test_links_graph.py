"""The link graph of the sample (Qt-free): its nodes and edges as the seed report has
them, ranking, paths, ego networks, the per-event cap, layouts, labels, GraphML/GEXF."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest

from desktop_app.frame import EventFrame, Links
from desktop_app.graph.analysis import (
    chart_of,
    ego_nodes,
    event_entity_chart,
    path_events,
    ranking,
    shortest_path,
    top_chart,
    top_nodes,
)
from desktop_app.graph.build import build_graph
from desktop_app.graph.export import chart_json, write_graph
from desktop_app.graph.layout import LAYOUTS, layout, place_labels

PLA = "People's Liberation Army (PLA)"
RUSI = "Royal United Services Institute (RUSI)"
FELLOWS = ("Jack Watling", "Oleksandr V. Danylyuk")


@pytest.fixture()
def frame(sample_project: Any) -> EventFrame:
    return EventFrame.load(sample_project)


def _edges(graph: Any) -> dict[frozenset[str], int]:
    return {
        frozenset((graph.names[s], graph.names[t])): int(w)
        for s, t, w in zip(graph.source, graph.target, graph.weight, strict=True)
    }


def _ids(frame: EventFrame, rows: np.ndarray) -> set[int]:
    return {int(i) for i in frame.ids[rows]}


def test_the_sample_actor_graph_is_the_seed_reports(frame: EventFrame) -> None:
    graph = build_graph(frame, None, ["actor"])
    events = dict(zip(graph.names, graph.events.tolist(), strict=True))
    assert events == {
        "Black Moon": 1, "China": 2, "Jack Watling": 3, "Oleksandr V. Danylyuk": 3,
        PLA: 5, RUSI: 1, "Russia": 4,
    }  # fmt: skip
    edges = _edges(graph)
    assert edges[frozenset(("Russia", PLA))] == 3  # the agreement, equipment, training
    assert edges[frozenset(("Russia", "China"))] == 2
    for fellow in FELLOWS:
        assert edges[frozenset((fellow, PLA))] == 2  # the two implications
        assert edges[frozenset((fellow, RUSI))] == 1  # the verification
    assert edges[frozenset(FELLOWS)] == 3
    assert len(edges) == 8
    black_moon = graph.node_of("actor", "Black Moon")
    assert black_moon is not None and graph.degree()[black_moon] == 0  # alone
    russia, pla = graph.node_of("actor", "Russia"), graph.node_of("actor", PLA)
    assert russia is not None and pla is not None
    shared = graph.rows_of_edge(russia, pla)
    titles = [str(frame.title[r]) for r in shared]
    assert len(titles) == 3 and all(t.startswith(("Russia", "Equipment")) for t in titles)


def test_the_graph_follows_the_visible_mask(frame: EventFrame) -> None:
    t = frame.title
    visible = np.array([not str(x).startswith("Implications") for x in t])
    graph = build_graph(frame, visible, ["actor"])
    edges = _edges(graph)
    assert frozenset((FELLOWS[0], PLA)) not in edges  # only the implications joined them
    assert edges[frozenset(("Russia", PLA))] == 3
    assert int(graph.events[graph.node_of("actor", PLA)]) == 3  # type: ignore[index]


def test_places_sources_and_mixed_kinds(frame: EventFrame) -> None:
    places = build_graph(frame, None, ["place"])
    assert dict(zip(places.names, places.events.tolist(), strict=True)) == {
        "Moscow": 3, "Beijing": 1, "Taipei": 1, "Manila": 1, "London": 1,
    }  # fmt: skip
    assert places.n_edges == 0  # an event has one place
    assert all(k.startswith("place:") for k in places.keys)
    mixed = build_graph(frame, None, ["actor", "place"])
    edges = _edges(mixed)
    assert edges[frozenset(("Russia", "Moscow"))] == 3
    assert frozenset(("Black Moon", "Moscow")) not in edges
    assert set(mixed.kinds) == {"actor", "place"}


def test_ranking_path_and_ego(frame: EventFrame) -> None:
    graph = build_graph(frame, None, ["actor"])
    ranks = ranking(graph, 10)
    assert ranks[0].label == PLA and ranks[0].events == 5 and ranks[0].degree == 4
    assert max(ranks, key=lambda r: r.betweenness).label == PLA  # the bridge
    russia = graph.node_of("actor", "Russia")
    watling = graph.node_of("actor", "Jack Watling")
    black_moon = graph.node_of("actor", "Black Moon")
    assert russia is not None and watling is not None and black_moon is not None
    path = shortest_path(graph, russia, watling)
    assert path is not None and [graph.names[i] for i in path] == ["Russia", PLA, "Jack Watling"]
    steps = path_events(graph, path)
    assert [len(s) for s in steps] == [3, 2]
    assert shortest_path(graph, russia, black_moon) is None
    ego = ego_nodes(graph, graph.node_of("actor", RUSI))  # type: ignore[arg-type]
    assert {graph.names[i] for i in ego} == {RUSI, *FELLOWS}
    assert {graph.names[i] for i in top_nodes(graph, 2)} == {PLA, "Russia"}


def test_event_entity_chart(frame: EventFrame) -> None:
    graph = build_graph(frame, None, ["actor"])
    chart = event_entity_chart(graph, frame.title, 100)
    assert chart.kinds.count("event") == 8 and chart.kinds.count("actor") == 7
    assert len(chart.weight) == len(graph.inc_rows)  # one edge per (event, actor)
    for s, t in zip(chart.source, chart.target, strict=True):
        assert chart.kinds[s] == "actor" and chart.kinds[t] == "event"


def _synthetic(links: list[list[int]], n_names: int) -> EventFrame:
    n = len(links)
    frame = EventFrame.empty()
    rows = np.array([r for r, codes in enumerate(links) for _ in codes], np.int64)
    codes = np.array([c for codes in links for c in codes], np.int32)
    z = np.zeros(n, np.int64)
    names = [f"a{i}" for i in range(n_names)]
    return EventFrame(
        np.arange(1, n + 1), z, z + 1, np.zeros(n, np.int8), np.zeros(n, bool),
        np.zeros(n), np.zeros(n), z - 1, np.full(n, "t", object), np.full(n, "", object),
        frame.single, {**frame.multi, "actor": Links(rows, codes, names)},
    )  # fmt: skip


def test_numpy_graph_equals_a_plain_networkx_build() -> None:
    rng = np.random.default_rng(3)
    links = [sorted(set(rng.integers(0, 40, rng.integers(0, 7)).tolist())) for _ in range(500)]
    links[5] = [1, 1, 2]  # one actor in two roles counts once
    frame = _synthetic(links, 40)
    graph = build_graph(frame, None, ["actor"])
    expected: dict[tuple[int, int], int] = {}
    for codes in links:
        for a, b in combinations(sorted(set(codes)), 2):
            expected[(a, b)] = expected.get((a, b), 0) + 1
    got = {
        (int(s), int(t)): int(w)
        for s, t, w in zip(graph.source, graph.target, graph.weight, strict=True)
    }
    assert got == expected
    assert graph.events.tolist() == [sum(i in set(c) for c in links) for i in range(40)]


def test_a_crowded_event_adds_pairs_among_its_most_frequent_entities_only() -> None:
    links = [[0, 1], [0, 2], [0, 1], list(range(10))]
    frame = _synthetic(links, 10)
    graph = build_graph(frame, None, ["actor"], max_per_event=3)
    assert graph.capped_events == 1
    assert graph.events.tolist() == [4, 3, 2, 1, 1, 1, 1, 1, 1, 1]  # counts stay whole
    got = {
        (int(s), int(t)): int(w)
        for s, t, w in zip(graph.source, graph.target, graph.weight, strict=True)
    }
    assert got == {(0, 1): 3, (0, 2): 2, (1, 2): 1}  # the crowded event: 0, 1, 2 only


@pytest.mark.parametrize("kind", LAYOUTS)
def test_layouts_fit_the_unit_square(frame: EventFrame, kind: str) -> None:
    chart = top_chart(build_graph(frame, None, ["actor", "place"]), 50)
    pos = layout(chart, kind)
    assert pos.shape == (len(chart), 2)
    assert np.abs(pos).max() <= 1.0 + 1e-9
    assert len({(round(x, 3), round(y, 3)) for x, y in pos}) == len(chart)  # no two on one spot


def test_labels_never_overlap_and_leave_out_what_has_no_room() -> None:
    centres = np.array([[50.0, 50.0], [60.0, 50.0], [55.0, 58.0], [300.0, 300.0]])
    radii = np.array([4.0, 4.0, 4.0, 4.0])
    sizes = [(80.0, 14.0)] * 4
    rects = place_labels(centres, radii, sizes, [0, 1, 2, 3], (0.0, 0.0, 400.0, 400.0))
    placed = [r for r in rects if r is not None]
    for a, b in combinations(placed, 2):
        assert not (
            a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]
        )
    assert rects[1] is not None and rects[2] is None  # the third, boxed in, is left out
    assert rects[3] is not None and rects[3][0] > 300  # a lone node's label: to its right
    assert rects[0] is not None and rects[0][1] + rects[0][3] <= 46  # not right (node 1): above
    # no room at all inside the bounds: the label is left out rather than overlapping
    tight = place_labels(centres[:2], radii[:2], sizes[:2], [0, 1], (40.0, 40.0, 30.0, 20.0))
    assert tight == [None, None]


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_graphml_and_gexf_round_trip_through_networkx(
    frame: EventFrame, tmp_path: Path, suffix: str
) -> None:
    graph = build_graph(frame, None, ["actor"])
    chart = chart_of(graph, top_nodes(graph, 100))
    path = tmp_path / f"links{suffix}"
    write_graph(chart, graph.keys, path, frame.ids)
    back = nx.read_graphml(path) if suffix == ".graphml" else nx.read_gexf(path)
    data = chart_json(chart, graph.keys, frame.ids)
    assert set(back.nodes) == {n["id"] for n in data["nodes"]}  # type: ignore[attr-defined]
    assert back.nodes["actor:Russia"]["label"] == "Russia"
    assert int(back.nodes["actor:Russia"]["events"]) == 4
    assert int(back.edges["actor:Russia", f"actor:{PLA}"]["weight"]) == 3
    assert back.number_of_edges() == 8
