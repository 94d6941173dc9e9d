"""The small form that names an annotation (and sets a range ring's radii and unit).

Non-modal, like the editing forms: OK closes it only when the annotation can be saved
(``store.annotations`` checks it), otherwise it says why. The label is plain text.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.store.annotations import UNITS, AnnotationError, AnnotationFields
from desktop_app.views import plain_text

TITLES = {"point": "Point", "text": "Text note", "line": "Line", "polygon": "Polygon",
          "ring": "Range rings"}  # fmt: skip
COLORS = {
    "Violet": "#6d28d9",
    "Red": "#c92a2a",
    "Blue": "#1864ab",
    "Green": "#2b8a3e",
    "Orange": "#d9480f",
    "Black": "#212529",
}


def _radii(text: str) -> list[float]:
    values = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            values.append(float(part))
        except ValueError:
            raise AnnotationError(f"“{part}” is not a distance") from None
    if not values:
        raise AnnotationError("give at least one radius, e.g. 50, 100, 200")
    return values


class AnnotationForm(QDialog):
    """Label (text for a note), colour, and for range rings the radii and unit."""

    def __init__(
        self, current: AnnotationFields, parent: QWidget | None = None, editing: bool = False
    ) -> None:
        super().__init__(parent)
        self.current = current
        verb = "Edit" if editing else "New"
        self.setWindowTitle(f"{verb} {TITLES.get(current.kind, 'annotation').lower()}")
        self.setMinimumWidth(380)
        form = QFormLayout()
        self.label = QLineEdit(current.label)
        self.label.setPlaceholderText(
            "the note's text" if current.kind == "text" else "a label (optional)"
        )
        form.addRow("Text" if current.kind == "text" else "Label", self.label)
        self.color = QComboBox()
        for name, value in COLORS.items():
            self.color.addItem(name, value)
        now = str(current.style.get("color", "")).lower()
        self.color.setCurrentIndex(max(self.color.findData(now), 0))
        form.addRow("Colour", self.color)
        self.radii = QLineEdit()
        self.unit = QComboBox()
        if current.kind == "ring":
            radii = current.geometry.get("radii") or [50, 100, 200]
            self.radii.setText(", ".join(f"{float(r):g}" for r in radii))
            self.radii.setPlaceholderText("e.g. 50, 100, 200")
            self.unit.addItems(list(UNITS))
            self.unit.setCurrentText(str(current.geometry.get("unit", "km")))
            form.addRow("Radii", self.radii)
            form.addRow("Unit", self.unit)
        self.message = plain_text.label(parent=self)
        self.message.setObjectName("formMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b42318;")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def values(self) -> AnnotationFields:
        """The annotation as the form says, checked; raises AnnotationError."""
        geometry = dict(self.current.geometry)
        if self.current.kind == "ring":
            geometry["radii"] = _radii(self.radii.text())
            geometry["unit"] = self.unit.currentText()
        return AnnotationFields(
            self.current.kind,
            geometry,
            self.label.text(),
            {"color": str(self.color.currentData())},
        ).checked()

    def accept(self) -> None:
        try:
            self.values()
        except AnnotationError as exc:
            self.message.setText(str(exc))
            return
        self.message.clear()
        super().accept()
