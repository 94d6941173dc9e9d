"""Forms for editing an event, a place, a source, and for merging two places.

Each form validates as the analyst types: a date shows how it was understood ("May 2023,
month only") or why it was not; OK keeps the dialog open and says what is wrong until
every field is acceptable. ``values()`` returns the store's value object, or raises
:class:`EditError` with the message the form shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.dates import (
    PartialDate,
    Precision,
    describe,
    from_seconds,
    iso_text,
    parse_date,
    span_end_seconds,
    to_seconds,
)
from desktop_app.domain.grades import (
    CREDIBILITY,
    RELIABILITY,
    normalise_credibility,
    normalise_reliability,
)
from desktop_app.store.editing import (
    EditError,
    EventFields,
    LocationFields,
    PlaceChoice,
    SourceFields,
    check_coordinates,
)
from desktop_app.views import plain_text

ERROR_STYLE = "color: #b42318;"
OK_STYLE = "color: #475467;"
GEO_PRECISIONS = ("exact", "town", "city", "admin", "region", "country", "unknown")


class _Form(QDialog):
    """A dialog with a form, a message line and OK/Cancel; OK only when ``values()`` works."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.form = QFormLayout()
        self.message = plain_text.label(parent=self)
        self.message.setObjectName("formMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def values(self) -> object:  # pragma: no cover - every form overrides it
        raise NotImplementedError

    def accept(self) -> None:
        """Close only when every field is acceptable; otherwise say what is wrong."""
        try:
            self.values()
        except (EditError, ValueError) as exc:
            self.message.setText(str(exc))
            return
        self.message.clear()
        super().accept()


def _events(count: int) -> str:
    return f"{count:,} event{'' if count == 1 else 's'}"


def place_labels(places: list[PlaceChoice]) -> list[str]:
    """ "Beijing, CN (39.90, 116.41) — 12 events" per place; places that would still read
    the same (one name, country and rounded position) get their number too."""
    labels = []
    for p in places:
        where = (
            "not located"
            if p.latitude is None or p.longitude is None
            else f"{p.latitude:.2f}, {p.longitude:.2f}"
        )
        country = f", {p.country}" if p.country else ""
        labels.append(f"{p.name}{country} ({where}) — {_events(p.events)}")
    repeated = {label for label in labels if labels.count(label) > 1}
    return [
        f"{label} · #{p.id}" if label in repeated else label
        for label, p in zip(labels, places, strict=True)
    ]


def _text_or_none(edit: QLineEdit) -> str | None:
    return edit.text().strip() or None


def _grade_box(items: Mapping[Any, str], current: object) -> QComboBox:
    """An editable combo of the grades with their meaning; typing a code works too."""
    box = QComboBox()
    box.setEditable(True)
    box.addItem("")
    for code, words in items.items():
        box.addItem(f"{code} — {words}")
    box.setCurrentText(
        ""
        if current is None
        else f"{current} — {items[current]}"
        if current in items
        else str(current)
    )
    return box


def _grade_code(box: QComboBox) -> str:
    return box.currentText().split("—")[0].strip()


class DateField(QWidget):
    """A date typed with its precision ("2023", "2023-05", "14/05/2023 09:30") and, under
    it, what it was understood as."""

    def __init__(self, text: str, optional: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.optional = optional
        self.edit = QLineEdit(text, self)
        self.edit.setPlaceholderText("e.g. 2023, 2023-05, 2023-05-14, 2023-05-14 09:30")
        self.wording = plain_text.label(parent=self)
        self.wording.setObjectName("dateWording")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.wording)
        self.edit.textChanged.connect(self._show)
        self._show()

    def parsed(self) -> tuple[int, Precision] | None:
        """(start seconds, precision), None when empty and optional; ValueError otherwise."""
        text = self.edit.text().strip()
        if not text:
            if self.optional:
                return None
            raise ValueError("a date is needed")
        date = parse_date(text)
        return to_seconds(date.start), date.precision

    def _show(self) -> None:
        try:
            parsed = self.parsed()
        except ValueError as exc:
            self.wording.setText(f"Not a date: {exc}")
            self.wording.setStyleSheet(ERROR_STYLE)
            return
        self.wording.setStyleSheet(OK_STYLE)
        self.wording.setText("" if parsed is None else describe(from_seconds(parsed[0]), parsed[1]))


def date_text(seconds: int, precision: int) -> str:
    return iso_text(from_seconds(seconds), Precision(precision))


class EventForm(_Form):
    """New or edited event: title, dates with precision, place, category, tags, grades,
    description."""

    def __init__(
        self,
        places: list[PlaceChoice],
        current: EventFields | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Edit event" if current else "New event", parent)
        self._current = current
        self.title = QLineEdit(current.title if current else "")
        self.start = DateField(
            date_text(current.start_s, current.precision) if current else "", optional=False
        )
        end = ""
        if current is not None and current.end_s is not None:
            # the stored end is exclusive: show the last span the analyst gave
            end = _end_text(current)
        self.end = DateField(end, optional=True)
        self.place = QComboBox()
        self.place.addItem("(no place)", None)
        for place, label in zip(places, place_labels(places), strict=True):
            self.place.addItem(label, place.id)
        if current is not None and current.location_id is not None:
            self.place.setCurrentIndex(max(self.place.findData(current.location_id), 0))
        self.category = QLineEdit(current.category or "" if current else "")
        self.tags = QLineEdit(", ".join(current.tags or []) if current else "")
        self.tags.setPlaceholderText("comma-separated")
        self.reliability = _grade_box(RELIABILITY, current.reliability if current else None)
        self.credibility = _grade_box(CREDIBILITY, current.credibility if current else None)
        self.description = QPlainTextEdit(current.description or "" if current else "")
        self.description.setFixedHeight(90)
        for label, widget in (
            ("Title", self.title),
            ("Date", self.start),
            ("Until", self.end),
            ("Place", self.place),
            ("Category", self.category),
            ("Tags", self.tags),
            ("Source reliability", self.reliability),
            ("Information credibility", self.credibility),
            ("Description", self.description),
        ):
            self.form.addRow(label, widget)

    def values(self) -> EventFields:
        title = self.title.text().strip()
        if not title:
            raise EditError("an event needs a title")
        try:
            start = self.start.parsed()
        except ValueError as exc:
            raise EditError(f"Date: {exc}") from exc
        try:
            end = self.end.parsed()
        except ValueError as exc:
            raise EditError(f"Until: {exc}") from exc
        assert start is not None
        end_s = None
        if end is not None:
            end_s = to_seconds(PartialDate(from_seconds(end[0]), end[1]).end)
        reliability = normalise_reliability(_grade_code(self.reliability))
        credibility = normalise_credibility(_grade_code(self.credibility))
        base = self._current or EventFields(title=title, start_s=start[0], precision=start[1])
        values = EventFields(
            title=title,
            start_s=start[0],
            precision=int(start[1]),
            end_s=end_s,
            description=self.description.toPlainText().strip() or None,
            category=_text_or_none(self.category),
            location_id=self.place.currentData(),
            tags=[t.strip() for t in self.tags.text().split(",") if t.strip()]
            or (None if base.tags is None else []),
            reliability=reliability,
            credibility=credibility,
        )
        values.check()
        return values


def _end_text(current: EventFields) -> str:
    """The stored exclusive end as the date the analyst typed (same precision as the
    start, one span back)."""
    precision = current.precision
    end = int(current.end_s or 0)
    # walk back one span of the start's precision: the start of the last span included
    guess = end - 1
    start_of = parse_date(date_text(guess, precision))
    if (
        int(span_end_seconds(np.array([to_seconds(start_of.start)]), np.array([precision]))[0])
        == end
    ):
        return date_text(to_seconds(start_of.start), precision)
    return date_text(guess, Precision.MINUTE)


class LocationForm(_Form):
    """A place: name, coordinates (checked in range), country, precision, other names."""

    def __init__(self, current: LocationFields, parent: QWidget | None = None) -> None:
        super().__init__("Edit place", parent)
        self.name = QLineEdit(current.name)
        self.latitude = QLineEdit("" if current.latitude is None else f"{current.latitude:.6g}")
        self.longitude = QLineEdit("" if current.longitude is None else f"{current.longitude:.6g}")
        self.country = QLineEdit(current.country or "")
        self.country.setMaxLength(2)
        self.country.setPlaceholderText("two-letter code, e.g. PH")
        self.geo_precision = QComboBox()
        self.geo_precision.addItems(list(GEO_PRECISIONS))
        if current.geo_precision not in GEO_PRECISIONS:
            self.geo_precision.addItem(current.geo_precision)
        self.geo_precision.setCurrentText(current.geo_precision)
        self.alt_names = QLineEdit("; ".join(current.alt_names))
        self.alt_names.setPlaceholderText("other names, separated by ;")
        for label, widget in (
            ("Name", self.name),
            ("Latitude", self.latitude),
            ("Longitude", self.longitude),
            ("Country", self.country),
            ("Located to", self.geo_precision),
            ("Other names", self.alt_names),
        ):
            self.form.addRow(label, widget)

    def values(self) -> LocationFields:
        lat, lon = _number(self.latitude, "latitude"), _number(self.longitude, "longitude")
        check_coordinates(lat, lon)
        values = LocationFields(
            name=self.name.text().strip(),
            latitude=lat,
            longitude=lon,
            country=(self.country.text().strip().upper() or None),
            geo_precision=self.geo_precision.currentText(),
            alt_names=[a.strip() for a in self.alt_names.text().split(";") if a.strip()],
        )
        values.check()
        return values


def _number(edit: QLineEdit, name: str) -> float | None:
    text = edit.text().strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise EditError(f"{name} must be a number, not {text!r}") from None


class SourceForm(_Form):
    def __init__(self, current: SourceFields | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Edit source" if current else "New source", parent)
        current = current or SourceFields("")
        self.title_edit = QLineEdit(current.title)
        self.publisher = QLineEdit(current.publisher or "")
        self.url = QLineEdit(current.url or "")
        self.date = QLineEdit(current.date or "")
        self.notes = QPlainTextEdit(current.notes or "")
        self.notes.setFixedHeight(70)
        for label, widget in (
            ("Title", self.title_edit),
            ("Publisher", self.publisher),
            ("Address", self.url),
            ("Date", self.date),
            ("Notes", self.notes),
        ):
            self.form.addRow(label, widget)

    def values(self) -> SourceFields:
        values = SourceFields(
            title=self.title_edit.text().strip(),
            publisher=_text_or_none(self.publisher),
            url=_text_or_none(self.url),
            date=_text_or_none(self.date),
            notes=self.notes.toPlainText().strip() or None,
        )
        values.check()
        return values


class MergeForm(_Form):
    """Two places that are the same: the first is kept, the second merged into it."""

    def __init__(
        self, places: list[PlaceChoice], kept: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__("Merge places", parent)
        self.kept = QComboBox()
        self.merged = QComboBox()
        for place, label in zip(places, place_labels(places), strict=True):
            label = label if label.endswith(f"#{place.id}") else f"{label} · #{place.id}"
            self.kept.addItem(label, place.id)
            self.merged.addItem(label, place.id)
        if kept is not None:
            self.kept.setCurrentIndex(max(self.kept.findData(kept), 0))
        self.merged.setCurrentIndex(
            1 if self.kept.currentIndex() == 0 and self.merged.count() > 1 else 0
        )
        note = QLabel(
            "The second place's events move to the first; its names are kept "
            "as other names of the first, and it is removed."
        )
        note.setWordWrap(True)
        note.setStyleSheet(OK_STYLE)
        self.form.addRow("Keep", self.kept)
        self.form.addRow("Merge into it", self.merged)
        self.form.addRow(note)

    def values(self) -> tuple[int, int]:
        kept, merged = self.kept.currentData(), self.merged.currentData()
        if kept is None or merged is None:
            raise EditError("pick two places")
        if kept == merged:
            raise EditError("pick two different places")
        return int(kept), int(merged)
