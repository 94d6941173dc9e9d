"""The timeline pane: events over time, dense as bars and sparse as marks in lanes."""

from desktop_app.views.timeline.canvas import TimelineCanvas
from desktop_app.views.timeline.view import TimelineView, format_bound, format_range

__all__ = ["TimelineCanvas", "TimelineView", "format_bound", "format_range"]
