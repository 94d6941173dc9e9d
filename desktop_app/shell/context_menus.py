"""Right-click menus of the panes, made of the action registry's actions (by id), so a
menu item does exactly what its menu-bar twin does, with the same shortcut shown.

A right-click on an event that is not selected selects it first, as file managers do,
so the menu acts on what was clicked. The map's web page never shows the web
engine's own menu (the map view asks for a custom one instead).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QMenu, QWidget

from desktop_app.views.map import MapView
from desktop_app.views.table import TableView
from desktop_app.views.timeline import TimelineView
from desktop_app.workbench import Workbench

SEPARATOR = ""
EVENT_ACTIONS = (
    "edit.copy", SEPARATOR, "view.zoom_to_selection", "view.fit_all", SEPARATOR,
    "edit.edit_event", "edit.edit_place", "edit.delete_event", SEPARATOR,
    "edit.select_visible", "edit.clear_selection",
)  # fmt: skip
MAP_ACTIONS = (
    "view.zoom_to_selection", "view.fit_all", SEPARATOR, "edit.copy", "edit.edit_event",
    SEPARATOR, "edit.select_visible", "edit.clear_selection", "edit.clear_filters",
)  # fmt: skip


class ContextMenus:
    """Builds and shows the panes' menus; ``last`` is the menu shown last (tests read it)."""

    def __init__(self, workbench: Workbench, parent: QWidget) -> None:
        self.wb, self.parent = workbench, parent
        self.last: QMenu | None = None

    def build(self, action_ids: Sequence[str]) -> QMenu:
        """A menu of these registry actions (those declared; a separator for "")."""
        menu = QMenu(self.parent)
        menu.setObjectName("contextMenu")
        registry = self.wb.actions
        for action_id in action_ids:
            if action_id == SEPARATOR:
                if menu.actions() and not menu.actions()[-1].isSeparator():
                    menu.addSeparator()
            elif action_id in registry:
                menu.addAction(registry.action(action_id))
        if menu.actions() and menu.actions()[-1].isSeparator():
            menu.removeAction(menu.actions()[-1])
        return menu

    def show(self, action_ids: Sequence[str], at: QPoint) -> QMenu:
        if self.last is not None:
            self.last.deleteLater()
        menu = self.build(action_ids)
        self.last = menu
        menu.popup(at)
        return menu

    def _pick(self, event_id: int | None) -> None:
        """A right-click on an unselected event selects it (and makes it active)."""
        selection = self.wb.selection
        if event_id is not None and event_id not in selection.ids:
            selection.set([event_id], active=event_id, source=None)

    # ------------------------------------------------------------------ the panes
    def attach_table(self, table: TableView) -> None:
        view = table.table
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

        def requested(pos: QPoint) -> None:
            index = view.indexAt(pos)
            self._pick(table.model.event_id(index.row()) if index.isValid() else None)
            self.show(EVENT_ACTIONS, view.viewport().mapToGlobal(pos))

        view.customContextMenuRequested.connect(requested)

    def attach_timeline(self, timeline: TimelineView) -> None:
        canvas = timeline.canvas
        canvas.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

        def requested(pos: QPoint) -> None:
            self._pick(timeline.event_at(QPointF(pos)))
            self.show(EVENT_ACTIONS, canvas.mapToGlobal(pos))

        canvas.customContextMenuRequested.connect(requested)

    def attach_map(self, map_view: MapView) -> None:
        map_view.context_menu_requested.connect(lambda at: self.show(MAP_ACTIONS, at))
