"""The filters pane: search, facets with counts, time window, visible-of-total."""

from desktop_app.views.filters.pane import FiltersView

__all__ = ["FiltersView"]
