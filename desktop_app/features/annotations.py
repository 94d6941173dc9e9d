"""Annotations and areas on the map: the analyst's points, lines, polygons, text notes
and range rings (saved in the project, undoable), selection by polygon or lasso, the
area filter, and the actions of the map's right-click menu.

Drawing happens on the page (``resources/map/sightline_draw.js``); what is drawn comes
here through ``MapView.tools``, is given a label (rings: their radii) in a small form and
saved by one undoable step on the workbench's undo stack (``workbench.undo.StoreStep``),
so Ctrl+Z and Ctrl+Shift+Z step through annotations, edits and imports in order.
Which annotations the map shows is ``ViewState.annotations``, so a saved view and a
story step bring back the ones it showed (a view saved before annotations existed
shows all of them).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QGuiApplication

from desktop_app.domain.coords import STYLE_NAMES, STYLES, format_all
from desktop_app.features.annotation_forms import AnnotationForm
from desktop_app.features.annotation_tools import DrawTools
from desktop_app.features.host import Host
from desktop_app.store.annotations import (
    AnnotationError,
    AnnotationFields,
    AnnotationRecord,
    annotations_version,
    create_annotation,
    delete_annotation,
    list_annotations,
    restore_annotation,
    update_annotation,
)
from desktop_app.store.project import Project
from desktop_app.workbench import MenuId, Workbench
from desktop_app.workbench.undo import StoreStep, push_written

log = logging.getLogger("sightline.annotations")
ZOOM_STEP = 2
MAX_ZOOM = 18
KIND_WORDS = {"point": "point", "text": "note", "line": "line", "polygon": "polygon",
              "ring": "range rings"}  # fmt: skip


# ---------------------------------------------------------------------- undoable steps
class AnnotationStep(StoreStep):
    """A change of the project's annotations; after each step the map shows them again."""

    def __init__(self, feature: Annotations, text: str) -> None:
        super().__init__(text)
        self.feature = feature

    @property
    def project(self) -> Project:
        project = self.feature.wb.project
        if project is None:
            raise AnnotationError("no project is open")
        return project

    def refusal(self, exc: BaseException) -> str:
        if isinstance(exc, AnnotationError):
            return str(exc)
        return super().refusal(exc)

    def show(self) -> None:
        self.feature.reload()

    def dropped(self, text: str) -> None:
        self.feature.say(text)


class NewAnnotation(AnnotationStep):
    """Adds an annotation; redo after undo brings back the same one (same id)."""

    def __init__(self, feature: Annotations, values: AnnotationFields) -> None:
        super().__init__(feature, f"New {KIND_WORDS[values.kind]} “{values.label[:40]}”")
        self.values = values
        self.annotation_id: int | None = None
        self.row: dict[str, Any] | None = None

    def apply(self) -> None:
        if self.row is None:
            self.annotation_id = create_annotation(self.project, self.values)
            self.feature.shown_too(self.annotation_id)
        else:
            restore_annotation(self.project, self.row)

    def revert(self) -> None:
        assert self.annotation_id is not None
        self.row = delete_annotation(self.project, self.annotation_id)


class ChangeAnnotation(AnnotationStep):
    """Renames, moves or reshapes an annotation."""

    def __init__(
        self, feature: Annotations, annotation_id: int, values: AnnotationFields, text: str
    ) -> None:
        super().__init__(feature, text)
        self.annotation_id, self.values = annotation_id, values
        self.before: AnnotationFields | None = None

    def apply(self) -> None:
        self.before = update_annotation(self.project, self.annotation_id, self.values)

    def revert(self) -> None:
        assert self.before is not None
        update_annotation(self.project, self.annotation_id, self.before)


