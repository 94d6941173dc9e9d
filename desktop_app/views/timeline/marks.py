"""Drawing the timeline's marks: points, spans and rough-date periods in lanes, and the
density bars that stand for them when too many are in view.

Plain functions over a ``QPainter`` and the layouts of ``layout.py``; the canvas decides
what to draw and where (``canvas.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QLinearGradient,
    QPainter,
    QPalette,
    QPen,
    QPolygonF,
)

from desktop_app.views.timeline.axis import AxisLayout
from desktop_app.views.timeline.layout import (
    AXIS_HEIGHT,
    LABEL_COLUMN,
    LANE_PAD,
    POINT_SIZE,
    RIGHT_MARGIN,
    DenseLayout,
    EventItem,
    SparseLayout,
    Style,
)

PALETTE = [
    QColor(c)
    for c in (
        "#4e79a7",
        "#f28e2b",
        "#e15759",
        "#59a14f",
        "#b07aa1",
        "#76b7b2",
        "#edc948",
        "#9c755f",
        "#ff9da7",
        "#3b5b92",
        "#86bc86",
        "#d37295",
    )
]
OTHER_COLOUR = QColor("#8c8c8c")
HALO = QColor("#ffc400")
BAR_COLOUR = QColor("#5b84b1")
SELECTED_BAR = QColor("#f28e2b")


@dataclass
class Theme:
    """The timeline's colours; ``use_palette`` picks the light or the dark set from the
    widget's palette before a paint (light: the colours the timeline always had)."""

    background: QColor
    band: QColor
    ink: QColor
    muted: QColor
    rule: QColor
    grid: QColor
    dense_text: QColor
    axis_rule: QColor
    tick_text: QColor
    context_text: QColor
    active_edge: QColor
    label_back: QColor
    label_ink: QColor
    more_back: QColor
    more_ink: QColor


LIGHT = Theme(
    QColor("white"), QColor("#f4f6f9"), QColor("#222222"), QColor("#8a8f98"),
    QColor("#d5d9e0"), QColor("#c8ccd2"), QColor("#555555"), QColor("#9aa0a8"),
    QColor("#333333"), QColor("#1f2a3a"), QColor("#1b1b1b"), QColor(255, 255, 255, 210),
    QColor(20, 20, 20), QColor(255, 255, 255, 220), QColor("#5b6270"),
)  # fmt: skip
DARK = Theme(
    QColor("#1f2329"), QColor("#262b32"), QColor("#e3e6ea"), QColor("#9aa3ad"),
    QColor("#3a414b"), QColor("#3a414b"), QColor("#b8bec6"), QColor("#5d6570"),
    QColor("#cfd4da"), QColor("#eef1f4"), QColor("#f5f5f5"), QColor(31, 35, 41, 210),
    QColor(235, 238, 241), QColor(31, 35, 41, 220), QColor("#b8bec6"),
)  # fmt: skip
THEME = LIGHT


def use_palette(palette: QPalette) -> Theme:
    """Paint with the dark colours on a dark palette, else the light ones."""
    global THEME
    THEME = DARK if palette.color(QPalette.ColorRole.Window).lightness() < 128 else LIGHT
    return THEME


NO_PEN = QPen(Qt.PenStyle.NoPen)
NO_BRUSH = QBrush(Qt.BrushStyle.NoBrush)


def lane_colour(lane_names: list[str], lane: int) -> QColor:
    """The colour of a lane: its place in the palette, grey for "other"."""
    if 0 <= lane < len(lane_names) and lane_names[lane] == "other":
        return OTHER_COLOUR
    return PALETTE[lane % len(PALETTE)]


