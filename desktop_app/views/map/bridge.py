"""The one object the map page sees: JSON strings in both directions, nothing else."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

NEXT_KEYS = ("south", "west", "north", "east", "zoom")  # a view one zoom in or out


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _views(value: object) -> list[dict[str, float]]:
    """The well-formed views (south, west, north, east, zoom) of a list; others dropped."""
    return [
        {k: float(v[k]) for k in NEXT_KEYS}
        for v in (value if isinstance(value, list) else [])
        if isinstance(v, dict) and all(_number(v.get(k)) for k in NEXT_KEYS)
    ]


def _parse(payload: str) -> dict[str, Any]:
    try:
        value = json.loads(payload)
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


class BridgeEvents(QObject):
    """What the page reported, as Python signals (kept off the channel: QWebChannel
    forwards every signal of a published object to JS, and these carry Python objects).

    Signals:
        page_ready(): the page has loaded and connected to the channel.
        viewport(dict): the page's bounds and zoom changed (debounced in JS); ``next``
            lists the views one zoom in and out about the same centre (south, west,
            north, east, zoom), which the map works out ahead while idle.
        views_ahead(list): views the page is about to show (an animated zoom's end),
            as dicts like ``next``'s.
        event_clicked(object event_id): an event marker was clicked.
        box_selected(dict): a box was drawn (south, west, north, east).
        fit_all_requested(): the page's "fit all" button was pressed.
        show_selection_requested(): the page's "show them" (selected events out of view).
        draw_reported(dict): the page finished drawing a message (kind, ms, seq).
        location_picked(float lat, float lon): in pick mode, the map was clicked there.
        tool_reported(dict): a page tool's report (``tool`` names it: "pointer" with
            lat/lon, "measure" with on).
    """

    page_ready = Signal()
    viewport = Signal(dict)
    views_ahead = Signal(list)
    event_clicked = Signal(object)
    box_selected = Signal(dict)
    fit_all_requested = Signal()
    show_selection_requested = Signal()
    draw_reported = Signal(dict)
    location_picked = Signal(float, float)
    tool_reported = Signal(dict)


class MapBridge(QObject):
    """Registered on the page's QWebChannel as ``bridge``; it holds no widget.

    Slots take JSON strings (parsed and checked here) and return True to the page.

    Signals:
        message(str json): Python -> page (features, selection, fit, view).
    """

    message = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.events = BridgeEvents(self)

    def send(self, kind: str, payload: dict[str, Any]) -> None:
        self.message.emit(json.dumps({"kind": kind, **payload}, separators=(",", ":")))

    @Slot(result=bool)
    def pageReady(self) -> bool:
        self.events.page_ready.emit()
        return True

    @Slot(str, result=bool)
    def viewportChanged(self, payload: str) -> bool:
        data = _parse(payload)
        keys = ("south", "west", "north", "east", "zoom", "lat", "lon")
        if all(_number(data.get(k)) for k in keys):
            report: dict[str, Any] = {k: float(data[k]) for k in keys}
            report["next"] = _views(data.get("next"))
            self.events.viewport.emit(report)
        return True

    @Slot(str, result=bool)
    def viewsAhead(self, payload: str) -> bool:
        try:
            views = json.loads(payload)
        except (TypeError, ValueError):
            views = None
        self.events.views_ahead.emit(_views(views))
        return True

    @Slot(str, result=bool)
    def eventClicked(self, payload: str) -> bool:
        event_id = _parse(payload).get("id")
        if isinstance(event_id, int) and not isinstance(event_id, bool):
            self.events.event_clicked.emit(event_id)
        return True

    @Slot(str, result=bool)
    def boxSelected(self, payload: str) -> bool:
        data = _parse(payload)
        keys = ("south", "west", "north", "east")
        if all(isinstance(data.get(k), int | float) for k in keys):
            self.events.box_selected.emit({k: float(data[k]) for k in keys})
        return True

    @Slot(result=bool)
    def fitAllRequested(self) -> bool:
        self.events.fit_all_requested.emit()
        return True

    @Slot(result=bool)
    def showSelectionRequested(self) -> bool:
        self.events.show_selection_requested.emit()
        return True

    @Slot(str, result=bool)
    def drawn(self, payload: str) -> bool:
        self.events.draw_reported.emit(_parse(payload))
        return True

    @Slot(str, result=bool)
    def locationPicked(self, payload: str) -> bool:
        data = _parse(payload)
        lat, lon = data.get("lat"), data.get("lon")
        if (
            isinstance(lat, int | float)
            and isinstance(lon, int | float)
            and not isinstance(lat, bool)
            and not isinstance(lon, bool)
        ):
            # Leaflet reports longitudes beyond ±180 when the world is scrolled round
            self.events.location_picked.emit(float(lat), (float(lon) + 180.0) % 360.0 - 180.0)
        return True

    @Slot(str, result=bool)
    def toolReport(self, payload: str) -> bool:
        data = _parse(payload)
        if isinstance(data.get("tool"), str):
            self.events.tool_reported.emit(data)
        return True
