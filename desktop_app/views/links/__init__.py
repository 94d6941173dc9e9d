"""The link chart pane: who shares events with whom, linked to the shared selection."""

from desktop_app.views.links.canvas import ChartCanvas
from desktop_app.views.links.view import CHOICES, ChartResult, LinksView, compute_chart

__all__ = ["CHOICES", "ChartCanvas", "ChartResult", "LinksView", "compute_chart"]
