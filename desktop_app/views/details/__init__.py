"""The detail pane: one event as a card, several as a summary with a list to pick from."""

from desktop_app.views.details.browser import SafeTextBrowser
from desktop_app.views.details.view import DetailsView

__all__ = ["DetailsView", "SafeTextBrowser"]
