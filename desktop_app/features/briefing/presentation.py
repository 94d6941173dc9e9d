"""PresentationWindow: a story full screen, one saved view per step, for a projector.

Only the map and the timeline show (no filters, table or details), with larger type and
markers and a caption holding the step's title and note. The window has its own
:class:`ViewState` (so the map and timeline can glide and fly without moving the main
window's panes) and shares the main window's selection and filters, so the step's
events are highlighted as the selection everywhere. Keys are what presentation
clickers send: Right/PageDown/Space/Down forward, Left/PageUp/Backspace/Up back,
Home/End to the first/last step, Esc leaves (and the main window gets back the view
it had before). A "play this period" step (:class:`PlaySpec`) plays its time window
when it is shown, window by window, with the dates in the caption; P pauses and
resumes it, and moving to another step stops it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QFont, QKeySequence, QScreen, QShortcut
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QVBoxLayout,
    QWidget,
)

from desktop_app.features.briefing.snapshots import MainStage, apply_view, capture_view
from desktop_app.state.models import ViewState
from desktop_app.state.snapshot import PlaySpec, ViewSnapshot
from desktop_app.views import plain_text
from desktop_app.views.map import MapView
from desktop_app.views.timeline import TimelineView
from desktop_app.workbench.playback import Playback

MARKER_SCALE = 1.7
FONT_SCALE = 1.45
FORWARD = {
    Qt.Key.Key_Right,
    Qt.Key.Key_PageDown,
    Qt.Key.Key_Space,
    Qt.Key.Key_Down,
    Qt.Key.Key_Return,
    Qt.Key.Key_Enter,
}
BACK = {Qt.Key.Key_Left, Qt.Key.Key_PageUp, Qt.Key.Key_Backspace, Qt.Key.Key_Up}

STYLE = """
#presentation { background: #0f1720; }
#caption { background: #0f1720; }
#caption QLabel { color: #e8eef5; }
#caption-title { font-weight: 600; }
#caption-note { color: #b8c4d2; }
#caption-meta { color: #8796a8; }
#caption-period { color: #ffd479; }
#classification { background: #8b1a1a; color: white; font-weight: 700; letter-spacing: 1px; }
#timeline-frame { background: white; border-top: 1px solid #2b3a4a; }
"""


class PresentationWindow(QWidget):
    """Steps through a story's saved views full screen.

    Signals:
        step_changed(int index): the step shown changed (0-based).
        closed(): the presentation ended (Esc or the window was closed).
    """

    step_changed = Signal(int)
    closed = Signal()

    def __init__(
        self,
        window: MainStage,  # the main window's state and panes
        steps: list[ViewSnapshot],
        story_title: str = "",
        classification: str = "",
        start: int = 0,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        if not steps:
            raise ValueError("a presentation needs at least one step")
        self.setObjectName("presentation")
        self.setWindowTitle(f"{story_title or 'Story'} — Sightline presentation")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.main_window = window
        self.steps = list(steps)
        self.story_title = story_title
        self.animate = True
        self._index = max(0, min(start, len(steps) - 1))
        self._before = capture_view(window)
        self._closing = False
        self.playback: Playback | None = None  # made when a step first plays

        # the stage: shared selection and filters, a view of its own
        self.selection = window.selection
        self.filters = window.filters
        self.view_state = ViewState(self)
        first = self.steps[self._index]
        if first.map is not None:
            self.view_state.set_map(first.map)
        if first.timeline is not None:
            self.view_state.set_timeline(*first.timeline)
        self.view_state.set_annotations(first.annotations)
        self.map = MapView(self.selection, self.view_state)
        self.map.layers.copy_from(window.map.layers)  # the window's basemap, heat, colours
        self.map.tools.follow(window.map.tools)  # the project's annotations
        self.map.set_presenting(MARKER_SCALE)
        timeline_frame = QFrame(self)
        timeline_frame.setObjectName("timeline-frame")
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * FONT_SCALE)
        timeline_frame.setFont(big)
        self.timeline = TimelineView(self.selection, self.view_state, timeline_frame)
        bar = self.timeline.layout().itemAt(0)  # type: ignore[union-attr]
        _hide_layout_widgets(bar.layout() if bar is not None else None)  # editing toolbar
        frame_layout = QVBoxLayout(timeline_frame)
        frame_layout.setContentsMargins(12, 6, 12, 6)
        frame_layout.addWidget(self.timeline)

        self.caption = self._caption(classification)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.classification_top = self._classification(classification)
        layout.addWidget(self.classification_top)
        layout.addWidget(self.caption)
        layout.addWidget(self.map, 5)
        layout.addWidget(timeline_frame, 2)
        self.classification_bottom = self._classification(classification)
        layout.addWidget(self.classification_bottom)

        self.map.set_frame(window.linker.frame)
        self.timeline.set_frame(window.linker.frame)
        self._sync_visible()
        window.linker.refiltered.connect(self._sync_visible)
        window.frame_loaded.connect(self._frame_reloaded)
        for widget in (
            self.map,
            self.timeline,
            self.timeline.canvas,
            *self.map.findChildren(QWebEngineView),
        ):
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._install_keys()
        self.setStyleSheet(STYLE)  # last: the timeline has taken its larger font by now
        self._show_step(animate=False)

    # ------------------------------------------------------------------ building
    def _caption(self, classification: str) -> QWidget:
        box = QWidget(self)
        box.setObjectName("caption")
        box.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        base = self.font().pointSizeF()
        self.title_label = plain_text.label(parent=box)
        self.title_label.setObjectName("caption-title")
        self.title_label.setWordWrap(True)
        self.title_label.setFont(_sized(self.font(), base * 2.3, bold=True))
        self.note_label = plain_text.label(parent=box)
        self.note_label.setObjectName("caption-note")
        self.note_label.setWordWrap(True)
        self.note_label.setFont(_sized(self.font(), base * 1.45))
        self.counter_label = plain_text.label(parent=box)
        self.counter_label.setObjectName("caption-meta")
        self.counter_label.setFont(_sized(self.font(), base * 1.2))
        self.counter_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.period_label = plain_text.label(parent=box)  # the window a playing step shows
        self.period_label.setObjectName("caption-period")
        self.period_label.setFont(_sized(self.font(), base * 1.35, bold=True))
        self.period_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.period_label.hide()
        self.story_label = plain_text.label(self.story_title.upper(), box)
        self.story_label.setObjectName("caption-meta")
        self.story_label.setFont(_sized(self.font(), base * 0.95, bold=True))
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(self.story_label)
        text.addWidget(self.title_label)
        text.addWidget(self.note_label)
        row = QHBoxLayout(box)
        row.setContentsMargins(36, 18, 36, 20)
        row.addLayout(text, 1)
        side = QVBoxLayout()
        side.addWidget(self.counter_label, 0, Qt.AlignmentFlag.AlignTop)
        side.addWidget(self.period_label, 0, Qt.AlignmentFlag.AlignTop)
        side.addStretch(1)
        row.addLayout(side)
        return box

    def _classification(self, text: str) -> QLabel:
        label = plain_text.label(text.strip(), self)
        label.setObjectName("classification")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setFont(_sized(self.font(), self.font().pointSizeF() * 1.05, bold=True))
        label.setContentsMargins(0, 3, 0, 3)
        label.setVisible(bool(text.strip()))
        return label

    # ------------------------------------------------------------------ showing
    def present(self, screen: QScreen | None = None, full_screen: bool = True) -> None:
        """Show on ``screen`` (the primary one when None), full screen unless told not."""
        screen = screen or QApplication.primaryScreen()
        if screen is not None:
            self.setScreen(screen)
            self.setGeometry(screen.geometry())
        if full_screen:
            self.showFullScreen()
        else:
            self.show()
        if QApplication.platformName() != "offscreen":  # it cannot raise windows
            self.raise_()
        self.activateWindow()
        self.setFocus()

    @property
    def index(self) -> int:
        return self._index

    @property
    def current(self) -> ViewSnapshot:
        return self.steps[self._index]

    def go(self, index: int) -> None:
        index = max(0, min(index, len(self.steps) - 1))
        if index != self._index:
            self._index = index
            self._show_step(self.animate)

    def next(self) -> None:
        self.go(self._index + 1)

    def previous(self) -> None:
        self.go(self._index - 1)

    def _show_step(self, animate: bool) -> None:
        self._stop_playing()
        step = self.current
        self.title_label.setText(step.title or f"View {self._index + 1}")
        self.note_label.setText(step.note)
        self.note_label.setVisible(bool(step.note))
        self.counter_label.setText(f"{self._index + 1} / {len(self.steps)}")
        apply_view(self, step, animate=animate)
        if step.play is not None:
            self._play(step, step.play)
        self.step_changed.emit(self._index)

    # ------------------------------------------------------------------ playing a step
    def _play(self, step: ViewSnapshot, spec: PlaySpec) -> None:
        """Play the step's time window (every event's time when it has none)."""
        if self.playback is None:
            self.playback = Playback(self.main_window.workbench)
            self.playback.moved.connect(self._played)
        playback = self.playback
        lo, hi = playback.events_span()
        f = step.filters
        span = (f.t0 if f.t0 is not None else lo, f.t1 if f.t1 is not None else hi)
        playback.configure(spec.width_period, spec.step_period, span)
        playback.set_speed(spec.speed)
        playback.trail = spec.trail
        playback.loop = False
        self.period_label.show()
        playback.play()

    def toggle_playing(self) -> None:
        """P: pause or resume a playing step (nothing on a still one)."""
        if self.playback is not None and self.current.play is not None:
            self.playback.toggle()

    def _played(self, index: int, count: int, caption: str) -> None:
        assert self.playback is not None
        self.period_label.setText(f"\u25b6 {caption}   {index + 1}/{count}" if index >= 0 else "")
        self.map.set_trail(self.playback.trail_masks())

    def _stop_playing(self) -> None:
        if self.playback is not None:
            self.playback.stop()  # gives back the step's own window
            self.map.set_trail([])
        self.period_label.hide()

    # ------------------------------------------------------------------ data
    def _sync_visible(self) -> None:
        visible = self.main_window.linker.visible
        self.map.set_visible(visible)
        self.timeline.set_visible(visible)

    def _frame_reloaded(self) -> None:
        frame = self.main_window.linker.frame
        self.map.set_frame(frame)
        self.timeline.set_frame(frame)
        self._sync_visible()

    # ------------------------------------------------------------------ keys
    def _install_keys(self) -> None:
        """Window-wide shortcuts, so keys work wherever focus is (even in the map page)."""
        actions = [
            (FORWARD, self.next),
            (BACK, self.previous),
            ({Qt.Key.Key_Home}, lambda: self.go(0)),
            ({Qt.Key.Key_End}, lambda: self.go(len(self.steps) - 1)),
            ({Qt.Key.Key_Escape}, self.close),
            ({Qt.Key.Key_P}, self.toggle_playing),
        ]
        self._shortcuts: list[QShortcut] = []
        for keys, slot in actions:
            for key in sorted(keys, key=lambda k: k.value):
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
                shortcut.activated.connect(slot)
                self._shortcuts.append(shortcut)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closing:
            self._closing = True
            self._stop_playing()
            if self.playback is not None:
                self.playback.deleteLater()
            self.main_window.linker.refiltered.disconnect(self._sync_visible)
            self.main_window.frame_loaded.disconnect(self._frame_reloaded)
            apply_view(self.main_window, self._before, animate=False)
            self.closed.emit()
        super().closeEvent(event)


def _sized(font: QFont, points: float, bold: bool = False) -> QFont:
    out = QFont(font)
    out.setPointSizeF(points)
    out.setBold(bold)
    return out


def _hide_layout_widgets(layout: QLayout | None) -> None:
    if layout is None:
        return
    for i in range(layout.count()):
        item = layout.itemAt(i)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.hide()