def paint_lanes(
    painter: QPainter,
    layout: SparseLayout,
    plot: QRectF,
    width: float,
    metrics: QFontMetricsF,
    lane_names: list[str],
    label_column: float,
) -> None:
    """The lanes' alternate bands, and each lane's colour, name and count in the label
    column."""
    for i, lane in enumerate(layout.lanes):
        band = QRectF(0, lane.top, width, lane.height)
        if i % 2 == 0:
            painter.fillRect(band, THEME.band)
        colour = lane_colour(lane_names, i)
        painter.fillRect(QRectF(6, lane.top + 4, 4, lane.height - 8), colour)
        text = f"{lane.name}"
        count = f"{lane.count:,}"
        count_w = metrics.horizontalAdvance(count)
        room = label_column - 24 - count_w - 8
        painter.setPen(THEME.ink)
        rect = QRectF(16, lane.top, room, min(lane.height, 22))
        painter.drawText(
            rect,
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            metrics.elidedText(text, Qt.TextElideMode.ElideRight, room),
        )
        painter.setPen(THEME.muted)
        painter.drawText(
            QRectF(label_column - 8 - count_w - 4, lane.top, count_w + 4, min(lane.height, 22)),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
            count,
        )
        if lane.hidden:  # a lane with no room for all its sub-rows says what it leaves out
            more = f"+{lane.hidden:,} more"
            more_w = metrics.horizontalAdvance(more) + 10
            box = QRectF(plot.right() - more_w - 4, lane.top + lane.height - 16, more_w, 14)
            painter.fillRect(box, THEME.more_back)
            painter.setPen(THEME.more_ink)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, more)
    painter.setPen(QPen(THEME.rule, 1))
    painter.drawLine(
        QPointF(plot.left() - 0.5, plot.top()), QPointF(plot.left() - 0.5, plot.bottom())
    )


def paint_grid(painter: QPainter, plot: QRectF, axis: AxisLayout, t0: int) -> None:
    """Faint lines at the ticks, darker ones at the context ticks (not at the left edge)."""
    painter.setPen(QPen(QColor(0, 0, 0, 22), 1))
    for tick in axis.ticks:
        x = plot.left() + tick.x
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
    painter.setPen(QPen(QColor(0, 0, 0, 60), 1))
    for tick in axis.context:
        if tick.t != t0:
            x = plot.left() + tick.x
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))


