"""The Stories pane: saved views arranged into stories, for presenting and the PDF pack."""

from desktop_app.views.stories.pane import SaveViewDialog, StoriesView

__all__ = ["SaveViewDialog", "StoriesView"]
