"""The map pane: events on an offline Leaflet map (see :class:`MapView`)."""

from desktop_app.views.map.map_view import MapView

__all__ = ["MapView"]
