"""Link charts: who shares events with whom (actors, places, sources, categories).

No Qt here (import-linter): numpy builds the graph of a frame's visible events
(:mod:`build`), networkx ranks and lays out the few hundred nodes a pane draws
(:mod:`analysis`, :mod:`layout`), :mod:`export` writes JSON, GraphML and GEXF.
"""

from desktop_app.graph.analysis import Chart, event_entity_chart, ranking, top_chart
from desktop_app.graph.build import KINDS, LinkGraph, build_graph

__all__ = [
    "KINDS",
    "Chart",
    "LinkGraph",
    "build_graph",
    "event_entity_chart",
    "ranking",
    "top_chart",
]
