"""The workbench: everything the window works on, with no widget in it.

One :class:`Workbench` per window holds the open project and its lifecycle (open, new,
close, following changes made elsewhere), the shared state models (selection, filters,
view state), the :class:`~desktop_app.workbench.linking.Linker` that turns filters into
what every pane shows, the background :class:`~desktop_app.workbench.tasks.TaskRunner`,
the :class:`~desktop_app.workbench.actions.ActionRegistry`, the undo stack and the
user :class:`Messages`. The shell (widgets) and the features (import, edit, export, brief)
are given a workbench; the workbench knows neither.

There is one way to (re)read a project's events: :meth:`Workbench.reload`, on a worker
thread; an edit patches the frame instead (:meth:`Workbench.patch`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QUndoStack

from desktop_app.frame import EventFrame
from desktop_app.frame.cache import load_frame
from desktop_app.frame.patch import patch_frame
from desktop_app.state.models import FilterModel, SelectionModel, ViewState
from desktop_app.store.project import Project
from desktop_app.workbench.actions import ActionRegistry, MenuId
from desktop_app.workbench.linking import Linker, search_function
from desktop_app.workbench.tasks import TaskRunner

CLASSIFICATION_KEY = "classification"  # a project setting
FOLLOW_INTERVAL_MS = 2000  # how often the workbench looks for changes made elsewhere
log = logging.getLogger("sightline.workbench")


class Messages(QObject):
    """What the program tells the analyst; the shell shows it (status bar, boxes).

    Signals:
        status(str text, int ms): a passing line for the status bar.
        warning(str title, str text): a refusal or failure, in a box.
    """

    status = Signal(str, int)
    warning = Signal(str, str)

    def say(self, text: str, ms: int = 10_000) -> None:
        self.status.emit(text, ms)

    def clear(self) -> None:
        self.status.emit("", 0)

    def warn(self, title: str, text: str) -> None:
        self.warning.emit(title, text)


class Workbench(QObject):
    """Signals:
    project_changed(object project): another project is open (its events follow).
    frame_loaded(): a project's events are loaded and every pane has them.
    frame_applied(): a new frame (reloaded, followed or patched) is in every pane.
    followed(): changes made elsewhere were read and every pane shows them.
    write_waiting(str text): a write waits for another writer (any thread may emit it).
    """

    project_changed = Signal(object)
    frame_loaded = Signal()
    frame_applied = Signal()
    followed = Signal()
    write_waiting = Signal(str)

    def __init__(
        self, project: Project | None, settings: QSettings, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.settings = settings
        # every undoable change; made first so that it is deleted before the actions
        # that follow its signals
        self.undo_stack = QUndoStack(self)
        self.selection = SelectionModel(self)
        self.filters = FilterModel(self)
        self.view_state = ViewState(self)
        self.tasks = TaskRunner(self)
        self.actions = ActionRegistry(self)
        self.messages = Messages(self)
        self.linker = Linker(
            self.filters,
            search=search_function(lambda: self.project),
            parent=self,
            project=lambda: self.project,
        )
        self._shown_version: str | None = None  # the data version the panes show
        self._pending_project = project
        self.write_waiting.connect(lambda text: self.messages.say(text))
        self.follow_timer = QTimer(self, interval=FOLLOW_INTERVAL_MS)
        self.follow_timer.timeout.connect(self.follow_project)
        self._declare_actions()

    def start(self) -> None:
        """Load the project given at construction and start following it (the shell
        calls this once every pane is attached)."""
        if self._pending_project is not None:
            self.load_project(self._pending_project)
            self._pending_project = None
        self.follow_timer.start()

    def _declare_actions(self) -> None:
        add = self.actions.add
        add("edit.select_visible", "Select all &visible", self.select_visible,
            menu=MenuId.EDIT, group=5, shortcut="Ctrl+A",
            tip="Select every event the filters show")  # fmt: skip
        add("edit.clear_selection", "&Clear selection", self.clear_selection,
            menu=MenuId.EDIT, group=5, order=1, shortcut="Esc")  # fmt: skip
        add("edit.clear_filters", "Clear all &filters", self.clear_filters,
            menu=MenuId.EDIT, group=6, order=1, shortcut="Ctrl+Shift+F")  # fmt: skip

    # ------------------------------------------------------------------ selection
    def select_visible(self) -> None:
        self.selection.set(self.linker.visible_ids(), source=self)

    def clear_selection(self) -> None:
        self.selection.clear(source=self)

    def clear_filters(self) -> None:
        self.filters.clear(source=self)

    # ------------------------------------------------------------------ project settings
    def classification(self) -> str:
        """The classification line printed on every exported page ('' for none)."""
        project = self.project
        return project.get_setting(CLASSIFICATION_KEY) if project is not None else ""

    def set_classification(self, text: str) -> None:
        if self.project is not None:
            self.project.set_setting(CLASSIFICATION_KEY, text.strip())

    # ------------------------------------------------------------------ projects
    def load_project(self, project: Project, select: Iterable[int] | None = None) -> None:
        """Make ``project`` the open one (closing another) and read its events."""
        if self.project is not None and self.project is not project:
            self.project.close()
        self.project = project
        project.on_wait = self.write_waiting.emit
        self.selection.clear(source=self)
        self.project_changed.emit(project)
        self.reload(select=select, first=True)

    def reload(self, select: Iterable[int] | None = None, *, first: bool = False) -> None:
        """Read the project's events again on a worker thread and give them to every
        pane; ``select`` is selected once they are there, otherwise the selection is
        kept (less what is gone)."""
        project = self.project
        if project is None:
            return
        self._shown_version = self._data_version()  # read before the events: no gap
        wanted = list(select) if select is not None else None

        def ready(frame: EventFrame) -> None:
            if project is not self.project:
                return  # another project was opened meanwhile
            self.apply_frame(frame, select=wanted)
            if first:
                self.frame_loaded.emit()
            self._refresh_index()

        self.tasks.run("load", load_frame, project, on_success=ready, label="Loading events…")

    def apply_frame(self, frame: EventFrame, select: Iterable[int] | None = None) -> None:
        """Give a frame to every pane, keeping the selection (less what is gone) unless
        ``select`` names what to select."""
        self.linker.set_frame(frame)
        selection = self.selection
        if select is not None:
            wanted = [i for i in select if frame.row_of(i) is not None]
            if wanted or selection.ids:
                selection.set(wanted, active=wanted[0] if wanted else None, source=self)
        else:
            rows = frame.rows_of(selection.ids)
            if len(rows) != len(selection.ids):  # some are gone (one lookup, not one per id)
                kept = frame.ids[rows].tolist()
                active = selection.active
                if active is not None and frame.row_of(active) is None:
                    active = None
                selection.set(kept, active=active, source=self)
        self.frame_applied.emit()

    def patch(self, ids: Iterable[int], select: Iterable[int] | None = None) -> None:
        """After a write of these events: read just them and patch the frame in place."""
        project = self.project
        if project is None:
            return
        frame = patch_frame(self.linker.frame, project, ids)
        # following: our own write is known by project.last_written_version
        self.apply_frame(frame, select=select)

    def _refresh_index(self) -> None:
        if self.project is not None:  # catch the search index up, off the GUI thread
            from desktop_app.store.search import refresh_index

            self.tasks.run("index", refresh_index, self.project, label="Indexing text…")

    # ------------------------------------------------------------------ following
    def _data_version(self) -> str | None:
        if self.project is None:
            return None
        try:
            return self.project.data_version()
        except Exception:  # a server gone away: try again at the next tick
            log.warning("cannot read the project's data version", exc_info=True)
            return None

    def follow_project(self) -> None:
        """Reload in the background when someone else changed the project."""
        project = self.project
        if project is None or self.tasks.running("load", "follow"):
            return
        version = self._data_version()
        if version is None or version == self._shown_version:
            return
        self._shown_version = version
        if version == project.last_written_version:
            return  # our own change: the panes were given it when it was made

        def followed(frame: EventFrame) -> None:
            if project is not self.project:
                return
            self.apply_frame(frame)
            self.followed.emit()
            self._refresh_index()  # events another process imported need indexing

        self.tasks.run(
            "follow",
            load_frame,
            project,
            on_success=followed,
            label="Reading changes made elsewhere…",
        )

    # ------------------------------------------------------------------ closing
    def close(self) -> None:
        """Stop following, let running work end, and close the project."""
        self.follow_timer.stop()
        self.tasks.wait_all(30)
        self.linker.shutdown()
        if self.project is not None:
            self.project.close()
