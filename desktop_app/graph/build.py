"""The link graph of an EventFrame: entities as nodes, shared events as weighted edges.

Built with numpy, no Qt and no networkx on the hot path, so a million events with ten
thousand actors aggregate in well under a second (``bench/links_bench.py``):

1. *Incidence*: every (event row, entity) pair of the chosen kinds among the visible
   events, deduplicated (an actor linked to one event in two roles counts once), sorted
   by row. Entities of every kind share one code space (each kind's codes are offset).
2. *Pairs*: the events are grouped by how many entities they hold (k); each group of
   size k is a (g, k) matrix, and ``triu_indices(k, 1)`` gives all its pairs at once.
3. *Edges*: the pair keys (low * n + high) sorted and counted: the weight is
   the number of events the two entities share.

**Cap**: an event holding more than ``max_per_event`` (default 25) entities adds
pairs among its ``max_per_event`` most frequent entities only (their event counts
decide), since k entities make k(k-1)/2 pairs and one event naming 1,000 actors would
otherwise add half a million edges; its node counts (and the node's events when it is
selected) still include every entity. :attr:`LinkGraph.capped_events` says how many
events were capped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from desktop_app.frame.event_frame import EventFrame

# kind -> (the frame's field, the word an analyst reads)
KINDS: dict[str, str] = {
    "actor": "Actor",
    "place": "Place",
    "source": "Source",
    "category": "Category",
    "country": "Country",
    "tag": "Tag",
}
MAX_PER_EVENT = 25


@dataclass(frozen=True)
class LinkGraph:
    """The whole aggregated graph of the visible events.

    Nodes are codes 0..n-1 (``kinds[i]``, ``names[i]``, ``events[i]`` visible events);
    edges are (``source[j]``, ``target[j]``, ``weight[j]``) with source < target.
    ``inc_rows``/``inc_nodes`` is the incidence (event row, node), sorted by row, kept
    to answer "which events" for a selection of nodes or edges."""

    kinds: np.ndarray  # object (str): the node's kind
    names: list[str]
    keys: list[str]  # stable ids: "actor:Russia", "place:12"
    events: np.ndarray  # int64: visible events of each node
    source: np.ndarray  # int64
    target: np.ndarray  # int64
    weight: np.ndarray  # int64: shared events
    inc_rows: np.ndarray  # int64
    inc_nodes: np.ndarray  # int64
    capped_events: int = 0

    @property
    def n_nodes(self) -> int:
        return len(self.names)

    @property
    def n_edges(self) -> int:
        return len(self.weight)

    def degree(self) -> np.ndarray:
        n = self.n_nodes
        return np.bincount(self.source, minlength=n) + np.bincount(self.target, minlength=n)

    def node_of(self, kind: str, name: str) -> int | None:
        for i, (k, n) in enumerate(zip(self.kinds, self.names, strict=True)):
            if k == kind and n == name:
                return i
        return None

    # ------------------------------------------------------------------ which events
    def rows_of_nodes(self, nodes: Sequence[int] | np.ndarray) -> np.ndarray:
        """Event rows holding any of ``nodes``."""
        hit = np.isin(self.inc_nodes, np.asarray(nodes, np.int64))
        return np.unique(self.inc_rows[hit])

    def rows_of_edge(self, a: int, b: int) -> np.ndarray:
        """Event rows holding both ``a`` and ``b`` (the edge's shared events)."""
        rows_a = self.inc_rows[self.inc_nodes == a]
        rows_b = self.inc_rows[self.inc_nodes == b]
        return np.intersect1d(rows_a, rows_b)

    def nodes_of_rows(self, rows: np.ndarray) -> np.ndarray:
        """The nodes the given event rows hold."""
        hit = np.isin(self.inc_rows, rows)
        return np.unique(self.inc_nodes[hit])

    def edge_keys_of_rows(self, rows: np.ndarray) -> np.ndarray:
        """Keys (low * n + high) of the edges the given event rows make (uncapped)."""
        hit = np.isin(self.inc_rows, rows)
        a, b = event_pairs(self.inc_rows[hit], self.inc_nodes[hit], None)
        return sorted_unique(a * max(self.n_nodes, 1) + b)[0]

    def edge_keys(self) -> np.ndarray:
        return np.asarray(self.source * max(self.n_nodes, 1) + self.target)


def incidence(
    frame: EventFrame, kinds: Sequence[str]
) -> tuple[np.ndarray, np.ndarray, list[str], list[str], list[str]]:
    """(rows, nodes, node kinds, node names, node keys) of every event of the frame,
    over the chosen kinds, codes of later kinds offset past earlier ones."""
    all_rows: list[np.ndarray] = []
    all_nodes: list[np.ndarray] = []
    node_kinds: list[str] = []
    names: list[str] = []
    keys: list[str] = []
    for kind in kinds:
        rows, codes, kind_names, kind_keys = _kind_incidence(frame, kind)
        all_rows.append(rows)
        all_nodes.append(codes.astype(np.int64, copy=False) + len(names))
        node_kinds.extend([kind] * len(kind_names))
        names.extend(kind_names)
        keys.extend(kind_keys)
    if not all_rows:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), [], [], []
    return np.concatenate(all_rows), np.concatenate(all_nodes), node_kinds, names, keys


