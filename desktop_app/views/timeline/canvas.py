"""TimelineCanvas: the painted part of the timeline (axis, lanes, marks, bars, brush).

The canvas owns the visible time range and turns mouse and keys into range changes,
brushes and picks; it knows nothing of the shared state (the pane, ``TimelineView``,
writes those). Drawing is split in two: a layer with everything that depends on the
range, rows and selection is rendered to a pixmap when one of those changes, and
``paintEvent`` only blits that pixmap and draws the brush over it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from desktop_app.domain.dates import DAY_SECONDS, days_from_civil
from desktop_app.frame.event_frame import EventFrame
from desktop_app.frame.timeline_data import IndexCache, Lanes, TimelineIndex, assign_lanes
from desktop_app.views.qt_workarounds import keep_none_alive
from desktop_app.views.timeline import hover, kept_layer, marks, scroll
from desktop_app.views.timeline.axis import MIN_SPAN, AxisLayout, clamp_range, layout_axis
from desktop_app.views.timeline.density import DensityBars
from desktop_app.views.timeline.layout import (
    AXIS_HEIGHT,
    LABEL_COLUMN,
    RIGHT_MARGIN,
    DenseLayout,
    SparseLayout,
    build_sparse,
    styles_of,
)

SPARSE_LIMIT = 1500  # at most this many events in view are drawn one by one
TOP_MARGIN = 6.0
DRAG_THRESHOLD = 4.0


class TimelineCanvas(QWidget):
    """Signals:
    range_changed(qint64 t0, qint64 t1): the visible range changed by the user or code.
    brushed(qint64 t0, qint64 t1): a range was brushed (t0 < t1).
    brush_cleared(): the brush was removed (Esc, or a click on empty space).
    picked(object event_id, bool additive): an event mark was clicked (ctrl adds).
    empty_clicked(): a click hit no event.
    """

    # 64-bit times (civil seconds overflow a C++ int); PySide6's stubs only know types
    range_changed = Signal("qint64", "qint64")  # type: ignore[arg-type]
    brushed = Signal("qint64", "qint64")  # type: ignore[arg-type]
    brush_cleared = Signal()
    picked = Signal(object, bool)
    empty_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_none_alive()  # painting makes thousands of void calls; see views/qt_workarounds.py
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(320, 124)  # room left for the table (and its tabs) at 800 px
        self._font = QFont(self.font())
        self._bold = QFont(self._font)
        self._bold.setBold(True)
        self._metrics = QFontMetricsF(self._font)
        self._bold_metrics = QFontMetricsF(self._bold)
        self._frame = EventFrame.empty()
        self._styles = np.zeros(0, np.int8)
        self._visible = np.zeros(0, bool)
        self._indexes = IndexCache()
        self._index = TimelineIndex(np.zeros(0, np.int64), np.zeros(0, np.int64))
        self._lanes: Lanes | None = assign_lanes(np.zeros(0, np.int32), [])  # None: to do
        self.lane_facet = "category"  # what the lanes are by (frame.timeline_data)
        self._selected = np.zeros(0, bool)
        self._selected_ids: frozenset[int] = frozenset()
        self._active: int | None = None
        now = int(days_from_civil(np.array([2020]), np.array([1]), np.array([1]))[0]) * DAY_SECONDS
        self._t0, self._t1 = now, now + 10 * 365 * DAY_SECONDS
        self._brush: tuple[int, int] | None = None
        self.brush_mode = False  # a plain drag brushes instead of panning
        self._press: QPointF | None = None
        self._press_range = (self._t0, self._t1)
        self._brushing = False
        self._dragged = False
        self._layout: SparseLayout | DenseLayout | None = None
        self._axis: AxisLayout | None = None
        self._axis_key: tuple[object, ...] | None = None  # (t0, t1, width, fonts) of it
        self._layer: QPixmap | None = None
        self._kept_layer: kept_layer.Kept | None = None  # the last bars painted
        self._ground = kept_layer.Ground()  # under them, the background and the grid
        self.lane_scroll = 0.0  # pixels the lanes are scrolled up when they outgrow the pane
        # the dense layout's bars of the visible events: (index, t0, t1, bins), counts
        self._density = DensityBars()  # a new selection keeps the bars of every visible event

    # ---------------------------------------------------------------- data
    def set_frame(self, frame: EventFrame) -> None:
        old, self._frame, self.lane_scroll = self._frame, frame, 0.0  # other lanes: from the top
        patched = frame.patched_rows(old) is not None  # an edit: the same rows
        if not (patched and old.precision is frame.precision and old.has_end is frame.has_end):
            self._styles = styles_of(frame.precision, frame.has_end).astype(np.int8)
        self._selected = np.zeros(len(frame), bool)
        self._density.forget_selection()
        # an edit's frame keeps the rows shown (the linker's mask follows): no index of
        # every event built in between
        self.set_visible(self._visible if patched else np.ones(len(frame), bool))
        self.set_selection(self._selected_ids, self._active)

    def set_visible(self, mask: np.ndarray) -> None:
        mask = np.asarray(mask, bool)
        if len(mask) != len(self._frame):
            raise ValueError(f"mask has {len(mask)} rows, the frame {len(self._frame)}")
        self._visible, self._lanes = mask, None  # lanes: worked out when drawn one by one
        self._index = self._indexes.index(self._frame, mask)  # built again if changed
        self._density.forget_selection()
        self._invalidate()

    def set_lane_facet(self, facet: str) -> None:
        """Lanes by another facet (category, actor, country, source, grade; "none")."""
        self.lane_facet = facet
        self.set_visible(self._visible)

    def set_selection(self, ids: frozenset[int], active: int | None) -> None:
        self._selected_ids, self._active = frozenset(ids), active
        self._selected = self._frame.ids_mask(ids) if ids else np.zeros(len(self._frame), bool)
        self._density.forget_selection()
        self._invalidate()

    @property
    def frame(self) -> EventFrame:
        return self._frame

    @property
    def index(self) -> TimelineIndex:
        return self._index

    @property
    def lanes(self) -> Lanes:
        if self._lanes is None:
            self._lanes = self._indexes.lanes(self._frame, self.lane_facet, self._visible)
        return self._lanes

    # ---------------------------------------------------------------- range
    @property
    def time_range(self) -> tuple[int, int]:
        return self._t0, self._t1

    def set_range(self, t0: int, t1: int) -> None:
        """Show [t0, t1) (clamped to years 1..9999 and at least ten minutes)."""
        t0, t1 = clamp_range(t0, t1)
        if (t0, t1) == (self._t0, self._t1):
            return
        self._t0, self._t1 = t0, t1
        self._invalidate()
        self.range_changed.emit(t0, t1)

    def zoom(self, factor: float, anchor_x: float | None = None) -> None:
        """Zoom by ``factor`` (< 1 zooms in) keeping the time under ``anchor_x`` fixed."""
        plot = self.plot_rect()
        x = plot.center().x() if anchor_x is None else anchor_x
        anchor = self.time_at(x)
        span = max((self._t1 - self._t0) * factor, MIN_SPAN)
        frac = (x - plot.left()) / plot.width()
        t0 = round(anchor - frac * span)
        self.set_range(t0, t0 + round(span))

    def pan(self, fraction: float) -> None:
        """Move the range by ``fraction`` of its width (positive: later)."""
        shift = round((self._t1 - self._t0) * fraction)
        self.set_range(self._t0 + shift, self._t1 + shift)

    def fit(self, t0: int, t1: int, margin: float = 0.04) -> None:
        """Show [t0, t1) with a margin, on whole days (or minutes) so the fields read well."""
        pad = max(round((t1 - t0) * margin), 60)
        t0, t1 = t0 - pad, t1 + pad
        unit = DAY_SECONDS if t1 - t0 > 30 * DAY_SECONDS else 60
        self.set_range(t0 // unit * unit, -(-t1 // unit) * unit)

    def fit_all(self) -> bool:
        extent = self._index.extent
        if extent is None:
            return False
        self.fit(*extent)
        return True

    def fit_rows(self, rows: np.ndarray) -> bool:
        rows = rows[self._visible[rows]] if len(rows) else rows
        if not len(rows):
            return False
        self.fit(int(self._frame.start[rows].min()), int(self._frame.end[rows].max()))
        return True

    # ---------------------------------------------------------------- geometry
    def plot_rect(self) -> QRectF:
        return QRectF(
            LABEL_COLUMN,
            TOP_MARGIN,
            max(self.width() - LABEL_COLUMN - RIGHT_MARGIN, 10.0),
            max(self.height() - TOP_MARGIN - AXIS_HEIGHT, 10.0),
        )

    def x_of(self, t: float) -> float:
        plot = self.plot_rect()
        return plot.left() + (t - self._t0) * plot.width() / (self._t1 - self._t0)

    def time_at(self, x: float) -> int:
        plot = self.plot_rect()
        return round(self._t0 + (x - plot.left()) * (self._t1 - self._t0) / plot.width())

    # ---------------------------------------------------------------- brush & picking
    @property
    def brush_range(self) -> tuple[int, int] | None:
        return self._brush

    def brush(self, t0: int, t1: int) -> None:
        """Brush [t0, t1) (either order) and announce it with ``brushed``."""
        lo, hi = int(min(t0, t1)), int(max(t0, t1))
        self._brush = (lo, max(hi, lo + 1))
        self.update()
        self.brushed.emit(*self._brush)

    def clear_brush(self) -> None:
        if self._brush is not None:
            self._brush = None
            self.update()
            self.brush_cleared.emit()

    def ids_overlapping(self, t0: int, t1: int) -> np.ndarray:
        """Ids of the visible events whose span overlaps [t0, t1)."""
        rows = self._index.rows_in(min(t0, t1), max(max(t0, t1), min(t0, t1) + 1))
        return np.asarray(self._frame.ids[rows])

    def event_at(self, pos: QPointF) -> int | None:
        """The event whose mark, bar or label is under ``pos`` (the topmost one)."""
        layout = self.current_layout()
        if not isinstance(layout, SparseLayout):
            return None
        for item in reversed(layout.items):
            if item.hit(pos.x(), pos.y()):
                return item.event_id
        return None

    def tooltip_text(self, event_id: int) -> str:
        return hover.tooltip_text(self._frame, event_id)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # light or dark: paint again
            self._invalidate()
        super().changeEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            hover.show_tooltip(event, self.event_at(QPointF(event.pos())), self._frame)
            return True
        return super().event(event)

    # ---------------------------------------------------------------- layout
    def _invalidate(self) -> None:
        self._layout = None
        self._layer = None
        self.update()

    @property
    def is_dense(self) -> bool:
        return isinstance(self.current_layout(), DenseLayout)

    def current_layout(self) -> SparseLayout | DenseLayout:
        """The layout of the current range, built when the range, rows or size changed."""
        if self._layout is None:
            self._layout = self._build_layout()
        return self._layout

    def axis(self) -> AxisLayout:
        """The axis of the current range and width (a new selection or filter keeps it)."""
        plot = self.plot_rect()
        key = (self._t0, self._t1, plot.width(), id(self._metrics), id(self._bold_metrics))
        if self._axis is None or self._axis_key != key:
            self._axis = layout_axis(
                self._t0,
                self._t1,
                plot.width(),
                self._metrics.horizontalAdvance,
                self._bold_metrics.horizontalAdvance,
            )
            self._axis_key = key
        return self._axis

    def _build_layout(self) -> SparseLayout | DenseLayout:
        plot = self.plot_rect()
        t0, t1 = self._t0, self._t1
        in_view = self._index.count_in(t0, t1)
        if in_view > SPARSE_LIMIT:
            return self._density.layout(
                self._index, self._frame, self._visible, self._selected, t0, t1,
                plot.width(), in_view,
            )  # fmt: skip
        positions = self._index.positions(t0, t1)
        rows = self._index.rows[positions]
        scale = plot.width() / (t1 - t0)
        x0 = plot.left() + (self._index.start[positions] - t0) * scale
        x1 = plot.left() + (self._index.end[positions] - t0) * scale
        layout = build_sparse(
            rows,
            self._frame.ids,
            self.lanes.lane_of_row,
            self.lanes.names,
            self.lanes.counts,
            self._styles,
            self._frame.title,
            x0,
            x1,
            plot.left(),
            plot.top() - self.lane_scroll,
            plot.right(),
            plot.height(),
            self._metrics.horizontalAdvance,
            lambda text, w: self._metrics.elidedText(text, Qt.TextElideMode.ElideRight, w),
        )
        over = scroll.lanes_height(layout, plot) - plot.height()
        if self.lane_scroll > max(over, 0.0) + 0.5:  # fewer lanes now: no blank scrolled past
            self.lane_scroll = max(over, 0.0)
            return self._build_layout()
        for item in layout.items:
            item.selected = bool(self._selected[item.row])
            item.active = item.event_id == self._active
        return layout

    def scroll_lanes(self, pixels: float) -> bool:
        """Scroll the lanes by ``pixels`` (down when positive); False when they all fit."""
        layout, plot = self.current_layout(), self.plot_rect()
        if not isinstance(layout, SparseLayout):
            return False
        over = scroll.lanes_height(layout, plot) - plot.height()
        if over <= 0.5:
            return False
        wanted = min(max(self.lane_scroll + pixels, 0.0), over)
        if wanted != self.lane_scroll:
            self.lane_scroll = wanted
            self._invalidate()
        return True

    # ---------------------------------------------------------------- painting
    def sizeHint(self) -> QSize:
        return QSize(900, 320)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._invalidate()
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._layer is None:
            key = kept_layer.bars_key(self, self.current_layout(), self._t0, self._t1)
            self._layer = kept_layer.again(self._kept_layer, key) or self._render_layer(key)
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._layer)
        if self._brush is not None:
            self._paint_brush(painter)
        painter.end()

    def _render_layer(self, key: tuple[object, ...] | None = None) -> QPixmap:
        ratio = self.devicePixelRatioF()
        size = QSize(max(1, round(self.width() * ratio)), max(1, round(self.height() * ratio)))
        theme = marks.use_palette(self.palette())
        layout = self.current_layout()
        plot = self.plot_rect()
        dense = not isinstance(layout, SparseLayout)
        if dense:  # the background and grid of this range and size, kept (kept_layer.Ground)
            self.axis()  # its key current
            ground = (size, ratio, self.palette().cacheKey(), plot, self._axis_key, self._t0)
            pixmap = self._ground.layer(ground, size, ratio, self._paint_ground)
        else:
            pixmap = QPixmap(size)
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(theme.background)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self._font)
        if isinstance(layout, SparseLayout):
            painter.save()
            painter.setClipRect(QRectF(0, plot.top(), self.width(), plot.height()))
            marks.paint_lanes(
                painter,
                layout,
                plot,
                self.width(),
                self._metrics,
                self.lanes.names,
                LABEL_COLUMN,
            )
        if not dense:
            marks.paint_grid(painter, plot, self.axis(), self._t0)
        if isinstance(layout, SparseLayout):
            marks.paint_items(painter, layout, plot, self.lanes.names, bool(self._selected_ids))
            painter.restore()
            scroll.paint_scrollbar(painter, layout, plot, self.lane_scroll)
        else:
            marks.paint_bars(painter, layout, plot, LABEL_COLUMN)
        self._paint_axis(painter, plot)
        if not len(self._index):
            painter.setPen(theme.muted)
            painter.drawText(
                plot,
                Qt.AlignmentFlag.AlignCenter,
                "No events to show" if len(self._frame) else "No events loaded",
            )
        painter.end()
        self._kept_layer = kept_layer.keep(key, pixmap)
        return pixmap

    def _paint_ground(self, pixmap: QPixmap) -> None:
        """The background and the grid lines, as a layer of bars starts."""
        pixmap.fill(marks.use_palette(self.palette()).background)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(self._font)
        marks.paint_grid(painter, self.plot_rect(), self.axis(), self._t0)
        painter.end()

    def lane_colour(self, lane: int) -> QColor:
        return marks.lane_colour(self.lanes.names, lane)

    def _paint_axis(self, painter: QPainter, plot: QRectF) -> None:
        dense = self._layout.in_view if isinstance(self._layout, DenseLayout) else None
        fonts = (self._font, self._metrics, self._bold, self._bold_metrics)
        marks.paint_axis(painter, plot, self.axis(), self.width(), self.height(), fonts, dense)

    def _paint_brush(self, painter: QPainter) -> None:
        assert self._brush is not None
        marks.paint_brush(painter, self.plot_rect(), *map(self.x_of, self._brush))

    # ---------------------------------------------------------------- input
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self._press = event.position()
        self._press_range = (self._t0, self._t1)
        self._dragged = False
        self._brushing = self.brush_mode or bool(
            event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        )
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None:
            return
        pos = event.position()
        if not self._dragged and abs(pos.x() - self._press.x()) < DRAG_THRESHOLD:
            return
        self._dragged = True
        if self._brushing:
            a, b = self.time_at(self._press.x()), self.time_at(pos.x())
            self._brush = (min(a, b), max(a, b))
            self.update()
        else:
            t0, t1 = self._press_range
            shift = round((self._press.x() - pos.x()) * (t1 - t0) / self.plot_rect().width())
            self.set_range(t0 + shift, t1 + shift)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._press is None or event.button() != Qt.MouseButton.LeftButton:
            super().mouseReleaseEvent(event)
            return
        press, self._press = self._press, None
        if self._dragged and self._brushing:
            self.brush(self.time_at(press.x()), self.time_at(event.position().x()))
        elif not self._dragged:
            hit = self.event_at(event.position())
            additive = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            if hit is not None:
                self.picked.emit(hit, additive)
            elif not additive:
                self.clear_brush()
                self.empty_clicked.emit()
        event.accept()

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        alt = event.modifiers() & Qt.KeyboardModifier.AltModifier  # Alt turns the wheel sideways
        step = -(delta.y() or delta.x()) / 120 * scroll.WHEEL_PIXELS
        if (event.position().x() < LABEL_COLUMN or alt) and self.scroll_lanes(step):
            pass  # over the lane names (or with Alt) the wheel scrolls the lanes
        elif delta.y():
            self.zoom(0.85 ** (delta.y() / 120), event.position().x())
        elif delta.x():
            self.pan(-delta.x() / 1200)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(0.7)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom(1 / 0.7)
        elif key == Qt.Key.Key_Left:
            self.pan(-0.1)
        elif key == Qt.Key.Key_Right:
            self.pan(0.1)
        elif key == Qt.Key.Key_Escape:
            self.clear_brush()
        elif key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            page = self.plot_rect().height() * 0.8
            self.scroll_lanes(page if key == Qt.Key.Key_PageDown else -page)
        else:
            super().keyPressEvent(event)
            return
        event.accept()
