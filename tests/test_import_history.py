"""The import history in the window: an import is one step of the undo stack (Ctrl+Z
takes it out, Ctrl+Shift+Z puts it back, edits and imports in one history), and the
Import history dialog lists every batch, undoes and redoes one, and opens its rejects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from desktop_app.store.batch_history import batch_history
from desktop_app.store.editing import EventFields, read_event
from desktop_app.store.project import Project

WAIT_MS = 60_000


def _import(window: Any, qtbot: Any, path: Path) -> Any:
    with qtbot.waitSignal(window.features["importing"].import_finished, timeout=WAIT_MS) as done:
        window.features["importing"].import_path(path)
    result = done.args[0]
    qtbot.waitUntil(lambda: not window.workbench.tasks.running("load", "import"), timeout=WAIT_MS)
    return result


def _shown(window: Any) -> int:
    return len(window.workbench.linker.frame)


def test_ctrl_z_undoes_an_import_and_ctrl_shift_z_redoes_it(
    make_main_window: Any, qtbot: Any, sample_project: Project, data_dir: Path
) -> None:
    window = make_main_window(sample_project)
    before = _shown(window)
    result = _import(window, qtbot, data_dir / "acled_sample.csv")
    qtbot.waitUntil(lambda: _shown(window) == before + 7, timeout=WAIT_MS)
    ids = set(window.workbench.linker.frame.ids.tolist())
    undo = window.workbench.actions.action("edit.undo")
    redo = window.workbench.actions.action("edit.redo")
    assert undo.isEnabled() and "acled_sample.csv" in undo.text()
    assert undo.shortcut().toString() == "Ctrl+Z"
    assert redo.shortcut().toString() == "Ctrl+Shift+Z"

    undo.trigger()
    qtbot.waitUntil(lambda: _shown(window) == before, timeout=WAIT_MS)
    assert batch_history(sample_project)[0].undone
    assert redo.isEnabled() and not undo.isEnabled()

    redo.trigger()
    qtbot.waitUntil(lambda: _shown(window) == before + 7, timeout=WAIT_MS)
    assert set(window.workbench.linker.frame.ids.tolist()) == ids  # the same events back
    assert batch_history(sample_project)[0].id == result.batch
    assert not batch_history(sample_project)[0].undone


def test_edits_and_imports_share_one_history(
    make_main_window: Any, qtbot: Any, sample_project: Project, data_dir: Path
) -> None:
    window = make_main_window(sample_project)
    before = _shown(window)
    _import(window, qtbot, data_dir / "acled_sample.csv")
    qtbot.waitUntil(lambda: _shown(window) == before + 7, timeout=WAIT_MS)
    editing = window.features["editing"]
    event_id = int(window.workbench.linker.frame.ids[0])
    old = read_event(sample_project, event_id)
    window.workbench.selection.set([event_id], active=event_id)
    values = EventFields(**{**old.__dict__, "title": "Renamed after the import"})
    with qtbot.waitSignal(editing.reloaded, timeout=WAIT_MS):
        from desktop_app.features.editing.commands import EditEventCommand

        assert editing.push(EditEventCommand(editing, event_id, values))
    undo = window.workbench.actions.action("edit.undo")
    with qtbot.waitSignal(editing.reloaded, timeout=WAIT_MS):
        undo.trigger()  # first the edit
    assert read_event(sample_project, event_id).title == old.title
    assert _shown(window) == before + 7
    undo.trigger()  # then the import
    qtbot.waitUntil(lambda: _shown(window) == before, timeout=WAIT_MS)
    assert not undo.isEnabled()


class _Opened(QObject):
    """Where QDesktopServices sends file URLs in this test (Qt's own hook for it)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_history_dialog_lists_batches_undoes_redoes_and_opens_rejects(
    make_main_window: Any, qtbot: Any, sample_project: Project, data_dir: Path
) -> None:
    window = make_main_window(sample_project)
    before = _shown(window)
    result = _import(window, qtbot, data_dir / "acled_sample.csv")
    assert result.rejected >= 1
    history = window.features["import_history"]
    window.workbench.actions.action("file.import_history").trigger()
    dialog = history.dialog
    assert dialog is not None and dialog.isVisible()
    table = dialog.table
    assert table.rowCount() == 2  # the sample's batch and this one, newest first
    header = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    row = {header[c]: table.item(0, c).text() for c in range(table.columnCount())}
    assert row["File"] == "acled_sample.csv" and row["Preset"] == "acled"
    assert row["Imported"] == "7" and row["Rejected"] == str(result.rejected)
    assert row["State"] == "in project" and row["Rejects file"] == "batch-2-rejects.csv"
    rejects = Path(table.item(0, header.index("Rejects file")).toolTip())
    assert rejects.name == row["Rejects file"] and rejects.is_file()
    assert "reason" in rejects.read_text(encoding="utf-8").splitlines()[0]
    assert table.item(1, header.index("Rejects file")).text() == "—"  # the sample: none

    opened = _Opened()
    QDesktopServices.setUrlHandler("file", opened, "open")
    try:
        dialog.select_batch(result.batch)
        assert dialog.rejects_button.isEnabled()
        dialog.rejects_button.click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toLocalFile() for u in opened.urls] == [str(rejects)]

    dialog.undo_button.click()
    qtbot.waitUntil(lambda: _shown(window) == before, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: table.item(0, header.index("State")).text().startswith("undone"))
    assert table.item(0, header.index("Events now")).text() == "0"
    assert dialog.redo_button.isEnabled() and not dialog.undo_button.isEnabled()
    dialog.redo_button.click()
    qtbot.waitUntil(lambda: _shown(window) == before + 7, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: table.item(0, header.index("State")).text() == "in project")

    # an older batch (not the stack's next step) is undone as a step of its own
    dialog.select_batch(batch_history(sample_project)[1].id)
    dialog.undo_button.click()
    qtbot.waitUntil(lambda: _shown(window) == 7, timeout=WAIT_MS)
    undo = window.workbench.actions.action("edit.undo")
    assert "events.csv" in undo.text()
    undo.trigger()  # Ctrl+Z brings the sample back
    qtbot.waitUntil(lambda: _shown(window) == before + 7, timeout=WAIT_MS)


def test_a_batch_undone_elsewhere_cannot_be_redone_here(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    from desktop_app.store.batches import undo_batch

    window = make_main_window(sample_project)
    batch = batch_history(sample_project)[0]
    undo_batch(sample_project, batch.id)  # as `sightline undo-import` would
    dialog = window.features["import_history"].show_history()
    dialog.select_batch(batch.id)
    assert not dialog.undo_button.isEnabled() and not dialog.redo_button.isEnabled()
    assert "import its file again" in dialog.redo_button.toolTip()