def _kind_incidence(
    frame: EventFrame, kind: str
) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    if kind in ("actor", "source", "tag"):
        links = frame.multi[kind]
        names = list(links.names)
        return (
            links.rows.astype(np.int64, copy=False),
            links.codes,
            names,
            _unique_keys(kind, names),
        )
    if kind in ("category", "country"):
        codes, names = frame.single[kind]
        rows = np.flatnonzero(codes >= 0)
        return rows, codes[rows], list(names), _unique_keys(kind, list(names))
    if kind == "place":
        rows = np.flatnonzero(frame.location_id >= 0)
        ids, first, codes = np.unique(
            frame.location_id[rows], return_index=True, return_inverse=True
        )
        names = [str(frame.place[rows[i]]) for i in first]
        return rows, codes, names, [f"place:{int(i)}" for i in ids]
    raise ValueError(f"unknown kind {kind!r}")


def _unique_keys(kind: str, names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    keys = []
    for name in names:
        n = seen.get(name, 0)
        seen[name] = n + 1
        keys.append(f"{kind}:{name}" if n == 0 else f"{kind}:{name}#{n + 1}")
    return keys


def build_graph(
    frame: EventFrame,
    visible: np.ndarray | None,
    kinds: Sequence[str] = ("actor",),
    max_per_event: int = MAX_PER_EVENT,
) -> LinkGraph:
    """The link graph of the ``visible`` events (all when None) over ``kinds``."""
    rows, nodes, node_kinds, names, keys = incidence(frame, kinds)
    n = len(names)
    if visible is not None and len(rows):
        keep = visible[rows]
        rows, nodes = rows[keep], nodes[keep]
    # one link per (event, entity), sorted by event
    pair_key, _ = sorted_unique(rows * max(n, 1) + nodes)
    rows = pair_key // max(n, 1)
    nodes = pair_key - rows * max(n, 1)
    events = np.bincount(nodes, minlength=n).astype(np.int64)
    a, b = event_pairs(rows, nodes, events, max_per_event)
    capped = _capped(rows, max_per_event)
    if len(a):
        edge_keys, weight = sorted_unique(a * n + b)
        source = edge_keys // n
        target = edge_keys - source * n
    else:
        source = target = weight = np.zeros(0, np.int64)
    return LinkGraph(
        kinds=np.array(node_kinds, dtype=object),
        names=names,
        keys=keys,
        events=events,
        source=source.astype(np.int64, copy=False),
        target=target.astype(np.int64, copy=False),
        weight=weight.astype(np.int64, copy=False),
        inc_rows=rows.astype(np.int64, copy=False),
        inc_nodes=nodes.astype(np.int64, copy=False),
        capped_events=capped,
    )


def _capped(rows: np.ndarray, max_per_event: int) -> int:
    if not len(rows):
        return 0
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    return int((np.diff(np.r_[starts, len(rows)]) > max_per_event).sum())


def sorted_unique(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(distinct keys, how many times each) by sorting: numpy 2's ``np.unique`` hashes,
    which is several times slower on millions of integer keys."""
    if not len(keys):
        return keys, np.zeros(0, np.int64)
    ordered = np.sort(keys)
    first = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return ordered[first], np.diff(np.r_[first, len(ordered)])


def event_pairs(
    rows: np.ndarray,
    nodes: np.ndarray,
    events: np.ndarray | None,
    max_per_event: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Every (low, high) node pair sharing an event, once per event. ``rows`` sorted;
    with ``max_per_event``, an event keeps its most frequent entities (by ``events``)."""
    if len(rows) < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    sizes = np.diff(np.r_[starts, len(rows)])
    if max_per_event is not None and events is not None and (sizes > max_per_event).any():
        # an event past the cap keeps its most frequent entities (few events: sorted alone)
        big = sizes > max_per_event
        in_big = np.repeat(big, sizes)
        big_nodes = nodes[in_big]
        big_sizes = sizes[big]
        event_of = np.repeat(np.arange(len(big_sizes)), big_sizes)
        order = np.lexsort((-events[big_nodes], event_of))
        rank = np.arange(len(big_nodes)) - np.repeat(np.r_[0, np.cumsum(big_sizes)[:-1]], big_sizes)
        kept = big_nodes[order][rank < max_per_event]
        nodes = np.r_[nodes[~in_big], kept]
        sizes = np.r_[sizes[~big], np.full(int(big.sum()), max_per_event)]
        starts = np.r_[0, np.cumsum(sizes)[:-1]]
    out_a: list[np.ndarray] = []
    out_b: list[np.ndarray] = []
    for k in np.unique(sizes):
        if k < 2:
            continue
        group = starts[sizes == k]
        matrix = nodes[group[:, None] + np.arange(k)[None, :]]  # (g, k)
        i, j = np.triu_indices(int(k), 1)
        a, b = matrix[:, i].ravel(), matrix[:, j].ravel()
        out_a.append(np.minimum(a, b))
        out_b.append(np.maximum(a, b))
    if not out_a:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(out_a), np.concatenate(out_b)
