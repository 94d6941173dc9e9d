"""Running slow work (imports, loading a project) off the GUI thread.

A :class:`Task` runs a plain function on a Python thread and reports back through Qt
signals, which Qt delivers to the GUI thread (queued), so the window never freezes. A
failure carries the exception itself (``failed(object)``); :func:`message_of` turns it
into the sentence an analyst reads, and :func:`is_expected` says whether it is one of
the refusals the program explains itself (a bad file, a busy project) rather than a bug,
which is logged with its traceback.

A :class:`TaskRunner` keeps the window's running tasks, shows progress only for work
that lasts, and lets the window wait for them when it closes. Cancellation is the job's
own: pass it a ``threading.Event`` it checks (the import does).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

log = logging.getLogger("sightline.tasks")
REVEAL_MS = 300  # a moment's work shows no progress bar; a longer one does


def _expected_types() -> tuple[type[BaseException], ...]:
    """Exceptions whose message is written for the analyst: told, not logged as bugs."""
    from desktop_app.ingest.filecheck import UnreadableFile
    from desktop_app.ingest.pipeline import ImportCancelled
    from desktop_app.store.batches import BatchError
    from desktop_app.store.editing import EditError
    from desktop_app.store.guard import WriteBusy
    from desktop_app.store.project import ProjectError, WriteFailed

    return (
        UnreadableFile,
        ImportCancelled,
        BatchError,
        EditError,
        WriteBusy,
        ProjectError,
        WriteFailed,
    )


def is_expected(exc: BaseException) -> bool:
    return isinstance(exc, _expected_types())


def message_of(exc: BaseException) -> str:
    """The analyst's sentence for a failure (never a traceback)."""
    return str(exc) or exc.__class__.__name__


class Task(QObject):
    """Signals:
    progress(str stage, float fraction)
    succeeded(object result)
    failed(object exception): the exception the function raised
    done(): after either of the two above
    """

    progress = Signal(str, float)
    succeeded = Signal(object)
    failed = Signal(object)
    done = Signal()

    def __init__(
        self,
        name: str,
        fn: Callable[..., Any],
        *args: Any,
        parent: QObject | None = None,
        reports_progress: bool = False,
        **kwargs: Any,
    ) -> None:
        """``reports_progress``: ``fn`` takes a ``progress(stage, fraction)`` callback,
        which this task forwards as its ``progress`` signal."""
        super().__init__(parent)
        self.name = name
        if reports_progress:
            kwargs["progress"] = self.report
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._run, name=f"sightline-{self.name}", daemon=True
        )
        self._thread.start()

    def report(self, stage: str, fraction: float) -> None:
        self.progress.emit(stage, fraction)

    def _run(self) -> None:
        try:
            result = self._fn(*self._args, **self._kwargs)
        except Exception as exc:  # reported to the analyst, never swallowed
            self.error = exc
            if is_expected(exc):
                log.info("task %s refused: %s", self.name, message_of(exc))
            else:
                log.error("task %s failed", self.name, exc_info=exc)
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)
        self.done.emit()

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)


class TaskRunner(QObject):
    """The window's background work.

    Signals:
        busy(str text, float fraction): show progress (-1: busy, length unknown).
        idle(): no task shows progress any more.
        failed(str message): a task without its own failure handler failed.
    """

    busy = Signal(str, float)
    idle = Signal()
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks: list[Task] = []

    def running(self, *names: str) -> bool:
        return any(t.name in names for t in self.tasks)

    def run(
        self,
        name: str,
        fn: Callable[..., Any],
        *args: Any,
        label: str = "",
        on_success: Callable[[Any], object] | None = None,
        on_failure: Callable[[BaseException], object] | None = None,
        progress: bool = False,
    ) -> Task:
        """Start ``fn(*args)`` on a thread; ``on_success(result)`` or
        ``on_failure(exception)`` runs on the GUI thread when it ends."""
        task = Task(name, fn, *args, parent=self, reports_progress=progress)
        shown = False
        latest = ("", -1.0)  # the last stage told, shown when the bar appears

        def show(stage: str, fraction: float) -> None:
            nonlocal latest
            latest = (stage, fraction)
            if shown:
                self.busy.emit(f"{label} {stage}".strip(), fraction)

        if progress:
            task.progress.connect(show)
        timer = QTimer(self, singleShot=True, interval=REVEAL_MS)

        def reveal() -> None:
            nonlocal shown
            shown = True
            self.busy.emit(f"{label} {latest[0]}".strip(), latest[1])

        timer.timeout.connect(reveal)
        timer.start()
        if on_success is not None:
            task.succeeded.connect(on_success)
        task.failed.connect(on_failure or (lambda exc: self.failed.emit(message_of(exc))))

        def finished() -> None:
            timer.stop()
            if shown:
                self.idle.emit()
            if task in self.tasks:
                self.tasks.remove(task)

        task.done.connect(finished)
        self.tasks.append(task)
        task.start()
        return task

    def wait_all(self, timeout: float) -> None:
        for task in list(self.tasks):
            task.wait(timeout)
