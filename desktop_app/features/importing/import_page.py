"""The import wizard's import page: the import itself, on a worker, with progress and
Cancel (nothing is written when it is cancelled or fails)."""

from __future__ import annotations

import threading

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from desktop_app.features.importing.pages import _Page, plain_label
from desktop_app.features.importing.state import WizardState
from desktop_app.ingest.pipeline import ImportResult, import_file
from desktop_app.workbench.tasks import Task, message_of


class ImportPage(_Page):
    """Runs the import on a worker with progress; Cancel leaves the project untouched.

    Signals:
        finished(): the worker ended (imported, failed or cancelled).
    """

    finished = Signal()

    def __init__(self, wizard: WizardState) -> None:
        super().__init__(
            wizard,
            "Importing",
            "The events are written in one transaction: cancelling leaves the project as it was.",
        )
        self.setCommitPage(True)
        self.stage = plain_label()
        self.bar = QProgressBar()
        self.bar.setRange(0, 100)
        self.cancel_button = QPushButton("Cancel import")
        self.cancel_button.clicked.connect(self.request_cancel)
        self.task: Task | None = None
        self.cancel = threading.Event()
        self.outcome = ""  # "", "imported", "cancelled" or "failed"
        layout = QVBoxLayout(self)
        layout.addWidget(self.stage)
        layout.addWidget(self.bar)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        layout.addLayout(row)
        layout.addStretch(1)

    @property
    def running(self) -> bool:
        return self.task is not None and self.outcome == ""

    def redraw(self) -> None:
        pass

    def initializePage(self) -> None:
        w = self.owner
        self.cancel = threading.Event()
        self.outcome = ""
        self.bar.setValue(0)
        self.stage.setText("Starting…")
        self.cancel_button.setEnabled(True)
        cancel, options = self.cancel, w.import_options()
        task = Task(
            "import",
            lambda: import_file(w.project, w.path, options, progress=task.report, cancel=cancel),
            parent=self,
        )
        task.progress.connect(self._progress)
        task.succeeded.connect(self._succeeded)
        task.failed.connect(self._failed)
        task.done.connect(self._done)
        self.task = task
        w.import_started.emit(task)
        task.start()

    def request_cancel(self) -> None:
        """Stop the import at its next step (safe from any thread)."""
        self.cancel.set()

    def _progress(self, stage: str, fraction: float) -> None:
        if self.outcome:
            return
        self.bar.setValue(round(fraction * 100))
        self.stage.setText("Cancelling…" if self.cancel.is_set() else f"{stage.capitalize()}…")
        if self.cancel.is_set():
            self.cancel_button.setEnabled(False)

    def _succeeded(self, result: object) -> None:
        assert isinstance(result, ImportResult)
        self.outcome = "imported"
        self.bar.setValue(100)
        self.owner.finish_import(result)

    def _failed(self, error: BaseException) -> None:
        message = message_of(error)
        self.outcome = "cancelled" if self.cancel.is_set() else "failed"
        self.stage.setText(
            "Cancelled: nothing was imported; the project is as it was."
            if self.outcome == "cancelled"
            else f"Nothing was imported: {message}"
        )
        self.bar.setValue(0)

    def _done(self) -> None:
        self.cancel_button.setEnabled(False)
        self.completeChanged.emit()
        self.finished.emit()
        if self.outcome == "imported" and self.owner.currentPage() is self:
            self.owner.next()

    def isComplete(self) -> bool:
        return self.outcome == "imported"
