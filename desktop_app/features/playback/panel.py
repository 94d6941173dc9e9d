"""The Playback dock: play/pause, step, stop, the window's width and step, speed, loop,
a slider over the windows and the current window's dates."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.domain.periods import parse_period
from desktop_app.views import plain_text
from desktop_app.workbench.playback import SPEEDS, TRAILS, Playback

WIDTHS = [("A day", "1d"), ("A week", "1w"), ("A month", "1M"), ("A year", "1y"),
          ("Cumulative", "")]  # fmt: skip
STEPS = [("Width", ""), ("Day", "1d"), ("Week", "1w"), ("Month", "1M"), ("Year", "1y")]


class PlaybackPanel(QWidget):
    def __init__(self, playback: Playback, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.playback = playback
        icon = QStyle.StandardPixmap
        self.back = self._button(icon.SP_MediaSkipBackward, "One window back (Ctrl+,)",
                                 lambda: playback.step(-1))  # fmt: skip
        self.play = self._button(icon.SP_MediaPlay, "Play or pause (Ctrl+Space)", playback.toggle)
        self.forward = self._button(icon.SP_MediaSkipForward, "One window forward (Ctrl+.)",
                                    lambda: playback.step(1))  # fmt: skip
        self.stop = self._button(icon.SP_MediaStop, "Stop and restore the time window",
                                 playback.stop)  # fmt: skip
        self.width_box = QComboBox()
        self.width_box.setToolTip("How much time each window shows (or all time so far)")
        self.width_box.setAccessibleName("Playback window")
        for label, code in WIDTHS:
            self.width_box.addItem(label, code)
        self.width_box.setCurrentIndex(1)
        self.step_box = QComboBox()
        self.step_box.setToolTip("How far each step moves the window")
        self.step_box.setAccessibleName("Playback step")
        for label, code in STEPS:
            self.step_box.addItem(label, code)
        self.speed_box = QComboBox()
        self.speed_box.setToolTip("Steps per second")
        self.speed_box.setAccessibleName("Playback speed")
        for value in SPEEDS:
            self.speed_box.addItem(f"{value:g}/s", value)
        self.speed_box.setCurrentIndex(SPEEDS.index(playback.speed))
        self.trail_box = QComboBox()
        self.trail_box.setToolTip(
            "Keep the last windows' events on the map, fading (a sliding window only)"
        )
        self.trail_box.setAccessibleName("Playback trail")
        for value in TRAILS:
            self.trail_box.addItem(
                "None" if value == 0 else f"{value} window{'s' if value > 1 else ''}", value
            )
        self.loop_box = QCheckBox("Loop")
        self.loop_box.setToolTip("Start again from the first window after the last")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("Move to a window")
        self.slider.setAccessibleName("Playback position")
        self.slider.setRange(0, 0)
        self.caption = plain_text.label("Press play to watch the events period by period")
        self.caption.setObjectName("playbackCaption")

        self.width_box.currentIndexChanged.connect(lambda _i: self._reconfigure())
        self.step_box.currentIndexChanged.connect(lambda _i: self._reconfigure())
        self.speed_box.currentIndexChanged.connect(
            lambda _i: playback.set_speed(float(self.speed_box.currentData()))
        )
        self.trail_box.currentIndexChanged.connect(
            lambda _i: playback.set_trail(int(self.trail_box.currentData()))
        )
        self.loop_box.toggled.connect(lambda on: setattr(playback, "loop", on))
        self.slider.valueChanged.connect(self._slid)
        playback.moved.connect(self._moved)
        playback.playing_changed.connect(self._show_playing)

        controls = QHBoxLayout()
        for button in (self.back, self.play, self.forward, self.stop):
            controls.addWidget(button)
        for label, box in (
            ("Window", self.width_box),
            ("Step", self.step_box),
            ("Speed", self.speed_box),
            ("Trail", self.trail_box),
        ):
            controls.addWidget(QLabel(label))
            controls.addWidget(box)
        controls.addWidget(self.loop_box)
        controls.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.slider)
        layout.addWidget(self.caption)
        layout.addStretch(1)

    def _button(self, icon: QStyle.StandardPixmap, tip: str, slot: object) -> QToolButton:
        button = QToolButton()
        button.setIcon(self.style().standardIcon(icon))
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.clicked.connect(lambda _c=False: slot())  # type: ignore[operator]
        return button

    def _show_playing(self, playing: bool) -> None:
        pixmap = QStyle.StandardPixmap
        self.play.setIcon(
            self.style().standardIcon(pixmap.SP_MediaPause if playing else pixmap.SP_MediaPlay)
        )

    def _reconfigure(self) -> None:
        width_code = str(self.width_box.currentData())
        step_code = str(self.step_box.currentData())
        width = parse_period(width_code) if width_code else None
        step = parse_period(step_code) if step_code else None
        was = self.playback.playing
        self.playback.pause()
        self.playback.configure(width, step)
        self.slider.setRange(0, max(0, len(self.playback.windows) - 1))
        if was:
            self.playback.play()

    def _moved(self, index: int, count: int, text: str) -> None:
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, count - 1))
        self.slider.setValue(max(0, index))
        self.slider.blockSignals(False)
        self.caption.setText(f"{text}   ({index + 1} of {count})" if index >= 0 else "Stopped")

    def _slid(self, value: int) -> None:
        if not self.playback.windows:
            self._reconfigure()
        self.playback.seek(value)
