"""The map's layers beyond the events: the basemap, the heatmap and "colour by".

:class:`MapLayers` belongs to one :class:`~desktop_app.views.map.MapView`. It serves
the chosen tile file to that map's page (its own ``sightline-tiles:`` handler on the
map's own profile), lets exactly the chosen online host through the request
interceptor, and adds the heat squares and the colour slots to what the map draws for
each viewport (``frame/map_overlays.py`` computes them).
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from PySide6.QtCore import QByteArray, QObject, Signal
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineSettings

from desktop_app.frame.event_frame import EventFrame
from desktop_app.frame.map_cells import MapIndex, ViewFeatures, Viewport
from desktop_app.frame.map_overlays import (
    OTHER_COLOUR,
    PALETTE,
    Colouring,
    bubble_mix,
    colouring,
    dominant,
    heat_points,
)
from desktop_app.views.map.interceptor import LocalOnlyInterceptor
from desktop_app.views.map.tiles import (
    TILE_SCHEME,
    BasemapError,
    TileInfo,
    TileSchemeHandler,
    open_tile_file,
)

OUTLINES, FILE, ONLINE = "outlines", "file", "online"
COLOUR_FACETS = {
    "category": "Category",
    "actor": "Actor",
    "country": "Country",
    "source": "Source",
    "tag": "Tag",
    "reliability": "Source reliability",
    "credibility": "Credibility",
    "precision": "Date precision",
}
_tokens = count(1)


@dataclass(frozen=True)
class Basemap:
    """A basemap choice: the shipped outlines, a tile file (``location`` its path) or an
    online XYZ URL template (``location``, with {z}, {x} and {y})."""

    kind: str = OUTLINES
    location: str = ""

    def to_json(self) -> str:
        return json.dumps({"kind": self.kind, "location": self.location})

    @classmethod
    def from_json(cls, text: str) -> Basemap:
        try:
            data = json.loads(text)
        except (TypeError, ValueError):
            return cls()
        if not isinstance(data, dict) or data.get("kind") not in (OUTLINES, FILE, ONLINE):
            return cls()
        return cls(str(data["kind"]), str(data.get("location", "")))

    @property
    def label(self) -> str:
        if self.kind == FILE:
            return Path(self.location).name
        if self.kind == ONLINE:
            return f"online: {urlsplit(self.location).hostname}"
        return "country outlines"


def online_host(url: str) -> str:
    """The host of an online tile URL template; :class:`BasemapError` if it is not one."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BasemapError("an online basemap is an http:// or https:// address")
    if any(key not in url for key in ("{z}", "{x}", "{y}")):
        raise BasemapError("the address needs {z}, {x} and {y} where the tile numbers go")
    if "{s}" in url:
        raise BasemapError("name one server rather than {s}: only that host is let through")
    return parts.hostname.lower()


def _members_mix(colour: Colouring, found: ViewFeatures) -> np.ndarray:
    """Each cluster bubble's events per slot (bubbles x slots), from its members (a
    point view's bubbles are all of several events: none is drawn as a point)."""
    n_bubbles, n_slots = len(found.cells.count), len(colour.legend) + 1
    members = found.members
    key = members.bubble * n_slots + colour.slots[members.rows]
    mix = np.bincount(key, minlength=n_bubbles * n_slots)
    return mix.reshape(n_bubbles, n_slots).astype(np.int64)


