"""The main window: panes in docks around the map, menus, imports and project loading.

This module is the composition root: it creates the state objects, every pane and the
:class:`Linker`, and connects them. Panes never import each other.

The window follows its project: every few seconds it reads the project's data version
(a counter every committed change bumps, on SQLite and PostgreSQL alike, see
:meth:`Project.writing`). When another process or a colleague changed the project, the
events are read again on a worker thread and handed to every pane with the selection
and the view kept; the window's own changes (which reload at once) are told apart by
:attr:`Project.last_written_version`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QWidget,
)

from desktop_app import __version__
from desktop_app.app.briefing import install_briefing
from desktop_app.app.editing import install_editing
from desktop_app.app.exporting import install_exports
from desktop_app.app.import_wizard import install_import_wizard
from desktop_app.app.linking import Linker, search_function
from desktop_app.app.tasks import Task
from desktop_app.frame import EventFrame
from desktop_app.frame.cache import load_frame
from desktop_app.state.models import FilterModel, SelectionModel, ViewState
from desktop_app.store.project import Project, ProjectError
from desktop_app.views import plain_text
from desktop_app.views.details import DetailsView
from desktop_app.views.filters import FiltersView
from desktop_app.views.map import MapView
from desktop_app.views.table import TableView
from desktop_app.views.timeline import TimelineView

IMPORTABLE = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")
RECENT_LIMIT = 8
FOLLOW_INTERVAL_MS = 2000  # how often the window looks for changes made elsewhere
log = logging.getLogger("sightline.window")


class MainWindow(QMainWindow):
    """Signals:
    frame_loaded(): a project's events are loaded and every pane has them.
    import_finished(object result): an import ended (ImportResult or an error message).
    followed(): changes made elsewhere were read and every pane shows them.
    write_waiting(str text): a write waits for another writer (any thread may emit it).
    """

    frame_loaded = Signal()
    import_finished = Signal(object)
    followed = Signal()
    write_waiting = Signal(str)

    def __init__(
        self,
        project: Project,
        settings: QSettings | None = None,
        online_basemap_url: str | None = None,
    ) -> None:
        super().__init__()
        self.project: Project | None = project
        self.settings = settings or QSettings("Sightline", "Sightline")
        self.setWindowTitle("Sightline")
        self.setAcceptDrops(True)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
        )
        self.tasks: list[Task] = []

        self.selection = SelectionModel(self)
        self.filters = FilterModel(self)
        self.view_state = ViewState(self)

        self.map = MapView(self.selection, self.view_state, online_basemap_url=online_basemap_url)
        self.timeline = TimelineView(self.selection, self.view_state)
        self.table = TableView(self.selection, self.view_state)
        self.details = DetailsView(
            self.selection, self.view_state, project_provider=lambda: self.project
        )
        self.filters_view = FiltersView(self.filters)
        self.filters_view.use_brush_requested.connect(self._use_brush_as_window)
        self.timeline.brushed.connect(self._remember_brush)
        self._last_brush: tuple[int, int] | None = None

        self.setCentralWidget(self.map)
        self.docks: dict[str, QDockWidget] = {}
        self._dock("filters", "Filters", self.filters_view, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._dock("details", "Details", self.details, Qt.DockWidgetArea.RightDockWidgetArea)
        self._dock("timeline", "Timeline", self.timeline, Qt.DockWidgetArea.BottomDockWidgetArea)
        self._dock("table", "Table", self.table, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.splitDockWidget(self.docks["timeline"], self.docks["table"], Qt.Orientation.Vertical)
        self.resizeDocks(
            [self.docks["filters"], self.docks["details"]], [300, 360], Qt.Orientation.Horizontal
        )
        self.resizeDocks(
            [self.docks["timeline"], self.docks["table"]], [230, 200], Qt.Orientation.Vertical
        )
        self._default_state = self.saveState()

        self.linker = Linker(
            self.filters,
            self.filters_view,
            [self.map, self.timeline, self.table, self.details],
            search=search_function(lambda: self.project),
            parent=self,
        )
        self._status()
        self._menus()
        self.briefing = install_briefing(self)  # stories dock and Briefing menu
        self.exports = install_exports(self)  # File ▸ Export
        self.import_wizard = install_import_wizard(self)  # File ▸ Import… opens the wizard
        self.editing = install_editing(self)  # Edit ▸ Undo/Redo, edit forms, map pick
        self.selection.changed.connect(lambda _s: self._update_status())
        self._restore_layout()
        self._shown_version: str | None = None  # the data version the panes show
        self.write_waiting.connect(self._show_waiting)  # a method: queued to the GUI thread
        self.follow_timer = QTimer(self, interval=FOLLOW_INTERVAL_MS)
        self.follow_timer.timeout.connect(self.follow_project)
        self.load_project(project)
        self.follow_timer.start()

    # ------------------------------------------------------------------ layout
    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{name}")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        )
        self.addDockWidget(area, dock)
        self.docks[name] = dock

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1500, 950)
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def reset_layout(self) -> None:
        self.restoreState(self._default_state)
        for dock in self.docks.values():
            dock.show()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.follow_timer.stop()
        for task in self.tasks:
            task.wait(30)
        self.linker.shutdown()
        if self.project is not None:
            self.project.close()
        super().closeEvent(event)

    # ------------------------------------------------------------------ menus
    def _menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&New project…", self.new_project, QKeySequence.StandardKey.New)
        self._action(file_menu, "&Open project…", self.open_project, QKeySequence.StandardKey.Open)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self._fill_recent()
        file_menu.addSeparator()
        self._action(file_menu, "&Import events…", self.import_dialog, "Ctrl+I")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit = self.menuBar().addMenu("&Edit")
        self._action(edit, "Select all &visible", self.select_visible, "Ctrl+A")
        self._action(edit, "&Clear selection", lambda: self.selection.clear(source=self), "Esc")
        self._action(edit, "&Find…", self._focus_search, QKeySequence.StandardKey.Find)
        self._action(
            edit, "Clear all &filters", lambda: self.filters.clear(source=self), "Ctrl+Shift+F"
        )

        view = self.menuBar().addMenu("&View")
        self._action(view, "&Fit all", self.fit_all, "F")
        self._action(view, "&Zoom to selection", self.zoom_to_selection, "Z")
        view.addSeparator()
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        self._action(view, "&Reset layout", self.reset_layout)

        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&About Sightline", self.show_about)

    def about_text(self) -> str:
        from desktop_app.app import logs

        where = logs.log_path() or logs.log_dir()
        project = self.project.display_name if self.project is not None else "none"
        return (
            f"Sightline {__version__}\nOffline exploration of events in time and space."
            f"\n\nProject: {project}\nLog folder: {where.parent if where.suffix else where}"
            "\n(send sightline.log from there with a bug report)"
        )

    def show_about(self) -> None:
        plain_text.message_box(
            self, QMessageBox.Icon.Information, "About Sightline", self.about_text()
        ).exec()

    def _action(self, menu: object, text: str, slot: object, shortcut: object = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))  # type: ignore[arg-type]
        action.triggered.connect(slot)  # type: ignore[arg-type]
        menu.addAction(action)  # type: ignore[attr-defined]
        return action

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self._recent():
            self._action(self.recent_menu, path, lambda _c=False, p=path: self.open_path(p))
        self.recent_menu.setEnabled(bool(self._recent()))

    def _recent(self) -> list[str]:
        value = self.settings.value("recent", [])
        return [str(v) for v in (value if isinstance(value, list) else [value]) if v]

    def _remember_recent(self, path: str) -> None:
        recent = [path] + [p for p in self._recent() if p != path]
        self.settings.setValue("recent", recent[:RECENT_LIMIT])
        self._fill_recent()

    # ------------------------------------------------------------------ status bar
    def _status(self) -> None:
        self.status_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.progress_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.progress_label)
        self.statusBar().addPermanentWidget(self.progress)
        self.linker.refiltered.connect(lambda *_a: self._update_status())

    def _update_status(self) -> None:
        frame = self.linker.frame
        visible = int(self.linker.visible.sum()) if len(self.linker.visible) else 0
        located = int((frame.located & self.linker.visible).sum()) if len(frame) else 0
        name = self.project.path.name if self.project and self.project.path else ""
        self.status_label.setText(
            f"{name}   {visible:,} of {len(frame):,} events shown · {located:,} on the map · "
            f"{len(self.selection.ids):,} selected"
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

    # ------------------------------------------------------------------ projects
    def load_project(self, project: Project) -> None:
        """Load a project's events on a worker thread, then hand them to every pane."""
        self.project = project
        project.on_wait = self.write_waiting.emit
        title = project.path.name if project.path else project.display_name  # no password
        self.setWindowTitle(f"{title} — Sightline")
        self.selection.clear(source=self)
        self._shown_version = self._data_version()  # read before the events: no gap
        self._run(
            "load", load_frame, project, on_success=self._frame_ready, label="Loading events…"
        )

    # ------------------------------------------------------------------ following
    def _data_version(self) -> str | None:
        if self.project is None:
            return None
        try:
            return self.project.data_version()
        except Exception:  # a server gone away: try again at the next tick
            log.warning("cannot read the project's data version", exc_info=True)
            return None

    def _show_waiting(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    def follow_project(self) -> None:
        """Reload in the background when someone else changed the project."""
        project = self.project
        if project is None or any(t.name in ("load", "follow") for t in self.tasks):
            return
        version = self._data_version()
        if version is None or version == self._shown_version:
            return
        self._shown_version = version
        if version == project.last_written_version:
            return  # our own change: the panes were reloaded when it was made
        self._run(
            "follow",
            load_frame,
            project,
            on_success=self._frame_followed,
            label="Reading changes made elsewhere…",
        )

    def _frame_followed(self, frame: EventFrame) -> None:
        self.editing.apply_frame(frame)
        self._update_status()
        self.followed.emit()
        if self.project is not None:  # events another process imported need indexing
            from desktop_app.store.search import refresh_index

            self._run("index", refresh_index, self.project, label="Indexing text…")

    def _frame_ready(self, frame: EventFrame) -> None:
        self.linker.set_frame(frame)
        self._update_status()
        self.frame_loaded.emit()
        if self.project is not None:  # catch the search index up, off the GUI thread
            from desktop_app.store.search import refresh_index

            self._run("index", refresh_index, self.project, label="Indexing text…")

    def open_path(self, path: str) -> None:
        try:
            project = Project.open(path, create=False)
        except ProjectError as exc:
            plain_text.warn(self, "Cannot open project", str(exc))
            return
        if self.project is not None:
            self.project.close()
        self._remember_recent(str(Path(path).resolve()))
        self.load_project(project)

    def open_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Open project",
            "",
            "Sightline projects (*.sightline *.sqlite *.db);;All files (*)",
        )
        if path:
            self.open_path(path)

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "New project", "untitled.sightline", "Sightline projects (*.sightline)"
        )
        if not path:
            return
        if Path(path).exists():
            plain_text.warn(self, "New project", f"{path} exists already; open it instead.")
            return
        project = Project.open(path)
        if self.project is not None:
            self.project.close()
        self._remember_recent(str(Path(path).resolve()))
        self.load_project(project)

    # ------------------------------------------------------------------ import
    def import_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import events", "", "Event lists (*.csv *.tsv *.txt *.xlsx);;All files (*)"
        )
        if path:
            self.import_path(Path(path))

    def import_path(self, path: Path) -> None:
        """Import a file on a worker thread; the panes reload when it is done."""
        from desktop_app.ingest.pipeline import import_file

        if self.project is None:
            return
        task = self._run(
            "import",
            import_file,
            self.project,
            path,
            label=f"Importing {path.name}…",
            on_success=self._import_done,
            on_failure=self._import_failed,
            progress=True,
        )
        del task

    def _import_done(self, result: object) -> None:
        from desktop_app.ingest.pipeline import ImportResult

        assert isinstance(result, ImportResult)
        lines = [f"Imported {result.imported:,} events (preset {result.preset})."]
        if result.duplicates_in_project:
            lines.append(f"{result.duplicates_in_project:,} were already in the project.")
        if result.duplicates_in_file:
            lines.append(f"{result.duplicates_in_file:,} repeated an earlier row of the file.")
        if result.rejected:
            lines.append(
                f"{result.rejected:,} rows were rejected; the first: row "
                f"{result.rejects[0].row}: {result.rejects[0].reason}"
            )
        if result.unlocated:
            lines.append(f"{result.unlocated:,} events have no location (timeline only).")
        lines += result.warnings[:3]
        self.statusBar().showMessage(" ".join(lines[:2]), 15000)
        self.import_finished.emit(result)
        if self.project is not None:
            self.load_project(self.project)
        if not self.isHidden() and self.testAttribute(Qt.WidgetAttribute.WA_WState_Visible):
            box = plain_text.message_box(
                self, QMessageBox.Icon.Information, "Import finished", "\n".join(lines)
            )
            box.setModal(False)
            box.show()
            QTimer.singleShot(20000, box.close)

    def _import_failed(self, message: str) -> None:
        self.import_finished.emit(message)
        prefix = "Nothing was imported: "
        text = message if message.startswith(prefix) else prefix + message
        plain_text.message_box(self, QMessageBox.Icon.Warning, "Import failed", text).exec()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(u.toLocalFile().lower().endswith(IMPORTABLE) for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            path = Path(url.toLocalFile())
            if path.suffix.lower() in IMPORTABLE:
                self.import_path(path)
        event.acceptProposedAction()

    # ------------------------------------------------------------------ actions
    def select_visible(self) -> None:
        frame = self.linker.frame
        self.selection.set(frame.ids[self.linker.visible].tolist(), source=self)

    def fit_all(self) -> None:
        self.timeline.fit_all()
        self.map.fit_all()

    def zoom_to_selection(self) -> None:
        self.timeline.fit_selection()
        self.map.zoom_to_selection()

    def _focus_search(self) -> None:
        self.docks["filters"].show()
        self.filters_view.search.setFocus()
        self.filters_view.search.selectAll()

    def _remember_brush(self, t0: int, t1: int) -> None:
        self._last_brush = (t0, t1)

    def _use_brush_as_window(self) -> None:
        if self._last_brush is not None:
            self.filters.set_time_window(*self._last_brush, source=self)

    # ------------------------------------------------------------------ tasks
    def _run(
        self,
        name: str,
        fn: object,
        *args: object,
        label: str = "",
        on_success: object = None,
        on_failure: object = None,
        progress: bool = False,
    ) -> Task:
        task = Task(
            name,
            fn,
            *args,
            parent=self,  # type: ignore[arg-type]
            reports_progress=progress,
        )
        shown = False
        latest = ("", -1.0)  # the last stage told, shown when the bar appears

        def show(stage: str, fraction: float) -> None:
            nonlocal latest
            latest = (stage, fraction)
            if shown:
                self._busy(f"{label} {stage}".strip(), fraction)

        if progress:
            task.progress.connect(show)
        # a moment's work shows no progress bar; a longer one does
        timer = QTimer(self, singleShot=True, interval=300)

        def reveal() -> None:
            nonlocal shown
            shown = True
            self._busy(f"{label} {latest[0]}".strip(), latest[1])

        timer.timeout.connect(reveal)
        timer.start()
        task.succeeded.connect(on_success or (lambda _r: None))  # type: ignore[arg-type]
        task.failed.connect(on_failure or (lambda m: self.statusBar().showMessage(m, 10000)))  # type: ignore[arg-type]

        def finished() -> None:
            timer.stop()
            self._busy("", None)
            if task in self.tasks:
                self.tasks.remove(task)

        task.done.connect(finished)
        self.tasks.append(task)
        task.start()
        return task
