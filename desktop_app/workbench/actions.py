"""Every menu and action of the window, declared by id.

Features and the shell declare their actions here (``ActionRegistry.add``) under a
:class:`MenuId` and a group; the shell renders the menus from the registry, and the
keyboard-shortcut list comes from the same place. Nothing looks a menu or an action up
by its label, so a label can be reworded or translated without breaking anything.

The model is napari's ``MenuId`` and action declarations, made small: an action is a
``QAction`` (a Qt object, not a widget) held by the registry under a dotted id such as
``"file.import"``; a menu is an id, a title, and its place among its siblings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence


class MenuId(StrEnum):
    """The window's menus; a dotted id is a submenu of the part before its last dot."""

    FILE = "file"
    FILE_RECENT = "file.recent"
    FILE_EXPORT = "file.export"
    EDIT = "edit"
    VIEW = "view"
    VIEW_COORDINATES = "view.coordinates"
    VIEW_BASEMAP = "view.basemap"
    VIEW_COLOUR = "view.colour"
    MAP = "map"
    MAP_ANNOTATE = "map.annotate"
    BRIEFING = "briefing"
    LINKS = "links"
    BRIEFING_SCREEN = "briefing.screen"
    HELP = "help"

    @property
    def parent(self) -> MenuId | None:
        head, dot, _tail = self.value.rpartition(".")
        return MenuId(head) if dot else None


# title and order of each menu (the order among the menus of one parent)
MENUS: dict[MenuId, tuple[str, int]] = {
    MenuId.FILE: ("&File", 0),
    MenuId.FILE_RECENT: ("Open &recent", 10),
    MenuId.FILE_EXPORT: ("&Export", 40),
    MenuId.EDIT: ("&Edit", 1),
    MenuId.VIEW: ("&View", 2),
    MenuId.VIEW_COORDINATES: ("&Coordinates", 60),  # DD, DMS or MGRS (features.map_tools)
    MenuId.VIEW_BASEMAP: ("&Basemap", 30),  # the map's layers: features/basemaps, map_layers
    MenuId.VIEW_COLOUR: ("&Colour events by", 31),
    # after View (the same order: the enum's order puts it second): go to, measure, drawing,
    # selection by area (features.annotation_tools, map_tools)
    MenuId.MAP: ("&Map", 2),
    MenuId.MAP_ANNOTATE: ("A&nnotate", 20),
    MenuId.LINKS: ("&Links", 3),  # analysis of what the view shows, before presenting it
    MenuId.BRIEFING: ("&Briefing", 4),
    MenuId.BRIEFING_SCREEN: ("Present &on screen", 30),
    MenuId.HELP: ("&Help", 9),
}


@dataclass(frozen=True)
class Entry:
    """One item of a menu: an action (``action_id``) or a submenu (``submenu``).

    ``group`` orders blocks of a menu (a separator between blocks), ``order`` orders
    items within a block."""

    group: int
    order: int
    action_id: str | None = None
    submenu: MenuId | None = None


@dataclass
class _Menu:
    entries: list[Entry] = field(default_factory=list)


class ActionRegistry(QObject):
    """Signals:
    changed(str menu_id): that menu's entries changed (the shell renders it again).
    """

    changed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._actions: dict[str, QAction] = {}
        self._menus: dict[MenuId, _Menu] = {m: _Menu() for m in MenuId}
        for menu in MenuId:  # a submenu is an entry of its parent menu
            parent_id = menu.parent
            if parent_id is not None:
                order = MENUS[menu][1]
                self._menus[parent_id].entries.append(Entry(order // 10, order, submenu=menu))

    # ------------------------------------------------------------------ declaring
    def add(
        self,
        action_id: str,
        text: str,
        slot: Callable[[], object] | None = None,
        *,
        menu: MenuId | None = None,
        group: int = 0,
        order: int = 0,
        shortcut: str | QKeySequence.StandardKey | None = None,
        tip: str = "",
        checkable: bool = False,
    ) -> QAction:
        """Declare an action (once per id) and, with ``menu``, its place in that menu.

        ``slot`` is called with no arguments when the action triggers."""
        if action_id in self._actions:
            raise ValueError(f"the action {action_id!r} is declared twice")
        action = QAction(text, self)
        action.setObjectName(action_id)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        action.setCheckable(checkable)
        if slot is not None:
            action.triggered.connect(lambda _checked=False, s=slot: s())
        self._actions[action_id] = action
        if menu is not None:
            self.place(action_id, menu, group=group, order=order)
        return action

    def place(self, action_id: str, menu: MenuId, *, group: int = 0, order: int = 0) -> None:
        """Put a declared action in (another) menu."""
        self._menus[menu].entries.append(Entry(group, order, action_id=action_id))
        self.changed.emit(menu.value)

    def adopt(self, action_id: str, action: QAction, menu: MenuId, *, group: int = 0) -> None:
        """Register an action made elsewhere (a dock's show/hide toggle, an undo action)."""
        if action_id in self._actions:
            raise ValueError(f"the action {action_id!r} is declared twice")
        action.setObjectName(action_id)
        self._actions[action_id] = action
        self.place(action_id, menu, group=group)

    def clear(self, menu: MenuId) -> None:
        """Forget a menu's action entries (a list rebuilt as it changes, like Open recent);
        the actions themselves are dropped too."""
        kept = []
        for entry in self._menus[menu].entries:
            if entry.action_id is None:
                kept.append(entry)
            else:
                self._actions.pop(entry.action_id).deleteLater()
        self._menus[menu].entries = kept
        self.changed.emit(menu.value)

    # ------------------------------------------------------------------ reading
    def action(self, action_id: str) -> QAction:
        return self._actions[action_id]

    def __contains__(self, action_id: object) -> bool:
        return action_id in self._actions

    def actions(self) -> Iterator[tuple[str, QAction]]:
        yield from self._actions.items()

    def entries(self, menu: MenuId) -> list[list[Entry]]:
        """A menu's entries in blocks (one per group, in order)."""
        blocks: dict[int, list[Entry]] = {}
        for entry in sorted(self._menus[menu].entries, key=lambda e: (e.group, e.order)):
            blocks.setdefault(entry.group, []).append(entry)
        return [blocks[g] for g in sorted(blocks)]

    def is_empty(self, menu: MenuId) -> bool:
        return not any(
            e.action_id is not None or (e.submenu is not None and not self.is_empty(e.submenu))
            for e in self._menus[menu].entries
        )

    def shortcuts(self) -> list[tuple[str, str, str]]:
        """(shortcut, action text, id) of every action that has one: the help dialog's list."""
        rows = []
        for action_id, action in self._actions.items():
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if keys:
                rows.append((keys, action.text().replace("&", ""), action_id))
        return sorted(rows, key=lambda r: r[2])