class MapLayers(QObject):
    """Signals:
    changed(): the basemap, the heatmap or the colouring changed.
    """

    changed = Signal()

    def __init__(
        self,
        profile: QWebEngineProfile,
        interceptor: LocalOnlyInterceptor,
        page: QWebEnginePage,
        send: Callable[[str, dict[str, Any]], None],
        redraw: Callable[[], object],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.interceptor = interceptor
        self._page = page  # its settings() asked each time: no wrapper of them is kept
        self._send, self._redraw = send, redraw
        self.handler = TileSchemeHandler(self)
        profile.installUrlSchemeHandler(QByteArray(TILE_SCHEME.encode()), self.handler)
        self.basemap = Basemap()
        self.tile_info: TileInfo | None = None
        self.heat = False
        self.colour_facet: str | None = None
        self.legend: list[tuple[str, int]] = []
        self._token = ""
        self._colouring: tuple[EventFrame, np.ndarray, Colouring] | None = None

    # ------------------------------------------------------------------ choices
    def set_basemap(self, basemap: Basemap) -> None:
        """Show ``basemap``; a file or URL that cannot be used raises :class:`BasemapError`
        and leaves the map as it was."""
        message: dict[str, Any] = {"mode": OUTLINES, "labels": True}
        host: str | None = None
        token, info = "", None
        if basemap.kind == FILE:
            source = open_tile_file(basemap.location)
            info = source.info
            token = f"t{next(_tokens)}"  # a new address each time: no stale tiles shown
            self.handler.add(token, source)
            message = {
                "mode": "tiles",
                "url": f"{TILE_SCHEME}:{token}/{{z}}/{{x}}/{{y}}",
                "minNativeZoom": info.min_zoom,
                "maxNativeZoom": info.max_zoom,
                "bounds": list(info.bounds) if info.bounds else None,
                "attribution": html.escape(info.attribution or info.name),
                "labels": True,
            }
            if info.vector:  # drawn on the page by the style that fits its schema
                message.update(mode="vector", schema=info.schema, layers=list(info.layers))
        elif basemap.kind == ONLINE:
            host = online_host(basemap.location)
            message = {
                "mode": "tiles",
                "url": basemap.location.strip(),
                "minNativeZoom": 0,
                "maxNativeZoom": 19,
                "bounds": None,
                "attribution": html.escape(f"{host} (online, opted in)"),
                "labels": False,  # online maps carry their own names
            }
        if self._token:
            self.handler.drop(self._token)
        self._token, self.tile_info, self.basemap = token, info, basemap
        self.interceptor.allowed_host = host
        self._page.settings().setAttribute(
            QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, host is not None
        )
        self._send("basemap", message)
        self.changed.emit()

    def set_heat(self, on: bool) -> None:
        if on != self.heat:
            self.heat = on
            self._redraw()
            self.changed.emit()

    def set_colour(self, facet: str | None) -> None:
        if facet is not None and facet not in COLOUR_FACETS:
            raise ValueError(f"no facet {facet!r}")
        if facet != self.colour_facet:
            self.colour_facet = facet
            self._colouring = None
            if facet is None:
                self.legend = []
            self._redraw()
            self.changed.emit()

    def copy_from(self, other: MapLayers) -> None:
        """The same basemap, heatmap and colouring as another map (a picture of it)."""
        if other.basemap != self.basemap:
            with suppress(BasemapError):  # the file went away since: the outlines, as before
                self.set_basemap(other.basemap)
        self.set_heat(other.heat)
        self.set_colour(other.colour_facet)

    def close(self) -> None:
        self.handler.close()

    # ------------------------------------------------------------------ drawing
    def payload(
        self,
        frame: EventFrame,
        index: MapIndex,
        visible: np.ndarray,
        view: Viewport,
        found: ViewFeatures,
    ) -> dict[str, Any]:
        """The heat squares and colour slots to draw with the events of ``found``."""
        extra: dict[str, Any] = {"heat": None, "colour": None}
        if self.heat:
            extra["heat"] = heat_points(index, visible, view)
        if self.colour_facet is None or len(frame) == 0:
            return extra
        colour = self._colour(frame, index, visible)
        cells = found.cells
        lone = cells.single_row >= 0
        rows = np.concatenate([found.points.rows, cells.single_row[lone]])
        many = ~lone
        if found.clustered:  # bubbles of clustered points: their own events, exactly
            mix = _members_mix(colour, found)
        else:
            mix = bubble_mix(colour, index, visible, view, cells.lat[many], cells.lon[many])
        extra["colour"] = {
            "facet": COLOUR_FACETS[self.colour_facet],
            "points": colour.slots[rows].tolist(),
            "cells": dominant(colour, mix),
            "mix": mix.tolist(),
            "legend": [[value, n] for value, n in colour.legend],
            "other": colour.other_slot,
            "palette": [*PALETTE, OTHER_COLOUR],
        }
        return extra

    def _colour(self, frame: EventFrame, index: MapIndex, visible: np.ndarray) -> Colouring:
        cached = self._colouring
        if cached is not None and cached[0] is frame and cached[1] is visible:
            return cached[2]
        assert self.colour_facet is not None
        colour = colouring(frame, self.colour_facet, visible & index.located)
        self._colouring = (frame, visible, colour)
        self.legend = colour.legend
        return colour