def paint_bars(painter: QPainter, layout: DenseLayout, plot: QRectF, label_column: float) -> None:
    """Density bars (all events in view, and the selected ones over them) and their scale."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    top = max(layout.max_count, 1)
    usable = plot.height() - 14
    for counts, colour in ((layout.counts, BAR_COLOUR), (layout.selected, SELECTED_BAR)):
        if counts is None:
            continue
        heights = counts * (usable / top)
        bars = []
        for i in np.flatnonzero(counts).tolist():
            h = max(float(heights[i]), 1.0)
            x = round(plot.left() + i * layout.bar_width)
            x_next = round(plot.left() + (i + 1) * layout.bar_width)
            bars.append(QRectF(x, plot.bottom() - h, max(x_next - x - 1, 1), h))
        painter.setPen(NO_PEN)
        painter.setBrush(colour)
        painter.drawRects(bars)
    # scale in the label column
    painter.setPen(THEME.dense_text)
    painter.drawText(
        QRectF(8, plot.top(), label_column - 16, 40),
        Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
        f"Density\nmax {layout.max_count:,} per bar",
    )
    painter.setPen(QPen(THEME.grid, 1, Qt.PenStyle.DashLine))
    painter.drawLine(
        QPointF(plot.left(), plot.bottom() - usable),
        QPointF(plot.right(), plot.bottom() - usable),
    )
    if layout.selected is not None:
        painter.fillRect(QRectF(8, plot.top() + 44, 10, 10), SELECTED_BAR)
        painter.setPen(THEME.dense_text)
        painter.drawText(QPointF(24, plot.top() + 53), "selected")
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)


def paint_items(
    painter: QPainter, layout: SparseLayout, plot: QRectF, lane_names: list[str], dim: bool
) -> None:
    """Marks, bars and rough-date spans, batched per colour to keep a layer cheap."""
    painter.save()
    painter.setClipRect(plot.adjusted(-POINT_SIZE, 0, POINT_SIZE, 0))
    for item in layout.items:
        if item.selected:
            paint_halo(painter, item, plot)
    groups: dict[tuple[int, bool], list[EventItem]] = {}
    for item in layout.items:
        groups.setdefault((item.lane, dim and not item.selected), []).append(item)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    for (lane, faded), items in groups.items():
        colour = QColor(lane_colour(lane_names, lane))
        if faded:
            colour.setAlpha(90)
        band = QColor(THEME.band) if lane % 2 == 0 else QColor(THEME.background)
        rough = [i for i in items if i.style is Style.UNCERTAIN]
        if rough:
            paint_uncertain(painter, rough, colour, band, plot)
        spans = [bar_rect(i, plot) for i in items if i.style is Style.SPAN]
        if spans:
            painter.setPen(QPen(colour.darker(150), 1))
            painter.setBrush(colour)
            painter.drawRects(spans)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for item in layout.items:
        if item.style is Style.POINT:
            colour = QColor(lane_colour(lane_names, item.lane))
            if dim and not item.selected:
                colour.setAlpha(90)
            paint_point(painter, item, colour)
    for item in layout.items:
        if item.label:
            paint_label(painter, item, plot, dim and not item.selected)
    painter.restore()


def bar_rect(item: EventItem, plot: QRectF) -> QRectF:
    x0 = round(max(item.x0, plot.left() - 4))
    x1 = round(min(item.x1, plot.right() + 4))
    return QRectF(x0, round(item.y), max(x1 - x0, 2), round(item.h))


def paint_halo(painter: QPainter, item: EventItem, plot: QRectF) -> None:
    width = 6.0 if item.active else 4.0
    painter.setPen(
        QPen(
            HALO,
            width,
            Qt.PenStyle.SolidLine,
            Qt.PenCapStyle.RoundCap,
            Qt.PenJoinStyle.RoundJoin,
        )
    )
    painter.setBrush(NO_BRUSH)
    if item.style is Style.POINT:
        painter.drawPolygon(diamond(item.centre_x, item.y + item.h / 2, POINT_SIZE + 1))
    else:
        painter.drawRoundedRect(bar_rect(item, plot), 2, 2)
    if item.active:
        painter.setPen(QPen(THEME.active_edge, 1.6))
        if item.style is Style.POINT:
            painter.drawPolygon(diamond(item.centre_x, item.y + item.h / 2, POINT_SIZE + 5))
        else:
            painter.drawRoundedRect(bar_rect(item, plot).adjusted(-3, -3, 3, 3), 3, 3)


def paint_point(painter: QPainter, item: EventItem, colour: QColor) -> None:
    painter.setPen(QPen(colour.darker(150), 1))
    painter.setBrush(colour)
    painter.drawPolygon(diamond(item.centre_x, item.y + item.h / 2, POINT_SIZE))


def paint_uncertain(
    painter: QPainter, items: list[EventItem], colour: QColor, band: QColor, plot: QRectF
) -> None:
    """Periods known only roughly: translucent, hatched, dashed edges, faded ends.

    The ends fade into the lane's background over a few pixels (a gradient of the
    band colour laid over each visible end), so a year-only event never shows a
    sharp start or end the data does not have.
    """
    rects = [bar_rect(i, plot) for i in items]
    body = QColor(colour)
    body.setAlpha(min(colour.alpha(), 70))
    hatch = QColor(colour)
    hatch.setAlpha(min(colour.alpha(), 120))
    painter.setPen(NO_PEN)
    painter.setBrush(body)
    painter.drawRects(rects)
    painter.setBrush(QBrush(hatch, Qt.BrushStyle.BDiagPattern))
    painter.drawRects(rects)
    edge = QColor(colour.darker(130))
    edge.setAlpha(min(colour.alpha(), 200))
    painter.setPen(QPen(edge, 1, Qt.PenStyle.DashLine))
    painter.drawLines(
        [
            line
            for r in rects
            for line in (
                QLineF(r.left(), r.top(), r.right(), r.top()),
                QLineF(r.left(), r.bottom(), r.right(), r.bottom()),
            )
        ]
    )
    painter.setPen(NO_PEN)
    opaque, clear = QColor(band), QColor(band)
    clear.setAlpha(0)
    for item, rect in zip(items, rects, strict=True):
        fade = min(14.0, (item.x1 - item.x0) * 0.18)
        if fade < 2:
            continue
        for edge_x, inward in ((item.x0, fade), (item.x1, -fade)):
            if not plot.left() - fade <= edge_x <= plot.right() + fade:
                continue
            gradient = QLinearGradient(edge_x, 0, edge_x + inward, 0)
            gradient.setColorAt(0.0, opaque)
            gradient.setColorAt(1.0, clear)
            left = min(edge_x, edge_x + inward)
            painter.fillRect(
                QRectF(left, rect.top() - 1, abs(inward), rect.height() + 2), QBrush(gradient)
            )


_FITTING: dict[tuple[str, int], QFont] = {}


def _fitting_font(font: QFont, height: int) -> QFont:
    """The font at the largest pixel size whose whole line (ascent and descent: the
    descenders of g, p and y) fits a row of ``height`` px and the lane's 2 px padding
    (``layout.LANE_PAD``); a pixel size is the em, and a line is about 1.17 em, so
    ``setPixelSize(height)`` would cut the descenders."""
    key = (font.key(), height)
    found = _FITTING.get(key)
    if found is None:
        found = QFont(font)
        size = max(7, height)
        found.setPixelSize(size)
        while size > 7 and QFontMetricsF(found).height() > height + LANE_PAD:
            size -= 1
            found.setPixelSize(size)
        _FITTING[key] = found
    return found


def paint_label(painter: QPainter, item: EventItem, plot: QRectF, faded: bool) -> None:
    x = max(item.label_x, plot.left() + 2)
    rect = QRectF(x, item.y, item.label_w - 4, item.h)
    if item.style is not Style.UNCERTAIN:  # the hatch of a rough date stays visible
        painter.setPen(NO_PEN)
        painter.setBrush(THEME.label_back)
        painter.drawRoundedRect(rect.adjusted(-2, 1, 2, -1), 2, 2)
    painter.setPen(
        QColor(
            THEME.label_ink.red(),
            THEME.label_ink.green(),
            THEME.label_ink.blue(),
            110 if faded else 255,
        )
    )
    font = painter.font()
    if item.h + 3 < painter.fontMetrics().height():  # a tight row: a smaller font, not a cut one
        painter.setFont(_fitting_font(font, int(item.h)))
    painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, item.label)
    painter.setFont(font)


def diamond(cx: float, cy: float, size: float) -> QPolygonF:
    half = size / 2
    return QPolygonF(
        [
            QPointF(cx, cy - half),
            QPointF(cx + half, cy),
            QPointF(cx, cy + half),
            QPointF(cx - half, cy),
        ]
    )


def paint_axis(
    painter: QPainter,
    plot: QRectF,
    axis: AxisLayout,
    width: float,
    height: float,
    fonts: tuple[QFont, QFontMetricsF, QFont, QFontMetricsF],
    dense_in_view: int | None,
) -> None:
    """The time axis under the plot: ticks and their labels, the bold context line
    (months, years), and in density mode how many events are in view."""
    font, metrics, bold, bold_metrics = fonts
    y = plot.bottom()
    painter.fillRect(QRectF(0, y, width, height - y), THEME.background)
    painter.setPen(QPen(THEME.axis_rule, 1))
    painter.drawLine(QPointF(plot.left(), y + 0.5), QPointF(plot.right(), y + 0.5))
    painter.setClipRect(QRectF(plot.left(), y, plot.width() + RIGHT_MARGIN, AXIS_HEIGHT))
    painter.setFont(font)
    for tick in axis.ticks:
        x = plot.left() + tick.x
        painter.setPen(QPen(THEME.axis_rule, 1))
        painter.drawLine(QPointF(x, y), QPointF(x, y + 5))
        if x + 3 + tick.width <= width:  # no half labels at the right edge
            painter.setPen(THEME.tick_text)
            painter.drawText(QPointF(x + 3, y + 4 + metrics.ascent()), tick.text)
    painter.setFont(bold)
    painter.setPen(THEME.context_text)
    for tick in axis.context:
        x = plot.left() + tick.x
        painter.drawText(QPointF(x + 3, y + 20 + bold_metrics.ascent()), tick.text)
    painter.setClipping(False)
    painter.setFont(font)
    if dense_in_view is not None:
        painter.setPen(THEME.dense_text)
        painter.drawText(
            QRectF(8, y + 2, LABEL_COLUMN - 16, AXIS_HEIGHT - 4),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            f"{dense_in_view:,} events",
        )


BRUSH_FILL = QColor(66, 133, 244, 45)
BRUSH_EDGE = QColor("#3367d6")


def paint_brush(painter: QPainter, plot: QRectF, x0: float, x1: float) -> None:
    """The brushed range between ``x0`` and ``x1``, cut to the plot."""
    x0, x1 = max(x0, plot.left()), min(x1, plot.right())
    if x1 < plot.left() or x0 > plot.right():
        return
    rect = QRectF(x0, plot.top(), max(x1 - x0, 1.0), plot.height())
    painter.fillRect(rect, BRUSH_FILL)
    painter.setPen(QPen(BRUSH_EDGE, 1.5))
    painter.drawLine(rect.topLeft(), rect.bottomLeft())
    painter.drawLine(rect.topRight(), rect.bottomRight())
