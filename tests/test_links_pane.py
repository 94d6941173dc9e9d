"""The Links pane in the real window: selection flows both ways between the chart and
the other panes, filters change the chart, merging actors (and undoing it) changes the
nodes, the kind chooser, the shortest path, the pane among the PNG exports."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QPoint, Qt

from desktop_app.store.project import Project

WAIT_MS = 30_000
PLA = "People's Liberation Army (PLA)"
FELLOWS = ("Jack Watling", "Oleksandr V. Danylyuk")


def _ids_of(window: Any, *prefixes: str) -> set[int]:
    frame = window.workbench.linker.frame
    return {int(i) for i, t in zip(frame.ids, frame.title, strict=True) if t.startswith(prefixes)}


def _actor_ids(window: Any, name: str) -> set[int]:
    frame = window.workbench.linker.frame
    links = frame.multi["actor"]
    code = links.names.index(name)
    return {int(frame.ids[r]) for r in links.rows[links.codes == code]}


def _shown(qtbot: Any, window: Any) -> Any:
    """The links feature, its pane raised and its chart of the current frame drawn."""
    links = window.features["links"]
    links.show()
    qtbot.waitUntil(
        lambda: links.view.chart is not None and not window.workbench.tasks.running("links"),
        timeout=WAIT_MS,
    )
    qtbot.waitUntil(lambda: links.view.canvas.width() > 100, timeout=WAIT_MS)
    return links


def _centre(view: Any, label: str) -> QPoint:
    i = view.chart.labels.index(label)
    x, y = view.canvas.screen_positions()[i]
    return QPoint(round(x), round(y))


def test_clicking_nodes_and_edges_selects_their_events_in_every_pane(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    # a first start keeps the table the tab shown; Links is the tab beside it
    assert window.docks["links"] in window.tabifiedDockWidgets(window.docks["table"])
    assert not window.docks["table"].visibleRegion().isEmpty()
    assert window.docks["links"].visibleRegion().isEmpty()
    links = _shown(qtbot, window)
    view = links.view
    assert sorted(view.chart.labels) == sorted(
        ["Black Moon", "China", *FELLOWS, PLA, "Royal United Services Institute (RUSI)", "Russia"]
    )
    with qtbot.waitSignal(window.workbench.selection.changed, timeout=WAIT_MS):
        qtbot.mouseClick(view.canvas, Qt.MouseButton.LeftButton, pos=_centre(view, PLA))
    pla_events = _actor_ids(window, PLA)
    assert len(pla_events) == 5 and window.workbench.selection.ids == pla_events
    table = window.table
    qtbot.waitUntil(lambda: len(table.selected_rows()) == 5, timeout=WAIT_MS)
    assert set(table.model.ids_at(table.selected_rows()).tolist()) == pla_events
    layout = window.timeline.canvas.current_layout()
    assert {item.event_id for item in layout.items if item.selected} == pla_events
    # Ctrl adds Black Moon's event to the picked set
    with qtbot.waitSignal(window.workbench.selection.changed, timeout=WAIT_MS):
        qtbot.mouseClick(
            view.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
            _centre(view, "Black Moon"),
        )  # fmt: skip
    assert window.workbench.selection.ids == pla_events | _actor_ids(window, "Black Moon")
    # an edge selects the events its two ends share
    edge = next(
        j for j, (s, t) in enumerate(zip(view.chart.source, view.chart.target, strict=True))
        if {view.chart.labels[s], view.chart.labels[t]} == {"Russia", PLA}
    )  # fmt: skip
    view.pick(edge=edge)
    assert window.workbench.selection.ids == _actor_ids(window, "Russia") & pla_events
    assert len(window.workbench.selection.ids) == 3
    assert view.canvas.edge_highlight[edge]
    # a click on the background clears the selection
    with qtbot.waitSignal(window.workbench.selection.changed, timeout=WAIT_MS):
        qtbot.mouseClick(view.canvas, Qt.MouseButton.LeftButton, pos=QPoint(3, 3))
    assert not window.workbench.selection.ids


def test_a_selection_made_elsewhere_lights_up_its_nodes_and_edges(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    view = _shown(qtbot, window).view
    implications = _ids_of(window, "Implications")
    assert len(implications) == 2
    table = window.table
    rows = [r for r in range(table.model.rowCount()) if table.model.event_id(r) in implications]
    table.table.selectRow(rows[0])  # the analyst clicks a row of the table
    qtbot.waitUntil(lambda: view.canvas.node_highlight.any(), timeout=WAIT_MS)
    lit = {view.chart.labels[i] for i in np.flatnonzero(view.canvas.node_highlight)}
    assert lit == {PLA, *FELLOWS}
    lit_edges = {
        frozenset(
            (view.chart.labels[view.chart.source[j]], view.chart.labels[view.chart.target[j]])
        )
        for j in np.flatnonzero(view.canvas.edge_highlight)
    }
    assert lit_edges == {frozenset(FELLOWS), *(frozenset((f, PLA)) for f in FELLOWS)}
    window.workbench.selection.clear(source=window)
    assert not view.canvas.node_highlight.any() and not view.canvas.edge_highlight.any()


def test_filters_and_the_kind_chooser_change_the_chart(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    links = _shown(qtbot, window)
    view = links.view
    with qtbot.waitSignal(view.chart_shown, timeout=WAIT_MS):
        window.workbench.filters.set_facet("category", frozenset({"strategic implication"}))
    assert sorted(view.chart.labels) == sorted([PLA, *FELLOWS])
    assert len(view.chart.weight) == 3 and set(view.chart.weight.tolist()) == {2}
    with qtbot.waitSignal(view.chart_shown, timeout=WAIT_MS):
        window.workbench.filters.clear()
    assert len(view.chart) == 7
    with qtbot.waitSignal(view.chart_shown, timeout=WAIT_MS):
        view.set_choice("places")
    assert set(view.chart.kinds) == {"place"} and "Moscow" in view.chart.labels
    with qtbot.waitSignal(view.chart_shown, timeout=WAIT_MS):
        view.set_choice("events")
    assert view.chart.kinds.count("event") == 8
    black_moon_leak = _ids_of(window, "Black Moon leaks")
    event_node = next(
        i for i, row in enumerate(view.chart.event_rows)
        if row >= 0 and int(window.workbench.linker.frame.ids[row]) in black_moon_leak
    )  # fmt: skip
    view.pick(node=event_node)
    assert window.workbench.selection.ids == black_moon_leak
    with qtbot.waitSignal(view.chart_shown, timeout=WAIT_MS):
        view.top_n.setValue(2)
    assert view.chart.kinds.count("actor") == 2


def test_merging_actors_merges_their_nodes_and_undo_splits_them(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    links = _shown(qtbot, window)
    view = links.view
    undo = window.workbench.actions.action("edit.undo")
    redo = window.workbench.actions.action("edit.redo")
    assert links.merge("Russia", "China")
    qtbot.waitUntil(lambda: "China" not in view.chart.labels, timeout=WAIT_MS)
    assert "Russia" in view.chart.labels and len(view.chart) == 6
    assert undo.isEnabled() and "Merge actor" in undo.text()
    undo.trigger()
    qtbot.waitUntil(lambda: "China" in view.chart.labels, timeout=WAIT_MS)
    china = view.chart.labels.index("China")
    assert int(view.chart.events[china]) == 2
    redo.trigger()
    qtbot.waitUntil(lambda: "China" not in view.chart.labels, timeout=WAIT_MS)
    undo.trigger()
    qtbot.waitUntil(lambda: "China" in view.chart.labels, timeout=WAIT_MS)
    # rename, undoably; a name taken by another actor is refused and changes nothing
    assert links.rename(PLA, "PLA Airborne")
    qtbot.waitUntil(lambda: "PLA Airborne" in view.chart.labels, timeout=WAIT_MS)
    steps = window.workbench.undo_stack.count()
    assert not links.rename("PLA Airborne", "Russia")
    assert "merge the two" in links.last_message
    assert window.workbench.undo_stack.count() == steps
    undo.trigger()
    qtbot.waitUntil(lambda: PLA in view.chart.labels, timeout=WAIT_MS)


def test_shortest_path_ego_network_and_exports(
    make_main_window: Any, qtbot: Any, sample_project: Project, tmp_path: Any
) -> None:
    window = make_main_window(sample_project)
    links = _shown(qtbot, window)
    view = links.view
    with qtbot.waitSignal(view.chart_shown, timeout=WAIT_MS):
        ids = links.path("Russia", "Jack Watling")
    expected = (_actor_ids(window, "Russia") & _actor_ids(window, PLA)) | _ids_of(
        window, "Implications"
    )
    assert ids is not None and set(ids) == expected == window.workbench.selection.ids
    assert view.chart.labels == ["Russia", PLA, "Jack Watling"]
    assert links.path("Russia", "Black Moon") is None
    assert "No chain" in links.last_message
    with qtbot.waitSignal(view.chart_shown, timeout=WAIT_MS):
        view.show_all()
    assert view.pick_key("actor:Royal United Services Institute (RUSI)")
    with qtbot.waitSignal(view.chart_shown, timeout=WAIT_MS):
        links.ego()
    assert sorted(view.chart.labels) == sorted(["Royal United Services Institute (RUSI)", *FELLOWS])
    assert links.export_graph(tmp_path / "ego.graphml") == "graphml"
    assert (tmp_path / "ego.graphml").read_text(encoding="utf-8").count("<node ") == 3
    exports = window.features["exporting"]
    assert exports.panes()["Links"] is view


def test_names_are_shown_as_text_never_as_markup(
    make_main_window: Any, qtbot: Any, sample_project: Project, tmp_path: Any
) -> None:
    window = make_main_window(sample_project)
    links = _shown(qtbot, window)
    view = links.view
    hostile = "<b>Bold</b><img src='/etc/passwd'>"
    assert links.rename("Black Moon", hostile)
    qtbot.waitUntil(lambda: hostile in view.chart.labels, timeout=WAIT_MS)
    texts = [
        view.rank_table.topLevelItem(i).text(0) for i in range(view.rank_table.topLevelItemCount())
    ]
    assert hostile in texts  # item text is plain: shown as typed
    assert view.status.textFormat() == Qt.TextFormat.PlainText
    svg = tmp_path / "chart.svg"
    assert links.export_graph(svg) == "svg"
    text = svg.read_text(encoding="utf-8")
    assert "&lt;b&gt;Bold&lt;/b&gt;" in text and "<b>" not in text and "<img" not in text
    assert text.count("<circle ") == len(view.chart)


def test_changes_made_while_a_chart_is_computed_are_computed_once_from_the_latest(
    qtbot: Any, sample_project: Project
) -> None:
    from desktop_app.frame import EventFrame
    from desktop_app.state.models import SelectionModel
    from desktop_app.views.links import LinksView

    frame = EventFrame.load(sample_project)
    view = LinksView(SelectionModel())
    qtbot.addWidget(view)
    view.show()  # a hidden pane computes nothing (the next test)
    waiting: list[tuple[Any, tuple[Any, ...], Any]] = []
    view.runner = lambda fn, args, done: waiting.append((fn, args, done))  # held, not run
    view.set_frame(frame)
    view.set_visible(np.ones(len(frame), bool))
    assert len(waiting) == 1
    implications = np.array([str(t).startswith("Implications") for t in frame.title])
    view.set_visible(~implications)  # three changes while the first computation runs
    view.top_n.setValue(3)
    view.set_visible(implications)
    assert len(waiting) == 1
    fn, args, done = waiting.pop()
    done(fn(*args))  # the first ends: its stale chart is not drawn, the latest is asked for
    assert view.chart is None and len(waiting) == 1
    fn, args, done = waiting.pop()
    done(fn(*args))
    assert view.chart is not None and not waiting
    assert sorted(view.chart.labels) == sorted([PLA, *FELLOWS])


def test_a_hidden_links_pane_computes_nothing_until_shown_or_exported(
    qtbot: Any, sample_project: Project
) -> None:
    """Behind its tab the chart is not computed on every filter (seconds of a core at a
    million events that every brush and edit waited on); showing it, or exporting the
    chart, computes the one of the current filters."""
    from desktop_app.frame import EventFrame
    from desktop_app.state.models import SelectionModel
    from desktop_app.views.links import LinksView

    frame = EventFrame.load(sample_project)
    view = LinksView(SelectionModel())
    qtbot.addWidget(view)
    ran: list[tuple[Any, ...]] = []
    view.runner = lambda fn, args, done: (ran.append(args), done(fn(*args)))
    view.set_frame(frame)
    implications = np.array([str(t).startswith("Implications") for t in frame.title])
    view.set_visible(~implications)
    view.set_visible(implications)
    assert ran == [] and view.chart is None  # hidden: nothing computed
    view.show()
    qtbot.waitUntil(lambda: view.chart is not None, timeout=WAIT_MS)
    assert len(ran) == 1 and ran[0][2] is view.visible  # once, with the latest filter
    view.hide()
    view.set_visible(np.ones(len(frame), bool))
    assert len(ran) == 1
    before = view.chart
    view.bring_up_to_date()  # what an export of the chart asks for: now, on this thread
    assert view.chart is not before and len(view.chart) > len(before)  # every event's
    kept = view.chart
    view.bring_up_to_date()  # nothing pending: the chart stays
    assert view.chart is kept
