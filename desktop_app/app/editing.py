"""Editing in the window: undoable commands, the Edit menu and the details toolbar.

Every edit is a :class:`QUndoCommand` that calls one function of
:mod:`desktop_app.store.editing` (one transaction, saved at once). After each do, undo or
redo the frame is read again and handed to every pane, keeping the selection.
``install_editing(window)`` wires it all into a :class:`MainWindow`.

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
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMenu, QMessageBox, QToolBar, QVBoxLayout, QWidget

from desktop_app.app.edit_forms import EventForm, LocationForm, MergeForm, SourceForm
from desktop_app.frame.cache import load_frame
from desktop_app.store import editing as store
from desktop_app.store.editing import EditError, EventFields, LocationFields, SourceFields
from desktop_app.store.guard import WriteBusy
from desktop_app.store.project import WriteFailed
from desktop_app.views import plain_text

if TYPE_CHECKING:
    from desktop_app.app.window import MainWindow
    from desktop_app.frame import EventFrame
    from desktop_app.store.project import Project

log = logging.getLogger("sightline.editing")


def refusal(exc: BaseException) -> str:
    """Why a write did not happen, in one sentence for the analyst (never SQL or rows)."""
    if isinstance(exc, EditError | WriteBusy | WriteFailed):
        return str(exc)
    log.error("an edit failed", exc_info=exc)
    return "The change was not saved (an unexpected error; the details are in the log)."


class StoreCommand(QUndoCommand):
    """An edit of the store: ``apply`` does it, ``revert`` undoes it; each then reloads.

    :class:`Editing` runs the store write itself and then moves the stack, marking the
    step as done (``_written``), so ``redo``/``undo`` only reload; called by the stack
    alone they write, and a failure drops the command instead of raising."""

    def __init__(self, editing: Editing, text: str) -> None:
        super().__init__(text)
        self.editing = editing
        self.error: str | None = None  # why the store refused the last step
        self._written = False  # the store write of the next redo/undo was already done

    @property
    def project(self) -> Project:
        project = self.editing.window.project
        assert project is not None
        return project

    def apply(self) -> None:  # pragma: no cover - every command overrides it
        raise NotImplementedError

    def revert(self) -> None:  # pragma: no cover - every command overrides it
        raise NotImplementedError

    def attempt(self, step: Callable[[], None]) -> bool:
        """Run one store write; False (with ``error`` set) when it did not happen."""
        try:
            step()
        except Exception as exc:  # every failure becomes a message, never an exception
            self.error = refusal(exc)
            return False
        self.error = None
        return True

    def _step(self, step: Callable[[], None], verb: str) -> None:
        if self._written:
            self._written = False
        elif not self.attempt(step):
            self.setObsolete(True)  # Qt drops the command: its state is unknown now
            self.editing.refused(
                f"{verb} “{self.text()}” failed: {self.error} It was removed from the undo history."
            )
            return
        self.editing.reload()

    def redo(self) -> None:
        self._step(self.apply, "Redo of")

    def undo(self) -> None:
        self._step(self.revert, "Undo of")


class EditEventCommand(StoreCommand):
    def __init__(self, editing: Editing, event_id: int, values: EventFields) -> None:
        super().__init__(editing, f"Edit event “{values.title[:40]}”")
        self.event_id, self.values = event_id, values
        self.before: EventFields | None = None

    def apply(self) -> None:
        self.before = store.update_event(self.project, self.event_id, self.values)

    def revert(self) -> None:
        assert self.before is not None
        store.update_event(self.project, self.event_id, self.before)


class NewEventCommand(StoreCommand):
    """Adds an event; redo after undo brings back the same event (same id)."""

    def __init__(self, editing: Editing, values: EventFields) -> None:
        super().__init__(editing, f"New event “{values.title[:40]}”")
        self.values = values
        self.event_id: int | None = None
        self.deleted: store.DeletedRows | None = None

    def apply(self) -> None:
        if self.deleted is None:
            self.event_id = store.create_event(self.project, self.values)
            self.editing.select_after = self.event_id
        else:
            store.restore_rows(self.project, self.deleted)

    def revert(self) -> None:
        assert self.event_id is not None
        self.deleted = store.delete_event(self.project, self.event_id)


class DeleteEventCommand(StoreCommand):
    def __init__(self, editing: Editing, event_id: int, title: str) -> None:
        super().__init__(editing, f"Delete event “{title[:40]}”")
        self.event_id = event_id
        self.deleted: store.DeletedRows | None = None

    def apply(self) -> None:
        self.deleted = store.delete_event(self.project, self.event_id)

    def revert(self) -> None:
        assert self.deleted is not None
        store.restore_rows(self.project, self.deleted)


class EditLocationCommand(StoreCommand):
    """Any change to a place's fields, moving it on the map included."""

    def __init__(
        self, editing: Editing, location_id: int, values: LocationFields, text: str = ""
    ) -> None:
        super().__init__(editing, text or f"Edit place “{values.name[:40]}”")
        self.location_id, self.values = location_id, values
        self.before: LocationFields | None = None

    def apply(self) -> None:
        self.before = store.update_location(self.project, self.location_id, self.values)

    def revert(self) -> None:
        assert self.before is not None
        store.update_location(self.project, self.location_id, self.before)