class DeleteAnnotation(AnnotationStep):
    def __init__(self, feature: Annotations, record: AnnotationRecord) -> None:
        label = record.fields.label[:40]
        super().__init__(feature, f"Delete {KIND_WORDS[record.fields.kind]} “{label}”")
        self.annotation_id = record.id
        self.row: dict[str, Any] | None = None

    def apply(self) -> None:
        self.row = delete_annotation(self.project, self.annotation_id)

    def revert(self) -> None:
        assert self.row is not None
        restore_annotation(self.project, self.row)


# ---------------------------------------------------------------------- the feature
class Annotations(QObject):
    """Signals:
    shown(): the map was given the project's annotations again (after a load or a step).
    """

    shown = Signal()

    def __init__(self, workbench: Workbench, host: Host) -> None:
        super().__init__(workbench)
        self.wb, self.host = workbench, host
        self.tools = host.map.tools
        self.records: list[AnnotationRecord] = []
        self.form: AnnotationForm | None = None  # the open form (tests fill it)
        self.last_message = ""
        self._area_shown: tuple[tuple[float, float], ...] = ()
        self.actions: dict[str, QAction] = {}
        self._declare_actions()
        self.draw_tools = DrawTools(workbench, self.tools, host.map.web_view)  # Map menu
        self.tools.drawn.connect(self.open_new)
        self.tools.moved.connect(self._on_moved)
        self.tools.context_requested.connect(lambda _p: self._update_actions())
        workbench.project_changed.connect(lambda _p: self._project_changed())
        workbench.view_state.annotations_changed.connect(self._on_shown_changed)
        workbench.filters.changed.connect(lambda _s: self._on_filters_changed())
        # annotations written elsewhere (another window, a colleague on the server) are
        # looked for as often as the events are
        self._version: tuple[int, int, str] | None = None
        workbench.follow_timer.timeout.connect(self.follow)
        self.reload()

    # ------------------------------------------------------------------ actions
    def _declare_actions(self) -> None:
        add = self.wb.actions.add
        self.actions["zoom_here"] = add(
            "map.zoom_here",
            "&Zoom in here",
            self.zoom_here,
            tip="Zoom the map in on the point right-clicked",
        )
        for style in STYLES:
            self.actions[f"copy_{style}"] = add(
                f"map.copy_{style}",
                f"Copy as {STYLE_NAMES[style]}",
                partial(self.copy_coordinates, style),
                tip=f"Copy the point right-clicked, written as {STYLE_NAMES[style]}",
            )
        self.actions["select_event"] = add(
            "map.select_event",
            "&Select this event",
            self.select_event,
            tip="Select only the event right-clicked",
        )
        self.actions["filter_area"] = add(
            "map.filter_area",
            "&Filter to this area",
            self.filter_to_area,
            tip="Show only the events inside the area drawn (or the polygon clicked)",
        )
        self.actions["clear_area"] = add(
            "map.clear_area",
            "Clear the &area filter",
            self.clear_area_filter,
            tip="Show the events outside the map area again",
        )
        self.actions["rename"] = add(
            "map.annotation_rename",
            "&Rename annotation…",
            self.rename_annotation,
            tip="Change the label (and colour, radii) of the annotation right-clicked",
        )
        self.actions["move"] = add(
            "map.annotation_move",
            "&Move or reshape annotation",
            self.move_annotation,
            tip="Drag its handles; each drag can be undone",
        )
        self.actions["hide"] = add(
            "map.annotation_hide",
            "&Hide annotation",
            self.hide_annotation,
            tip="Stop showing this annotation (a saved view remembers what it shows)",
        )
        self.actions["delete"] = add(
            "map.annotation_delete",
            "&Delete annotation",
            self.delete_annotation,
            tip="Delete the annotation right-clicked (Undo brings it back)",
        )
        self.actions["show_all"] = add(
            "view.annotations_show_all",
            "Sho&w every annotation",
            self.show_all,
            tip="Show the annotations hidden on the map again",
            menu=MenuId.MAP,
            group=5,
        )
        for order, name in enumerate(("filter_area", "clear_area")):  # the area drawn
            self.wb.actions.place(f"map.{name}", MenuId.MAP, group=4, order=order)
        self._update_actions()

    def _update_actions(self) -> None:
        """The menu's entries for where the analyst right-clicked."""
        context = self.tools.context
        if context is not None:
            for style, text in format_all(context.lat, context.lon).items():
                self.actions[f"copy_{style}"].setText(f"Copy “{text}”".replace("&", "&&"))
        for style in STYLES:
            self.actions[f"copy_{style}"].setEnabled(context is not None)
        self.actions["zoom_here"].setEnabled(context is not None)
        self.actions["select_event"].setEnabled(
            context is not None and context.event_id is not None
        )
        self.actions["filter_area"].setEnabled(self.area_at_hand() is not None)
        self.actions["clear_area"].setEnabled(bool(self.wb.filters.filters.area))
        on_one = self.context_annotation() is not None
        for name in ("rename", "move", "hide", "delete"):
            self.actions[name].setEnabled(on_one)

    # ------------------------------------------------------------------ reading
    @property
    def project(self) -> Project | None:
        return self.wb.project

    def reload(self) -> None:
        """Read the project's annotations and give them to the map."""
        project = self.project
        try:
            self._version = annotations_version(project) if project is not None else None
            self.records = list_annotations(project) if project is not None else []
        except Exception:  # a project from before 0007 opened read-only, a lost server
            log.exception("the annotations could not be read")
            self.records = []
        if self.wb.view_state.annotations is None:
            self.wb.view_state.set_annotations(frozenset(r.id for r in self.records), self)
        self.tools.set_annotations([r.to_dict() for r in self.records])
        self._update_actions()
        self.shown.emit()

    def follow(self) -> None:
        """Show the annotations again when they changed since they were read (written
        by someone else: this window's own steps show theirs when made)."""
        project = self.project
        if project is None or self._version is None:
            return
        try:
            version = annotations_version(project)
        except Exception:  # a server gone away: try again at the next tick
            log.warning("cannot read the annotations' version", exc_info=True)
            return
        if version != self._version:
            known = {r.id for r in self.records}
            self.reload()
            for record in self.records:  # a new one is shown, as one drawn here is
                if record.id not in known:
                    self.shown_too(record.id)

    def _project_changed(self) -> None:
        """Another project: its annotations, every one shown."""
        self.tools.last_area = None
        self.wb.view_state.set_annotations(None, self)
        self.reload()

    def record(self, annotation_id: int | None) -> AnnotationRecord | None:
        return next((r for r in self.records if r.id == annotation_id), None)

    def context_annotation(self) -> AnnotationRecord | None:
        context = self.tools.context
        return None if context is None else self.record(context.annotation_id)

    def area_at_hand(self) -> tuple[tuple[float, float], ...] | None:
        """The area "Filter to this area" takes: the polygon right-clicked, else the
        last area drawn to select ((lon, lat) corners)."""
        record = self.context_annotation()
        if record is not None and record.fields.kind == "polygon":
            return tuple((lon, lat) for lat, lon in record.fields.geometry["points"])
        return self.tools.last_area

    def say(self, text: str) -> None:
        self.last_message = text
        self.wb.messages.say(text)

    # ------------------------------------------------------------------ which are shown
    def shown_too(self, annotation_id: int) -> None:
        """A new annotation is shown (the views saved before keep what they showed)."""
        shown = self.wb.view_state.annotations
        if shown is not None:
            self.wb.view_state.set_annotations(shown | {annotation_id}, self)

    def _on_shown_changed(self, source: object) -> None:
        # a view saved before annotations existed shows every one of them
        if self.wb.view_state.annotations is None and source is not self:
            self.wb.view_state.set_annotations(frozenset(r.id for r in self.records), self)

    def show_all(self) -> None:
        self.wb.view_state.set_annotations(frozenset(r.id for r in self.records), self)

    def hide_annotation(self) -> None:
        record = self.context_annotation()
        shown = self.wb.view_state.annotations
        if record is not None and shown is not None:
            self.wb.view_state.set_annotations(shown - {record.id}, self)

    # ------------------------------------------------------------------ writing
    def push(self, step: AnnotationStep) -> bool:
        """Make the change (undoably); False with a message when it was refused."""
        if not step.attempt(step.apply):
            self.say(f"“{step.text()}” was not made: {step.error}")
            return False
        push_written(self.wb.undo_stack, step)  # its first redo only shows it
        return True

    def create(self, values: AnnotationFields) -> int | None:
        step = NewAnnotation(self, values)
        return step.annotation_id if self.push(step) else None

    def open_new(self, kind: str, geometry: dict[str, Any]) -> AnnotationForm:
        """The form for a shape just drawn: its label (rings: radii and unit)."""
        form = AnnotationForm(AnnotationFields(kind, geometry), self.host.window_widget())
        self._run_form(form, self.create)
        return form

    def rename_annotation(self) -> AnnotationForm | None:
        record = self.context_annotation()
        if record is None:
            return None
        form = AnnotationForm(record.fields, self.host.window_widget(), editing=True)
        self._run_form(
            form,
            lambda values: self.push(
                ChangeAnnotation(self, record.id, values, f"Rename “{values.label[:40]}”")
            ),
        )
        return form

    def _run_form(self, form: AnnotationForm, on_ok: Any) -> None:
        self.form = form
        form.accepted.connect(lambda: on_ok(form.values()))
        form.finished.connect(lambda _r: setattr(self, "form", None))
        form.open()

    def _on_moved(self, annotation_id: int, geometry: dict[str, Any]) -> None:
        record = self.record(annotation_id)
        if record is None:
            return
        values = replace(record.fields, geometry=geometry)
        word = KIND_WORDS[record.fields.kind]
        if not self.push(ChangeAnnotation(self, annotation_id, values, f"Move {word}")):
            self.reload()  # the handle goes back where the annotation still is

    def move_annotation(self) -> None:
        record = self.context_annotation()
        if record is not None:
            self.tools.edit(record.id)
            self.say("Drag the handles; click the map when done.")

    def delete_annotation(self) -> None:
        record = self.context_annotation()
        if record is not None:
            self.push(DeleteAnnotation(self, record))

    # ------------------------------------------------------------------ map actions
    def zoom_here(self) -> None:
        context, view = self.tools.context, self.wb.view_state.map
        if context is None:
            return
        zoom = min((view.zoom if view is not None else 3) + ZOOM_STEP, MAX_ZOOM)
        self.host.map.fly_to(context.lat, context.lon, zoom, 0.6)

    def copy_coordinates(self, style: str) -> str | None:
        context = self.tools.context
        if context is None:
            return None
        text = {str(k): v for k, v in format_all(context.lat, context.lon).items()}.get(style)
        clipboard = QGuiApplication.clipboard()
        if text is None or clipboard is None:
            return None
        clipboard.setText(str(text))
        self.say(f"Copied {text}")
        return str(text)

    def select_event(self) -> None:
        context = self.tools.context
        if context is not None and context.event_id is not None:
            self.wb.selection.set([context.event_id], active=context.event_id, source=self)

    def filter_to_area(self) -> None:
        area = self.area_at_hand()
        if area is None:
            return
        self.wb.filters.set(replace(self.wb.filters.filters, area=tuple(area)), source=self)
        self.say(f"Showing the {int(self.wb.linker.visible.sum()):,} events inside the area")

    def clear_area_filter(self) -> None:
        self.wb.filters.set(replace(self.wb.filters.filters, area=()), source=self)

    def _on_filters_changed(self) -> None:
        area = self.wb.filters.filters.area
        if area != self._area_shown:
            self._area_shown = area
            self.tools.show_area(area or None)
        self._update_actions()


def install(workbench: Workbench, host: Host) -> Annotations:
    """Annotations on the map, area selection and filtering, the map's menu actions."""
    return Annotations(workbench, host)
