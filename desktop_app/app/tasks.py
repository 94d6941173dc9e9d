"""Running slow work (imports, loading a project) off the GUI thread.

A :class:`Task` runs a plain function on a Python thread and reports back through Qt
signals, which Qt delivers to the GUI thread (queued), so the window never freezes.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal


class Task(QObject):
    """Signals:
    progress(str stage, float fraction)
    succeeded(object result)
    failed(str message)
    done(): after either of the two above
    """

    progress = Signal(str, float)
    succeeded = Signal(object)
    failed = Signal(str)
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
            message = str(exc) or exc.__class__.__name__
            if not getattr(exc, "expected", False):
                traceback.print_exc()
            self.failed.emit(message)
        else:
            self.succeeded.emit(result)
        self.done.emit()

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)
