"""The main window: panes in docks by id, menus rendered from the action registry, the
status bar and progress. No project, import or edit logic lives here: that is the
workbench's and the features'.

The panes are the views (map in the centre; filters, details, timeline and table in
docks); the shell attaches them to the workbench's linker. Features add their own docks
(``add_dock``) and actions (the workbench's registry); the shell renders every menu
from the registry, again whenever a menu's entries change.
"""

from __future__ import annotations

from functools import partial

import numpy as np
from PySide6.QtCore import QByteArray, Qt, QTimer, Signal
from PySide6.QtGui import (
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QWidget,
)

from desktop_app.domain.dates import Precision, from_seconds, iso_text
from desktop_app.shell import theme
from desktop_app.shell.context_menus import ContextMenus
from desktop_app.state.models import Filters
from desktop_app.views import plain_text
from desktop_app.views.details import DetailsView
from desktop_app.views.filters import FiltersView
from desktop_app.views.map import MapView
from desktop_app.views.table import TableView
from desktop_app.views.timeline import TimelineView
from desktop_app.workbench import MenuId, Workbench
from desktop_app.workbench.actions import MENUS

IMPORTABLE = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")


class MainWindow(QMainWindow):
    """Signals:
    files_dropped(list[str] paths): importable files were dropped on the window.
    """

    files_dropped = Signal(list)

    def __init__(self, workbench: Workbench, online_basemap_url: str | None = None) -> None:
        super().__init__()
        self.workbench = workbench
        self.settings = workbench.settings
        self.features: dict[str, object] = {}  # filled by the composition root
        self._fit_on_show = False  # size the docks for the window's size when shown
        self.setWindowTitle("Sightline")
        self.setAcceptDrops(True)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
        )
        wb = workbench
        self.map = MapView(wb.selection, wb.view_state, online_basemap_url=online_basemap_url)
        self.timeline = TimelineView(wb.selection, wb.view_state)
        self.table = TableView(wb.selection, wb.view_state)
        self.details = DetailsView(wb.selection, wb.view_state, project_provider=lambda: wb.project)
        self.filters_view = FiltersView(wb.filters)
        self.filters_view.use_brush_requested.connect(self._use_brush_as_window)
        self.timeline.brushed.connect(self._remember_brush)
        self._last_brush: tuple[int, int] | None = None

        self.setCentralWidget(self.map)
        self.docks: dict[str, QDockWidget] = {}
        area = Qt.DockWidgetArea
        self.add_dock("filters", "Filters", self.filters_view, area.LeftDockWidgetArea)
        self.add_dock("details", "Details", self.details, area.RightDockWidgetArea)
        self.add_dock("timeline", "Timeline", self.timeline, area.BottomDockWidgetArea)
        self.add_dock("table", "Table", self.table, area.BottomDockWidgetArea)
        self.splitDockWidget(self.docks["timeline"], self.docks["table"], Qt.Orientation.Vertical)
        self.size_docks(1500, 950)
        wb.linker.attach([self.map, self.timeline, self.table, self.details], self.filters_view)
        self._status_bar()
        self._declare_actions()
        self.context_menus = ContextMenus(wb, self)
        self.context_menus.attach_table(self.table)
        self.context_menus.attach_timeline(self.timeline)
        self.context_menus.attach_map(self.map)
        self.context_menus.attach_details(self.details)
        self.context_menus.attach_filters(self.filters_view)
        self._menus: dict[MenuId, QMenu] = {}
        wb.actions.changed.connect(self._menu_changed)
        wb.selection.changed.connect(lambda _s: self._update_status())
        wb.filters.changed.connect(self._filters_changed)
        wb.project_changed.connect(self._project_changed)
        wb.frame_applied.connect(self._frame_applied)
        wb.messages.status.connect(self.show_status)
        wb.messages.warning.connect(self._warning)
        wb.tasks.busy.connect(self._busy)
        wb.tasks.idle.connect(lambda: self._busy("", None))
        wb.tasks.failed.connect(self.show_status)

    def finish(self) -> None:
        """After the features are installed: render the menus, remember the default
        layout, restore the analyst's, and start the workbench."""
        self.render_menus()
        self._default_state = self.saveState()
        self.set_theme(str(self.settings.value(theme.SETTING, "system")))
        hints = QGuiApplication.styleHints()
        if hints is not None:  # the system turns dark or light: so does "as the system"
            hints.colorSchemeChanged.connect(self._system_theme_changed)
        self._restore_layout()
        self.workbench.start()

    # ------------------------------------------------------------------ docks
    def add_dock(
        self,
        dock_id: str,
        title: str,
        widget: QWidget,
        area: Qt.DockWidgetArea,
        *,
        tabify_with: str | None = None,
    ) -> QDockWidget:
        """A pane in a dock named ``dock-<id>`` (the saved layout finds it by that name);
        View ▸ <title> shows and hides it."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{dock_id}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        if tabify_with is not None and tabify_with in self.docks:
            self.tabifyDockWidget(self.docks[tabify_with], dock)
        self.docks[dock_id] = dock
        self.workbench.actions.adopt(f"view.pane.{dock_id}", dock.toggleViewAction(), MenuId.VIEW)
        return dock

    def window_widget(self) -> QMainWindow:
        return self

    def size_docks(self, width: int, height: int) -> None:
        """Dock sizes for a window of that size that leave the map most of it: the side
        docks a fifth of the width each (between 220 and 380 px), the timeline and table
        together two fifths of the height at most, so at 1280x800 the map keeps over
        half of the window each way."""
        side = [max(220, min(380, width // 5)), max(240, min(400, width * 11 // 50))]
        self.resizeDocks(
            [self.docks["filters"], self.docks["details"]], side, Qt.Orientation.Horizontal
        )
        # two fifths, and the height of the tab bar the table shares with Playback and Links
        bottom = max(280, min(450, height * 2 // 5 + 20))
        self.resizeDocks(
            [self.docks["timeline"], self.docks["table"]],
            [bottom * 11 // 20, bottom * 9 // 20],
            Qt.Orientation.Vertical,
        )

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1500, 950)
        if isinstance(state, QByteArray):
            self.restoreState(state)
        else:
            self._fit_on_show = True  # no saved layout: the docks fit the shown size

    def showEvent(self, event: QShowEvent) -> None:  # Qt override
        super().showEvent(event)
        if self._fit_on_show:
            self._fit_on_show = False
            self.size_docks(self.width(), self.height())

    def set_theme(self, mode: str) -> None:
        """Light, dark, or as the system; remembered."""
        if mode not in theme.THEMES:
            mode = "system"
        self.settings.setValue(theme.SETTING, mode)
        self.workbench.actions.action(f"view.theme.{mode}").setChecked(True)
        self.dark = theme.apply(mode)
        self.map.set_dark(self.dark)
        for widget in self.findChildren(QWidget):  # style sheets read palette(...) anew
            if widget.styleSheet():
                widget.setStyleSheet(widget.styleSheet())

    def _system_theme_changed(self, _scheme: object) -> None:
        if self.settings.value(theme.SETTING, "system") == "system":
            self.set_theme("system")

    def reset_layout(self) -> None:
        self.restoreState(self._default_state)
        for dock in self.docks.values():
            dock.show()
        # the restored state is laid out on the next turn of the event loop: size then
        QTimer.singleShot(0, self, self._fit_docks)  # not called once the window is gone

    def _fit_docks(self) -> None:
        self.size_docks(self.width(), self.height())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.workbench.close()
        super().closeEvent(event)

    # ------------------------------------------------------------------ menus
    def _declare_actions(self) -> None:
        add = self.workbench.actions.add
        add("file.quit", "&Quit", self.close, menu=MenuId.FILE, group=9,
            shortcut=QKeySequence.StandardKey.Quit)  # fmt: skip
        add("edit.copy", "&Copy events", self.copy_selection, menu=MenuId.EDIT, group=5,
            order=2, shortcut=QKeySequence.StandardKey.Copy,
            tip="Copy the selected events (date, title, place) as tab-separated text")  # fmt: skip
        add("edit.find", "&Find…", self.focus_search, menu=MenuId.EDIT, group=6,
            shortcut=QKeySequence.StandardKey.Find, tip="Search the events' text")  # fmt: skip
        add("view.fit_all", "&Fit all", self.fit_all, menu=MenuId.VIEW, group=-2,
            shortcut="F", tip="Show every event on the timeline and the map")  # fmt: skip
        add("view.zoom_to_selection", "&Zoom to selection", self.zoom_to_selection,
            menu=MenuId.VIEW, group=-2, order=1, shortcut="Z")  # fmt: skip
        add("view.reset_layout", "&Reset layout", self.reset_layout, menu=MenuId.VIEW, group=9)
        for n, (pane, title) in enumerate(
            (("map", "Map"), ("timeline", "Timeline"), ("table", "Table"),
             ("details", "Details"), ("filters", "Filters"))
        ):  # fmt: skip
            add(f"view.focus.{pane}", f"Go to the {title.lower()}", partial(self.focus_pane, pane),
                menu=MenuId.VIEW, group=7, order=n, shortcut=f"Alt+{n + 1}",
                tip=f"Move the keyboard focus to the {title.lower()} pane")  # fmt: skip
        group = QActionGroup(self)
        for order, (mode, text) in enumerate(
            (("system", "Theme: as the &system"), ("light", "Theme: &light"),
             ("dark", "Theme: &dark"))
        ):  # fmt: skip
            action = add(f"view.theme.{mode}", text, partial(self.set_theme, mode),
                         menu=MenuId.VIEW, group=8, order=order, checkable=True,
                         tip="Light or dark window and map; exports stay light")  # fmt: skip
            group.addAction(action)

    def render_menus(self) -> None:
        """Build the menu bar from the registry (top-level menus in their order)."""
        self.menuBar().clear()
        self._menus.clear()
        tops = sorted((m for m in MenuId if m.parent is None), key=lambda m: MENUS[m][1])
        for menu_id in tops:
            menu = self._render(menu_id)
            self.menuBar().addMenu(menu)
        for _action_id, action in self.workbench.actions.actions():
            self.addAction(action)  # shortcuts work with the menus closed, or hidden

    def menu(self, menu_id: MenuId) -> QMenu:
        """The rendered menu of that id."""
        return self._menus[menu_id]

    def _render(self, menu_id: MenuId) -> QMenu:
        menu = self._menus.get(menu_id)
        if menu is None:
            menu = QMenu(MENUS[menu_id][0], self)
            menu.setObjectName(f"menu-{menu_id.value}")
            self._menus[menu_id] = menu
        # not QMenu.clear(): PySide then lets go of actions it does not own (a dock's
        # toggle), and their Python side dies; only the separators are the menu's own
        for action in menu.actions():
            menu.removeAction(action)
            if action.isSeparator():
                action.deleteLater()
        registry = self.workbench.actions
        for block in registry.entries(menu_id):
            if menu.actions():
                menu.addSeparator()
            for entry in block:
                if entry.submenu is not None:
                    sub = self._render(entry.submenu)
                    menu.addMenu(sub)
                    sub.setEnabled(not registry.is_empty(entry.submenu))
                elif entry.action_id is not None:
                    menu.addAction(registry.action(entry.action_id))
        return menu

    def _menu_changed(self, menu_id: str) -> None:
        if not self._menus:
            return  # not rendered yet: render_menus builds everything
        menu = MenuId(menu_id)
        self._render(menu)
        parent = menu.parent
        if parent is not None and parent in self._menus:
            self._render(parent)
        for _action_id, action in self.workbench.actions.actions():
            if action not in self.actions():
                self.addAction(action)

    # ------------------------------------------------------------------ status bar
    def _status_bar(self) -> None:
        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)  # names are data
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.progress_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress_label)
        self.statusBar().addPermanentWidget(self.progress)
        self.workbench.linker.refiltered.connect(lambda *_a: self._update_status())

    def show_status(self, text: str, ms: int = 10_000) -> None:
        self.statusBar().showMessage(text, ms)

    def _warning(self, title: str, text: str) -> None:
        if self.isVisible():
            box = plain_text.message_box(self, QMessageBox.Icon.Warning, title, text)
            box.setModal(False)
            box.show()
        else:
            self.show_status(text)

    def _update_status(self) -> None:
        wb = self.workbench
        frame = wb.linker.frame
        visible = np.count_nonzero(wb.linker.visible)
        located = np.count_nonzero(frame.located & wb.linker.visible) if len(frame) else 0
        name = wb.project.path.name if wb.project and wb.project.path else ""
        numbers = " · ".join(wb.filters.filters.number_parts())  # ranges, weekday x hour
        self.status_label.setText(
            f"{name}   {visible:,} of {len(frame):,} events shown · {located:,} on the map · "
            f"{len(wb.selection.ids):,} selected" + (f" · {numbers}" if numbers else "")
        )

    def _busy(self, text: str, fraction: float | None) -> None:
        """Show progress (a fraction, or -1 for 'busy, length unknown'); None hides it."""
        if fraction is None:
            self.progress.hide()
            self.progress_label.clear()
            return
        self.progress.setRange(0, 0 if fraction < 0 else 100)
        if fraction >= 0:
            self.progress.setValue(int(fraction * 100))
        self.progress.show()
        self.progress_label.setText(text)

    def _project_changed(self, project: object) -> None:
        from desktop_app.store.project import Project

        assert isinstance(project, Project)
        title = project.path.name if project.path else project.display_name  # no password
        self.setWindowTitle(f"{title} — Sightline")

    def _frame_applied(self) -> None:
        self.details.refresh()
        self._update_status()

    # ------------------------------------------------------------------ dropping files
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(u.toLocalFile().lower().endswith(IMPORTABLE) for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [
            url.toLocalFile()
            for url in event.mimeData().urls()
            if url.toLocalFile().lower().endswith(IMPORTABLE)
        ]
        if paths:
            self.files_dropped.emit(paths)
        event.acceptProposedAction()

    # ------------------------------------------------------------------ the panes' actions
    def fit_all(self) -> None:
        self.timeline.fit_all()
        self.map.fit_all()

    def zoom_to_selection(self) -> None:
        self.timeline.fit_selection()
        self.map.zoom_to_selection()

    def selection_text(self) -> str:
        """The selected events, earliest first, one line each: date, title, place."""
        frame = self.workbench.linker.frame
        ids = self.workbench.selection.ids
        rows = frame.rows_of(sorted(ids)).tolist() if ids else []
        order: list[int] = sorted(rows, key=lambda r: int(frame.start[r]))
        lines = [
            "\t".join(
                (
                    iso_text(from_seconds(int(frame.start[r])), Precision(int(frame.precision[r]))),
                    str(frame.title[r]).replace("\t", " ").replace("\n", " "),
                    str(frame.place[r]).replace("\t", " "),
                )
            )
            for r in order
        ]
        return "\n".join(lines)

    def copy_selection(self) -> None:
        text = self.selection_text()
        if text:
            QGuiApplication.clipboard().setText(text)
            self.show_status(f"Copied {text.count(chr(10)) + 1:,} events.")

    def focus_pane(self, pane: str) -> None:
        """Keyboard focus to a pane (its dock shown and raised first)."""
        widget = {"map": self.map, "timeline": self.timeline.canvas, "table": self.table.table,
                  "details": self.details, "filters": self.filters_view.search}[pane]  # fmt: skip
        dock = self.docks.get(pane)
        if dock is not None:
            dock.show()
            dock.raise_()
        widget.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_search(self) -> None:
        self.docks["filters"].show()
        self.filters_view.search.setFocus()
        self.filters_view.search.selectAll()

    def _filters_changed(self, _source: object) -> None:
        """Clearing every filter clears the timeline's brush band too: left drawn, it
        looks like a time window still applied."""
        if self.workbench.filters.filters == Filters():
            self.timeline.canvas.clear_brush()
            self._last_brush = None

    def _remember_brush(self, t0: int, t1: int) -> None:
        self._last_brush = (t0, t1)

    def _use_brush_as_window(self) -> None:
        if self._last_brush is not None:
            self.workbench.filters.set_time_window(*self._last_brush, source=self)