class MergeLocationsCommand(StoreCommand):
    def __init__(self, editing: Editing, kept_id: int, merged_id: int, text: str) -> None:
        super().__init__(editing, text)
        self.kept_id, self.merged_id = kept_id, merged_id
        self.merge: store.Merge | None = None

    def apply(self) -> None:
        self.merge = store.merge_locations(self.project, self.kept_id, self.merged_id)

    def revert(self) -> None:
        assert self.merge is not None
        store.unmerge_locations(self.project, self.merge)


class NewSourceCommand(StoreCommand):
    def __init__(self, editing: Editing, values: SourceFields, event_id: int | None) -> None:
        super().__init__(editing, f"New source “{values.title[:40]}”")
        self.values, self.event_id = values, event_id
        self.source_id: int | None = None
        self.deleted: store.DeletedRows | None = None

    def apply(self) -> None:
        if self.deleted is None:
            self.source_id = store.create_source(self.project, self.values, self.event_id)
        else:
            store.restore_rows(self.project, self.deleted)

    def revert(self) -> None:
        assert self.source_id is not None
        self.deleted = store.delete_source(self.project, self.source_id)


class EditSourceCommand(StoreCommand):
    def __init__(self, editing: Editing, source_id: int, values: SourceFields) -> None:
        super().__init__(editing, f"Edit source “{values.title[:40]}”")
        self.source_id, self.values = source_id, values
        self.before: SourceFields | None = None

    def apply(self) -> None:
        self.before = store.update_source(self.project, self.source_id, self.values)

    def revert(self) -> None:
        assert self.before is not None
        store.update_source(self.project, self.source_id, self.before)


