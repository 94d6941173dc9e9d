"""The map's drawing tools in the menu bar: Map ▸ Annotate ▸ point, line, polygon, text
note, range rings; Map ▸ Select by polygon / by lasso; Map ▸ Cancel drawing (Esc).

The same tools as the page's draw toolbar (``resources/map/sightline_draw.js``): an
action asks the page for the tool, and its check mark follows the tool the page reports
as on (``MapTools.tool_changed``), whichever way it was switched on or off: a toolbar
button, a shape finished, Esc, the measure starting (one tool at a time). The shortcuts
are Google Earth's where it has one (Ctrl+Shift+P placemark, +G polygon, +T path), and
single keys for the selections, like M for the measure.

While a tool is on, Esc cancels it, the unfinished shape with it (nothing is saved): the
Esc of Edit ▸ Clear selection is lent to Cancel drawing meanwhile, as the measure does.
A helper of :mod:`desktop_app.features.annotations`.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from desktop_app.views.map.tools import MapTools
from desktop_app.workbench import MenuId, Workbench

# (tool, action id, text, shortcut, menu, group, order, tip)
TOOL_ACTIONS: tuple[tuple[str, str, str, str, MenuId, int, int, str], ...] = (
    ("point", "map.draw.point", "&Point", "Ctrl+Shift+P", MenuId.MAP_ANNOTATE, 0, 0,
     "Click the map to drop a labelled point"),
    ("line", "map.draw.line", "&Line", "Ctrl+Shift+T", MenuId.MAP_ANNOTATE, 0, 1,
     "Click the corners of a line; double-click or Enter finishes, Esc cancels"),
    ("polygon", "map.draw.polygon", "P&olygon", "Ctrl+Shift+G", MenuId.MAP_ANNOTATE, 0, 2,
     "Click the corners of a polygon; double-click or Enter finishes, Esc cancels"),
    ("text", "map.draw.text", "&Text note", "Ctrl+Shift+X", MenuId.MAP_ANNOTATE, 0, 3,
     "Click the map where a text note goes"),
    ("ring", "map.draw.ring", "&Range rings", "Ctrl+Shift+R", MenuId.MAP_ANNOTATE, 0, 4,
     "Click the centre of range rings (their radii come next)"),
    ("select", "map.select_polygon", "&Select by polygon", "S", MenuId.MAP, 1, 0,
     "Click the corners of an area; its events are selected (Shift when finishing adds)"),
    ("lasso", "map.select_lasso", "Select by &lasso", "L", MenuId.MAP, 1, 1,
     "Drag round the events to select (Shift when letting go adds)"),
)  # fmt: skip


class DrawTools(QObject):
    """The tools' actions, checked as the page reports. Signals: none."""

    def __init__(self, workbench: Workbench, tools: MapTools, web_view: QWidget) -> None:
        super().__init__(workbench)
        self.wb, self.tools, self.web_view = workbench, tools, web_view
        self.actions: dict[str, QAction] = {}
        self._esc_taken: QKeySequence | None = None  # Clear selection's key, while drawing
        add = workbench.actions.add
        for tool, action_id, text, keys, menu, group, order, tip in TOOL_ACTIONS:
            self.actions[tool] = add(action_id, text, partial(self.toggle, tool), menu=menu,
                                     group=group, order=order, shortcut=keys, tip=tip,
                                     checkable=True)  # fmt: skip
        self.cancel_action = add("map.draw_cancel", "&Cancel drawing", self.cancel,
                                 menu=MenuId.MAP, group=3,
                                 tip="Stop the drawing tool; the unfinished shape is dropped "
                                 "(Esc while drawing)")  # fmt: skip
        tools.tool_changed.connect(self._on_tool)
        # the measure starting ends a drawing tool: give Esc back before the measure takes it
        workbench.actions.action("view.measure").toggled.connect(self._on_measure)
        self._show(None)

    def toggle(self, tool: str) -> None:
        """Switch ``tool`` on (another one off), or off when it is the one on."""
        on = self.tools.active_tool != tool
        if on and self.wb.actions.action("view.measure").isChecked():
            self.wb.actions.action("view.measure_end").trigger()
        self.tools.set_tool(tool if on else None)
        if on:  # the page gets the keyboard: Enter, Backspace
            self.web_view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._show(self.tools.active_tool)  # until the page says otherwise

    def cancel(self) -> None:
        """End the tool on; an unfinished shape or area is dropped, nothing saved."""
        self.tools.set_tool(None)

    def _on_measure(self, measuring: bool) -> None:
        if measuring and self.tools.active_tool is not None:
            self._lend_escape(False)
            self.tools.set_tool(None)

    def _on_tool(self, name: str) -> None:
        self._show(name or None)
        self._lend_escape(bool(name))

    def _show(self, tool: str | None) -> None:
        for name, action in self.actions.items():
            action.setChecked(name == tool)
        self.cancel_action.setEnabled(tool is not None)

    def _lend_escape(self, drawing: bool) -> None:
        """While drawing, Esc is Cancel drawing's (Clear selection's again after)."""
        actions = self.wb.actions
        clear = actions.action("edit.clear_selection")
        if drawing and self._esc_taken is None:
            self._esc_taken = clear.shortcut()
            clear.setShortcut(QKeySequence())
            self.cancel_action.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        elif not drawing and self._esc_taken is not None:
            self.cancel_action.setShortcut(QKeySequence())
            if actions.action("view.measure_end").shortcut().isEmpty():  # not the measure's
                clear.setShortcut(self._esc_taken)
            self._esc_taken = None
