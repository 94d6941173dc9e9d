"""The import wizard's last pages: the check before importing (rejects, and which
places will and will not be located) and the summary after it.

File content (reject reasons quote cells, place names, warnings) is shown as plain
text only; the bold counts are Sightline's own numbers.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWizard,
)

from desktop_app.features.importing.pages import (
    REJECTS_SHOWN,
    _fill,
    _Page,
    _table,
    busy_text,
    plain_label,
    rich_label,
)
from desktop_app.features.importing.state import WizardState
from desktop_app.ingest.place_preview import PlacePreview

UNRESOLVED_SHOWN = 10


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"


def places_text(places: PlacePreview | None) -> str:
    """The place preview in words (plain text: it names no place)."""
    if places is None or places.rows == 0:
        return "Places: no rows to locate."
    parts = [f"{places.by_coordinates:,} by their coordinates"]
    if places.project_places:
        parts.append(f"{places.project_places:,} at places already in the project")
    if places.gazetteer:
        parts.append(f"{places.gazetteer:,} by place name (offline gazetteer)")
    text = (
        f"Places: {places.located:,} of {_rows(places.rows)} will be located ("
        + ", ".join(parts)
        + ")."
    )
    if places.unresolved:
        text += (
            f" Not located: {_rows(places.unresolved)} naming a place that cannot "
            "be found (imported without a location)."
        )
    if places.no_place:
        text += f" {_rows(places.no_place)} without a place or coordinates."
    return text


# ---------------------------------------------------------------------- 4. the check
class ReviewPage(_Page):
    """What will be imported, rejected and located, before anything is written."""

    def __init__(self, wizard: WizardState) -> None:
        super().__init__(
            wizard,
            "Check before importing",
            "Nothing has been written yet. These rows will be rejected; "
            "go back to change the mapping or the date order.",
        )
        self.counts = rich_label()  # numbers only
        self.rejects = _table(["Row", "Column", "Reason"])
        self.places = plain_label()
        self.unresolved = _table(["Place that cannot be located", "Rows"])
        self.unresolved.setMaximumHeight(180)
        self.warnings = plain_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.counts)
        layout.addWidget(self.rejects, 1)
        layout.addWidget(self.places)
        layout.addWidget(self.unresolved)
        layout.addWidget(self.warnings)
        self.setButtonText(QWizard.WizardButton.NextButton, "&Import")
        self._redraw()

    def redraw(self) -> None:
        w = self.owner
        preview = w.preview
        if w.busy or preview is None or preview.draft is None:
            self.counts.setText(busy_text(w) or "The file cannot be imported as it is mapped.")
            _fill(self.rejects, [])
            self.places.setText("")
            _fill(self.unresolved, [])
            self.unresolved.setVisible(False)
            self.warnings.setText("")
            return
        shown = preview.rejects[:REJECTS_SHOWN]
        more = len(preview.rejects) - len(shown)
        self.counts.setText(
            f"<b>{preview.accepted:,}</b> rows will be imported and "
            f"<b>{preview.rejected_rows:,}</b> rejected"
            + (f", {preview.skipped:,} skipped (not events)" if preview.skipped else "")
            + ". Events already in the project are recognised and skipped."
            + (f" The first {REJECTS_SHOWN:,} problems are listed ({more:,} more)." if more else "")
        )
        _fill(self.rejects, [[str(r.row), r.column, r.reason] for r in shown])
        self.rejects.resizeColumnsToContents()
        places = w.places
        self.places.setText(places_text(places))
        top = places.top_unresolved[:UNRESOLVED_SHOWN] if places is not None else []
        _fill(self.unresolved, [[name, f"{rows:,}"] for name, rows in top])
        self.unresolved.setVisible(bool(top))
        self.unresolved.resizeColumnsToContents()
        self.warnings.setText("\n".join(preview.warnings))

    def isComplete(self) -> bool:
        w = self.owner
        preview = w.preview
        return (
            not w.busy
            and preview is not None
            and preview.draft is not None
            and preview.accepted > 0
        )


# ---------------------------------------------------------------------- 6. the summary
class SummaryPage(_Page):
    """The counts of the import, and the rejects as a CSV file."""

    def __init__(self, wizard: WizardState) -> None:
        super().__init__(wizard, "Imported", "The panes show the new events.")
        self.counts: QLabel = rich_label()  # numbers and the preset's name only
        self.warnings = plain_label()
        self.save_button = QPushButton("Save and open the rejects…")
        self.save_button.clicked.connect(self._save_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.counts)
        layout.addWidget(self.warnings)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.setFinalPage(True)

    def redraw(self) -> None:
        pass

    def initializePage(self) -> None:
        result = self.owner.import_result
        if result is None:
            return
        lines = [
            ("Rows read", result.rows_read),
            ("Imported", result.imported),
            ("Already in the project", result.duplicates_in_project),
            ("Repeated inside the file", result.duplicates_in_file),
            ("Rejected", result.rejected),
            ("Without a location", result.unlocated),
        ]
        if result.skipped:
            lines.append(("Skipped (not events)", result.skipped))
        self.counts.setText(
            "<table>"
            + "".join(
                f"<tr><td>{name}</td><td align='right'>&nbsp;&nbsp;<b>{n:,}</b></td></tr>"
                for name, n in lines
            )
            + f"</table><p>Batch {result.batch}, preset {html.escape(result.preset)}.</p>"
        )
        self.warnings.setText("\n".join(result.warnings[:5]))
        self.save_button.setEnabled(bool(result.rejects or result.duplicates))

    def save_rejects(self, path: Path, *, open_after: bool = True) -> Path:
        """Write the rejects as CSV (row, column, reason) and open the file."""
        result = self.owner.import_result
        assert result is not None
        result.write_rejects(path)
        if open_after:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        return path

    def _save_clicked(self) -> None:
        default = self.owner.path.with_name(f"{self.owner.path.stem}-rejects.csv")
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Save the rejects", str(default), "CSV (*.csv)"
        )
        if chosen:
            self.save_rejects(Path(chosen))
