"""A new event where the analyst right-clicked the map: the new-event form with the
place's coordinates filled in, and the undoable command that saves the place and the
event together.

The form is the ordinary :class:`EventForm` with one more choice of place, "New place
at these coordinates" (chosen), its coordinates (any form ``domain.coords`` reads: DD,
DMS or MGRS; filled with the clicked point) and a name for it. An existing place can
still be picked instead.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget

from desktop_app.domain.coords import CoordinateError, format_point, parse_point
from desktop_app.features.editing.commands import Editor, StoreCommand
from desktop_app.features.editing.forms import EventForm
from desktop_app.store import editing as store
from desktop_app.store.editing import EditError, EventFields, LocationFields, PlaceChoice

NEW_PLACE = -1  # the place box's data for "a new place here"


class EventHereForm(EventForm):
    """The new-event form for a point on the map."""

    def __init__(
        self, places: list[PlaceChoice], lat: float, lon: float, parent: QWidget | None = None
    ) -> None:
        super().__init__(places, None, parent)
        self.setWindowTitle("New event here")
        self.coordinates = QLineEdit(format_point(lat, lon))
        self.coordinates.setToolTip("Decimal degrees, DMS or MGRS")
        self.place_name = QLineEdit()
        self.place_name.setPlaceholderText("a name for the new place (else its coordinates)")
        self.place.insertItem(1, "New place at these coordinates", NEW_PLACE)
        self.place.setCurrentIndex(1)
        position: Any = self.form.getWidgetPosition(self.place)  # (row, role); typed object
        row = int(position[0]) + 1
        self.form.insertRow(row, "Coordinates", self.coordinates)
        self.form.insertRow(row + 1, "New place", self.place_name)
        self.place.currentIndexChanged.connect(lambda _i: self._show_place_fields())

    def _show_place_fields(self) -> None:
        new = self.place.currentData() == NEW_PLACE
        for widget in (self.coordinates, self.place_name):
            widget.setEnabled(new)

    def new_place(self) -> LocationFields | None:
        """The place to make with the event (None: an existing place was chosen)."""
        if self.place.currentData() != NEW_PLACE:
            return None
        try:
            lat, lon = parse_point(self.coordinates.text())
        except CoordinateError as exc:
            raise EditError(f"Coordinates: {exc}") from exc
        name = self.place_name.text().strip() or format_point(lat, lon)
        return LocationFields(name, round(lat, 6), round(lon, 6), geo_precision="exact")

    def values(self) -> EventFields:
        values = super().values()
        if self.place.currentData() == NEW_PLACE:
            self.new_place()  # the coordinates are checked before OK closes the form
            return replace(values, location_id=None)
        return values


class NewEventHereCommand(StoreCommand):
    """Adds a place and an event at it; undo removes both, redo brings back both with
    their ids."""

    def __init__(self, editing: Editor, values: EventFields, place: LocationFields) -> None:
        super().__init__(editing, f"New event “{values.title[:40]}” here")
        self.values, self.place = values, place
        self.event_id: int | None = None
        self.location_id: int | None = None
        self.deleted: tuple[store.DeletedRows, store.DeletedRows] | None = None

    def apply(self) -> None:
        if self.deleted is not None:
            event_rows, place_rows = self.deleted
            store.restore_rows(self.project, place_rows)
            store.restore_rows(self.project, event_rows)
            return
        location_id = store.create_location(self.project, self.place)
        try:
            event_id = store.create_event(
                self.project, replace(self.values, location_id=location_id)
            )
        except Exception:
            store.delete_location(self.project, location_id)  # no place left behind
            raise
        self.location_id, self.event_id = location_id, event_id
        self.editing.select_after = event_id

    def revert(self) -> None:
        assert self.event_id is not None and self.location_id is not None
        event_rows = store.delete_event(self.project, self.event_id)
        self.deleted = (event_rows, store.delete_location(self.project, self.location_id))

    def touched(self) -> list[int] | None:
        return [self.event_id] if self.event_id is not None else None
