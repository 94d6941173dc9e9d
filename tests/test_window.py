"""The real main window: every pane linked through the shared state.

The window is built by ``make_main_window`` (shown offscreen, its project loaded and its
map page ready) and closed after each test. Map interactions go through the real page
and the QWebChannel bridge.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import shiboken6
from helpers import click_event, run_js
from PySide6.QtCore import QItemSelectionModel, QSettings
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401  (before QApplication)

from desktop_app.app.main import build_window
from desktop_app.domain.dates import to_seconds
from desktop_app.ingest.pipeline import import_file
from desktop_app.shell.window import MainWindow
from desktop_app.store.project import Project

WAIT_MS = 30_000


def _id_of(window: MainWindow, place: str) -> int:
    frame = window.workbench.linker.frame
    return int(frame.ids[list(frame.place).index(place)])


def _table_ids(window: MainWindow) -> set[int]:
    model = window.table.model
    return {model.event_id(r) for r in range(model.rowCount())}


# ---------------------------------------------------------------------- linking
def test_sample_opens_with_every_pane_populated(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    frame = window.workbench.linker.frame
    assert len(frame) >= 8
    assert window.table.model.rowCount() == len(frame)
    assert window.filters_view.count_label.text() == f"{len(frame)} of {len(frame)} events"
    assert run_js(qtbot, window.map.page, "Sightline.counts().events") == int(frame.located.sum())
    assert window.timeline.canvas.current_layout() is not None
    assert "No event selected" in window.details.card_text()


def test_brush_on_the_timeline_selects_in_every_pane(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    from datetime import datetime

    window = make_main_window(sample_project)
    frame = window.workbench.linker.frame
    t0, t1 = to_seconds(datetime(2023, 3, 1)), to_seconds(datetime(2023, 4, 1))
    with qtbot.waitSignal(window.map.drawn, timeout=WAIT_MS):
        window.timeline.brush(t0, t1)
    expected = {int(i) for i in frame.ids[(frame.start < t1) & (frame.end > t0)]}
    assert expected and window.workbench.selection.ids == expected  # the 2023 events, year-long
    assert {
        window.table.model.event_id(i.row())
        for i in window.table.table.selectionModel().selectedRows()
    } == expected
    qtbot.waitUntil(
        lambda: (
            set(run_js(qtbot, window.map.page, "Sightline.counts().selectedIds"))
            == {i for i in expected if frame.located[frame.row_of(i)]}
        ),
        timeout=WAIT_MS,
    )
    assert f"{len(expected)} events" in window.details.summary.toPlainText()


def test_click_on_a_map_marker_selects_in_the_other_panes(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    manila = _id_of(window, "Manila")
    with qtbot.waitSignal(window.workbench.selection.changed, timeout=WAIT_MS):
        click_event(qtbot, window.map.page, manila)
    assert (
        window.workbench.selection.ids == {manila} and window.workbench.selection.active == manila
    )
    rows = window.table.table.selectionModel().selectedRows()
    assert [window.table.model.event_id(r.row()) for r in rows] == [manila]
    layout = window.timeline.canvas.current_layout()
    assert {item.event_id for item in layout.items if item.selected} == {manila}
    assert "Manila" in window.details.card_text()


def test_table_selection_shows_in_map_timeline_and_details(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    london = _id_of(window, "London")
    row = window.table.model.display_rows_of([london])[0]
    index = window.table.model.index(int(row), 0)
    with qtbot.waitSignal(window.map.drawn, timeout=WAIT_MS):
        window.table.table.selectionModel().select(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        window.table.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.NoUpdate
        )
    assert window.workbench.selection.ids == {london}
    assert run_js(qtbot, window.map.page, "Sightline.counts().selectedIds") == [london]
    layout = window.timeline.canvas.current_layout()
    assert {item.event_id for item in layout.items if item.selected} == {london}
    assert "RUSI" in window.details.card_text()
    # clearing works the same way, from the window's own action
    with qtbot.waitSignal(window.map.drawn, timeout=WAIT_MS):
        window.workbench.selection.clear(source=window)
    assert window.table.table.selectionModel().selectedRows() == []
    assert run_js(qtbot, window.map.page, "Sightline.counts().selected") == 0


def test_filters_and_search_change_every_pane(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    frame = window.workbench.linker.frame
    total = len(frame)
    with qtbot.waitSignal(window.workbench.linker.counts_shown, timeout=WAIT_MS):
        window.workbench.filters.set_facet("category", frozenset({"strategic implication"}))
    shown = _table_ids(window)
    assert len(shown) == 2 and window.table.model.rowCount() == 2
    assert window.filters_view.count_label.text() == f"2 of {total} events"
    qtbot.waitUntil(
        lambda: run_js(qtbot, window.map.page, "Sightline.counts().events") == 2, timeout=WAIT_MS
    )
    assert window.timeline.canvas.current_layout() is not None
    timeline_ids = {item.event_id for item in window.timeline.canvas.current_layout().items}
    assert timeline_ids == shown
    # facet counts: the chosen facet keeps its siblings; other facets count what is shown
    counts = {
        window.filters_view.facets["precision"].topLevelItem(i).text(0): window.filters_view.facets[
            "precision"
        ]
        .topLevelItem(i)
        .text(1)
        for i in range(window.filters_view.facets["precision"].topLevelItemCount())
    }
    assert counts == {"year": "2"}
    # search goes through the full-text index
    window.workbench.filters.clear()
    with qtbot.waitSignal(window.workbench.linker.refiltered, timeout=WAIT_MS):
        window.workbench.filters.set_text("Black Moon")
    assert {frame.title[frame.row_of(i)] for i in _table_ids(window)} >= {
        t for t in frame.title if "Black Moon" in t
    }
    assert window.table.model.rowCount() < total
    # the time window: only what overlaps 2025
    from datetime import datetime

    with qtbot.waitSignal(window.workbench.linker.refiltered, timeout=WAIT_MS):
        window.workbench.filters.set_time_window(
            to_seconds(datetime(2025, 1, 1)), to_seconds(datetime(2026, 1, 1))
        )
    assert all(
        frame.start[frame.row_of(i)] >= to_seconds(datetime(2025, 1, 1)) for i in _table_ids(window)
    )


def test_events_without_location_are_noted_not_placed(
    make_main_window: Any, qtbot: Any, project: Project, data_dir: Path
) -> None:
    import_file(project, data_dir / "gdelt_v1.tsv")  # one event without any place
    window = make_main_window(project)
    frame = window.workbench.linker.frame
    assert int((~frame.located).sum()) == 1
    assert window.table.model.rowCount() == len(frame)  # the table lists it
    note = run_js(qtbot, window.map.page, "document.body.innerText")
    assert "1 event has no location" in note
    assert run_js(qtbot, window.map.page, "Sightline.counts().events") == len(frame) - 1


def test_no_network_and_event_text_is_inert(
    make_main_window: Any, qtbot: Any, project: Project, data_dir: Path
) -> None:
    import_file(project, data_dir / "script_injection.csv")
    window = make_main_window(project)
    window.workbench.select_visible()  # draws every event highlighted, detail pane lists them
    qtbot.waitUntil(
        lambda: (
            run_js(qtbot, window.map.page, "Sightline.counts().selected")
            == len(window.workbench.linker.frame)
        ),
        timeout=WAIT_MS,
    )
    for event_id in window.workbench.linker.frame.ids:
        window.workbench.selection.set([int(event_id)])
        body = window.details.card.toHtml().split("<body", 1)[1].lower()
        assert "<script" not in body and "<img" not in body
    assert window.details.card.refused_resources == []
    assert run_js(qtbot, window.map.page, "window.__canary || null") is None
    assert window.map.blocked_requests == []


def test_layout_is_remembered(
    make_main_window: Any, qtbot: Any, sample_project: Project, tmp_path: Path
) -> None:
    window = make_main_window(sample_project)
    window.docks["table"].hide()
    window.close()
    settings = QSettings(str(tmp_path / "settings0.ini"), QSettings.Format.IniFormat)
    again = build_window(Project.open(sample_project.path), settings=settings)
    try:
        with qtbot.waitSignal(again.workbench.frame_loaded, timeout=WAIT_MS):
            again.show()
        assert again.docks["table"].isHidden()
        again.reset_layout()
        assert not again.docks["table"].isHidden()
    finally:
        again.close()
        shiboken6.delete(again)


def test_import_runs_on_a_worker_and_reloads_every_pane(
    make_main_window: Any, qtbot: Any, sample_project: Project, data_dir: Path
) -> None:
    window = make_main_window(sample_project)
    before = len(window.workbench.linker.frame)
    with qtbot.waitSignal(
        window.features["importing"].import_finished, timeout=WAIT_MS
    ) as finished:
        window.features["importing"].import_path(data_dir / "acled_sample.csv")
    assert finished.args[0].imported == 7
    qtbot.waitUntil(lambda: len(window.workbench.linker.frame) == before + 7, timeout=WAIT_MS)
    assert window.table.model.rowCount() == before + 7
    assert np.any(window.workbench.linker.frame.place == "Kyiv")


def test_dropping_a_csv_on_the_window_imports_it(
    make_main_window: Any, qtbot: Any, sample_project: Project, data_dir: Path
) -> None:
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    window = make_main_window(sample_project)
    mime = QMimeData()
    mime.setUrls(
        [
            QUrl.fromLocalFile(str(data_dir / "timemap.csv")),
            QUrl.fromLocalFile(str(data_dir / "EXPECTED.json")),
        ]
    )  # not importable
    enter = QDragEnterEvent(
        QPointF(window.rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(window.rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(
        window.features["importing"].import_finished, timeout=WAIT_MS
    ) as finished:
        window.dropEvent(drop)
    assert finished.args[0].preset == "timemap" and finished.args[0].imported == 6
