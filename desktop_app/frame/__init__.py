"""The columnar event frame: filtering, histograms and map aggregation, vectorised."""

from desktop_app.frame.event_frame import FACETS, EventFrame, Links

__all__ = ["FACETS", "EventFrame", "Links"]
