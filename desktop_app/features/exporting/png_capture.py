"""PNG images of the window or of one pane, at a chosen size and pixel density.

Qt-painted panes (timeline, table, filters, details) are rendered straight into a
``QImage`` whose device pixel ratio is the chosen density (2 by default): text and
lines are drawn at that density, not scaled up. The map is a web page, so it is drawn
again by a map of its own (never shown on screen) whose page is zoomed by the density
and whose widget is that many times larger: Chromium then lays the page out at the
chosen size and paints it at the chosen density. For the window, the map's picture is
painted over the map's place in the window's picture.

:class:`PngCapture` runs on the event loop (a page load and a draw take a moment).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from PySide6.QtCore import QByteArray, QObject, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QImageWriter, QPainter
from PySide6.QtWidgets import QMainWindow, QWidget

from desktop_app.features.host import Host
from desktop_app.state.models import ViewState
from desktop_app.views.map import MapView
from desktop_app.workbench import Workbench

POLL_MS = 50
PAINT_MS = 250  # Chromium shows a drawn canvas on its next compositor frames
TIMEOUT_S = 20.0
DEFAULT_RATIO = 2.0


def render_widget(
    widget: QWidget, size: QSize | None = None, ratio: float = DEFAULT_RATIO
) -> QImage:
    """``widget`` painted at ``size`` (its own size when None) and ``ratio`` pixels per
    point. The widget is resized for the moment of painting and given its size back."""
    before = widget.size()
    target = size if size is not None and size.isValid() else before
    if target != before:
        widget.resize(target)  # the resize event and the layouts run now
    image = QImage(
        round(target.width() * ratio),
        round(target.height() * ratio),
        QImage.Format.Format_ARGB32_Premultiplied,
    )
    image.setDevicePixelRatio(ratio)
    image.fill(widget.palette().window().color())
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    widget.render(painter, QPoint(0, 0))
    painter.end()
    if target != before:
        widget.resize(before)
    return image


class PngCapture(QObject):
    """Makes one PNG of ``target`` (the window, or a pane of it) and writes it.

    Signals:
        finished(str path, object image): the PNG is written (``image`` is its QImage).
        failed(str message): it could not be made.
    """

    finished = Signal(str, object)
    failed = Signal(str)

    def __init__(
        self,
        workbench: Workbench,
        host: Host,
        target: QWidget,
        path: Path,
        size: QSize | None = None,
        ratio: float = DEFAULT_RATIO,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.wb, self.host = workbench, host
        self.target = target
        self.path = Path(path)
        self.size = size if size is not None and size.isValid() else target.size()
        self.ratio = max(1.0, float(ratio))
        self.image: QImage | None = None
        self._base: QImage | None = None
        self._map_rect: QRect | None = None
        self._map: MapView | None = None
        self._deadline = 0.0
        self._settled = 0

    def start(self) -> None:
        window_map = self.host.map
        if self.target is window_map:
            self._map_rect = QRect(QPoint(0, 0), self.size)
        elif self.target.isAncestorOf(window_map) and window_map.isVisible():
            # the window's own picture first (at the chosen size), then its map over it
            before = self.target.size()
            main = self.target if isinstance(self.target, QMainWindow) else None
            docks = main.saveState() if main is not None else None
            self.target.resize(self.size)
            top_left = window_map.mapTo(self.target, QPoint(0, 0))
            self._map_rect = QRect(top_left, window_map.size())
            self._base = render_widget(self.target, None, self.ratio)
            self.target.resize(before)
            if main is not None and docks is not None:  # the docks' sizes as they were
                main.restoreState(docks)
        else:
            self._write(render_widget(self.target, self.size, self.ratio))
            return
        self._start_map(self._map_rect.size())

    # ------------------------------------------------------------------ the map
    def _start_map(self, size: QSize) -> None:
        window_map = self.host.map
        state = ViewState(self)
        if self.wb.view_state.map is not None:
            state.set_map(self.wb.view_state.map)
        state.set_annotations(self.wb.view_state.annotations)
        shown = MapView(self.wb.selection, state)
        shown.layers.copy_from(window_map.layers)  # its basemap, heatmap and colours
        shown.tools.follow(self.host.map.tools)  # the annotations, as the window shows them
        shown.set_chrome(False)  # the map alone: no buttons, scale or note in the picture
        shown.copy_tools_from(self.host.map)  # but what the analyst measured on it
        shown.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        shown.page.setZoomFactor(self.ratio)
        shown.resize(round(size.width() * self.ratio), round(size.height() * self.ratio))
        shown.set_frame(self.wb.linker.frame)
        shown.set_visible(self.wb.linker.visible)
        shown.show()
        self._map = shown
        self._deadline = time.monotonic() + TIMEOUT_S
        QTimer.singleShot(POLL_MS, self._poll)

    def _poll(self) -> None:
        shown = self._map
        if shown is None:
            return
        if time.monotonic() > self._deadline:
            self._fail("the map did not draw in time")
            return
        if not shown.is_ready or shown.last_draw_ms is None:
            QTimer.singleShot(POLL_MS, self._poll)
            return
        shown.page.runJavaScript("JSON.stringify(Sightline.settled())", 0, self._on_settled)

    def _on_settled(self, text: object) -> None:
        try:
            settled = bool(json.loads(str(text)))
        except ValueError:
            settled = False
        self._settled = self._settled + 1 if settled else 0
        if self._settled >= 2:
            QTimer.singleShot(PAINT_MS, self._grab_map)
        else:
            QTimer.singleShot(POLL_MS, self._poll)

    def _grab_map(self) -> None:
        shown = self._map
        if shown is None:
            return
        picture = shown.grab().toImage()
        picture.setDevicePixelRatio(self.ratio)
        self._close_map()
        if self._base is None:
            self._write(picture)
            return
        image = self._base
        assert self._map_rect is not None
        painter = QPainter(image)
        painter.drawImage(self._map_rect, picture)
        painter.end()
        self._write(image)

    def _close_map(self) -> None:
        if self._map is not None:
            self._map.close()
            self._map.deleteLater()
            self._map = None

    # ------------------------------------------------------------------ end
    def _fail(self, message: str) -> None:
        self._close_map()
        self.failed.emit(message)

    def _write(self, image: QImage) -> None:
        self.image = image
        writer = QImageWriter(str(self.path), QByteArray(b"png"))
        if not writer.write(image):
            self.failed.emit(f"could not write {self.path}: {writer.errorString()}")
            return
        self.finished.emit(str(self.path), image)
