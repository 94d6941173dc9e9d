"""The Import history dialog: every batch of the project, newest first, with what came
of it; undo or redo one, open its rejects file.

It shows what the feature gives it (:class:`HistoryRow`) and asks the feature to act;
the file names are data (a file is named by whoever made it), shown as plain items.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.store.batch_history import BatchSummary

HEADERS = (
    "Batch", "File", "Imported at", "Preset", "Rows read", "Imported", "Duplicates",
    "Rejected", "Events now", "State", "Rejects file",
)  # fmt: skip
BATCH_ROLE = Qt.ItemDataRole.UserRole
REJECTS_COLUMN = HEADERS.index("Rejects file")


@dataclass(frozen=True)
class HistoryRow:
    batch: BatchSummary
    rejects: Path | None  # the rejects file written when it was imported here
    can_redo: bool  # undone in this session: its rows can be put back


class ImportHistoryDialog(QDialog):
    """Lists ``rows()``; the buttons call ``undo(batch_id)``, ``redo(batch_id)`` and
    ``open_rejects(path)``."""

    def __init__(
        self,
        rows: Callable[[], list[HistoryRow]],
        undo: Callable[[int], object],
        redo: Callable[[int], object],
        open_rejects: Callable[[Path], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import history")
        self.setObjectName("importHistoryDialog")
        self._rows, self._undo, self._redo, self._open = rows, undo, redo, open_rejects
        self.shown: list[HistoryRow] = []
        self.note = QLabel(self)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setObjectName("importHistory")
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.undo_button = QPushButton("&Undo import", self)
        self.undo_button.setToolTip("Take this import's events out of the project (Ctrl+Z)")
        self.redo_button = QPushButton("&Redo import", self)
        self.redo_button.setToolTip("Put the events of this undone import back")
        self.rejects_button = QPushButton("&Open rejects file", self)
        self.rejects_button.setToolTip(
            "Open the CSV of the rows this import did not take, with the reason for each"
        )
        self.undo_button.clicked.connect(lambda: self._act(self._undo))
        self.redo_button.clicked.connect(lambda: self._act(self._redo))
        self.rejects_button.clicked.connect(self._open_clicked)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, parent=self)
        buttons.rejected.connect(self.reject)
        for button in (self.undo_button, self.redo_button, self.rejects_button):
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(1000, 380)
        self.refresh()

    def refresh(self) -> None:
        """Read the history again, keeping the selected batch selected."""
        keep = self.selected()
        kept_id = keep.batch.id if keep is not None else None
        self.shown = self._rows()
        self.table.setRowCount(len(self.shown))
        for row, entry in enumerate(self.shown):
            b = entry.batch
            state = (
                f"undone {b.undone_at:%Y-%m-%d %H:%M}" if b.undone_at is not None else "in project"
            )
            values = (
                str(b.id), b.file_name, f"{b.imported_at:%Y-%m-%d %H:%M:%S}", b.preset,
                f"{b.rows_read:,}", f"{b.imported:,}", f"{b.duplicates:,}", f"{b.rejected:,}",
                f"{b.events:,}", state, entry.rejects.name if entry.rejects else "—",
            )  # fmt: skip
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)  # plain text: a file name is data
                item.setData(BATCH_ROLE, b.id)
                if column == REJECTS_COLUMN and entry.rejects is not None:
                    item.setToolTip(str(entry.rejects))  # where it is
                if column in (0, 4, 5, 6, 7, 8):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, item)
        count = len(self.shown)
        self.note.setText(
            "No file has been imported into this project yet."
            if not count
            else f"{count:,} import{'s' if count != 1 else ''}, the newest first. Undo import "
            "takes an import's events out (Ctrl+Z puts them back); Redo import brings back "
            "one undone in this window."
        )
        target = next((i for i, e in enumerate(self.shown) if e.batch.id == kept_id), 0)
        if self.shown:
            self.table.selectRow(target)
        self._update_buttons()

    def selected(self) -> HistoryRow | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or not self.shown:
            return None
        index = rows[0].row()
        return self.shown[index] if index < len(self.shown) else None

    def select_batch(self, batch_id: int) -> None:
        for i, entry in enumerate(self.shown):
            if entry.batch.id == batch_id:
                self.table.selectRow(i)
                return
        raise KeyError(f"batch {batch_id} is not listed")

    def _update_buttons(self) -> None:
        entry = self.selected()
        self.undo_button.setEnabled(entry is not None and not entry.batch.undone)
        self.redo_button.setEnabled(entry is not None and entry.batch.undone and entry.can_redo)
        if entry is not None and entry.batch.undone and not entry.can_redo:
            self.redo_button.setToolTip(
                "Undone outside this window or in an earlier session: import its file again"
            )
        else:
            self.redo_button.setToolTip("Put the events of this undone import back")
        self.rejects_button.setEnabled(
            entry is not None and entry.rejects is not None and entry.rejects.exists()
        )

    def _act(self, action: Callable[[int], object]) -> None:
        entry = self.selected()
        if entry is not None:
            action(entry.batch.id)
            self.refresh()

    def _open_clicked(self) -> None:
        entry = self.selected()
        if entry is not None and entry.rejects is not None:
            self._open(entry.rejects)
