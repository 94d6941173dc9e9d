"""The table pane: every visible event as a sortable row, linked to the shared selection."""

from desktop_app.views.table.model import EVENT_ID_ROLE, Column, EventTableModel
from desktop_app.views.table.view import TableView, contiguous_runs

__all__ = ["EVENT_ID_ROLE", "Column", "EventTableModel", "TableView", "contiguous_runs"]
