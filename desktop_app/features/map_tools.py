"""The map's tools of the trade: coordinates in the analyst's format, "go to", measure.

- View ▸ Coordinates ▸ Decimal degrees / DMS / MGRS (remembered in the window's
  settings): the Details pane's coordinates and the pointer readout in the map's corner
  are written in it, all by :mod:`desktop_app.domain.coords`. (The table shows no
  coordinates.)
- Edit (and Map) ▸ Go to coordinates… (Ctrl+G): a small box that takes DD, DMS or MGRS,
  flies the map there and drops a temporary marker; text that is not a point says why,
  in the box.
- Map ▸ Measure distance or area (M, or the ↔ button on the map): the page's measure
  tool (``resources/map/sightline_measure.js``). While it runs, Esc ends it rather than
  clearing the selection.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.coords import (
    STYLE_NAMES,
    STYLES,
    CoordinateError,
    Style,
    format_point,
    parse_point,
)
from desktop_app.features.host import Host
from desktop_app.views import plain_text
from desktop_app.workbench import MenuId, Workbench

SETTING = "map/coordinates"
GO_TO_ZOOM = 9  # the least zoom "go to" lands at: a town and its surroundings
EXAMPLES = "55.7558, 37.6173   ·   55°45′21″N 37°37′02″E   ·   37U DB 13224 79766"
MENU_TEXT: dict[Style, str] = {
    "dd": "&Decimal degrees",
    "dms": "Degrees, minutes, &seconds (DMS)",
    "mgrs": "&MGRS",
}


def written(lat: float, lon: float, style: Style) -> str:
    """A point in ``style``; decimal degrees where MGRS has no reference (the poles)."""
    try:
        return format_point(lat, lon, style)
    except CoordinateError:
        return format_point(lat, lon, "dd")


class GoToDialog(QDialog):
    """The "go to" box: one line of text, what it reads as (or why it is not a point)."""

    def __init__(self, tools: MapTools, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tools = tools
        self.setWindowTitle("Go to coordinates")
        self.edit = QLineEdit(self)
        self.edit.setObjectName("goToText")
        self.edit.setAccessibleName("Coordinates to go to")
        self.edit.setPlaceholderText("55.7558, 37.6173")
        self.edit.setMinimumWidth(360)
        hint = plain_text.label(f"Decimal degrees, DMS or MGRS, e.g.\n{EXAMPLES}", self)
        hint.setStyleSheet("color: palette(placeholder-text);")
        self.reading = plain_text.label("", self)  # the point read, or why not
        self.reading.setObjectName("goToReading")
        self.reading.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Go")
        self.buttons.accepted.connect(self.go)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.edit)
        layout.addWidget(hint)
        layout.addWidget(self.reading)
        layout.addWidget(self.buttons)
        self.edit.textChanged.connect(self._preview)

    def _preview(self, text: str) -> None:
        if not text.strip():
            self._say("", error=False)
            return
        try:
            lat, lon = parse_point(text)
        except CoordinateError as exc:
            self._say(str(exc), error=True)
            return
        self._say("→ " + written(lat, lon, self._tools.style), error=False)

    def _say(self, text: str, *, error: bool) -> None:
        self.reading.setText(text)
        self.reading.setStyleSheet("color: #c92a2a;" if error else "")
        self.reading.setProperty("error", error)

    def go(self) -> None:
        """Fly to the point written; a text that is not one keeps the box open, saying why."""
        try:
            self._tools.go_to(self.edit.text())
        except CoordinateError as exc:
            self._say(str(exc), error=True)
            self.edit.setFocus()
            return
        self.accept()


class MapTools(QObject):
    """Signals: none; the state is ``style`` and ``measuring``."""

    def __init__(self, workbench: Workbench, host: Host) -> None:
        super().__init__(workbench)
        self.wb, self.host = workbench, host
        stored = str(workbench.settings.value(SETTING, "dd"))
        self.style: Style = next((s for s in STYLES if s == stored), "dd")
        self.measuring = False
        self.dialog: GoToDialog | None = None
        self._esc_taken: QKeySequence | None = None  # Clear selection's key, while measuring
        add = workbench.actions.add
        group = QActionGroup(self)
        for order, style in enumerate(STYLES):
            action = add(f"view.coordinates.{style}", MENU_TEXT[style],
                         partial(self.set_style, style), menu=MenuId.VIEW_COORDINATES,
                         order=order, checkable=True,
                         tip=f"Write coordinates as {STYLE_NAMES[style]}")  # fmt: skip
            group.addAction(action)
        add("edit.go_to", "&Go to coordinates…", self.open_go_to, menu=MenuId.EDIT, group=6,
            order=2, shortcut="Ctrl+G",
            tip="Fly the map to a point given in decimal degrees, DMS or MGRS")  # fmt: skip
        workbench.actions.place("edit.go_to", MenuId.MAP, group=0)  # and in the Map menu
        add("view.measure", "&Measure distance or area", self.toggle_measure, menu=MenuId.MAP,
            group=0, order=1, shortcut="M", checkable=True,
            tip="Measure along clicked points or the area they enclose (great circle)")  # fmt: skip
        # while measuring, Esc ends the measure (it has Edit ▸ Clear selection's key then)
        add("view.measure_end", "End the measure", partial(self.set_measuring, False),
            tip="End the measure tool (Esc while measuring)")  # fmt: skip
        host.map.tool_reported.connect(self._on_tool)
        self.set_style(self.style)

    # ------------------------------------------------------------------ coordinates
    def set_style(self, style: Style) -> None:
        """Write every coordinate in ``style`` from now on (and remember it)."""
        if style not in STYLES:
            raise ValueError(f"unknown coordinate style {style!r}")
        self.style = style
        self.wb.settings.setValue(SETTING, style)
        self.wb.actions.action(f"view.coordinates.{style}").setChecked(True)
        self.host.details.set_coordinate_style(style)

    # ------------------------------------------------------------------ go to
    def open_go_to(self) -> GoToDialog:
        """Show the "go to" box (not modal: the map stays usable behind it)."""
        if self.dialog is None:
            self.dialog = GoToDialog(self, self.host.window_widget())
        self.dialog.edit.selectAll()
        self.dialog.show()
        self.dialog.activateWindow()
        self.dialog.edit.setFocus()
        return self.dialog

    def go_to(self, text: str) -> tuple[float, float]:
        """Fly the map to the point ``text`` names and mark it; CoordinateError says why not."""
        lat, lon = parse_point(text)
        position = self.wb.view_state.map
        zoom = max(GO_TO_ZOOM, round(position.zoom)) if position is not None else GO_TO_ZOOM
        label = written(lat, lon, self.style)
        self.host.map.fly_to(lat, lon, zoom)
        self.host.map.send_tool("goto", {"lat": lat, "lon": lon, "label": label})
        self.host.show_status(f"Map centred on {label}")
        return lat, lon

    # ------------------------------------------------------------------ measure
    def toggle_measure(self) -> None:
        self.set_measuring(not self.measuring)

    def set_measuring(self, on: bool) -> None:
        """Start (the map gets the keyboard, for Enter/Backspace/Esc) or end the measure."""
        self.host.map.send_tool("measure", {"on": on})
        if on:
            self.host.map.web_view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._measuring(on)

    def _measuring(self, on: bool) -> None:
        self.measuring = on
        actions = self.wb.actions
        actions.action("view.measure").setChecked(on)
        clear, end = actions.action("edit.clear_selection"), actions.action("view.measure_end")
        if on and self._esc_taken is None:
            self._esc_taken = clear.shortcut()
            clear.setShortcut(QKeySequence())
            end.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        elif not on and self._esc_taken is not None:
            end.setShortcut(QKeySequence())
            clear.setShortcut(self._esc_taken)
            self._esc_taken = None

    # ------------------------------------------------------------------ from the page
    def _on_tool(self, report: dict[str, Any]) -> None:
        tool = report.get("tool")
        if tool == "pointer":
            lat, lon = report.get("lat"), report.get("lon")
            if isinstance(lat, int | float) and isinstance(lon, int | float):
                text = written(float(lat), float(lon), self.style) if -90 <= lat <= 90 else ""
                self.host.map.send_tool("pointer", {"text": text})
        elif tool == "measure" and isinstance(report.get("on"), bool):
            self._measuring(bool(report["on"]))


def install(workbench: Workbench, host: Host) -> MapTools:
    return MapTools(workbench, host)
