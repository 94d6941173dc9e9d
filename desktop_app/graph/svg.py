"""A drawn chart as SVG: for a report, a slide, or a page of one's own.

The same picture as the pane (node size by events, colour by kind, edge width by
weight, greedy labels that never overlap), without Qt. Every label goes through
``xml.sax.saxutils.escape``: names are data, never markup.
"""

from __future__ import annotations

import math
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

from desktop_app.frame.event_frame import EventFrame
from desktop_app.graph.analysis import Chart, chart_of, top_nodes
from desktop_app.graph.build import build_graph
from desktop_app.graph.layout import layout, place_labels

COLOURS = {
    "actor": "#d95f02",
    "place": "#1b9e77",
    "source": "#7570b3",
    "category": "#e7298a",
    "country": "#66a61e",
    "tag": "#a6761d",
    "event": "#666666",
}
FONT_PX = 12
CHAR_PX = 6.6  # the average advance of a sans-serif character at FONT_PX
MAX_LABEL = 32


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def chart_svg(
    chart: Chart, positions: np.ndarray, width: int = 1200, height: int = 800, margin: int = 28
) -> str:
    """The chart at ``positions`` (in [-1, 1]) drawn in a ``width`` by ``height`` SVG."""
    n = len(chart)
    centres = np.c_[
        margin + (positions[:, 0] + 1) / 2 * (width - 2 * margin),
        margin + (positions[:, 1] + 1) / 2 * (height - 2 * margin),
    ] if n else np.zeros((0, 2))  # fmt: skip
    biggest = max(int(chart.events.max()), 1) if n else 1
    scale = max(min(1.0, 24 / math.sqrt(max(n, 1))), 0.5)
    radii = (3 + 15 * np.sqrt(chart.events / biggest)) * scale if n else np.zeros(0)
    top = max(int(chart.weight.max()), 1) if len(chart.weight) else 1
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="{FONT_PX}">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    for j in np.argsort(chart.weight, kind="stable"):
        (x1, y1), (x2, y2) = centres[chart.source[j]], centres[chart.target[j]]
        w = 0.6 + 4.0 * math.sqrt(chart.weight[j] / top)
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="#787878" stroke-opacity="0.45" stroke-width="{w:.2f}"/>'
        )
    for i in np.argsort(chart.events, kind="stable"):
        x, y = centres[i]
        colour = COLOURS.get(chart.kinds[i], "#999999")
        title = escape(f"{chart.labels[i]} ({chart.kinds[i]}, {int(chart.events[i]):,} events)")
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radii[i]:.1f}" fill="{colour}" '
            f'stroke="#333333" stroke-width="0.8"><title>{title}</title></circle>'
        )
    sizes = [(len(_short(t)) * CHAR_PX + 4, FONT_PX + 4.0) for t in chart.labels]
    order = [int(i) for i in np.argsort(-chart.events, kind="stable")[:150]]
    rects = place_labels(centres, radii, sizes, order, (0.0, 0.0, float(width), float(height)))
    for i, rect in enumerate(rects):
        if rect is not None:
            x, y, w, h = rect
            out.append(
                f'<text x="{x + 2:.1f}" y="{y + h - 4:.1f}" fill="#222222">'
                f"{escape(_short(chart.labels[i]))}</text>"
            )
    out.append("</svg>")
    return "\n".join(out) + "\n"


def actors_svg(
    frame: EventFrame, visible: np.ndarray | None, top_n: int = 40, **size: int
) -> str | None:
    """The actors' chart of these events (the ``top_n`` with most events, force layout)
    as SVG, for an exported page; None when no two actors share an event."""
    graph = build_graph(frame, visible, ("actor",))
    chart = chart_of(graph, top_nodes(graph, top_n))
    if len(chart) == 0 or len(chart.weight) == 0:
        return None
    return chart_svg(chart, layout(chart, "force"), **size)


def write_svg(chart: Chart, positions: np.ndarray, path: Path, **size: int) -> None:
    path.write_text(chart_svg(chart, positions, **size), encoding="utf-8")


__all__ = ["actors_svg", "chart_svg", "write_svg"]
