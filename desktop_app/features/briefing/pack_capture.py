"""PackCapture: make a story's PDF briefing pack from the live window.

For each step it applies the saved view to the main window (no animation), waits until
the map page has settled on the view and drawn it, grabs the map and the timeline as
images, lists the step's events, and finally hands everything to
:func:`desktop_app.export.pdf_pack.write_pack`. It runs on the event loop (no nested
loops, no sleeping) and gives the window back the view it had before.

The analyst does not watch the window step through the story: a :class:`Curtain`, a
still picture of the window as it was with a line saying how far the pack is, covers
it while the steps are applied beneath. The map is still drawn by the live page
(Chromium paints only a shown view; a second, hidden map page would load and draw every
tile again), and ``QWidget.grab`` renders the map itself, not the curtain above it.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QByteArray, QObject, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QWidget

from desktop_app.domain.periods import span_caption
from desktop_app.export.pdf_pack import PackDocument, PackStep, pack_events, write_pack
from desktop_app.features.briefing.snapshots import MainStage, apply_view, capture_view
from desktop_app.graph.svg import actors_svg
from desktop_app.state.models import ViewState
from desktop_app.state.snapshot import ViewSnapshot
from desktop_app.views.timeline import TimelineView

POLL_MS = 50
STEP_TIMEOUT_S = 10.0
PAINT_MS = 250  # the page paints a drawn canvas on its next compositor frames
TIMELINE_SIZE = (760, 230)  # pixels: drawn for the page, not copied from the dock
MAP_MARKER_SCALE = 1.3  # markers a little bigger and no map buttons on paper


def centre_tolerance(zoom: float) -> float:
    """Degrees in two map pixels at ``zoom``: Leaflet pans by whole pixels."""
    return 2 * 360.0 / (256 * 2**zoom)


class Curtain(QWidget):
    """A still picture of a window laid over it, with one line of progress."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName("packCurtain")
        self.picture: QPixmap = window.grab()
        self.caption = "Making the briefing pack…"
        self.setGeometry(window.rect())
        self.raise_()
        self.show()

    def say(self, text: str) -> None:
        self.caption = text
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # Qt override
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self.picture)
        band = QRect(0, self.height() - 44, self.width(), 44)
        painter.fillRect(band, QColor(30, 36, 46, 220))
        painter.setPen(QColor("#ffffff"))
        painter.drawText(band, Qt.AlignmentFlag.AlignCenter, self.caption)
        painter.end()


