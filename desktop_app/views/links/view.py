"""LinksView: the link chart pane, linked to the shared selection and the filters.

A View of the linker (``set_frame``/``set_visible``): every new frame or visible mask
builds the graph of the visible events again (:mod:`desktop_app.graph`), picks the top N
nodes (or an ego network, or a path), ranks them and lays them out, all on a worker
(``runner``: the workbench's task runner when installed by the links feature, so the
window never freezes; stale results are dropped by generation). Clicking nodes or edges
selects their events (source=self); a selection made anywhere highlights the nodes and
edges its events make.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.frame.event_frame import EventFrame
from desktop_app.graph.analysis import (
    Chart,
    Rank,
    chart_of,
    ego_nodes,
    event_entity_chart,
    path_events,
    ranking,
    shortest_path,
    top_nodes,
)
from desktop_app.graph.build import LinkGraph, build_graph, event_pairs
from desktop_app.graph.layout import layout
from desktop_app.state.models import SelectionModel
from desktop_app.views import plain_text
from desktop_app.views.links.canvas import ChartCanvas

# the kind chooser: id -> (its words, the entity kinds, an event-entity chart)
CHOICES: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "actors": ("Actors", ("actor",), False),
    "places": ("Places", ("place",), False),
    "sources": ("Sources", ("source",), False),
    "categories": ("Categories", ("category",), False),
    "mixed": ("Actors, places and sources", ("actor", "place", "source"), False),
    "events": ("Events and actors", ("actor",), True),
}
LAYOUT_NAMES = {"force": "Force-directed", "circular": "Circular", "grouped": "Grouped by kind"}
DEFAULT_TOP_N = 60
log = logging.getLogger("sightline.links")
Runner = Callable[[Callable[..., Any], tuple[Any, ...], Callable[[Any], None]], None]


def run_here(fn: Callable[..., Any], args: tuple[Any, ...], done: Callable[[Any], None]) -> None:
    """The runner of a pane not installed in a window: on the calling thread."""
    done(fn(*args))


@dataclass(frozen=True)
class ChartResult:
    generation: int
    graph: LinkGraph
    chart: Chart
    positions: np.ndarray
    ranks: list[Rank]


def compute_chart(
    generation: int,
    frame: EventFrame,
    visible: np.ndarray | None,
    choice: str,
    top_n: int,
    layout_kind: str,
    focus: tuple[str, tuple[str, ...]] | None,
    graph: LinkGraph | None,
) -> ChartResult:
    """On the worker: the graph (unless given), the chart to draw, its layout, ranking."""
    _words, kinds, event_chart = CHOICES[choice]
    if graph is None:
        graph = build_graph(frame, visible, kinds)
    index = {key: i for i, key in enumerate(graph.keys)}
    if focus is not None and all(k in index for k in focus[1]):
        nodes = [index[k] for k in focus[1]]
        if focus[0] == "ego":
            chart = chart_of(graph, ego_nodes(graph, nodes[0], limit=max(top_n, 2)))
        else:
            chart = chart_of(graph, nodes)
    elif event_chart:
        chart = event_entity_chart(graph, frame.title, top_n)
    else:
        chart = chart_of(graph, top_nodes(graph, top_n))
    return ChartResult(
        generation, graph, chart, layout(chart, layout_kind), ranking(graph, min(top_n, 100))
    )


def _compute_or_error(*args: Any) -> ChartResult | Exception:
    """:func:`compute_chart`, its failure returned (logged with its traceback) so the
    pane always learns that the computation ended."""
    try:
        return compute_chart(*args)
    except Exception as exc:  # a bug: the pane says so, the log has the traceback
        log.error("the link chart could not be computed", exc_info=exc)
        return exc


class LinksView(QWidget):
    """The link chart, its controls and its ranking.

    Signals:
        chart_shown(): a new chart is drawn (after a frame, a filter or a control change).
    """

    chart_shown = Signal()

    def __init__(self, selection: SelectionModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.runner: Runner = run_here
        self.frame = EventFrame.empty()
        self._highlight_pending = False  # the selection changed while the pane was hidden
        self.visible: np.ndarray | None = None
        self.graph: LinkGraph | None = None
        self.chart: Chart | None = None
        self.ranks: list[Rank] = []
        self.focus: tuple[str, tuple[str, ...]] | None = None
        self._generation = 0
        self._busy = False  # a computation is running
        self._stale = False  # and the state changed since it started
        self._refresh_pending = False  # the state changed while the pane was hidden
        self._picked_nodes: set[int] = set()  # chart positions picked here
        self._picked_edges: set[int] = set()
        self._build_widgets()
        selection.changed.connect(self._selection_changed)

    def _build_widgets(self) -> None:
        self.kind = QComboBox()
        self.kind.setAccessibleName("Link chart of")
        for choice, (words, _k, _e) in CHOICES.items():
            self.kind.addItem(words, choice)
        self.top_n = QSpinBox()
        self.top_n.setRange(2, 500)
        self.top_n.setValue(DEFAULT_TOP_N)
        self.top_n.setPrefix("Top ")
        self.top_n.setToolTip("How many nodes to draw: those with most events")
        self.layout_kind = QComboBox()
        self.layout_kind.setAccessibleName("Link chart layout")
        for name, words in LAYOUT_NAMES.items():
            self.layout_kind.addItem(words, name)
        self.whole = QPushButton("Whole chart")
        self.whole.setToolTip("Leave the ego network or path and show the top nodes again")
        self.whole.setEnabled(False)
        self.status = plain_text.label()
        bar = QHBoxLayout()
        for widget in (self.kind, self.top_n, self.layout_kind, self.whole):
            bar.addWidget(widget)
        bar.addWidget(self.status, 1)
        self.canvas = ChartCanvas()
        self.canvas.clicked.connect(self._clicked)
        self.rank_table = QTreeWidget()
        self.rank_table.setAccessibleName("Ranking of the chart's nodes")
        self.rank_table.setRootIsDecorated(False)
        # short numeric headers, so the names keep the width (each says itself in full)
        self.rank_table.setHeaderLabels(["Name", "Events", "Degree", "Betw."])
        heads = self.rank_table.headerItem()
        heads.setToolTip(1, "Events of the node among the visible events")
        heads.setToolTip(2, "Degree: the nodes it shares events with, in the whole graph")
        heads.setToolTip(3, "Betweenness centrality within the chart's top N")
        self.rank_table.setSortingEnabled(True)
        self.rank_table.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.rank_table.itemClicked.connect(self._rank_clicked)
        self.rank_table.setMinimumSize(60, 40)  # the dock must not make the window taller
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.canvas)
        split.addWidget(self.rank_table)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        split.setSizes([680, 320])
        header = self.rank_table.header()
        header.setStretchLastSection(False)
        for col in (1, 2, 3):  # narrow numbers (a sort arrow may cover a header's end)
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, 54)
        column = QVBoxLayout(self)
        column.setContentsMargins(2, 2, 2, 2)
        column.addLayout(bar)
        column.addWidget(split, 1)
        self.kind.currentIndexChanged.connect(lambda _i: self._control_changed())
        self.top_n.valueChanged.connect(lambda _v: self._control_changed(keep_graph=True))
        self.layout_kind.currentIndexChanged.connect(
            lambda _i: self._control_changed(keep_graph=True)
        )
        self.whole.clicked.connect(self.show_all)

    # ------------------------------------------------------------------ the linker's View
    def set_frame(self, frame: EventFrame) -> None:
        self.frame = frame
        self.visible = None
        self.graph = None

    def set_visible(self, mask: np.ndarray) -> None:
        self.visible = mask
        self.graph = None
        self.refresh()

    # ------------------------------------------------------------------ controls
    @property
    def choice(self) -> str:
        return str(self.kind.currentData())

    def set_choice(self, choice: str) -> None:
        self.kind.setCurrentIndex(self.kind.findData(choice))

    def _control_changed(self, keep_graph: bool = False) -> None:
        if not keep_graph:
            self.graph = None
            self.focus = None
        self.refresh()

    def show_all(self) -> None:
        self.focus = None
        self.refresh()

    def show_ego(self, key: str) -> None:
        """The node of that key and its neighbours."""
        self.focus = ("ego", (key,))
        self.refresh()

    def show_path(self, start: str, goal: str) -> list[int] | None:
        """Draw a shortest path between two nodes (by key) and select the events along
        it; the event ids, or None when the two are not connected."""
        graph = self.graph
        if graph is None or start not in graph.keys or goal not in graph.keys:
            return None
        path = shortest_path(graph, graph.keys.index(start), graph.keys.index(goal))
        if path is None:
            return None
        rows = np.unique(np.concatenate([np.zeros(0, np.int64), *path_events(graph, path)]))
        self.focus = ("path", tuple(graph.keys[i] for i in path))
        self.refresh()
        ids = [int(i) for i in self.frame.ids[rows]]
        self.selection.set(ids, source=self)
        return ids

    def refresh(self) -> None:
        """Compute the chart again (on the runner); the old one stays until then. One
        computation at a time: changes made meanwhile (a brush dragged over a million
        events) are computed once, when it ends, from the latest state."""
        self._generation += 1
        self.whole.setEnabled(self.focus is not None)
        if not self.isVisible():
            # a hidden tab computes nothing: at a million events a chart is seconds of a
            # core that every filter, brush and edit would wait on; it is drawn when shown
            self._refresh_pending = True
            return
        self._refresh_pending = False
        if self._busy:
            self._stale = True
            return
        self._start()

    def _start(self) -> None:
        self._busy, self._stale = True, False
        self.runner(_compute_or_error, self._arguments(), self._computed)

    def _arguments(self) -> tuple[Any, ...]:
        return (
            self._generation,
            self.frame,
            self.visible,
            self.choice,
            self.top_n.value(),
            str(self.layout_kind.currentData()),
            self.focus,
            self.graph,
        )

    def _computed(self, result: object) -> None:
        self._busy = False
        if self._stale or (
            isinstance(result, ChartResult) and result.generation != self._generation
        ):
            self._start()  # the filters or the controls changed meanwhile
            return
        if not isinstance(result, ChartResult):
            self.status.setText(f"The link chart could not be drawn: {result}")
            return
        self.graph, self.chart, self.ranks = result.graph, result.chart, result.ranks
        self._picked_nodes.clear()
        self._picked_edges.clear()
        graph, chart = result.graph, result.chart
        capped = f" · {graph.capped_events:,} crowded events capped" if graph.capped_events else ""
        events = chart.kinds.count("event")
        if events:
            entities = len(chart) - events
            self.status.setText(
                f"{entities:,} of {graph.n_nodes:,} entities and {events:,} of their events · "
                f"{len(chart.weight):,} links"
            )
        else:
            self.status.setText(
                f"{len(chart):,} of {graph.n_nodes:,} nodes · {len(chart.weight):,} of "
                f"{graph.n_edges:,} links{capped}"
            )
        self.canvas.show_chart(chart, result.positions, "No links among the visible events")
        self._fill_ranking()
        self._highlight()
        self.chart_shown.emit()

    def _fill_ranking(self) -> None:
        table = self.rank_table
        table.setSortingEnabled(False)
        table.clear()
        for rank in self.ranks:
            item = _RankItem([rank.label, f"{rank.events:,}", f"{rank.degree:,}",
                              f"{rank.betweenness:.3f}"])  # fmt: skip
            item.setData(0, Qt.ItemDataRole.UserRole, rank.node)
            item.setToolTip(0, plain_text.tooltip(f"{rank.label} ({rank.kind})"))
            for col, value in enumerate((rank.events, rank.degree, rank.betweenness), 1):
                item.setData(col, Qt.ItemDataRole.UserRole, value)
            table.addTopLevelItem(item)
        table.setSortingEnabled(True)
        table.sortByColumn(1, Qt.SortOrder.DescendingOrder)

    # ------------------------------------------------------------------ selection
    def picked_keys(self) -> list[str]:
        """The keys of the nodes picked in the chart (for merge, rename, ego, path)."""
        chart, graph = self.chart, self.graph
        if chart is None or graph is None:
            return []
        return [graph.keys[int(chart.nodes[i])] for i in sorted(self._picked_nodes)
                if chart.nodes[i] >= 0]  # fmt: skip

    def pick(self, node: int = -1, edge: int = -1, add: bool = False) -> None:
        """Select the events of a chart node or edge (positions in the chart); ``add``
        keeps what was picked before; nothing picked clears the selection."""
        if not add:
            self._picked_nodes.clear()
            self._picked_edges.clear()
        if node >= 0:
            self._picked_nodes ^= {node}
        elif edge >= 0:
            self._picked_edges ^= {edge}
        rows = self._picked_rows()
        self.selection.set((int(i) for i in self.frame.ids[rows]), source=self)
        self._highlight()

    def pick_key(self, key: str, add: bool = False) -> bool:
        chart, graph = self.chart, self.graph
        if chart is None or graph is None or key not in graph.keys:
            return False
        hit = np.flatnonzero(chart.nodes == graph.keys.index(key))
        if not len(hit):
            return False
        self.pick(node=int(hit[0]), add=add)
        return True

    def _picked_rows(self) -> np.ndarray:
        chart, graph = self.chart, self.graph
        if chart is None or graph is None:
            return np.zeros(0, np.int64)
        parts = [np.zeros(0, np.int64)]
        for i in self._picked_nodes:
            node = int(chart.nodes[i])
            parts.append(graph.rows_of_nodes([node]) if node >= 0 else chart.event_rows[i : i + 1])
        for j in self._picked_edges:
            a, b = int(chart.source[j]), int(chart.target[j])
            na, nb = int(chart.nodes[a]), int(chart.nodes[b])
            if na >= 0 and nb >= 0:
                parts.append(graph.rows_of_edge(na, nb))
            else:
                parts.append(chart.event_rows[[b if nb < 0 else a]])
        rows = np.unique(np.concatenate(parts))
        if self.visible is not None and len(rows):
            rows = rows[self.visible[rows]]
        return rows

    def _clicked(self, node: int, edge: int, add: bool) -> None:
        self.pick(node, edge, add)

    def _rank_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        graph = self.graph
        if graph is not None:
            self.pick_key(graph.keys[int(item.data(0, Qt.ItemDataRole.UserRole))])

    def _selection_changed(self, source: object) -> None:
        if source is not self:
            self._picked_nodes.clear()
            self._picked_edges.clear()
        if not self.isVisible():  # a hidden tab: lit when shown (0.1-0.3 s at a million)
            self._highlight_pending = True
            return
        self._highlight()

    def bring_up_to_date(self) -> None:
        """Compute a chart left pending while the pane was hidden, now, on this thread
        (an export of the chart asks for the one of the current filters)."""
        if self._refresh_pending and not self._busy:
            self._refresh_pending = False
            self._busy = True
            run_here(_compute_or_error, self._arguments(), self._computed)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._refresh_pending:
            self.refresh()
        if self._highlight_pending:
            self._highlight()

    def _highlight(self) -> None:
        """Light up the nodes and edges the selected events make."""
        self._highlight_pending = False
        chart, graph = self.chart, self.graph
        if chart is None or graph is None:
            return
        rows = self.frame.rows_of(self.selection.ids) if self.selection.ids else np.zeros(0)
        nodes_lit = np.zeros(len(chart), bool)
        edges_lit = np.zeros(len(chart.weight), bool)
        if len(rows):
            # the selected rows as a mask of the frame: a look-up per link instead of
            # np.isin against every selected row (~0.1 s after select all at 1M)
            selected = np.zeros(len(self.frame), bool)
            selected[rows.astype(np.int64)] = True
            entity = chart.nodes >= 0
            in_chart = np.isin(graph.inc_nodes, chart.nodes[entity]) & _lit(
                selected, graph.inc_rows
            )
            lit_nodes = np.unique(graph.inc_nodes[in_chart])
            nodes_lit[entity] = np.isin(chart.nodes[entity], lit_nodes)
            nodes_lit |= _lit(selected, chart.event_rows) & ~entity
            sub_rows, sub_nodes = graph.inc_rows[in_chart], graph.inc_nodes[in_chart]
            a, b = event_pairs(sub_rows, sub_nodes, None)
            keys = set((a * max(graph.n_nodes, 1) + b).tolist())
            for j, (s, t) in enumerate(zip(chart.source, chart.target, strict=True)):
                ns, nt = int(chart.nodes[s]), int(chart.nodes[t])
                if ns >= 0 and nt >= 0:
                    lo, hi = min(ns, nt), max(ns, nt)
                    edges_lit[j] = lo * max(graph.n_nodes, 1) + hi in keys
                else:
                    edges_lit[j] = bool(nodes_lit[s] and nodes_lit[t])
        for i in self._picked_nodes:
            nodes_lit[i] = True
        for j in self._picked_edges:
            edges_lit[j] = True
        self.canvas.set_highlight(nodes_lit, edges_lit)


class _RankItem(QTreeWidgetItem):
    """Sorts its number columns by value, not by their text."""

    def __lt__(self, other: QTreeWidgetItem) -> bool:
        column = self.treeWidget().sortColumn() if self.treeWidget() else 0
        if column == 0:
            return self.text(0).lower() < other.text(0).lower()
        role = Qt.ItemDataRole.UserRole
        return float(self.data(column, role)) < float(other.data(column, role))


def _lit(selected: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` (frame rows; -1 or beyond the frame: none) are selected."""
    rows = np.asarray(rows, np.int64)
    ok = (rows >= 0) & (rows < len(selected))
    out = np.zeros(len(rows), bool)
    out[ok] = selected[rows[ok]]
    return out
