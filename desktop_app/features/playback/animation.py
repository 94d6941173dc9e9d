"""Rendering a playback to a video: for each window, the map and the timeline as they
show it, under a caption with the window's dates (at their precision) and the
classification line, one frame each. A story renders as a list of :class:`Shot` (a
still view held a few seconds, or each window of a step that plays its period).

The renderer runs on the event loop (the map is a web page: it draws when Qt gets
back to it): each step moves the playback, waits until the map page has drawn and is
still, grabs the map and the timeline, composes the frame and hands it to the
:class:`~desktop_app.export.video.VideoWriter`. Stopping or finishing gives the window
back the time window it had.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from desktop_app.export.video import VideoWriter
from desktop_app.features.host import Host
from desktop_app.workbench.playback import Playback

POLL_MS = 40
STEP_TIMEOUT_S = 8.0  # a window whose map never settles is taken as it is
CAPTION_H = 44
CLASSIFICATION_H = 26
TIMELINE_SHARE = 0.24  # of the frame's height below the caption


def image_to_rgb(image: QImage) -> np.ndarray:
    """A QImage as a (height, width, 3) uint8 array."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    data = np.frombuffer(rgb.constBits(), np.uint8, count=stride * height)
    return data.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


def _fill(painter: QPainter, image: QImage, area: QRect) -> None:
    """Paint ``image`` into ``area``, covering it (centred, cropped to its aspect)."""
    if image.isNull():
        return
    scaled = image.scaled(
        area.size(),
        Qt.AspectRatioMode.KeepAspectRatioByExpanding,
        Qt.TransformationMode.SmoothTransformation,
    )
    x = (scaled.width() - area.width()) // 2
    y = (scaled.height() - area.height()) // 2
    painter.drawImage(area.topLeft(), scaled, QRect(x, y, area.width(), area.height()))


def frame_areas(size: QSize, classification: str) -> tuple[QSize, QSize]:
    """The sizes the map and the timeline take in a frame of ``size``."""
    bars = 2 * CLASSIFICATION_H if classification.strip() else 0
    body = size.height() - bars - CAPTION_H
    timeline_h = round(body * TIMELINE_SHARE)
    return QSize(size.width(), body - timeline_h), QSize(size.width(), timeline_h)


def compose(
    size: QSize, map_image: QImage, timeline_image: QImage, caption: str, classification: str
) -> QImage:
    """One frame: classification bar, caption, map, timeline, classification bar."""
    frame = QImage(size, QImage.Format.Format_RGB888)
    frame.fill(QColor("#ffffff"))
    painter = QPainter(frame)
    try:
        top = 0
        bars = classification.strip()
        if bars:
            for y in (0, size.height() - CLASSIFICATION_H):
                band = QRect(0, y, size.width(), CLASSIFICATION_H)
                painter.fillRect(band, QColor("#8b1a1a"))
                painter.setPen(QColor("#ffffff"))
                font = QFont(painter.font())
                font.setBold(True)
                font.setPixelSize(15)
                painter.setFont(font)
                painter.drawText(band, Qt.AlignmentFlag.AlignCenter, bars)
            top = CLASSIFICATION_H
        bottom = size.height() - (CLASSIFICATION_H if bars else 0)
        head = QRect(0, top, size.width(), CAPTION_H)
        painter.fillRect(head, QColor("#20262e"))
        painter.setPen(QColor("#ffffff"))
        font = QFont(painter.font())
        font.setBold(True)
        font.setPixelSize(22)
        painter.setFont(font)
        painter.drawText(head.adjusted(16, 0, -16, 0), Qt.AlignmentFlag.AlignVCenter, caption)
        body_top = top + CAPTION_H
        timeline_h = round((bottom - body_top) * TIMELINE_SHARE)
        _fill(painter, map_image, QRect(0, body_top, size.width(), bottom - body_top - timeline_h))
        _fill(painter, timeline_image, QRect(0, bottom - timeline_h, size.width(), timeline_h))
    finally:
        painter.end()
    return frame


@dataclass(frozen=True)
class Shot:
    """One picture of a video: ``setup`` puts the window in it, ``caption`` (asked once
    the map has settled) says what it shows, and it lasts ``frames`` frames."""

    setup: Callable[[], None]
    caption: Callable[[], str]
    frames: int = 1


