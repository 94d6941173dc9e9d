"""Playback: the time window steps through the events, and every pane follows.

The controller owns a list of windows (``domain.periods.windows``: a sliding window of a
typed width, or a cumulative one) and moves the filters' time window along it, so the
map, the table, the timeline and the details summary show each period in turn, exactly
as when the analyst types a window. Stopping puts back the window the analyst had.

The controller lives in the workbench (Qt objects, no widgets) because two features
play: the Playback dock and a story's "play this period" step in presentation mode.
It also works out the **trail**: the events of the last few windows, which the map
draws fading behind the current ones (:meth:`Playback.trail_masks`).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from desktop_app.domain.dates import Precision
from desktop_app.domain.periods import Period, caption, parse_period, windows
from desktop_app.workbench.workbench import Workbench

DEFAULT_SPEED = 2.0  # steps per second
SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
TRAILS = (0, 1, 2, 3, 5)  # windows shown fading behind the current one (0: no trail)
TRAIL_OPACITY = 0.4  # the youngest trail window (current events: 0.9); older ones fade to nothing


class Playback(QObject):
    """Signals:
    moved(int index, int count, str caption): the window shown is ``index`` of ``count``.
    playing_changed(bool playing)
    """

    moved = Signal(int, int, str)
    playing_changed = Signal(bool)

    def __init__(self, workbench: Workbench) -> None:
        super().__init__(workbench)
        self.wb = workbench
        self.width: Period | None = parse_period("1w")  # None: cumulative
        self.step_period: Period = parse_period("1w")
        self.speed = DEFAULT_SPEED
        self.loop = False
        self.trail = 0
        self.windows: list[tuple[int, int]] = []
        self.index = -1
        self._saved: tuple[int | None, int | None] | None = None  # the analyst's window
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        workbench.frame_applied.connect(self._frame_changed)

    # ------------------------------------------------------------------ setting up
    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    @property
    def precision(self) -> Precision:
        return (self.width or self.step_period).precision

    def configure(
        self,
        width: Period | None,
        step: Period | None = None,
        span: tuple[int, int] | None = None,
    ) -> None:
        """Play windows ``width`` long (None: cumulative), ``step`` apart (default: the
        width, or a week when cumulative), over ``span`` (default: every event's time)."""
        self.width = width
        self.step_period = step or width or parse_period("1w")
        t0, t1 = span if span is not None else self.events_span()
        self.windows = windows(t0, t1, self.width, self.step_period)
        self.index = min(self.index, len(self.windows) - 1)

    def events_span(self) -> tuple[int, int]:
        frame = self.wb.linker.frame
        if len(frame) == 0:
            return 0, 1
        return int(frame.start.min()), int(frame.end.max())

    def set_speed(self, steps_per_second: float) -> None:
        self.speed = max(0.1, float(steps_per_second))
        if self.playing:
            self._timer.setInterval(round(1000 / self.speed))

    def caption(self, index: int | None = None) -> str:
        i = self.index if index is None else index
        if not 0 <= i < len(self.windows):
            return ""
        return caption(self.windows[i], self.precision)

    # ------------------------------------------------------------------ moving
    def play(self) -> None:
        if not self.windows:
            self.configure(self.width, self.step_period)
        if self.index >= len(self.windows) - 1:
            self.index = -1  # at the end: play again from the start
        self._remember()
        if self.index < 0:
            self.seek(0)
        self._timer.start(round(1000 / self.speed))
        self.playing_changed.emit(True)

    def pause(self) -> None:
        if self.playing:
            self._timer.stop()
            self.playing_changed.emit(False)

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def step(self, delta: int) -> None:
        """One window forward (+1) or back (-1), playing or not."""
        if not self.windows:
            self.configure(self.width, self.step_period)
        self._remember()
        self.seek(max(0, min(self.index + delta, len(self.windows) - 1)))

    def seek(self, index: int) -> None:
        if not 0 <= index < len(self.windows):
            return
        self._remember()
        self.index = index
        t0, t1 = self.windows[index]
        self.wb.filters.set_time_window(t0, t1, source=self)
        self.moved.emit(index, len(self.windows), self.caption())

    def stop(self) -> None:
        """Stop and give back the time window the analyst had before playing."""
        self.pause()
        if self._saved is not None:
            t0, t1 = self._saved
            self._saved = None
            self.wb.filters.set_time_window(t0, t1, source=self)
        self.index = -1
        self.moved.emit(-1, len(self.windows), "")

    def set_trail(self, windows_back: int) -> None:
        """Draw the events of the last ``windows_back`` windows fading on the map (0: off)."""
        self.trail = max(0, int(windows_back))
        if self.index >= 0:
            self.moved.emit(self.index, len(self.windows), self.caption())

    def trail_masks(self) -> list[tuple[float, np.ndarray]]:
        """(opacity, events) for each window behind the current one, youngest first: the
        events the filters let through in that window and in no younger one (nor the
        current one). Empty when not playing, without a trail, or when the window is
        cumulative (it already keeps every earlier event)."""
        if self.trail <= 0 or self.width is None or not 0 <= self.index < len(self.windows):
            return []
        linker = self.wb.linker
        shown = linker.visible.copy()
        if shown.shape != (len(linker.frame),):
            return []
        out: list[tuple[float, np.ndarray]] = []
        for k in range(1, self.trail + 1):
            if self.index - k < 0:
                break
            band = linker.masks(window=self.windows[self.index - k]).visible() & ~shown
            shown |= band
            opacity = TRAIL_OPACITY * (1 - (k - 1) / self.trail)
            out.append((round(opacity, 3), band))
        return out

    def _remember(self) -> None:
        if self._saved is None:
            f = self.wb.filters.filters
            self._saved = (f.t0, f.t1)

    def _tick(self) -> None:
        if self.index + 1 < len(self.windows):
            self.seek(self.index + 1)
        elif self.loop and self.windows:
            self.seek(0)
        else:
            self.pause()

    def _frame_changed(self) -> None:
        """Other events (a new project, an import): the windows follow their time."""
        if not self.playing and self._saved is None:
            self.windows = []
            self.index = -1
