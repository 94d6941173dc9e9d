"""The weekday x hour chart that filters (i2 Analyst's Notebook's time wheel, as a grid).

Seven rows (Monday first) of 24 hours, each cell shaded by the number of events the
other filters let through that started then (the grid ignores its own choice). Only
events known to the minute have a time of day; the others are counted below the grid
("N without a time of day") and a grid choice leaves them out. The hour is the stored
wall-clock time (see :mod:`desktop_app.frame.numeric`).

A click picks a cell, a drag a rectangle of cells, a click (or drag) on the weekday
labels whole days and on the hour labels whole hours; with Ctrl the cells are added to
(or, all already chosen, taken from) the choice. The corner, or Clear, picks none.
From the keyboard: the arrows move a cursor cell, Space adds it to (or takes it from)
the choice, Enter picks it alone.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from desktop_app.frame.numeric import WEEKDAYS
from desktop_app.views import plain_text

LEFT, TOP = 32, 14  # the weekday labels' width, the hour labels' height
Cell = tuple[int, int]  # (weekday, hour); a header is -1 on its other axis


class ClockGrid(QWidget):
    """Signals:
    cells_picked(frozenset cells): the chosen ``weekday * 24 + hour`` cells.
    """

    cells_picked = Signal(frozenset)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts = np.zeros((7, 24), np.int64)
        self.chosen: frozenset[int] = frozenset()
        self._anchor: Cell | None = None
        self._current: Cell | None = None
        self._adding = False
        self.cursor_cell = (0, 0)  # (weekday, hour) the keyboard is on
        self.setMinimumHeight(TOP + 7 * 10)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Events by weekday and hour of day; click or drag to filter")

    def sizeHint(self) -> QSize:
        return QSize(LEFT + 24 * 9, TOP + 7 * 11)

    def show_counts(self, counts: np.ndarray) -> None:
        self.counts = counts
        self.update()

    def set_chosen(self, cells: frozenset[int]) -> None:
        if cells != self.chosen:
            self.chosen = cells
            self.update()

    # ------------------------------------------------------------------ geometry
    def _cell_size(self) -> tuple[float, float]:
        return (self.width() - LEFT) / 24, (self.height() - TOP) / 7

    def cell_at(self, pos: QPoint) -> Cell | None:
        """(weekday, hour) under a point; -1 on the axis of a header; None outside."""
        w, h = self._cell_size()
        x, y = pos.x() - LEFT, pos.y() - TOP
        hour = -1 if x < 0 else min(23, int(x / w))
        day = -1 if y < 0 else min(6, int(y / h))
        if pos.x() >= self.width() or pos.y() >= self.height():
            return None
        return day, hour

    def cell_center(self, day: int, hour: int) -> QPoint:
        """The middle of a cell (a header where ``day`` or ``hour`` is -1)."""
        w, h = self._cell_size()
        x = LEFT / 2 if hour < 0 else LEFT + (hour + 0.5) * w
        y = TOP / 2 if day < 0 else TOP + (day + 0.5) * h
        return QPoint(int(x), int(y))

    def _rectangle(self, a: Cell, b: Cell) -> frozenset[int]:
        days = range(7) if -1 in (a[0], b[0]) else range(min(a[0], b[0]), max(a[0], b[0]) + 1)
        hours = range(24) if -1 in (a[1], b[1]) else range(min(a[1], b[1]), max(a[1], b[1]) + 1)
        if a == (-1, -1) or b == (-1, -1):
            return frozenset()
        return frozenset(d * 24 + h for d in days for h in hours)

    # ------------------------------------------------------------------ painting
    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        pal = self.palette()
        w, h = self._cell_size()
        text = pal.color(QPalette.ColorRole.Text)
        painter.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        font = painter.font()
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.75))
        painter.setFont(font)
        painter.setPen(text)
        for day, name in enumerate(WEEKDAYS):
            painter.drawText(
                QRectF(0, TOP + day * h, LEFT - 4, h),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                name,
            )
        for hour in range(0, 24, 3):
            painter.drawText(
                QRectF(LEFT + hour * w, 0, 3 * w, TOP),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                f"{hour:02d}",
            )
        top = max(1, int(self.counts.max()))
        heat = pal.color(QPalette.ColorRole.Highlight)
        pending = self._pending()
        shown = pending if pending is not None else self.chosen
        for day in range(7):
            for hour in range(24):
                count = int(self.counts[day, hour])
                cell = QRectF(LEFT + hour * w + 0.5, TOP + day * h + 0.5, w - 1, h - 1)
                colour = QColor(heat) if count else QColor(text)
                colour.setAlphaF(0.1 + 0.9 * math.sqrt(count / top) if count else 0.04)
                if shown and day * 24 + hour not in shown:
                    colour.setAlphaF(colour.alphaF() * 0.3)
                painter.fillRect(cell, colour)
        if shown:
            painter.setPen(QPen(text, 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for c in shown:
                day, hour = divmod(c, 24)
                painter.drawRect(QRectF(LEFT + hour * w + 0.5, TOP + day * h + 0.5, w - 1, h - 1))
        if self.hasFocus():
            day, hour = self.cursor_cell
            painter.setPen(QPen(text, 1, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(LEFT + hour * w - 1, TOP + day * h - 1, w + 1, h + 1))
        painter.end()

    # ------------------------------------------------------------------ keyboard
    def keyPressEvent(self, event: QKeyEvent) -> None:
        day, hour = self.cursor_cell
        moves = {
            Qt.Key.Key_Left: (0, -1),
            Qt.Key.Key_Right: (0, 1),
            Qt.Key.Key_Up: (-1, 0),
            Qt.Key.Key_Down: (1, 0),
        }
        key = Qt.Key(event.key())
        if key in moves:
            dd, dh = moves[key]
            self.cursor_cell = ((day + dd) % 7, (hour + dh) % 24)
            self.update()
        elif key == Qt.Key.Key_Space:
            cell = day * 24 + hour
            self.chosen = self.chosen - {cell} if cell in self.chosen else self.chosen | {cell}
            self.cells_picked.emit(self.chosen)
            self.update()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.chosen = frozenset({day * 24 + hour})
            self.cells_picked.emit(self.chosen)
            self.update()
        else:
            super().keyPressEvent(event)

    # ------------------------------------------------------------------ mouse
    def _pending(self) -> frozenset[int] | None:
        if self._anchor is None or self._current is None:
            return None
        rect = self._rectangle(self._anchor, self._current)
        if not self._adding:
            return rect
        return self.chosen - rect if rect <= self.chosen else self.chosen | rect

    def mousePressEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position().toPoint())
        if event.button() != Qt.MouseButton.LeftButton or cell is None:
            return
        self._anchor = self._current = cell
        self._adding = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        cell = self.cell_at(event.position().toPoint())
        if self._anchor is not None and cell is not None:
            self._current = cell
            self.update()
        elif cell is not None and cell[0] >= 0 and cell[1] >= 0:
            day, hour = cell
            self.setToolTip(
                plain_text.tooltip(
                    f"{WEEKDAYS[day]} {hour:02d}:00 to {hour + 1:02d}:00: "
                    f"{int(self.counts[day, hour]):,} events"
                )
            )

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._anchor is None:
            return
        self.mouseMoveEvent(event)
        picked = self._pending()
        self._anchor = self._current = None
        if picked is not None:
            self.chosen = picked
            self.cells_picked.emit(picked)
        self.update()


class ClockFilter(QWidget):
    """The grid, "N without a time of day" and Clear.

    Signals:
        cells_picked(frozenset cells): as :class:`ClockGrid`'s (Clear: empty).
    """

    cells_picked = Signal(frozenset)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = plain_text.label("Weekday \u00d7 hour of day")
        title.setStyleSheet("font-weight: 600; margin-top: 6px")
        self.grid = ClockGrid()
        self.grid.cells_picked.connect(self.cells_picked)
        self.untimed = plain_text.label()
        self.untimed.setWordWrap(True)  # a narrow pane wraps it rather than scrolling sideways
        self.untimed.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.clear = QPushButton("Clear")
        self.clear.setToolTip("Show events at any weekday and hour")
        self.clear.clicked.connect(lambda: self.cells_picked.emit(frozenset()))
        below = QHBoxLayout()
        below.setContentsMargins(0, 0, 0, 0)
        below.addWidget(self.untimed, 1)
        below.addWidget(self.clear)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(title)
        layout.addWidget(self.grid)
        layout.addLayout(below)

    def show_counts(self, counts: np.ndarray, untimed: int) -> None:
        """The grid folds away while no event it counts has a time of day (dates only,
        as in most provider files) and nothing is chosen in it: an empty 7 x 24 grid
        would take the pane's best place to say nothing."""
        self.grid.show_counts(counts)
        empty = int(counts.sum()) == 0 and not self.grid.chosen
        self.grid.setVisible(not empty)
        self.clear.setVisible(not empty)
        if empty:
            self.untimed.setText(
                f"No event has a time of day ({untimed:,} with a date only)"
                if untimed
                else "No event has a time of day"
            )
        else:
            self.untimed.setText(f"{untimed:,} without a time of day" if untimed else "")
