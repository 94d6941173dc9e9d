"""A QTextBrowser that never loads or opens anything: the card is text, not a web page."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QTextBrowser, QWidget


class SafeTextBrowser(QTextBrowser):
    """Shows HTML built by the app; refuses every resource (images, style sheets).

    Links are not followed (``openLinks`` off) and no resource is ever fetched, local or
    remote: :meth:`loadResource` answers nothing and records what was asked in
    ``refused_resources``, so tests can check that event text never pulled anything in.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setSearchPaths([])
        self.refused_resources: list[str] = []
        self.last_html = ""  # what setHtml was given, as built (toHtml() re-serialises)

    def setHtml(self, text: str) -> None:  # Qt override
        self.last_html = text
        super().setHtml(text)

    def loadResource(self, kind: int, name: QUrl | str) -> object:  # Qt override
        self.refused_resources.append(name.toString() if isinstance(name, QUrl) else name)
        return None  # an invalid QVariant: nothing is loaded

    def setSource(self, *args: object) -> None:  # Qt override
        """Navigation is refused: the content only ever comes from :meth:`setHtml`."""
