"""A numeric column's filter: a histogram that is also a two-handle range slider, with
min/max boxes and the count of events that have no value.

The bars count the events every other filter lets through (a column's own range is
ignored, as a facet ignores its own choice, so the rest stays pickable); their heights
are on a square-root scale, so one bar of 90 % of the events leaves the rare values
visible. Dragging on the chart picks a range, dragging a handle moves that end; a
handle at the column's smallest or largest value leaves that end open. A range leaves
out events with no value (the pane says how many).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app.frame.numeric import describe_range, format_number
from desktop_app.frame.visible import NumberChart
from desktop_app.views import plain_text

HANDLE_GRAB_PX = 6
Bound = float | None


class RangeHistogram(QWidget):
    """Bars of counts over value bins, with the chosen [low, high] shaded.

    Signals:
        range_picked(object low, object high): a range was dragged (None: open end).
    """

    range_picked = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edges = np.array([0.0, 1.0])
        self.counts = np.zeros(1, np.int64)
        self.whole = False
        self.extent = (0.0, 1.0)  # the column's smallest and largest value
        self.low: Bound = None
        self.high: Bound = None
        self._drag: tuple[str, float] | None = None  # ("low"|"high"|"new", anchor value)
        self.setMinimumHeight(40)
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.CrossCursor)

    def sizeHint(self) -> QSize:
        return QSize(220, 44)

    def show_chart(self, chart: NumberChart) -> None:
        self.edges, self.counts, self.whole = chart.edges, chart.counts, chart.whole
        self.extent = (chart.lo, chart.hi)
        self.update()

    def set_range(self, low: Bound, high: Bound) -> None:
        """Show the model's range (not while the analyst drags one)."""
        if self._drag is None and (low, high) != (self.low, self.high):
            self.low, self.high = low, high
            self.update()

    # ------------------------------------------------------------------ geometry
    def _span(self) -> tuple[float, float]:
        return float(self.edges[0]), float(self.edges[-1])

    def _x(self, value: float) -> float:
        a, b = self._span()
        return (value - a) / (b - a) * (self.width() - 1) if b > a else 0.0

    def _value(self, x: float) -> float:
        a, b = self._span()
        value = a + max(0.0, min(1.0, x / max(1, self.width() - 1))) * (b - a)
        value = max(self.extent[0], min(self.extent[1], value))
        return float(round(value)) if self.whole else value

    def _bounds(self) -> tuple[float, float]:
        low = self.extent[0] if self.low is None else self.low
        high = self.extent[1] if self.high is None else self.high
        return low, high

    # ------------------------------------------------------------------ painting
    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        pal = self.palette()
        painter.fillRect(self.rect(), pal.color(QPalette.ColorRole.Base))
        h = self.height() - 8  # room for the handles' grips
        top = max(1, int(self.counts.max()) if len(self.counts) else 1)
        chosen = self.low is not None or self.high is not None
        low, high = self._bounds()
        on = pal.color(QPalette.ColorRole.Highlight)
        off = QColor(pal.color(QPalette.ColorRole.Text))
        off.setAlpha(90)
        for i, count in enumerate(self.counts.tolist()):
            if not count:
                continue
            x0, x1 = self._x(float(self.edges[i])), self._x(float(self.edges[i + 1]))
            bar_h = max(1.0, math.sqrt(count / top) * (h - 2))
            mid = (self.edges[i] + self.edges[i + 1]) / 2
            inside = not chosen or low <= mid <= high
            painter.fillRect(
                QRectF(x0 + 0.5, h - bar_h, max(1.0, x1 - x0 - 1), bar_h), on if inside else off
            )
        painter.setPen(pal.color(QPalette.ColorRole.Mid))
        painter.drawLine(0, h, self.width(), h)
        if chosen:
            painter.setPen(on)
            for value in (low, high):
                x = self._x(value)
                painter.drawLine(QPointF(x, 0), QPointF(x, h))
                painter.fillRect(QRectF(x - 3, h, 7, 7), on)
        painter.end()

    # ------------------------------------------------------------------ mouse
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        x = event.position().x()
        low, high = self._bounds()
        chosen = self.low is not None or self.high is not None
        if chosen and abs(x - self._x(low)) <= HANDLE_GRAB_PX:
            self._drag = ("low", high)
        elif chosen and abs(x - self._x(high)) <= HANDLE_GRAB_PX:
            self._drag = ("high", low)
        else:
            self._drag = ("new", self._value(x))
            self.low = self.high = self._drag[1]
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        x = event.position().x()
        if self._drag is None:
            self._tip(x)
            return
        value, anchor = self._value(x), self._drag[1]
        self.low, self.high = min(value, anchor), max(value, anchor)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag is None or event.button() != Qt.MouseButton.LeftButton:
            return
        self.mouseMoveEvent(event)
        self._drag = None
        low, high = self._bounds()
        # a handle at the column's end leaves that end open
        out_low = None if low <= self.extent[0] else low
        out_high = None if high >= self.extent[1] else high
        if out_low is None and out_high is None and low == high:
            out_low = out_high = low  # a click on one value picks that value
        self.low, self.high = out_low, out_high
        self.update()
        self.range_picked.emit(out_low, out_high)

    def _tip(self, x: float) -> None:
        a, b = self._span()
        if b <= a or not len(self.counts):
            return
        i = int(max(0, min(len(self.counts) - 1, x / max(1, self.width()) * len(self.counts))))
        lo, hi = float(self.edges[i]), float(self.edges[i + 1])
        if self.whole and hi - lo <= 1:
            where = format_number(lo + 0.5, True)
        else:
            where = f"{format_number(lo)} to {format_number(hi)}"
        self.setToolTip(plain_text.tooltip(f"{where}: {int(self.counts[i]):,} events"))


