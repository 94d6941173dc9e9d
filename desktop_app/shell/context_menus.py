"""Right-click menus of the panes, made of the action registry's actions (by id), so a
menu item does exactly what its menu-bar twin does, with the same shortcut shown.

A right-click on an event that is not selected selects it first, as file managers do,
so the menu acts on what was clicked. The map's web page never shows the web
engine's own menu (the map view asks for a custom one instead).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from desktop_app.views.filters import FiltersView
from desktop_app.views.filters.pane import FacetList, value_label
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
DETAILS_ACTIONS = (
    "edit.copy", SEPARATOR, "view.zoom_to_selection", SEPARATOR, "edit.edit_event",
    "edit.edit_place", "edit.new_source", "edit.delete_event",
)  # fmt: skip
FILTER_ACTIONS = ("edit.clear_filters", "edit.find", SEPARATOR, "edit.select_visible")
MAP_ACTIONS = (
    "view.zoom_to_selection", "view.fit_all", SEPARATOR, "edit.copy", "edit.edit_event",
    SEPARATOR, "edit.select_visible", "edit.clear_selection", "edit.clear_filters",
)  # fmt: skip
# where the map was right-clicked (features.annotations declares the map.* actions)
MAP_HERE_ACTIONS = (
    "map.zoom_here", SEPARATOR, "map.copy_dd", "map.copy_dms", "map.copy_mgrs", SEPARATOR,
    "edit.new_event_here", SEPARATOR, "map.filter_area", "map.clear_area", SEPARATOR,
)  # fmt: skip
MAP_EVENT_ACTIONS = (
    "map.select_event", "edit.edit_event", "edit.edit_place", "edit.move_place",
    "view.zoom_to_selection", SEPARATOR,
)  # fmt: skip
MAP_ANNOTATION_ACTIONS = (
    "map.annotation_rename", "map.annotation_move", "map.annotation_hide",
    "map.annotation_delete", SEPARATOR,
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

    def attach_details(self, details: QWidget) -> None:
        details.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        details.customContextMenuRequested.connect(
            lambda pos: self.show(DETAILS_ACTIONS, details.mapToGlobal(pos))
        )

    def attach_filters(self, filters: FiltersView) -> None:
        """The pane's own actions; on a facet's value also "Show only" it."""
        filters.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        filters.customContextMenuRequested.connect(
            lambda pos: self.show(FILTER_ACTIONS, filters.mapToGlobal(pos))
        )
        for facet_list in filters.facets.values():
            facet_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            facet_list.customContextMenuRequested.connect(
                lambda pos, fl=facet_list: self._facet_menu(fl, pos)
            )

    def _facet_menu(self, facet_list: FacetList, pos: QPoint) -> QMenu:
        item = facet_list.itemAt(pos)
        value = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        menu = self.show(FILTER_ACTIONS, facet_list.viewport().mapToGlobal(pos))
        if value is not None:
            # the value is data: "&" would be read as a shortcut marker, so it is doubled
            label = value_label(facet_list.facet, str(value)).replace("&", "&&")
            only = QAction(f"Show only “{label}”", menu)
            only.triggered.connect(
                lambda _c=False: self.wb.filters.set_facet(
                    facet_list.facet, frozenset({str(value)}), source=None
                )
            )
            if menu.actions():
                first = menu.actions()[0]
                menu.insertAction(first, only)
                menu.insertSeparator(first)
            else:
                menu.addAction(only)
        return menu

    def attach_map(self, map_view: MapView) -> None:
        def requested(at: QPoint) -> None:
            context = map_view.tools.context
            if context is None:  # the page did not say where: the pane's own actions
                self.show(MAP_ACTIONS, at)
                return
            ids: tuple[str, ...] = ()
            if context.annotation_id is not None:
                ids += MAP_ANNOTATION_ACTIONS
            if context.event_id is not None:
                self._pick(context.event_id)
                ids += MAP_EVENT_ACTIONS
            wanted = ids + MAP_HERE_ACTIONS + MAP_ACTIONS
            # an action is in a menu once, where it first comes
            self.show(
                [a for k, a in enumerate(wanted) if a == SEPARATOR or a not in wanted[:k]], at
            )

        map_view.context_menu_requested.connect(requested)
