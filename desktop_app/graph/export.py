"""A chart out of the program: the ``sightline links --json`` object, GraphML and GEXF
(for Gephi), both written by networkx.

Node ids are the graph's stable keys ("actor:Russia", "place:12"); labels are the
names as stored (plain text: they are data, never markup).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

from desktop_app.graph.analysis import Chart


def node_ids(chart: Chart, keys: list[str]) -> list[str]:
    return [
        keys[int(node)] if node >= 0 else f"event:{int(row)}"
        for node, row in zip(chart.nodes, chart.event_rows, strict=True)
    ]


def chart_json(chart: Chart, keys: list[str], event_ids: Any = None) -> dict[str, object]:
    """``{"nodes": [{"id", "label", "kind", "events"}], "edges": [{"source", "target",
    "weight"}]}``; an event node's id names its event id (``event_ids[row]``)."""
    ids = node_ids(chart, keys)
    if event_ids is not None:
        ids = [
            f"event:{int(event_ids[int(row)])}" if node < 0 else ids[i]
            for i, (node, row) in enumerate(zip(chart.nodes, chart.event_rows, strict=True))
        ]
    return {
        "nodes": [
            {
                "id": ids[i],
                "label": chart.labels[i],
                "kind": chart.kinds[i],
                "events": int(chart.events[i]),
            }
            for i in range(len(chart))
        ],
        "edges": [
            {"source": ids[int(s)], "target": ids[int(t)], "weight": int(w)}
            for s, t, w in zip(chart.source, chart.target, chart.weight, strict=True)
        ],
    }


def to_networkx(chart: Chart, keys: list[str], event_ids: Any = None) -> nx.Graph:
    import networkx as nx  # on first use, not at every start

    data = chart_json(chart, keys, event_ids)
    g = nx.Graph()
    for node in data["nodes"]:  # type: ignore[attr-defined]
        g.add_node(node["id"], label=node["label"], kind=node["kind"], events=node["events"])
    for edge in data["edges"]:  # type: ignore[attr-defined]
        g.add_edge(edge["source"], edge["target"], weight=edge["weight"])
    return g


def write_graph(chart: Chart, keys: list[str], path: Path, event_ids: Any = None) -> str:
    """Write GraphML (.graphml) or GEXF (.gexf), chosen by the suffix; returns the kind."""
    import networkx as nx  # on first use, not at every start

    g = to_networkx(chart, keys, event_ids)
    suffix = path.suffix.lower()
    if suffix == ".graphml":
        nx.write_graphml(g, str(path))
        return "graphml"
    if suffix == ".gexf":
        nx.write_gexf(g, str(path))
        return "gexf"
    raise ValueError(f"cannot tell the graph format of {path.name}: use .graphml or .gexf")
