"""What a feature may use of the window it is installed in.

Features never import the shell (import-linter forbids it): they are given an object
with this shape, which the shell's main window has. Everything else a feature needs
(the project, the state models, tasks, actions, messages) is on the workbench.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt, SignalInstance
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

from desktop_app.views.details import DetailsView
from desktop_app.views.filters import FiltersView
from desktop_app.views.map import MapView
from desktop_app.views.table import TableView
from desktop_app.views.timeline import TimelineView


class Host(Protocol):
    """The shell, as features see it.

    ``files_dropped(list[str])``: files were dropped on the window."""

    map: MapView
    timeline: TimelineView
    table: TableView
    details: DetailsView
    filters_view: FiltersView
    docks: dict[str, QDockWidget]
    files_dropped: SignalInstance

    def add_dock(
        self,
        dock_id: str,
        title: str,
        widget: QWidget,
        area: Qt.DockWidgetArea,
        *,
        tabify_with: str | None = None,
    ) -> QDockWidget: ...

    def window_widget(self) -> QMainWindow:
        """The main window itself: the parent of dialogs, what a PNG of the window grabs."""
        ...

    def show_status(self, text: str, ms: int = 10_000) -> None: ...

    def fit_all(self) -> None: ...

    def zoom_to_selection(self) -> None: ...