class Editing(QObject):
    """The window's editing: undo stack, actions, forms and the details toolbar.

    Signals:
        reloaded(): an edit, undo or redo reached the store and every pane shows it.
        picking(bool): the map waits for a click to move a place (True) or stopped.
    """

    reloaded = Signal()
    picking = Signal(bool)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.undo_stack = QUndoStack(self)
        self.select_after: int | None = None  # an event to select after the next reload
        self._pick_target: int | None = None  # the place being moved by a map click
        self.form: QWidget | None = None  # the open form (tests read and fill it)
        self.last_message = ""  # the last refusal shown in the status bar
        self.message_box: QMessageBox | None = None  # the last refusal's box, if shown
        self.actions: dict[str, QAction] = {}
        self._make_actions()
        self._install_menu()
        self.toolbar = self._install_toolbar()
        window.map.location_picked.connect(self._on_location_picked)
        window.selection.changed.connect(lambda _s: self._update_enabled())
        self._update_enabled()

    # ------------------------------------------------------------------ wiring
    def _make_actions(self) -> None:
        stack = self.undo_stack
        undo = QAction("&Undo", self)
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        undo.triggered.connect(lambda _c=False: self.undo())
        redo = QAction("&Redo", self)
        redo.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        redo.triggered.connect(lambda _c=False: self.redo())

        # the actions follow the stack from its signals' values alone (the stack may be
        # half-destroyed when it sends its last ones)
        undo.setEnabled(False)
        redo.setEnabled(False)
        stack.canUndoChanged.connect(undo.setEnabled)
        stack.canRedoChanged.connect(redo.setEnabled)
        stack.undoTextChanged.connect(lambda t: undo.setText(f"&Undo {t}".strip()))
        stack.redoTextChanged.connect(lambda t: redo.setText(f"&Redo {t}".strip()))
        self.actions["undo"], self.actions["redo"] = undo, redo
        for name, text, slot, shortcut in (
            ("new_event", "&New event…", self.new_event, "Ctrl+Shift+N"),
            ("edit_event", "&Edit event…", self.edit_event, "Ctrl+E"),
            ("delete_event", "&Delete event", self.delete_event, "Del"),
            ("edit_place", "Edit &place…", self.edit_place, None),
            ("move_place", "&Move place on the map", self.move_place, None),
            ("merge_places", "Mer&ge places…", self.merge_places, None),
            ("new_source", "New &source…", self.new_source, None),
            ("edit_source", "Edit so&urce…", self.edit_source, None),
        ):
            action = QAction(text, self)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _c=False, s=slot: s())
            self.actions[name] = action

    def _install_menu(self) -> None:
        menu = next(
            (
                a.menu()
                for a in self.window.menuBar().actions()
                if a.text().replace("&", "") == "Edit"
            ),
            None,
        )
        if not isinstance(menu, QMenu):
            menu = self.window.menuBar().addMenu("&Edit")
        first = menu.actions()[0] if menu.actions() else None
        items: list[QAction | None] = [self.actions["undo"], self.actions["redo"], None]
        items += [self.actions[n] for n in ("new_event", "edit_event", "delete_event")] + [None]
        items += [self.actions[n] for n in ("edit_place", "move_place", "merge_places")] + [None]
        items += [self.actions["new_source"], self.actions["edit_source"], None]
        for item in items:
            if item is None:
                menu.insertSeparator(first) if first else menu.addSeparator()
            elif first is not None:
                menu.insertAction(first, item)
            else:
                menu.addAction(item)
        self.menu = menu

    def _install_toolbar(self) -> QWidget:
        """Small buttons above the details pane, in its dock."""
        dock = self.window.docks["details"]
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
        project = self.window.project
        if project is None:
            raise EditError("no project is open")
        return project

    def current_event(self) -> int | None:
        """The event the details pane is about (the active one, or the only one selected)."""
        selection = self.window.selection
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
        command._written = True
        self.undo_stack.push(command)  # its redo() only reloads
        return True

    def undo(self) -> bool:
        """Undo the last edit: the store first, the stack only once that worked."""
        return self._step(undoing=True)

    def redo(self) -> bool:
        return self._step(undoing=False)

    def _step(self, *, undoing: bool) -> bool:
        """Write the undo (or redo) of the command next to the stack's index; move the
        stack only when that write worked, else say why and leave it where it is."""
        stack = self.undo_stack
        if not (stack.canUndo() if undoing else stack.canRedo()):
            return False
        command = stack.command(stack.index() - 1 if undoing else stack.index())
        assert isinstance(command, StoreCommand)
        if not command.attempt(command.revert if undoing else command.apply):
            self.refused(
                f"{'Undo' if undoing else 'Redo'} of “{command.text()}” failed: {command.error}"
            )
            return False
        command._written = True
        if undoing:
            stack.undo()
        else:
            stack.redo()
        return True

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

    def reload(self) -> None:
        """Read the frame again and give it to every pane, keeping what is selected."""
        self.apply_frame(load_frame(self.project))

    def apply_frame(self, frame: EventFrame) -> None:
        """Give a freshly read frame to every pane, keeping the selection (less what is
        gone) and the view; also used when the window follows changes made elsewhere."""
        window = self.window
        window.linker.set_frame(frame)
        selection = window.selection
        wanted = self.select_after
        self.select_after = None
        if wanted is not None and frame.row_of(wanted) is not None:
            selection.set([wanted], active=wanted, source=self)
        else:
            kept = [i for i in selection.ids if frame.row_of(i) is not None]
            active = selection.active if selection.active in kept else None
            if len(kept) != len(selection.ids):
                selection.set(kept, active=active, source=self)
        window.details.refresh()
        self._update_enabled()
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
        self.window.statusBar().showMessage(text, 10_000)

    def new_event(self) -> None:
        form = EventForm(store.list_place_choices(self.project), None, self.window)
        place = self.current_place()
        if place is not None:
            form.place.setCurrentIndex(max(form.place.findData(place), 0))
        self._run_form(form, lambda values: self.push(NewEventCommand(self, values)))

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
        self.window.statusBar().showMessage(f"Click on the map where {name} is.")
        self.window.map.pick_location(True)
        self.picking.emit(True)

    def _on_location_picked(self, lat: float, lon: float) -> None:
        target, self._pick_target = self._pick_target, None
        self.picking.emit(False)
        if target is None:
            return
        self.window.statusBar().clearMessage()
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


def install_editing(window: MainWindow) -> Editing:
    """Edit menu (Undo/Redo and the edit actions), the details toolbar and map picking."""
    return Editing(window)
