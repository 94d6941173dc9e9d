"""What hovering an event on the timeline says: its title, its date at its precision
(and its end), its place, as plain text (event text is data, never markup)."""

from __future__ import annotations

from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QToolTip

from desktop_app.domain.dates import Precision, describe, from_seconds
from desktop_app.frame.event_frame import EventFrame
from desktop_app.views import plain_text


def tooltip_text(frame: EventFrame, event_id: int) -> str:
    row = frame.row_of(event_id)
    if row is None:
        return ""
    precision = Precision(int(frame.precision[row]))
    when = describe(from_seconds(int(frame.start[row])), precision)
    if frame.has_end[row]:
        when += " to " + describe(from_seconds(int(frame.end[row]) - 1), precision)
    place = str(frame.place[row]) or "no place"
    return f"{frame.title[row]}\n{when}\n{place}"


def show_tooltip(event: QHelpEvent, event_id: int | None, frame: EventFrame) -> None:
    """Show the event's tooltip at the pointer, or hide any when there is none."""
    if event_id is None:
        QToolTip.hideText()
        event.ignore()
        return
    QToolTip.showText(event.globalPos(), plain_text.tooltip(tooltip_text(frame, event_id)))