class PackCapture(QObject):
    """Signals:
    step_captured(int index): one step's images and events are taken.
    finished(str path, int pages): the PDF is written.
    failed(str message): it could not be written.
    """

    step_captured = Signal(int)
    finished = Signal(str, int)
    failed = Signal(str)

    def __init__(
        self,
        window: MainStage,  # the main window's state and panes
        title: str,
        steps: list[ViewSnapshot],
        path: Path,
        classification: str = "",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.window = window
        self.title = title
        self.steps = list(steps)
        self.path = Path(path)
        self.classification = classification
        self._pages: list[PackStep] = []
        self._timeline: TimelineView | None = None
        self._index = -1
        self._before: ViewSnapshot | None = None
        self._deadline = 0.0
        self._settled_polls = 0
        self._shown_ids: set[int] = set()  # every step's events: the link chart's
        self._was_dark = False  # the window's map look, given back at the end
        self.curtain: Curtain | None = None

    def start(self) -> None:
        self._before = capture_view(self.window)
        top = self.window.map.window()
        if top.isVisible():  # the analyst sees a still window, not every step
            self.curtain = Curtain(top)
        # a timeline of its own, sized for the page, following the window's selection
        self._timeline = TimelineView(self.window.selection, ViewState(self))
        self._timeline.resize(*TIMELINE_SIZE)
        self._timeline.set_frame(self.window.linker.frame)
        self.window.map.set_presenting(MAP_MARKER_SCALE)
        self._was_dark = self.window.map.dark
        self.window.map.set_dark(False)  # a pack is printed: light, whatever the window
        self._next()

    # ------------------------------------------------------------------ per step
    def _next(self) -> None:
        self._index += 1
        if self._index >= len(self.steps):
            self._write()
            return
        if self.curtain is not None:
            self.curtain.say(
                f"Making the briefing pack: step {self._index + 1} of {len(self.steps)}…"
            )
        apply_view(self.window, self.steps[self._index], animate=False)
        self._deadline = time.monotonic() + STEP_TIMEOUT_S
        self._settled_polls = 0
        QTimer.singleShot(POLL_MS, self._poll)

    def _poll(self) -> None:
        if not self.window.map.is_ready:
            self._retry()
            return
        expression = (
            "JSON.stringify({settled: Sightline.settled(), lat: Sightline.map()"
            ".getCenter().lat, lon: Sightline.map().getCenter().lng, "
            "zoom: Sightline.map().getZoom()})"
        )
        self.window.map.page.runJavaScript(expression, 0, self._on_position)

    def _on_position(self, text: object) -> None:
        try:
            where = json.loads(str(text))
        except ValueError:
            where = {}
        target = self.steps[self._index].map
        tolerance = centre_tolerance(target.zoom) if target is not None else 0.0
        there = target is None or (
            abs(float(where.get("lat", 1e9)) - target.lat) < tolerance
            and abs(float(where.get("lon", 1e9)) - target.lon) < tolerance
            and abs(float(where.get("zoom", -1)) - target.zoom) < 0.01
        )
        self._settled_polls = self._settled_polls + 1 if there and where.get("settled") else 0
        if self._settled_polls >= 2:  # still there one poll later: its report has arrived
            self._draw()
        else:
            self._retry()

    def _retry(self) -> None:
        if time.monotonic() > self._deadline:
            self._draw()  # take what there is rather than never finish
        else:
            QTimer.singleShot(POLL_MS, self._poll)

    def _draw(self) -> None:
        if self.window.map.redraw():
            self.window.map.drawn.connect(self._on_drawn)
        else:
            QTimer.singleShot(PAINT_MS, self._grab)

    def _on_drawn(self, _ms: float) -> None:
        self.window.map.drawn.disconnect(self._on_drawn)
        QTimer.singleShot(PAINT_MS, self._grab)

    def _grab(self) -> None:
        step = self.steps[self._index]
        window = self.window
        frame = window.linker.frame
        if step.selection:
            ids = [i for i in step.selection if frame.row_of(i) is not None]
            label = "Selected events"
        else:
            t0, t1 = step.timeline or window.timeline.time_range
            mask = window.linker.visible & frame.time_mask(t0, t1)
            ids = frame.ids[np.flatnonzero(mask)].tolist()
            label = "Events in view"
        self._shown_ids.update(int(i) for i in ids)
        events, total = pack_events(window.project, frame, ids)
        t0, t1 = step.timeline or window.timeline.time_range
        assert self._timeline is not None
        self._timeline.set_visible(window.linker.visible)
        self._timeline.set_range(t0, t1)
        self._pages.append(
            PackStep(
                title=step.title,
                note=step.note,
                period=span_caption(t0, t1),  # at the precision the period's length warrants
                map_image=window.map.grab().toImage(),
                timeline_image=self._timeline.canvas.grab().toImage(),
                events=events,
                total_events=total,
                events_label=label,
            )
        )
        self.step_captured.emit(self._index)
        self._next()

    # ------------------------------------------------------------------ end
    def _chart_image(self) -> QImage | None:
        """The actors' link chart of every step's events, as a picture for its page."""
        frame = self.window.linker.frame
        svg = actors_svg(frame, frame.ids_mask(self._shown_ids), width=1500, height=900)
        if svg is None:
            return None
        renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
        image = QImage(1500, 900, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        try:
            renderer.render(painter)
        finally:
            painter.end()
        return image

    def _write(self) -> None:
        self.window.map.set_presenting(1.0)
        self.window.map.set_dark(self._was_dark)
        if self._timeline is not None:
            self._timeline.deleteLater()
            self._timeline = None
        if self._before is not None:
            apply_view(self.window, self._before, animate=False)
        if self.curtain is not None:
            self.curtain.hide()
            self.curtain.deleteLater()
            self.curtain = None
        project = self.window.project
        name = (
            project.path.stem
            if project is not None and project.path
            else (project.display_name if project is not None else "")
        )  # never the password
        document = PackDocument(
            title=self.title or "Briefing",
            project=name,
            classification=self.classification,
            steps=tuple(self._pages),
            chart_image=self._chart_image(),
        )
        try:
            pages = write_pack(self.path, document)
        except OSError as error:
            self.failed.emit(str(error))
            return
        self.finished.emit(str(self.path), pages)
