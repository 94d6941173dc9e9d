"""Shared UI state (QObjects with signals): selection, filters, view."""

from desktop_app.state.models import FilterModel, Filters, MapView, SelectionModel, ViewState

__all__ = ["FilterModel", "Filters", "MapView", "SelectionModel", "ViewState"]
