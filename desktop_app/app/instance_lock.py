"""One Sightline window per project: a lock file next to the project file.

Two windows on one project would each keep their own copy of its events and import,
undo and index behind each other's back. The window therefore takes
``<project>.lock`` (a :class:`QLockFile`: the holder's process id, host and program
name, plus an OS-level lock on the file) before it opens a project; a second
Sightline started on the same project is refused with a message saying where the
project is open. A lock left behind by a crashed Sightline (its process is gone) is
stale and taken over silently. Databases that are not files (any other SQLAlchemy URL)
are not locked here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QLockFile

from desktop_app.store.project import default_project_path, sqlite_path, to_url

LOCK_SUFFIX = ".lock"


class ProjectInUse(Exception):
    """The project is open in another Sightline (or its lock cannot be taken); the
    message says where, for the analyst."""


def lock_file_path(project_path: Path) -> Path:
    """Where the lock of a project file lives: next to it, named ``<file>.lock``."""
    return project_path.with_name(project_path.name + LOCK_SUFFIX)


class ProjectLock:
    """The lock on one project file, held from :meth:`acquire` until :meth:`release`."""

    def __init__(self, project_path: Path) -> None:
        self.project_path = Path(project_path)
        self.path = lock_file_path(self.project_path)
        self._lock = QLockFile(str(self.path))
        # a window keeps its project open for hours: a lock is stale only when the
        # process holding it is gone, never because of its age
        self._lock.setStaleLockTime(0)

    @property
    def held(self) -> bool:
        return bool(self._lock.isLocked())

    def acquire(self) -> None:
        """Take the lock, or raise :class:`ProjectInUse` saying who holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._lock.tryLock(0):
            return
        error = self._lock.error()
        if error == QLockFile.LockError.LockFailedError:
            raise ProjectInUse(self._held_message())
        if error == QLockFile.LockError.PermissionError:
            raise ProjectInUse(
                f"Cannot open {self.project_path.name}: its folder "
                f"{self.path.parent} is not writable, so Sightline cannot "
                "mark the project as open."
            )
        raise ProjectInUse(
            f"Cannot open {self.project_path.name}: the lock file {self.path} cannot be created."
        )

    def _held_message(self) -> str:
        info = self._lock.getLockInfo()  # PySide6: (pid, host, program), the bool dropped
        pid, host, program = info if isinstance(info, tuple) and len(info) == 3 else (0, "", "")
        where = ""
        if pid:
            where = (
                " ("
                + ", ".join(
                    part
                    for part in (f"process {pid}", f"on {host}" if host else "", program)
                    if part
                )
                + ")"
            )
        return (
            f"{self.project_path.name} is already open in another Sightline{where}. "
            "Close it there first, "
            "or open a copy of the project file. Opening one project in two windows "
            f"at once could lose changes. (Lock file: {self.path})"
        )

    def release(self) -> None:
        if self.held:
            self._lock.unlock()

    def __enter__(self) -> ProjectLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def lock_project(target: str | Path | None) -> ProjectLock | None:
    """Lock the project a command line names (the default project when None).

    Returns the held lock, or None for a database that is not a file. Raises
    :class:`ProjectInUse` when another Sightline has it open.
    """
    path = sqlite_path(to_url(target if target is not None else default_project_path()))
    if path is None:
        return None
    lock = ProjectLock(path)
    lock.acquire()
    return lock


def report_in_use(error: ProjectInUse) -> None:
    """Tell the analyst: on stderr, and in a message box when there is a screen."""
    print(f"sightline: {error}", file=sys.stderr)
    if os.environ.get("QT_QPA_PLATFORM", "") in ("offscreen", "minimal"):
        return
    from PySide6.QtWidgets import QApplication

    from desktop_app.views import plain_text

    if QApplication.instance() is not None:
        plain_text.warn(None, "Project already open", str(error))
