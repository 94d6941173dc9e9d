"""Projects, as the window offers them: File ▸ New project…, Open project…, Open recent.

The workbench opens a project and reads its events; this feature asks for the file and
remembers the recent ones (in the window's settings).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog

from desktop_app.features.host import Host
from desktop_app.store.project import Project, ProjectError
from desktop_app.views import plain_text
from desktop_app.workbench import MenuId, Workbench

RECENT_LIMIT = 8
PROJECT_FILTER = "Sightline projects (*.sightline *.sqlite *.db);;All files (*)"


class Projects(QObject):
    def __init__(self, workbench: Workbench, host: Host) -> None:
        super().__init__(workbench)
        self.wb, self.host = workbench, host
        add = workbench.actions.add
        add("file.new_project", "&New project…", self.new_project, menu=MenuId.FILE,
            shortcut=QKeySequence.StandardKey.New, tip="Start an empty project file")  # fmt: skip
        add("file.open_project", "&Open project…", self.open_project, menu=MenuId.FILE,
            order=1, shortcut=QKeySequence.StandardKey.Open)  # fmt: skip
        self._fill_recent()
        # every project the window shows is a recent one: the default project and the
        # one given with --project too, not only those opened from the File menu
        workbench.project_changed.connect(self._opened)

    def _opened(self, project: object) -> None:
        if isinstance(project, Project) and project.path is not None:  # a file, not a server
            path = str(project.path.resolve())
            if not self.recent() or self.recent()[0] != path:
                self.remember(path)

    def recent(self) -> list[str]:
        value = self.wb.settings.value("recent", [])
        return [str(v) for v in (value if isinstance(value, list) else [value]) if v]

    def remember(self, path: str) -> None:
        recent = [path] + [p for p in self.recent() if p != path]
        self.wb.settings.setValue("recent", recent[:RECENT_LIMIT])
        self._fill_recent()

    def _fill_recent(self) -> None:
        registry = self.wb.actions
        registry.clear(MenuId.FILE_RECENT)
        for n, path in enumerate(self.recent()):
            registry.add(f"file.recent.{n}", path, self._opener(path),
                         menu=MenuId.FILE_RECENT, order=n)  # fmt: skip

    def _opener(self, path: str) -> Callable[[], None]:
        return lambda: self.open_path(path)

    def open_path(self, path: str) -> None:
        try:
            project = Project.open(path, create=False)
        except ProjectError as exc:
            plain_text.warn(self.host.window_widget(), "Cannot open project", str(exc))
            return
        self.remember(str(Path(path).resolve()))
        self.wb.load_project(project)

    def open_project(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.host.window_widget(), "Open project", "", PROJECT_FILTER
        )
        if path:
            self.open_path(path)

    def new_project(self) -> None:
        window = self.host.window_widget()
        path, _ = QFileDialog.getSaveFileName(
            window, "New project", "untitled.sightline", "Sightline projects (*.sightline)"
        )
        if not path:
            return
        if Path(path).exists():
            plain_text.warn(window, "New project", f"{path} exists already; open it instead.")
            return
        project = Project.open(path)
        self.remember(str(Path(path).resolve()))
        self.wb.load_project(project)


def install(workbench: Workbench, host: Host) -> Projects:
    return Projects(workbench, host)
