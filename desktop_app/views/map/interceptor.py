"""Blocks every request that would leave the machine, and remembers it."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWebEngineCore import QWebEngineUrlRequestInfo, QWebEngineUrlRequestInterceptor

LOCAL_SCHEMES = frozenset({"file", "qrc", "data", "sightline"})
REMOTE_SCHEMES = frozenset({"http", "https"})


class LocalOnlyInterceptor(QWebEngineUrlRequestInterceptor):
    """Installed on the map's own profile: only local schemes pass.

    With ``allow_remote`` (the analyst opted into an online basemap) http(s) requests
    pass too; anything else (ftp, ws, ...) is still blocked. ``blocked`` lists the URLs
    refused, in order.
    """

    def __init__(self, allow_remote: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.allow_remote = allow_remote
        self.blocked: list[str] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        scheme = info.requestUrl().scheme().lower()
        if scheme in LOCAL_SCHEMES or (self.allow_remote and scheme in REMOTE_SCHEMES):
            return
        info.block(True)
        self.blocked.append(info.requestUrl().toString())
