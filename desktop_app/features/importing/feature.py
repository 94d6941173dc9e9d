"""Importing, as the window offers it: File ▸ Import events… opens the wizard; a file
dropped on the window is imported at once (on a worker thread). After either, the
panes reload and the status bar says what happened.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop_app.features.host import Host
from desktop_app.store.queries import batch_event_ids
from desktop_app.views import plain_text
from desktop_app.workbench import MenuId, Workbench
from desktop_app.workbench.tasks import message_of

if TYPE_CHECKING:  # the wizard and the importer are imported when first used, not at open
    from desktop_app.features.importing.wizard import ImportWizard
    from desktop_app.ingest.pipeline import ImportResult


class Importing(QObject):
    """Signals:
    opened(object wizard): a wizard was opened.
    import_finished(object result): an import ended (an ImportResult, or the message
        saying why nothing was imported).
    """

    opened = Signal(object)
    import_finished = Signal(object)

    def __init__(self, workbench: Workbench, host: Host) -> None:
        super().__init__(workbench)
        self.wb, self.host = workbench, host
        self.wizard: ImportWizard | None = None
        workbench.actions.add(
            "file.import",
            "&Import events…",
            lambda: self.open(),
            menu=MenuId.FILE,
            group=2,
            shortcut="Ctrl+I",
            tip="Import a CSV, TSV or XLSX event list, checking it first",
        )
        host.files_dropped.connect(self.import_paths)

    # ------------------------------------------------------------------ the wizard
    def open(self, path: str | Path | None = None) -> ImportWizard | None:
        """Open the wizard on a file (asked for when None)."""
        from desktop_app.features.importing.wizard import FILE_FILTER, ImportWizard

        project = self.wb.project
        if project is None:
            return None
        parent = self.host.window_widget()
        if path is None:
            chosen, _ = QFileDialog.getOpenFileName(parent, "Import events", "", FILE_FILTER)
            if not chosen:
                return None
            path = chosen
        wizard = ImportWizard(project, path, parent)
        wizard.imported.connect(self._wizard_imported)
        wizard.finished.connect(wizard.deleteLater)
        self.wizard = wizard
        wizard.open()  # window-modal
        self.opened.emit(wizard)
        return wizard

    def _wizard_imported(self, result: ImportResult) -> None:
        self.wb.messages.say(
            f"Imported {result.imported:,} events from {result.preset} "
            f"({result.rejected:,} rejected, {result.duplicates_in_project:,} already there, "
            f"{result.duplicates_in_file:,} repeated in the file).",
            15000,
        )
        self.import_finished.emit(result)
        self._reload_and_fit(result)

    def _reload_and_fit(self, result: ImportResult) -> None:
        """Load the events again, then show the import's new ones on the map."""
        project = self.wb.project
        if project is None:
            return
        new_ids = batch_event_ids(project, result.batch) if result.batch is not None else None

        def fit() -> None:
            self.wb.frame_loaded.disconnect(fit)
            if new_ids is not None and len(new_ids):
                self.host.map.fit_events(new_ids)

        self.wb.frame_loaded.connect(fit)
        self.wb.load_project(project)

    # ------------------------------------------------------------------ dropped files
    def import_paths(self, paths: list[str]) -> None:
        for path in paths:
            self.import_path(Path(path))

    def import_path(self, path: Path) -> None:
        """Import a file on a worker thread; the panes reload when it is done."""
        from desktop_app.ingest.pipeline import import_file

        if self.wb.project is None:
            return
        self.wb.tasks.run(
            "import",
            import_file,
            self.wb.project,
            path,
            label=f"Importing {path.name}…",
            on_success=self._import_done,
            on_failure=self._import_failed,
            progress=True,
        )

    def _import_done(self, result: object) -> None:
        from desktop_app.ingest.pipeline import ImportResult

        assert isinstance(result, ImportResult)
        lines = [f"Imported {result.imported:,} events (preset {result.preset})."]
        if result.duplicates_in_project:
            lines.append(f"{result.duplicates_in_project:,} were already in the project.")
        if result.duplicates_in_file:
            lines.append(f"{result.duplicates_in_file:,} repeated an earlier row of the file.")
        if result.rejected:
            lines.append(
                f"{result.rejected:,} rows were rejected; the first: row "
                f"{result.rejects[0].row}: {result.rejects[0].reason}"
            )
        if result.unlocated:
            lines.append(f"{result.unlocated:,} events have no location (timeline only).")
        lines += result.warnings[:3]
        self.wb.messages.say(" ".join(lines[:2]), 15000)
        self.import_finished.emit(result)
        self._reload_and_fit(result)
        window = self.host.window_widget()
        if window.isVisible():
            box = plain_text.message_box(
                window, QMessageBox.Icon.Information, "Import finished", "\n".join(lines)
            )
            box.setModal(False)
            box.show()
            QTimer.singleShot(20000, box.close)

    def _import_failed(self, error: BaseException) -> None:
        message = message_of(error)
        self.import_finished.emit(message)
        prefix = "Nothing was imported: "
        text = message if message.startswith(prefix) else prefix + message
        plain_text.message_box(
            self.host.window_widget(), QMessageBox.Icon.Warning, "Import failed", text
        ).exec()


def install(workbench: Workbench, host: Host) -> Importing:
    return Importing(workbench, host)
