"""Data safety through the main window: an edit or undo that must wait, or is refused, says
so and leaves the undo stack right; the window follows an import made by another process
and waits for one to land. The processes and helpers are test_data_safety's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

# QtWebEngine must be imported before the QApplication exists (the main window's map)
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401
from test_data_safety import (
    LockHolder,
    _sightline,
)

# ---------------------------------------------------------------- the window
WAIT = 30_000


def _first_event(window: Any) -> int:
    return int(window.workbench.linker.frame.ids[0])


def _select(window: Any, event_id: int) -> None:
    window.workbench.selection.set([event_id], active=event_id, source=None)


def test_an_edit_waits_for_the_text_index_then_lands(
    make_main_window: Any, qtbot: Any, sample_project: Any
) -> None:
    """Finding 3: an edit while another thread writes (the text index, an import) waits
    its turn instead of failing with "database is locked"."""
    import threading

    from desktop_app.store import editing as store

    window = make_main_window(sample_project)
    qtbot.waitUntil(lambda: not window.workbench.tasks.tasks, timeout=WAIT)
    editing = window.features["editing"]
    event_id = _first_event(window)
    _select(window, event_id)
    holding, release = threading.Event(), threading.Event()

    def index_build() -> None:  # what refresh_index does, one long chunk
        with sample_project.writing("building the text index", changes_data=False):
            holding.set()
            release.wait(30)

    writer = threading.Thread(target=index_build)
    writer.start()
    assert holding.wait(30)
    timer = threading.Timer(0.3, release.set)
    timer.start()
    with qtbot.waitSignal(editing.reloaded, timeout=WAIT):
        editing.actions["delete_event"].trigger()
    writer.join(30)
    timer.join(30)
    assert editing.undo_stack.count() == 1 and editing.last_message == ""
    assert (
        window.statusBar()
        .currentMessage()
        .startswith("Waiting for building the text index to finish")
    )
    assert window.workbench.linker.frame.row_of(event_id) is None
    with pytest.raises(store.EditError):
        store.read_event(sample_project, event_id)


def test_a_refused_edit_or_undo_says_so_and_leaves_the_undo_stack_right(
    make_main_window: Any, qtbot: Any, sample_project: Any
) -> None:
    """Finding 3: a write that cannot be made (another process imports for longer than
    an edit waits) shows a clear message, leaves no undo entry, and Undo never raises."""
    from desktop_app.store import editing as store

    window = make_main_window(sample_project)
    qtbot.waitUntil(lambda: not window.workbench.tasks.tasks, timeout=WAIT)
    editing = window.features["editing"]
    sample_project.edit_wait = 0.3
    event_id = _first_event(window)
    _select(window, event_id)
    title = store.read_event(sample_project, event_id).title

    holder = LockHolder(sample_project.path, "the import of other.csv")
    try:
        editing.actions["delete_event"].trigger()
        assert editing.undo_stack.count() == 0
        assert "busy with the import of other.csv" in editing.last_message
        assert editing.message_box is not None and editing.message_box.isVisible()
        assert "busy with the import of other.csv" in editing.message_box.text()
        editing.message_box.close()
        assert store.read_event(sample_project, event_id).title == title
        assert window.workbench.linker.frame.row_of(event_id) is not None
    finally:
        holder.release()

    with qtbot.waitSignal(editing.reloaded, timeout=WAIT):
        editing.actions["delete_event"].trigger()  # free again: it lands
    assert editing.undo_stack.count() == 1 and editing.undo_stack.canUndo()

    holder = LockHolder(sample_project.path, "the import of third.csv")
    try:
        editing.actions["undo"].trigger()  # refused: the stack does not move
        assert "busy with the import of third.csv" in editing.last_message
        assert editing.undo_stack.index() == 1 and editing.undo_stack.canUndo()
        assert window.workbench.linker.frame.row_of(event_id) is None
        editing.undo_stack.undo()  # straight on the stack: no exception, the step is dropped
        assert "removed from the undo history" in editing.last_message
        assert editing.undo_stack.count() == 0
        editing.message_box.close()
    finally:
        holder.release()
    # the store was never half-changed: the event is still deleted, whole
    with sample_project.engine.connect() as conn:
        assert (
            conn.exec_driver_sql("SELECT count(*) FROM event WHERE id = ?", (event_id,)).scalar()
            == 0
        )
        assert (
            conn.exec_driver_sql(
                "SELECT count(*) FROM event_source WHERE event_id = ?", (event_id,)
            ).scalar()
            == 0
        )


def test_the_window_follows_an_import_made_by_another_process(
    make_main_window: Any, qtbot: Any, sample_project: Any, data_dir: Path
) -> None:
    """Finding 5: a CLI import appears in the window within seconds, read in the
    background, with the selection and the time range kept."""
    window = make_main_window(sample_project)
    qtbot.waitUntil(lambda: not window.workbench.tasks.tasks, timeout=WAIT)
    before = len(window.workbench.linker.frame)
    event_id = _first_event(window)
    _select(window, event_id)
    window.timeline.set_range(*window.workbench.view_state.timeline)
    span = window.workbench.view_state.timeline
    done = _sightline(
        "import",
        str(data_dir / "acled_sample.csv"),
        "--project",
        str(sample_project.path),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    imported = json.loads(done.stdout)["imported"]
    with qtbot.waitSignal(window.workbench.followed, timeout=WAIT):
        pass  # the window looks every two seconds
    assert len(window.workbench.linker.frame) == before + imported
    assert (
        window.workbench.selection.ids == frozenset([event_id])
        and window.workbench.selection.active == event_id
    )
    assert window.workbench.view_state.timeline == span
    # its own edits do not make it read everything again
    editing = window.features["editing"]
    with qtbot.waitSignal(editing.reloaded, timeout=WAIT):
        editing.actions["delete_event"].trigger()
    with qtbot.assertNotEmitted(window.workbench.followed, wait=2 * 2000 + 500):
        pass


def test_an_import_in_the_window_waits_for_another_import_then_lands(
    make_main_window: Any, qtbot: Any, sample_project: Any, data_dir: Path
) -> None:
    """Finding 4: the window's import, started while another process imports, says it
    is waiting and lands once the other is done."""
    from desktop_app.ingest.pipeline import ImportResult

    window = make_main_window(sample_project)
    qtbot.waitUntil(lambda: not window.workbench.tasks.tasks, timeout=WAIT)
    before = len(window.workbench.linker.frame)
    holder = LockHolder(sample_project.path, "the import of colleague.csv")
    try:
        window.features["importing"].import_path(data_dir / "timemap.csv")
        qtbot.waitUntil(
            lambda: "Waiting for the import of colleague.csv" in window.progress_label.text(),
            timeout=WAIT,
        )
    finally:
        with qtbot.waitSignal(
            window.features["importing"].import_finished, timeout=WAIT
        ) as finished:
            holder.release()
    result = finished.args[0]
    assert isinstance(result, ImportResult) and result.imported > 0
    qtbot.waitUntil(
        lambda: len(window.workbench.linker.frame) == before + result.imported, timeout=WAIT
    )
