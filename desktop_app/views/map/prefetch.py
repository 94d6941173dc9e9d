"""The map's next answers, worked out while it is idle (issue 13: zoom <= 100 ms).

Aggregating a view of a million events takes ~30 ms of numpy (``MapIndex.features``),
which a zoom waited for on top of the page's own redraw. The page reports, with each
viewport, the exact views one zoom in and one zoom out about the same centre (what the
+/- buttons and keys give); once the map has been quiet for ``IDLE_MS`` the answers
for them are worked out, one per turn of the event loop, and kept with the views
already drawn. An animated zoom (the wheel) reports where it will land when it starts,
and that view is worked out at once, while the animation runs. An answer is used only
for exactly the view it was made for and only while what it was made of is unchanged:
the same index object, the same visible mask object (the map view replaces it, never
changes it in place) and the same bubble size.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, QTimer

from desktop_app.frame.map_cells import MapIndex, ViewFeatures, Viewport

IDLE_MS = 80  # quiet time before working ahead: a playback or a drag keeps pushing it back
KEEP = 6  # answers kept (the next views, and the views drawn last)

MadeOf = tuple[MapIndex, np.ndarray, float]


class Prefetch(QObject):
    """Answers (``ViewFeatures``) by exact view, for one state of the map at a time.

    ``compute(view)`` aggregates the visible events for ``view`` as the map stands.
    """

    def __init__(self, compute: Callable[[Viewport], ViewFeatures], parent: QObject) -> None:
        super().__init__(parent)
        self._compute = compute
        self._made_of: MadeOf | None = None
        self._answers: OrderedDict[Viewport, ViewFeatures] = OrderedDict()
        self._pending: list[Viewport] = []
        self._of: Callable[[], MadeOf] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._work)
        self.computed = 0  # answers worked out ahead (tests, benchmarks)
        self.used = 0  # of them, or of those kept, handed back for a view asked for

    @property
    def waiting(self) -> bool:
        """Views planned and not yet worked out."""
        return bool(self._pending)

    def _same(self, made_of: MadeOf) -> bool:
        kept = self._made_of
        return (
            kept is not None
            and kept[0] is made_of[0]
            and kept[1] is made_of[1]
            and kept[2] == made_of[2]
        )

    def _state(self, made_of: MadeOf) -> None:
        if not self._same(made_of):
            self._made_of = made_of
            self._answers.clear()

    def take(self, view: Viewport, made_of: MadeOf) -> ViewFeatures | None:
        """The answer kept for exactly ``view`` of this state, or None."""
        if not self._same(made_of):
            return None
        found = self._answers.get(view)
        if found is not None:
            self._answers.move_to_end(view)
            self.used += 1
        return found

    def keep(self, view: Viewport, made_of: MadeOf, found: ViewFeatures) -> None:
        """Keep an answer the map just drew (a zoom back finds it)."""
        self._state(made_of)
        self._put(view, found)

    def plan(self, views: list[Viewport], of: Callable[[], MadeOf], wait_ms: int = IDLE_MS) -> None:
        """Work out ``views`` once the map has been idle ``wait_ms`` (each call restarts
        the wait); ``of()`` tells what the map is made of when the work is done."""
        self._pending = list(views)
        self._of = of
        self._timer.start(wait_ms)

    def cancel(self) -> None:
        self._pending = []
        self._timer.stop()

    def _put(self, view: Viewport, found: ViewFeatures) -> None:
        self._answers[view] = found
        self._answers.move_to_end(view)
        while len(self._answers) > KEEP:
            self._answers.popitem(last=False)

    def _work(self) -> None:
        if not self._pending or self._of is None:
            return
        made_of = self._of()
        self._state(made_of)
        view = self._pending.pop(0)
        if view not in self._answers:
            self._put(view, self._compute(view))
            self.computed += 1
        if self._pending:
            self._timer.start(0)  # the next one on the next turn: input comes first
