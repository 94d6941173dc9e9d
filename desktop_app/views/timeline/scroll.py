"""Lanes that outgrow the pane scroll: their total height, and the thin scroll bar drawn
at the plot's right edge (a painted indicator, not a widget, so pictures of the pane
show where the analyst is among the lanes).

Each lane keeps at least one readable row (:func:`layout.lane_heights`), so with many
lanes (13 ACLED event types, or lanes by actor) the lanes add up to more than the pane:
the wheel over the lane names, Alt+wheel anywhere, or Page Up/Down move through them.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter

from desktop_app.views.timeline.layout import SparseLayout

WHEEL_PIXELS = 36.0  # one wheel notch: three readable rows
BAR_WIDTH = 5.0
MIN_THUMB = 18.0


def lanes_height(layout: SparseLayout, plot: QRectF) -> float:
    """The height of all the lanes together (more than ``plot`` when they scroll)."""
    if not layout.lanes:
        return 0.0
    return sum(lane.height for lane in layout.lanes)


def paint_scrollbar(painter: QPainter, layout: SparseLayout, plot: QRectF, offset: float) -> None:
    """A thumb showing which part of the lanes is in view (nothing when all fit)."""
    total = lanes_height(layout, plot)
    if total <= plot.height() + 0.5:
        return
    share = plot.height() / total
    thumb = max(MIN_THUMB, plot.height() * share)
    top = plot.top() + (plot.height() - thumb) * (offset / (total - plot.height()))
    x = plot.right() + 2
    painter.save()
    painter.setPen(QColor(0, 0, 0, 0))
    painter.setBrush(QColor(128, 128, 128, 60))
    painter.drawRoundedRect(QRectF(x, plot.top(), BAR_WIDTH, plot.height()), 2, 2)
    painter.setBrush(QColor(96, 96, 96, 170))
    painter.drawRoundedRect(QRectF(x, top, BAR_WIDTH, thumb), 2, 2)
    painter.restore()
