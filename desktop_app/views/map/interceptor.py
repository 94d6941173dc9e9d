"""Blocks every request that would leave the machine, and remembers it."""

from __future__ import annotations

from collections import deque

from PySide6.QtCore import QObject
from PySide6.QtWebEngineCore import QWebEngineUrlRequestInfo, QWebEngineUrlRequestInterceptor

from desktop_app.views.map.tiles import TILE_SCHEME

LOCAL_SCHEMES = frozenset({"file", "qrc", "data", TILE_SCHEME})
REMOTE_SCHEMES = frozenset({"http", "https"})
SEEN_LIMIT = 5000


class LocalOnlyInterceptor(QWebEngineUrlRequestInterceptor):
    """Installed on the map's own profile: only local schemes pass.

    With ``allowed_host`` (the analyst opted into an online basemap there) http(s)
    requests to exactly that host pass too; any other host, and anything else (ftp,
    ws, ...), is still blocked. ``seen`` lists the URLs asked for (the last
    ``SEEN_LIMIT``), ``blocked`` those refused, in order.
    """

    def __init__(self, allowed_host: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.allowed_host = allowed_host
        self.seen: deque[str] = deque(maxlen=SEEN_LIMIT)
        self.blocked: list[str] = []

    def allows(self, scheme: str, host: str) -> bool:
        scheme, host = scheme.lower(), host.lower()
        if scheme in LOCAL_SCHEMES:
            return True
        return (
            scheme in REMOTE_SCHEMES and self.allowed_host is not None and host == self.allowed_host
        )

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl()
        self.seen.append(url.toString())
        if self.allows(url.scheme(), url.host()):
            return
        info.block(True)
        self.blocked.append(url.toString())
