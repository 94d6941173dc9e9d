"""Reading the numeric columns an import kept, on a thread, after the events are shown.

Finding the numeric attribute keys is cheap (a sample); reading their values means one
JSON parse per event, about 2 s for a million events on a small laptop, so it is not
part of opening a project: the frame is shown first (the linker asks for the numbers
once the panes have it and its first counts) and the numbers follow (the filters pane
says "Reading the numeric columns…" meanwhile). The table is keyed by event id,
and ids are never reused nor attributes edited, so a table stays right across edits:
it is read again only when a frame has events it does not hold (an import, a change
made elsewhere) or another project is open; a copy in the user cache folder makes
reopening a project cheap (``frame/numeric_store.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Signal

from desktop_app.frame.numeric import NumberTable

log = logging.getLogger("sightline.numbers")
ProjectGetter = Callable[[], object]


def numbers_of(project: object) -> NumberTable:
    """Every event's numeric attributes (on any thread; from the cached copy when it is
    current, see :mod:`desktop_app.frame.numeric_store`)."""
    from desktop_app.frame.numeric_store import load_numbers
    from desktop_app.store.project import Project

    if not isinstance(project, Project):
        return NumberTable.empty(project)
    return load_numbers(project)


class NumberLoader(QObject):
    """One read of the numbers at a time; a request while one runs reads again after it.

    Signals:
        loaded(object table): a :class:`NumberTable` was read (its ``origin`` is the
            project it was read from).
    """

    loaded = Signal(object)
    _done = Signal(int, object)  # (generation, table or None) from the thread

    def __init__(self, project: ProjectGetter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sightline-numbers")
        self._generation = 0
        self._running = False
        self._again = False
        self._done.connect(self._on_done)

    @property
    def busy(self) -> bool:
        return self._running

    def request(self) -> None:
        """Read the open project's numbers (again)."""
        self._generation += 1
        if self._running:
            self._again = True
            return
        self._start()

    def _start(self) -> None:
        project = self.project()
        if project is None:
            return
        self._running, self._again = True, False
        generation = self._generation
        self._pool.submit(self._read, generation, project)

    def _read(self, generation: int, project: object) -> None:
        try:
            table = numbers_of(project)
        except Exception:  # the project closed meanwhile, or an unreadable value
            log.warning("the numeric columns could not be read", exc_info=True)
            table = NumberTable.empty(project)  # none: the pane stops saying "Reading…"
        self._done.emit(generation, table)

    def _on_done(self, generation: int, table: object) -> None:
        self._running = False
        if self._again:
            self._start()
            return
        if generation == self._generation and isinstance(table, NumberTable):
            self.loaded.emit(table)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
