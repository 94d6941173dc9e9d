"""Editing in the window: undoable commands, the Edit menu and the details toolbar.

Every edit is a :class:`QUndoCommand` on the workbench's undo stack that calls one
function of :mod:`desktop_app.store.editing` (one transaction, saved at once). After each
do, undo or redo the workbench patches its frame with the events the write touched (it
reads just those) and every pane shows them, keeping the selection. ``install`` declares
the Edit menu's actions and adds the details toolbar.

The store write always comes first: a new command is pushed only once its write has
committed, and the Undo/Redo actions write before they move the stack, so a refused
write (a bad value, a project busy with an import for too long, a database error)
shows a message and leaves the undo stack as it was. A command undone or redone
directly on the stack never raises either: a failed step drops the command (Qt removes
an obsolete command) and says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QToolBar, QVBoxLayout, QWidget

from desktop_app.features.editing.commands import (
    DeleteEventCommand,
    EditEventCommand,
    EditLocationCommand,
    EditSourceCommand,
    MergeLocationsCommand,
    NewEventCommand,
    NewSourceCommand,
    StoreCommand,
)
from desktop_app.features.editing.forms import EventForm, LocationForm, MergeForm, SourceForm
from desktop_app.features.editing.here import EventHereForm, NewEventHereCommand
from desktop_app.features.host import Host
from desktop_app.store import editing as store
from desktop_app.store.editing import EditError, LocationFields
from desktop_app.store.project import Project
from desktop_app.views import plain_text
from desktop_app.workbench import MenuId, Workbench
from desktop_app.workbench.undo import push_written, step_stack

log = logging.getLogger("sightline.editing")


class Editing(QObject):
    """The window's editing: the edit actions, forms and the details toolbar, on the
    workbench's undo stack.

    Signals:
        reloaded(): an edit, undo or redo reached the store and every pane shows it.
        picking(bool): the map waits for a click to move a place (True) or stopped.
    """

    reloaded = Signal()
    picking = Signal(bool)

    def __init__(self, workbench: Workbench, host: Host) -> None:
        super().__init__(workbench)
        self.wb, self.host = workbench, host
        self.window = host.window_widget()  # the forms' and boxes' parent
        self.undo_stack = workbench.undo_stack
        self.select_after: int | None = None  # an event to select after the next reload
        self._pick_target: int | None = None  # the place being moved by a map click
        self.form: QWidget | None = None  # the open form (tests read and fill it)
        self.last_message = ""  # the last refusal shown in the status bar
        self.message_box: QMessageBox | None = None  # the last refusal's box, if shown
        self.actions: dict[str, QAction] = {}
        self._make_actions()
        self.toolbar = self._install_toolbar()
        host.map.location_picked.connect(self._on_location_picked)
        workbench.selection.changed.connect(lambda _s: self._update_enabled())
        workbench.frame_applied.connect(self._update_enabled)
        self._update_enabled()

    # ------------------------------------------------------------------ wiring
    def _make_actions(self) -> None:
        stack = self.undo_stack
        add = self.wb.actions.add
        undo = add("edit.undo", "&Undo", self.undo, menu=MenuId.EDIT, shortcut="Ctrl+Z")
        redo = add("edit.redo", "&Redo", self.redo, menu=MenuId.EDIT, order=1,
                   shortcut="Ctrl+Shift+Z")  # fmt: skip
        # the actions follow the stack from its signals' values alone (the stack may be
        # half-destroyed when it sends its last ones)
        undo.setEnabled(False)
        redo.setEnabled(False)
        stack.canUndoChanged.connect(undo.setEnabled)
        stack.canRedoChanged.connect(redo.setEnabled)
        stack.undoTextChanged.connect(lambda t: undo.setText(f"&Undo {t}".strip()))
        stack.redoTextChanged.connect(lambda t: redo.setText(f"&Redo {t}".strip()))
        self.actions["undo"], self.actions["redo"] = undo, redo
        for order, (name, text, slot, shortcut, group) in enumerate(
            (
                ("new_event", "&New event…", self.new_event, "Ctrl+Shift+N", 1),
                ("edit_event", "&Edit event…", self.edit_event, "Ctrl+E", 1),
                ("delete_event", "&Delete event", self.delete_event, "Del", 1),
                ("edit_place", "Edit &place…", self.edit_place, None, 2),
                ("move_place", "&Move place on the map", self.move_place, None, 2),
                ("merge_places", "Mer&ge places…", self.merge_places, None, 2),
                ("new_source", "New &source…", self.new_source, None, 3),
                ("edit_source", "Edit so&urce…", self.edit_source, None, 3),
            )
        ):
            self.actions[name] = add(
                f"edit.{name}", text, slot, menu=MenuId.EDIT, group=group, order=order,
                shortcut=shortcut,
            )  # fmt: skip

        # in the map's right-click menu only: it acts on the point right-clicked
        self.actions["new_event_here"] = add(
            "edit.new_event_here",
            "New event &here…",
            self.new_event_here,
            tip="Add an event at the point of the map right-clicked, with a new place",
        )

    def _install_toolbar(self) -> QWidget:
        """Small buttons above the details pane, in its dock."""
        dock = self.host.docks["details"]
        details = dock.widget()
        # a tool bar folds what does not fit into its » menu, so it never forces the
        # dock wider; its short labels stand for the Edit menu's actions
        bar = QToolBar()
        bar.setObjectName("editingToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.setMovable(False)
        for name, text in (
            ("new_event", "New"),
            ("edit_event", "Edit"),
            ("delete_event", "Delete"),
            ("edit_place", "Place"),
            ("move_place", "Move on map"),
            ("merge_places", "Merge"),
            ("new_source", "Source"),
        ):
            action = self.actions[name]
            short = QAction(text, bar)
            short.setToolTip(action.text().replace("&", ""))
            short.setEnabled(action.isEnabled())
            short.triggered.connect(action.trigger)
            action.enabledChanged.connect(short.setEnabled)
            bar.addAction(short)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(bar)
        column.addWidget(details, 1)
        dock.setWidget(holder)
        return bar

    # ------------------------------------------------------------------ state
    @property
    def project(self) -> Project:
        project = self.wb.project
        if project is None:
            raise EditError("no project is open")
        return project

    def current_event(self) -> int | None:
        """The event the details pane is about (the active one, or the only one selected)."""
        selection = self.wb.selection
        if selection.active is not None:
            return selection.active
        if len(selection.ids) == 1:
            return next(iter(selection.ids))
        return None

    def current_place(self) -> int | None:
        event_id = self.current_event()
        if event_id is None:
            return None
        try:
            return store.read_event(self.project, event_id).location_id
        except EditError:
            return None

    def _update_enabled(self) -> None:
        has_event = self.current_event() is not None
        for name in ("edit_event", "delete_event", "edit_place", "move_place", "edit_source"):
            self.actions[name].setEnabled(has_event)

    def push(self, command: StoreCommand) -> bool:
        """Do an edit (undoably); False with a message when the store refused it (the
        undo stack is then unchanged)."""
        if not command.attempt(command.apply):
            self.refused(f"“{command.text()}” was not made: {command.error}")
            return False
        push_written(self.undo_stack, command)  # its redo() only reloads
        return True

    def undo(self) -> bool:
        """Undo the last edit: the store first, the stack only once that worked."""
        return self._step(undoing=True)

    def redo(self) -> bool:
        return self._step(undoing=False)

    def _step(self, *, undoing: bool) -> bool:
        """Write the undo (or redo) of the command next to the stack's index (an edit
        or an import: both are StoreSteps); move the stack only when that write worked,
        else say why and leave it where it is."""
        moved, why = step_stack(self.undo_stack, undoing=undoing)
        if why is not None:
            self.refused(why)
        return moved

    def refused(self, text: str) -> None:
        """A write that did not happen: the status bar says why, and so does a box
        (non-modal) when the window is on screen."""
        self._warn(text)
        if self.window.isVisible():
            box = plain_text.message_box(
                self.window, QMessageBox.Icon.Warning, "Not saved", text
            )  # the text may quote event titles
            box.setModal(False)
            box.show()
            self.message_box = box

    def events_at(self, *location_ids: int) -> list[int]:
        """The shown events at these places (a place's edit changes every one of them)."""
        frame = self.wb.linker.frame
        return [int(i) for i in frame.ids[np.isin(frame.location_id, location_ids)]]

    def refresh(self, touched: list[int] | None) -> None:
        """Show a write: patch the frame with the events it touched (read alone), keeping
        the selection; with None, read every event again (in the background)."""
        wanted = self.select_after
        self.select_after = None
        select = [wanted] if wanted is not None else None
        if touched is None:
            self.wb.frame_applied.connect(self._reloaded_once)
            self.wb.reload(select=select)
            return
        self.wb.patch(touched, select=select)
        self.reloaded.emit()

    def _reloaded_once(self) -> None:
        self.wb.frame_applied.disconnect(self._reloaded_once)
        self.reloaded.emit()

    # ------------------------------------------------------------------ forms
    def _run_form(self, form: Any, on_ok: Callable[[Any], object]) -> None:
        """Open ``form`` (non-modal, so tests and the map stay usable); OK calls ``on_ok``."""
        self.form = form
        form.accepted.connect(lambda: on_ok(form.values()))
        form.finished.connect(lambda _r: setattr(self, "form", None))
        form.open()

    def _warn(self, text: str) -> None:
        self.last_message = text
        self.wb.messages.say(text)

    def new_event(self) -> None:
        form = EventForm(store.list_place_choices(self.project), None, self.window)
        place = self.current_place()
        if place is not None:
            form.place.setCurrentIndex(max(form.place.findData(place), 0))
        self._run_form(form, lambda values: self.push(NewEventCommand(self, values)))

    def new_event_here(self) -> None:
        """The new-event form with the place the map was right-clicked at filled in."""
        context = self.host.map.tools.context
        if context is None:
            self.new_event()
            return
        form = EventHereForm(
            store.list_place_choices(self.project), context.lat, context.lon, self.window
        )

        def save(values: Any) -> None:
            place = form.new_place()
            if place is None:
                self.push(NewEventCommand(self, values))
            else:
                self.push(NewEventHereCommand(self, values, place))

        self._run_form(form, save)

    def edit_event(self) -> None:
        event_id = self.current_event()
        if event_id is None:
            return
        form = EventForm(
            store.list_place_choices(self.project),
            store.read_event(self.project, event_id),
            self.window,
        )
        self._run_form(form, lambda v: self.push(EditEventCommand(self, event_id, v)))

    def delete_event(self) -> None:
        event_id = self.current_event()
        if event_id is None:
            return
        title = store.read_event(self.project, event_id).title
        self.push(DeleteEventCommand(self, event_id, title))

    def edit_place(self, location_id: int | None = None) -> None:
        location_id = location_id if location_id is not None else self.current_place()
        if location_id is None:
            self._warn("The event has no place to edit.")
            return
        form = LocationForm(store.read_location(self.project, location_id), self.window)
        self._run_form(form, lambda v: self.push(EditLocationCommand(self, location_id, v)))

    def move_place(self, location_id: int | None = None) -> None:
        """Wait for a click on the map, then move the place there (undoably)."""
        location_id = location_id if location_id is not None else self.current_place()
        if location_id is None:
            self._warn("The event has no place to move.")
            return
        self._pick_target = location_id
        name = store.read_location(self.project, location_id).name
        self.wb.messages.say(f"Click on the map where {name} is.", 0)
        self.host.map.pick_location(True)
        self.picking.emit(True)

    def _on_location_picked(self, lat: float, lon: float) -> None:
        target, self._pick_target = self._pick_target, None
        self.picking.emit(False)
        if target is None:
            return
        self.wb.messages.clear()
        before = store.read_location(self.project, target)
        values = LocationFields(
            before.name, round(lat, 6), round(lon, 6), before.country, "exact", before.alt_names
        )
        self.push(EditLocationCommand(self, target, values, f"Move place “{before.name}”"))

    def merge_places(self) -> None:
        places = store.list_place_choices(self.project)
        if len(places) < 2:
            self._warn("There are not two places to merge.")
            return
        form = MergeForm(places, self.current_place(), self.window)
        names = {p.id: p.name for p in places}

        def merge(ids: tuple[int, int]) -> None:
            kept, merged = ids
            self.push(
                MergeLocationsCommand(
                    self, kept, merged, f"Merge “{names[merged]}” into “{names[kept]}”"
                )
            )

        self._run_form(form, merge)

    def new_source(self) -> None:
        event_id = self.current_event()
        form = SourceForm(None, self.window)
        self._run_form(form, lambda v: self.push(NewSourceCommand(self, v, event_id)))

    def edit_source(self, source_id: int | None = None) -> None:
        if source_id is None:
            event_id = self.current_event()
            cited = store.event_sources(self.project, event_id) if event_id is not None else []
            if not cited:
                self._warn("The event cites no source; use New source.")
                return
            source_id = cited[0][0]
        form = SourceForm(store.read_source(self.project, source_id), self.window)
        self._run_form(form, lambda v: self.push(EditSourceCommand(self, source_id, v)))


def install(workbench: Workbench, host: Host) -> Editing:
    """Edit menu (Undo/Redo and the edit actions), the details toolbar and map picking."""
    return Editing(workbench, host)