def playback_shots(playback: Playback, title: str = "") -> list[Shot]:
    """A shot per window of the playback as it is configured."""

    def caption() -> str:
        shown = int(playback.wb.linker.visible.sum())
        text = f"{playback.caption()}    {shown:,} event{'' if shown == 1 else 's'}"
        return f"{title}   ·   {text}" if title else text

    return [Shot(partial(playback.seek, i), caption) for i in range(len(playback.windows))]


class AnimationRender(QObject):
    """Signals:
    progress(int done, int total): frames written so far.
    finished(str path, int frames): the video is written.
    failed(str message): nothing was written (an unfinished file is removed).
    """

    progress = Signal(int, int)
    finished = Signal(str, int)
    failed = Signal(str)

    def __init__(
        self,
        host: Host,
        playback: Playback,
        path: Path,
        fps: float = 4.0,
        size: QSize | None = None,
        classification: str = "",
        title: str = "",
        parent: QObject | None = None,
        shots: list[Shot] | None = None,
    ) -> None:
        super().__init__(parent)
        self._given_shots = shots  # None: one per window of the playback
        self.host, self.playback = host, playback
        self.path = Path(path)
        self.fps = fps
        self.size = size or QSize(1280, 720)
        self.classification = classification
        self.title = title
        self.video: VideoWriter | None = None
        self.index = -1
        self._deadline = 0.0
        self._still = 0
        self._cancelled = False
        self.shots: list[Shot] = []
        self._written = 0

    @property
    def total_frames(self) -> int:
        return sum(shot.frames for shot in self.shots)

    def start(self) -> None:
        if self._given_shots is not None:
            self.shots = list(self._given_shots)
        else:
            if not self.playback.windows:
                self.playback.configure(self.playback.width, self.playback.step_period)
            self.shots = playback_shots(self.playback, self.title)
        try:
            self.video = VideoWriter(self.path, self.fps, self.size.width(), self.size.height())
            self.video.__enter__()
        except (ValueError, OSError) as exc:
            self.video = None
            self.failed.emit(str(exc))
            return
        self.playback.pause()
        self.host.map.set_chrome(False)  # a film of the map alone: no buttons, no note
        self._next()

    def cancel(self) -> None:
        self._cancelled = True

    def _next(self) -> None:
        self.index += 1
        if self._cancelled or self.index >= len(self.shots):
            self._end()
            return
        self.shots[self.index].setup()
        self._deadline = time.monotonic() + STEP_TIMEOUT_S
        self._still = 0
        QTimer.singleShot(POLL_MS, self._poll)

    def _poll(self) -> None:
        view = self.host.map
        if not view.is_ready:
            self._retry()
            return
        view.page.runJavaScript("Sightline.settled()", 0, self._answer)

    def _answer(self, settled: object) -> None:
        self._still = self._still + 1 if settled else 0
        if self._still >= 2:  # still settled one poll later: its last draw has landed
            self._grab()
        else:
            self._retry()

    def _retry(self) -> None:
        if time.monotonic() > self._deadline:
            self._grab()
        else:
            QTimer.singleShot(POLL_MS, self._poll)

    def _grab(self) -> None:
        assert self.video is not None
        shot = self.shots[self.index]
        text = shot.caption()
        frame = compose(
            self.size,
            self.host.map.grab().toImage(),
            self.host.timeline.canvas.grab().toImage(),
            text,
            self.classification,
        )
        try:
            pixels = image_to_rgb(frame)
            for _ in range(max(1, shot.frames)):
                self.video.write(pixels)
        except Exception as exc:  # a full disk, an encoder refusing: say so, keep nothing
            self._end(error=exc)
            return
        self._written += max(1, shot.frames)
        self.progress.emit(self._written, self.total_frames)
        self._next()

    def _end(self, error: BaseException | None = None) -> None:
        video, self.video = self.video, None
        self.playback.stop()
        self.host.map.set_chrome(True)
        if video is None:
            return
        cancelled = self._cancelled and error is None
        failure = error or (RuntimeError("cancelled") if cancelled else None)
        try:
            video.__exit__(type(failure) if failure else None, failure, None)
        except Exception as exc:
            self.failed.emit(f"the video could not be finished: {exc}")
            return
        if failure is not None:
            self.failed.emit("cancelled" if cancelled else str(failure))
        else:
            self.finished.emit(str(self.path), video.frames)