class NumberFilter(QWidget):
    """One numeric column's section: name, histogram, min/max boxes, missing count; the
    arrow folds the chart away (the name and the chosen range stay in sight).

    Signals:
        range_picked(str name, object low, object high): the analyst chose a range
            (both None: no range).
    """

    range_picked = Signal(str, object, object)

    def __init__(self, name: str, parent: QWidget | None = None, open_: bool = True) -> None:
        super().__init__(parent)
        self.name = name
        self.fold = QToolButton()  # not checkable: a checked button would look pressed
        self.fold.setAutoRaise(True)
        self.fold.setAccessibleName(f"Show or hide the {name} histogram")
        self._open: bool = open_
        self.fold.clicked.connect(lambda: self._folded(not self._open))
        title = plain_text.label(name)  # a file's header: data, shown as plain text
        title.setStyleSheet("font-weight: 600")
        self.chosen_label = plain_text.label()  # the range in words, seen when folded
        self.chosen_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        head = QHBoxLayout()
        head.setContentsMargins(0, 4, 0, 0)
        head.addWidget(self.fold)
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.chosen_label)
        self.histogram = RangeHistogram()
        self.histogram.setAccessibleName(f"{name}: histogram; drag to pick a range")
        self.histogram.range_picked.connect(self._picked)
        self.low_box, self.high_box = QLineEdit(), QLineEdit()
        for box, which in ((self.low_box, "smallest"), (self.high_box, "largest")):
            box.setAccessibleName(f"{name}: {which} value to show")
            box.setClearButtonEnabled(True)
            box.editingFinished.connect(self._typed)
            box.textChanged.connect(lambda text: self._typed() if not text else None)
        reset = QToolButton()
        reset.setText("Any")
        reset.setToolTip("Remove this range")
        reset.clicked.connect(lambda: self._picked(None, None))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.low_box)
        row.addWidget(QLabel("to"))
        row.addWidget(self.high_box)
        row.addWidget(reset)
        self.missing = plain_text.label()
        self.missing.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.error = plain_text.label()
        self.error.setStyleSheet("color: #b3261e")
        self.error.hide()
        self.body: QWidget = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(2)
        body.addWidget(self.histogram)
        body.addLayout(row)
        body.addWidget(self.missing)
        body.addWidget(self.error)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(head)
        layout.addWidget(self.body)
        self._chosen = False
        self._folded(open_)

    def _folded(self, open_: bool) -> None:
        self._open = open_
        self.fold.setArrowType(Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow)
        self.body.setVisible(open_)

    def show_chart(self, chart: NumberChart) -> None:
        self.histogram.show_chart(chart)
        self.low_box.setPlaceholderText(format_number(chart.lo, chart.whole))
        self.high_box.setPlaceholderText(format_number(chart.hi, chart.whole))
        if chart.missing:
            left_out = ", left out by a range" if self._chosen else ""
            self.missing.setText(f"{chart.missing:,} without a value{left_out}")
        else:
            self.missing.setText("")
        self.missing.setVisible(bool(chart.missing))

    def show_range(self, low: Bound, high: Bound) -> None:
        """Show the model's range (no signal)."""
        self._chosen = low is not None or high is not None
        self.chosen_label.setText(describe_range("", low, high).strip())
        self.histogram.set_range(low, high)
        for box, value in ((self.low_box, low), (self.high_box, high)):
            text = "" if value is None else format_number(value)
            if box.text() != text:
                box.blockSignals(True)
                box.setText(text)
                box.blockSignals(False)
        self.error.hide()

    def _typed(self) -> None:
        try:
            low, high = (_number(b.text()) for b in (self.low_box, self.high_box))
        except ValueError:
            self.error.setText("Type a number, e.g. 5 or -2.5")
            self.error.show()
            return
        if low is not None and high is not None and low > high:
            low, high = high, low
        self.error.hide()
        self._picked(low, high)

    def _picked(self, low: Bound, high: Bound) -> None:
        self.range_picked.emit(self.name, low, high)


def _number(text: str) -> Bound:
    text = text.strip().replace(",", "")
    if not text:
        return None
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value
