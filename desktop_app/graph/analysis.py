"""What an analyst asks of a link graph: the top N, a ranking, a shortest path, an ego
network, an event-entity chart.

:class:`Chart` is the part of a :class:`~desktop_app.graph.build.LinkGraph` a pane
draws: a few hundred nodes at most, so networkx (betweenness, layouts) runs on it
quickly; the whole graph stays in numpy. Shortest paths and ego networks run on the
whole graph through a CSR adjacency (breadth first, fewest hops; among paths of equal
length the one found first).
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import networkx as nx

from desktop_app.graph.build import LinkGraph


@dataclass(frozen=True)
class Chart:
    """Nodes and edges to draw. ``nodes`` index the graph's nodes; an *event node* (an
    event-entity chart) has ``event_rows[i] >= 0`` and kind "event". Edges index
    ``nodes`` (positions in this chart)."""

    nodes: np.ndarray  # int64 graph node, or -1 for an event node
    kinds: list[str]
    labels: list[str]
    events: np.ndarray  # int64 size: events of the node (1 for an event node)
    source: np.ndarray  # int64 positions in nodes
    target: np.ndarray
    weight: np.ndarray
    event_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    def __len__(self) -> int:
        return len(self.nodes)

    def to_networkx(self) -> nx.Graph:
        import networkx as nx  # on first use, not at every start

        g = nx.Graph()
        for i in range(len(self)):
            g.add_node(i, label=self.labels[i], kind=self.kinds[i], events=int(self.events[i]))
        for s, t, w in zip(self.source, self.target, self.weight, strict=True):
            g.add_edge(int(s), int(t), weight=int(w))
        return g


def top_nodes(graph: LinkGraph, n: int) -> np.ndarray:
    """The ``n`` nodes with most events (ties: the name order), having any."""
    order = np.lexsort((np.arange(graph.n_nodes), -graph.events))
    order = order[graph.events[order] > 0]
    return np.asarray(order[:n], np.int64)


def chart_of(graph: LinkGraph, nodes: Sequence[int] | np.ndarray) -> Chart:
    """The given graph nodes and every edge among them."""
    nodes = np.asarray(nodes, np.int64)
    position = np.full(graph.n_nodes + 1, -1, np.int64)
    position[nodes] = np.arange(len(nodes))
    keep = (position[graph.source] >= 0) & (position[graph.target] >= 0)
    return Chart(
        nodes=nodes,
        kinds=[str(graph.kinds[i]) for i in nodes],
        labels=[graph.names[i] for i in nodes],
        events=graph.events[nodes],
        source=position[graph.source[keep]],
        target=position[graph.target[keep]],
        weight=graph.weight[keep],
        event_rows=np.full(len(nodes), -1, np.int64),
    )


def top_chart(graph: LinkGraph, n: int) -> Chart:
    return chart_of(graph, top_nodes(graph, n))


def event_entity_chart(graph: LinkGraph, titles: np.ndarray, n: int) -> Chart:
    """Events and entities as two kinds of node, an edge per (event, entity): the top
    ``n`` entities, and up to ``n`` of the events joining most of them (ties: earliest)."""
    entities = top_nodes(graph, n)
    hit = np.isin(graph.inc_nodes, entities)
    rows, inc_nodes = graph.inc_rows[hit], graph.inc_nodes[hit]
    uniq, counts = np.unique(rows, return_counts=True)
    order = np.lexsort((uniq, -counts))
    chosen = np.sort(uniq[order[:n]])
    keep = np.isin(rows, chosen)
    rows, inc_nodes = rows[keep], inc_nodes[keep]
    entity_pos = np.full(graph.n_nodes + 1, -1, np.int64)
    entity_pos[entities] = np.arange(len(entities))
    event_pos = len(entities) + np.searchsorted(chosen, rows)
    return Chart(
        nodes=np.r_[entities, np.full(len(chosen), -1, np.int64)],
        kinds=[str(graph.kinds[i]) for i in entities] + ["event"] * len(chosen),
        labels=[graph.names[i] for i in entities] + [str(titles[r]) for r in chosen],
        events=np.r_[graph.events[entities], np.ones(len(chosen), np.int64)],
        source=entity_pos[inc_nodes],
        target=event_pos.astype(np.int64),
        weight=np.ones(len(rows), np.int64),
        event_rows=np.r_[np.full(len(entities), -1, np.int64), chosen],
    )


# ---------------------------------------------------------------------- ranking
@dataclass(frozen=True)
class Rank:
    node: int  # graph node
    label: str
    kind: str
    events: int
    degree: int
    betweenness: float


def ranking(graph: LinkGraph, n: int = 50) -> list[Rank]:
    """The top ``n`` nodes by events, with their degree in the whole graph and their
    betweenness centrality within the top-``n`` subgraph (networkx, normalised,
    unweighted: the whole graph's would take minutes at 10,000 actors)."""
    import networkx as nx  # on first use, not at every start

    chart = top_chart(graph, n)
    between = nx.betweenness_centrality(chart.to_networkx()) if len(chart) else {}
    degree = graph.degree()
    return [
        Rank(
            int(node),
            chart.labels[i],
            chart.kinds[i],
            int(chart.events[i]),
            int(degree[node]),
            float(between.get(i, 0.0)),
        )
        for i, node in enumerate(chart.nodes)
    ]


# ---------------------------------------------------------------------- paths
def adjacency(graph: LinkGraph) -> tuple[np.ndarray, np.ndarray]:
    """CSR (offsets, neighbours) of the whole graph, both directions."""
    n = graph.n_nodes
    a = np.r_[graph.source, graph.target]
    b = np.r_[graph.target, graph.source]
    order = np.argsort(a, kind="stable")
    offsets = np.r_[0, np.cumsum(np.bincount(a, minlength=n))]
    return offsets.astype(np.int64), b[order].astype(np.int64)


def shortest_path(graph: LinkGraph, start: int, goal: int) -> list[int] | None:
    """The nodes of a shortest path (fewest links) from ``start`` to ``goal``, or None."""
    if start == goal:
        return [start]
    offsets, neighbours = adjacency(graph)
    previous = np.full(graph.n_nodes, -1, np.int64)
    previous[start] = start
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for other in neighbours[offsets[node] : offsets[node + 1]]:
            if previous[other] >= 0:
                continue
            previous[other] = node
            if other == goal:
                path = [goal]
                while path[-1] != start:
                    path.append(int(previous[path[-1]]))
                return path[::-1]
            queue.append(int(other))
    return None


def path_events(graph: LinkGraph, path: Sequence[int]) -> list[np.ndarray]:
    """For each step of a path, the event rows its two ends share."""
    return [graph.rows_of_edge(a, b) for a, b in itertools.pairwise(path)]


def ego_nodes(graph: LinkGraph, node: int, radius: int = 1, limit: int = 200) -> np.ndarray:
    """``node`` and its neighbours up to ``radius`` links away; beyond ``limit``, the
    neighbours with most events."""
    offsets, neighbours = adjacency(graph)
    reached = {node}
    frontier = [node]
    for _ in range(radius):
        nxt: set[int] = set()
        for v in frontier:
            nxt.update(int(u) for u in neighbours[offsets[v] : offsets[v + 1]])
        nxt -= reached
        reached |= nxt
        frontier = list(nxt)
    others = np.array(sorted(reached - {node}), np.int64)
    if len(others) > limit - 1:
        others = others[np.argsort(-graph.events[others], kind="stable")[: limit - 1]]
    return np.asarray(np.r_[np.int64(node), others], np.int64)
