"""The undoable edits: one :class:`StoreCommand` per kind of change of the store.

A command's ``apply`` makes the change and ``revert`` undoes it, each one store
function (one transaction). ``touched`` names the events the write changed, which the
editing feature patches into the frame (None: read everything again).
"""

from __future__ import annotations

import logging
from typing import Protocol

from desktop_app.store import editing as store
from desktop_app.store.editing import EditError, EventFields, LocationFields, SourceFields
from desktop_app.store.frame_rows import events_citing
from desktop_app.store.guard import WriteBusy
from desktop_app.store.project import Project, WriteFailed
from desktop_app.workbench import Workbench
from desktop_app.workbench.undo import StoreStep

log = logging.getLogger("sightline.editing")


class Editor(Protocol):
    """What a command needs of the editing feature."""

    wb: Workbench
    select_after: int | None

    def refused(self, text: str) -> None: ...
    def refresh(self, touched: list[int] | None) -> None: ...
    def events_at(self, *location_ids: int) -> list[int]: ...


def refusal(exc: BaseException) -> str:
    """Why a write did not happen, in one sentence for the analyst (never SQL or rows)."""
    if isinstance(exc, EditError | WriteBusy | WriteFailed):
        return str(exc)
    log.error("an edit failed", exc_info=exc)
    return "The change was not saved (an unexpected error; the details are in the log)."


class StoreCommand(StoreStep):
    """An edit of the store: ``apply`` does it, ``revert`` undoes it; each then patches
    the frame with the events it touched (``touched``; None: read everything again).

    :class:`Editing` runs the store write itself and then moves the stack, marking the
    step as done (``_written``), so ``redo``/``undo`` only reload; called by the stack
    alone they write, and a failure drops the command instead of raising."""

    def __init__(self, editing: Editor, text: str) -> None:
        super().__init__(text)
        self.editing = editing

    @property
    def project(self) -> Project:
        project = self.editing.wb.project
        assert project is not None
        return project

    def touched(self) -> list[int] | None:
        """The events this command's write changed, or None when that is not known."""
        return None

    def refusal(self, exc: BaseException) -> str:
        return refusal(exc)

    def show(self) -> None:
        self.editing.refresh(self.touched())

    def dropped(self, text: str) -> None:
        self.editing.refused(text)


class EditEventCommand(StoreCommand):
    def __init__(self, editing: Editor, event_id: int, values: EventFields) -> None:
        super().__init__(editing, f"Edit event “{values.title[:40]}”")
        self.event_id, self.values = event_id, values
        self.before: EventFields | None = None

    def apply(self) -> None:
        self.before = store.update_event(self.project, self.event_id, self.values)

    def touched(self) -> list[int] | None:
        return [self.event_id]

    def revert(self) -> None:
        assert self.before is not None
        store.update_event(self.project, self.event_id, self.before)


class NewEventCommand(StoreCommand):
    """Adds an event; redo after undo brings back the same event (same id)."""

    def __init__(self, editing: Editor, values: EventFields) -> None:
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

    def touched(self) -> list[int] | None:
        return [self.event_id] if self.event_id is not None else None


class DeleteEventCommand(StoreCommand):
    def __init__(self, editing: Editor, event_id: int, title: str) -> None:
        super().__init__(editing, f"Delete event “{title[:40]}”")
        self.event_id = event_id
        self.deleted: store.DeletedRows | None = None

    def apply(self) -> None:
        self.deleted = store.delete_event(self.project, self.event_id)

    def touched(self) -> list[int] | None:
        return [self.event_id]

    def revert(self) -> None:
        assert self.deleted is not None
        store.restore_rows(self.project, self.deleted)


class EditLocationCommand(StoreCommand):
    """Any change to a place's fields, moving it on the map included."""

    def __init__(
        self, editing: Editor, location_id: int, values: LocationFields, text: str = ""
    ) -> None:
        super().__init__(editing, text or f"Edit place “{values.name[:40]}”")
        self.location_id, self.values = location_id, values
        self.before: LocationFields | None = None

    def apply(self) -> None:
        self.before = store.update_location(self.project, self.location_id, self.values)

    def touched(self) -> list[int] | None:
        return self.editing.events_at(self.location_id)

    def revert(self) -> None:
        assert self.before is not None
        store.update_location(self.project, self.location_id, self.before)


class MergeLocationsCommand(StoreCommand):
    def __init__(self, editing: Editor, kept_id: int, merged_id: int, text: str) -> None:
        super().__init__(editing, text)
        self.kept_id, self.merged_id = kept_id, merged_id
        self.merge: store.Merge | None = None

    def apply(self) -> None:
        self.merge = store.merge_locations(self.project, self.kept_id, self.merged_id)

    def touched(self) -> list[int] | None:
        return self.editing.events_at(self.kept_id, self.merged_id)

    def revert(self) -> None:
        assert self.merge is not None
        store.unmerge_locations(self.project, self.merge)


class NewSourceCommand(StoreCommand):
    def __init__(self, editing: Editor, values: SourceFields, event_id: int | None) -> None:
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

    def touched(self) -> list[int] | None:
        return [self.event_id] if self.event_id is not None else []


class EditSourceCommand(StoreCommand):
    def __init__(self, editing: Editor, source_id: int, values: SourceFields) -> None:
        super().__init__(editing, f"Edit source “{values.title[:40]}”")
        self.source_id, self.values = source_id, values
        self.before: SourceFields | None = None

    def apply(self) -> None:
        self.before = store.update_source(self.project, self.source_id, self.values)

    def touched(self) -> list[int] | None:
        return events_citing(self.project, [self.source_id])

    def revert(self) -> None:
        assert self.before is not None
        store.update_source(self.project, self.source_id, self.before)
