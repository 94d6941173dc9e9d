"""View ▸ Basemap: the shipped outlines, the analyst's own tile files, an online map.

The choice is the project's (a project setting, so a project opened elsewhere shows
the same map); the tile files opened lately are the analyst's (the window's settings).
An online basemap is opt-in: the analyst types its address after a warning that every
tile then asks that host, and the map's request interceptor lets that one host through.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.features.host import Host
from desktop_app.store.project import Project
from desktop_app.views.map.layers import FILE, ONLINE, OUTLINES, Basemap, online_host
from desktop_app.views.map.tiles import BasemapError
from desktop_app.workbench import MenuId, Workbench

log = logging.getLogger("sightline.map")

PROJECT_KEY = "map.basemap"
RECENT_KEY = "map/recent_basemaps"
RECENT_LIMIT = 6
TILE_FILTER = "Tile files (*.mbtiles *.pmtiles);;All files (*)"
ONLINE_WARNING = (
    "An online basemap leaves the machine: while it is shown, every tile of the map is "
    "asked from the server you name, which learns the area you are looking at, and when. "
    "Only that server is let through; everything else stays blocked.\n\n"
    "Use one only where your organisation allows it."
)
EXAMPLE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"


class OnlineBasemapDialog(QDialog):
    """Asks for an XYZ tile address, under the warning that requests leave the machine."""

    def __init__(self, current: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Online basemap")
        layout = QVBoxLayout(self)
        self.warning = QLabel(ONLINE_WARNING)
        self.warning.setWordWrap(True)
        self.warning.setObjectName("onlineWarning")
        layout.addWidget(self.warning)
        self.url = QLineEdit(current)
        self.url.setPlaceholderText(EXAMPLE_URL)
        layout.addWidget(QLabel("Tile address, with {z}, {x} and {y}:"))
        layout.addWidget(self.url)
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("Use this online map")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.url.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        try:
            online_host(self.url.text())
        except BasemapError as exc:
            self.problem.setText(str(exc) if self.url.text().strip() else "")
            self.ok.setEnabled(False)
            return
        self.problem.setText("")
        self.ok.setEnabled(True)


class Basemaps(QObject):
    """The basemap chooser of the View menu."""

    def __init__(self, workbench: Workbench, host: Host) -> None:
        super().__init__(workbench)
        self.wb, self.host = workbench, host
        self.layers = host.map.layers
        workbench.project_changed.connect(self._project_opened)
        self._fill_menu()

    # ------------------------------------------------------------------ choosing
    def choose(self, basemap: Basemap, *, remember: bool = True) -> bool:
        """Show ``basemap`` (and, with ``remember``, keep it as the project's); a file or
        address that cannot be used is told, and the map stays as it was."""
        if basemap.kind == FILE:  # kept whole: the project may be opened from elsewhere
            basemap = Basemap(FILE, str(Path(basemap.location).expanduser().resolve()))
        try:
            self.layers.set_basemap(basemap)
        except BasemapError as exc:
            self.wb.messages.warn("Basemap", str(exc))
            return False
        project = self.wb.project
        if remember and project is not None:
            project.set_setting(PROJECT_KEY, basemap.to_json())
        if basemap.kind == FILE:
            self._remember_file(basemap.location)
        self._fill_menu()
        self.wb.messages.say(f"Basemap: {basemap.label}")
        return True

    def open_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.host.window_widget(), "Open a basemap file", "", TILE_FILTER
        )
        if path:
            self.choose(Basemap(FILE, path))
        self._fill_menu()  # the ticks as they are, whatever was answered

    def open_online(self) -> None:
        current = self.layers.basemap
        dialog = OnlineBasemapDialog(
            current.location if current.kind == ONLINE else "", self.host.window_widget()
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.choose(Basemap(ONLINE, dialog.url.text().strip()))
        self._fill_menu()

    def recent(self) -> list[str]:
        value = self.wb.settings.value(RECENT_KEY, [])
        return [str(v) for v in (value if isinstance(value, list) else [value]) if v]

    # ------------------------------------------------------------------ inside
    def _remember_file(self, path: str) -> None:
        recent = [path] + [p for p in self.recent() if p != path]
        self.wb.settings.setValue(RECENT_KEY, recent[:RECENT_LIMIT])

    def _project_opened(self, project: object) -> None:
        if not isinstance(project, Project):
            return
        saved = Basemap.from_json(project.get_setting(PROJECT_KEY, ""))
        try:
            self.layers.set_basemap(saved)
        except BasemapError as exc:  # the file was moved or deleted since
            log.warning("the project's basemap cannot be shown: %s", exc)
            self.layers.set_basemap(Basemap(OUTLINES))
            self.wb.messages.say(f"The project's basemap cannot be shown ({exc}): outlines")
        self._fill_menu()

    def _fill_menu(self) -> None:
        registry = self.wb.actions
        registry.clear(MenuId.VIEW_BASEMAP)
        menu = MenuId.VIEW_BASEMAP
        current = self.layers.basemap

        def pick(basemap: Basemap) -> None:
            self.choose(basemap)

        outlines = registry.add(
            "view.basemap.outlines", "Country &outlines (shipped, offline)",
            lambda: pick(Basemap(OUTLINES)), menu=menu, checkable=True,
            tip="The country outlines shipped with Sightline: nothing leaves the machine",
        )  # fmt: skip
        outlines.setChecked(current.kind == OUTLINES)
        registry.add("view.basemap.open", "Open basemap &file… (MBTiles, PMTiles)",
                     self.open_file, menu=menu, group=1,
                     tip="Your own raster or vector tiles (MBTiles, PMTiles)")  # fmt: skip
        for n, path in enumerate(self.recent()):
            action = registry.add(
                f"view.basemap.recent.{n}", path, partial(pick, Basemap(FILE, path)),
                menu=menu, group=2, order=n, checkable=True,
                tip=f"Show {Path(path).name} as the basemap",
            )  # fmt: skip
            action.setChecked(
                current.kind == FILE and str(Path(current.location).resolve()) == path
            )
        online = registry.add(
            "view.basemap.online", "O&nline basemap… (leaves the machine)",
            self.open_online, menu=menu, group=3, checkable=True,
            tip="Tiles from a server you name: requests leave the machine",
        )  # fmt: skip
        online.setChecked(current.kind == ONLINE)


def install(workbench: Workbench, host: Host) -> Basemaps:
    return Basemaps(workbench, host)
