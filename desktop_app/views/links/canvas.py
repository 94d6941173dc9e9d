"""The drawing of a link chart: edges, nodes sized by events and coloured by kind,
labels placed so none covers another, and which node or edge is under the mouse.

Labels are drawn with ``QPainter.drawText`` (always plain text: event text and names
are data, never markup); tooltips go through :func:`plain_text.tooltip`.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QHelpEvent, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from desktop_app.graph.analysis import Chart
from desktop_app.graph.layout import Rect, place_labels
from desktop_app.views import plain_text

KIND_COLOURS = {
    "actor": "#d95f02",
    "place": "#1b9e77",
    "source": "#7570b3",
    "category": "#e7298a",
    "country": "#66a61e",
    "tag": "#a6761d",
    "event": "#666666",
}
MARGIN = 28.0
MAX_LABELS = 150  # the most important nodes compete for a label; the rest have tooltips
HIGHLIGHT = QColor("#1f78b4")


class ChartCanvas(QWidget):
    """Signals:
    clicked(int node, int edge, bool add): a node (or -1) or an edge (or -1) was
        clicked; ``add`` with Ctrl or Shift held (both -1: the empty background).
    """

    clicked = Signal(int, int, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(60, 40)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.chart: Chart | None = None
        self.positions = np.zeros((0, 2))
        self.node_highlight = np.zeros(0, bool)
        self.edge_highlight = np.zeros(0, bool)
        self.message = ""
        self._labels: list[Rect | None] | None = None
        self._labels_for: tuple[int, int, int] | None = None

    def show_chart(self, chart: Chart | None, positions: np.ndarray, message: str = "") -> None:
        self.chart, self.positions, self.message = chart, positions, message
        n = len(chart) if chart is not None else 0
        self.node_highlight = np.zeros(n, bool)
        self.edge_highlight = np.zeros(len(chart.weight) if chart is not None else 0, bool)
        self._labels = None
        self.update()

    def set_highlight(self, nodes: np.ndarray, edges: np.ndarray) -> None:
        self.node_highlight, self.edge_highlight = nodes, edges
        self.update()

    # ------------------------------------------------------------------ geometry
    def screen_positions(self) -> np.ndarray:
        """Node centres in widget pixels."""
        w = max(self.width() - 2 * MARGIN, 1.0)
        h = max(self.height() - 2 * MARGIN, 1.0)
        if not len(self.positions):
            return np.zeros((0, 2))
        x = MARGIN + (self.positions[:, 0] + 1) / 2 * w
        y = MARGIN + (self.positions[:, 1] + 1) / 2 * h
        return np.asarray(np.c_[x, y])

    def radii(self) -> np.ndarray:
        chart = self.chart
        if chart is None or not len(chart):
            return np.zeros(0)
        biggest = max(int(chart.events.max()), 1)
        scale = min(1.0, 24 / math.sqrt(len(chart)))
        return np.asarray((3 + 15 * np.sqrt(chart.events / biggest)) * max(scale, 0.5))

    def node_at(self, x: float, y: float) -> int:
        centres, radii = self.screen_positions(), self.radii()
        if not len(centres):
            return -1
        d = np.hypot(centres[:, 0] - x, centres[:, 1] - y) - radii
        best = int(np.argmin(d))
        return best if d[best] <= 2 else -1

    def edge_at(self, x: float, y: float) -> int:
        chart = self.chart
        if chart is None or not len(chart.weight):
            return -1
        p = self.screen_positions()
        a, b = p[chart.source], p[chart.target]
        ab = b - a
        length2 = np.maximum((ab**2).sum(axis=1), 1e-9)
        t = np.clip(((np.array([x, y]) - a) * ab).sum(axis=1) / length2, 0, 1)
        nearest = a + ab * t[:, None]
        d = np.hypot(nearest[:, 0] - x, nearest[:, 1] - y)
        best = int(np.argmin(d))
        return best if d[best] <= 4 else -1

    def label_rects(self) -> list[Rect | None]:
        """Where each label goes (None: no room), cached per size and chart."""
        chart = self.chart
        key = (id(chart), self.width(), self.height())
        if self._labels is not None and self._labels_for == key:
            return self._labels
        if chart is None:
            return []
        metrics = QFontMetricsF(self.font())
        sizes = [
            (metrics.horizontalAdvance(_short(text)) + 4, metrics.height()) for text in chart.labels
        ]
        order = [int(i) for i in np.argsort(-chart.events, kind="stable")[:MAX_LABELS]]
        bounds = (0.0, 0.0, float(self.width()), float(self.height()))
        self._labels = place_labels(self.screen_positions(), self.radii(), sizes, order, bounds)
        self._labels_for = key
        return self._labels

    # ------------------------------------------------------------------ painting
    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        chart = self.chart
        if chart is None or not len(chart):
            painter.setPen(self.palette().text().color())
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, self.message or "No links to show"
            )
            return
        p = self.screen_positions()
        top = max(int(chart.weight.max()) if len(chart.weight) else 1, 1)
        for j in np.argsort(chart.weight, kind="stable"):
            lit = bool(self.edge_highlight[j]) if len(self.edge_highlight) else False
            width = 0.6 + 4.0 * math.sqrt(chart.weight[j] / top)
            colour = QColor(HIGHLIGHT) if lit else QColor(120, 120, 120, 110)
            painter.setPen(QPen(colour, width + (1.5 if lit else 0)))
            s, t = p[chart.source[j]], p[chart.target[j]]
            painter.drawLine(QPointF(s[0], s[1]), QPointF(t[0], t[1]))
        radii = self.radii()
        for i in np.argsort(chart.events, kind="stable"):
            lit = bool(self.node_highlight[i]) if len(self.node_highlight) else False
            colour = QColor(KIND_COLOURS.get(chart.kinds[i], "#999999"))
            painter.setBrush(colour)
            painter.setPen(QPen(HIGHLIGHT, 3) if lit else QPen(colour.darker(140), 1))
            r = float(radii[i])
            painter.drawEllipse(QPointF(p[i][0], p[i][1]), r, r)
        painter.setPen(self.palette().text().color())
        for i, rect in enumerate(self.label_rects()):
            if rect is not None:
                painter.drawText(
                    QRectF(*rect), Qt.AlignmentFlag.AlignCenter, _short(chart.labels[i])
                )

    # ------------------------------------------------------------------ mouse
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        x, y = event.position().x(), event.position().y()
        add = bool(
            event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
        )
        node = self.node_at(x, y)
        self.clicked.emit(node, self.edge_at(x, y) if node < 0 else -1, add)

    def event(self, event: object) -> bool:
        if isinstance(event, QHelpEvent) and self.chart is not None:
            x, y = event.pos().x(), event.pos().y()
            node, chart = self.node_at(x, y), self.chart
            if node >= 0:
                text = f"{chart.labels[node]}\n{chart.kinds[node]} · {chart.events[node]:,} events"
            else:
                edge = self.edge_at(x, y)
                text = (
                    f"{chart.labels[chart.source[edge]]} — {chart.labels[chart.target[edge]]}\n"
                    f"{chart.weight[edge]:,} shared events"
                    if edge >= 0
                    else ""
                )
            if text:
                QToolTip.showText(event.globalPos(), plain_text.tooltip(text), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)  # type: ignore[arg-type]


def _short(text: str, limit: int = 32) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
