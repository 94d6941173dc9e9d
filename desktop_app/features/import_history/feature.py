"""Import history, as the window offers it: File ▸ Import history… lists every import
batch; an import that finishes is one step on the undo stack (Ctrl+Z takes it out,
Ctrl+Shift+Z puts it back), like an edit; its rejects are kept as a CSV file.

The importing feature says when an import finished (its ``import_finished`` signal,
connected by the composition root); this feature never imports it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QUrl, SignalInstance
from PySide6.QtGui import QDesktopServices

from desktop_app.features.host import Host
from desktop_app.features.import_history.commands import BatchCommand, BatchKeeper, ImportCommand
from desktop_app.features.import_history.dialog import HistoryRow, ImportHistoryDialog
from desktop_app.store.batch_history import batch_history
from desktop_app.store.project import Project
from desktop_app.workbench import MenuId, Workbench
from desktop_app.workbench.undo import push_written, step_stack


def rejects_folder(project: Project) -> Path:
    """Where this project's rejects files go: the user data folder, one folder per
    project (named from its file, or a hash of its address: never a password)."""
    base = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
    where = str(project.path.resolve()) if project.path else project.display_name
    digest = hashlib.sha256(where.encode("utf-8")).hexdigest()[:10]
    stem = project.path.stem if project.path else "database"
    return base / "rejects" / f"{stem}-{digest}"


class ImportHistory(QObject):
    def __init__(
        self, workbench: Workbench, host: Host, imports: SignalInstance | None = None
    ) -> None:
        super().__init__(workbench)
        self.wb, self.host = workbench, host
        self.keeper = BatchKeeper()
        self.dialog: ImportHistoryDialog | None = None
        self._project: Project | None = None
        workbench.actions.add(
            "file.import_history",
            "Import &history…",
            self.show_history,
            menu=MenuId.FILE,
            group=2,
            order=1,
            shortcut="Ctrl+Shift+H",
            tip="Every import of this project: undo or redo one, open its rejects file",
        )
        if imports is not None:
            imports.connect(self.import_finished)
        workbench.project_changed.connect(self._project_changed)
        workbench.frame_applied.connect(self._refresh_dialog)

    # ------------------------------------------------------------------ imports
    def _project_changed(self, project: object) -> None:
        """Another project: the undo history (edits and imports) was about the last one."""
        assert isinstance(project, Project)
        if self._project is not None and project is not self._project:
            self.wb.undo_stack.clear()
            self.keeper = BatchKeeper()
        self._project = project

    def import_finished(self, result: object) -> None:
        """An import ended: keep its rejects and make it one step of the undo stack."""
        from desktop_app.ingest.pipeline import ImportResult  # the importer: not at open

        project = self.wb.project
        if not isinstance(result, ImportResult) or result.batch is None or project is None:
            return
        if result.rejected or result.duplicates:
            path = self.rejects_path(result.batch)
            path.parent.mkdir(parents=True, exist_ok=True)
            result.write_rejects(path)
        if result.imported:
            name = self._file_name(result.batch)
            command = ImportCommand(
                f"import of “{name[:40]}” ({result.imported:,} events)",
                project,
                result.batch,
                self.keeper,
                current=lambda: self.wb.project,
                shown=self._shown,
                tell=self._tell,
            )
            push_written(self.wb.undo_stack, command)
        self._refresh_dialog()

    def _file_name(self, batch_id: int) -> str:
        project = self.wb.project
        if project is None:
            return f"batch {batch_id}"
        found = next((b for b in batch_history(project) if b.id == batch_id), None)
        return found.file_name if found is not None else f"batch {batch_id}"

    def rejects_path(self, batch_id: int) -> Path:
        project = self.wb.project
        assert project is not None
        return rejects_folder(project) / f"batch-{batch_id}-rejects.csv"

    # ------------------------------------------------------------------ undo, redo
    def undo_import(self, batch_id: int) -> bool:
        """Take a batch out: the stack's next undo when that is this import, else a
        step of its own (so Ctrl+Z brings it back)."""
        return self._batch_step(batch_id, removes=True)

    def redo_import(self, batch_id: int) -> bool:
        """Put an undone batch back (one undone in this window)."""
        return self._batch_step(batch_id, removes=False)

    def _batch_step(self, batch_id: int, *, removes: bool) -> bool:
        stack = self.wb.undo_stack
        index = stack.index() - 1 if removes else stack.index()
        nearest = stack.command(index) if 0 <= index < stack.count() else None
        if isinstance(nearest, ImportCommand) and nearest.batch_id == batch_id:
            moved, why = step_stack(stack, undoing=removes)
            if why is not None:
                self._tell(why)
            return moved
        project = self.wb.project
        if project is None:
            return False
        name = self._file_name(batch_id)
        command = BatchCommand(
            f"{'undo' if removes else 'redo'} of the import of “{name[:40]}”",
            project,
            batch_id,
            self.keeper,
            removes=removes,
            current=lambda: self.wb.project,
            shown=self._shown,
            tell=self._tell,
        )
        if not command.attempt(command.apply):
            self._tell(f"The {command.text()} was not made: {command.error}")
            return False
        push_written(stack, command)
        return True

    def _shown(self) -> None:
        self.wb.reload()  # in the background; the dialog follows frame_applied
        self._refresh_dialog()

    def _tell(self, text: str) -> None:
        self.wb.messages.say(text)
        self.wb.messages.warn("Import history", text)

    # ------------------------------------------------------------------ the dialog
    def rows(self) -> list[HistoryRow]:
        project = self.wb.project
        if project is None:
            return []
        rows = []
        for batch in batch_history(project):
            path = self.rejects_path(batch.id)
            rows.append(
                HistoryRow(
                    batch, path if path.exists() else None, self.keeper.can_put_back(batch.id)
                )
            )
        return rows

    def show_history(self) -> ImportHistoryDialog:
        if self.dialog is None:
            self.dialog = ImportHistoryDialog(
                self.rows, self.undo_import, self.redo_import, self.open_rejects,
                self.host.window_widget(),
            )  # fmt: skip
        else:
            self.dialog.refresh()
        if self.dialog.isVisible():
            self.dialog.raise_()  # already open: to the front
        else:
            self.dialog.show()
        return self.dialog

    def _refresh_dialog(self) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.refresh()

    def open_rejects(self, path: Path) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def install(
    workbench: Workbench, host: Host, imports: SignalInstance | None = None
) -> ImportHistory:
    """File ▸ Import history…; ``imports`` is the importing feature's ``import_finished``."""
    return ImportHistory(workbench, host, imports)
