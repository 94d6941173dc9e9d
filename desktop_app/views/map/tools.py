"""The map's drawing tools on the Python side: annotations to draw, the area outline,
what the page's tools and right-clicks report (sightline_draw.js), checked here.

Reports from the page are plain JSON; anything malformed is dropped, never trusted:
coordinates must be finite numbers, ids integers. Areas come from the page as
[lat, lon] corners and leave here as (lon, lat) pairs, as ``frame.area`` takes them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QPoint, Signal

from desktop_app.state.models import ViewState
from desktop_app.views.map.bridge import MapBridge

Send = Callable[[str, dict[str, Any]], None]
SHAPES = ("point", "line", "polygon", "text", "ring")
TOOLS = (*SHAPES, "select", "lasso")


@dataclass(frozen=True)
class MapContext:
    """Where the analyst right-clicked: the place, and the event or annotation there."""

    lat: float
    lon: float
    event_id: int | None = None
    annotation_id: int | None = None


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(float(value)) else None


def _id(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def wrap_lon(lon: float) -> float:
    """Leaflet reports longitudes beyond ±180 when the world is scrolled round."""
    return (lon + 180.0) % 360.0 - 180.0


def corners(points: object) -> list[tuple[float, float]] | None:
    """[[lat, lon], ...] from the page as (lon, lat) pairs, or None when malformed."""
    if not isinstance(points, list) or len(points) < 2:
        return None
    out = []
    for p in points:
        if not isinstance(p, list) or len(p) != 2:
            return None
        lat, lon = _number(p[0]), _number(p[1])
        if lat is None or lon is None:
            return None
        out.append((lon, lat))
    return out


class MapTools(QObject):
    """Annotations on the page, the area outline, and the tools' reports.

    Signals:
        drawn(str shape, dict geometry): a shape was drawn with an annotation tool.
        area_drawn(list corners, bool add): a selection area was drawn ((lon, lat)
            corners); ``add``: shift was held, add to the selection.
        moved(int annotation_id, dict geometry): an annotation's handle was dragged.
        context_requested(QPoint): a right-click on the page, at these page pixels
            (``context`` says where and on what).
        annotations_changed(): the annotations to draw changed.
        tool_changed(str): the page's drawing tool changed ("" when none is on now):
            a menu's check marks follow ``active_tool``.
    """

    drawn = Signal(str, dict)
    area_drawn = Signal(list, bool)
    moved = Signal(int, dict)
    context_requested = Signal(QPoint)
    annotations_changed = Signal()
    tool_changed = Signal(str)

    def __init__(
        self, bridge: MapBridge, send: Send, view_state: ViewState, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._send = send
        self._view_state = view_state
        self._items: list[dict[str, Any]] = []
        self.context: MapContext | None = None  # the last right-click
        self.last_area: tuple[tuple[float, float], ...] | None = None  # (lon, lat)
        self.area: tuple[tuple[float, float], ...] | None = None  # the area outlined
        self.active_tool: str | None = None  # the drawing tool on in the page (its report)
        bridge.events.tool_reported.connect(self._on_report)
        view_state.annotations_changed.connect(lambda _s: self._push())

    # ------------------------------------------------------------------ to the page
    @property
    def annotations(self) -> list[dict[str, Any]]:
        """Every annotation of the project (the page draws the shown ones)."""
        return list(self._items)

    def set_annotations(self, items: Sequence[dict[str, Any]]) -> None:
        self._items = [dict(i) for i in items]
        self._push()
        self.annotations_changed.emit()

    def follow(self, other: MapTools) -> None:
        """Draw the annotations ``other`` draws, now and as they change, and the area
        it outlines now (a picture's or the presentation's map follows the window's)."""
        other.annotations_changed.connect(lambda: self.set_annotations(other.annotations))
        self.set_annotations(other.annotations)
        if other.area is not None:  # and the area outlined there (the area filter's)
            self.show_area(other.area)

    def shown(self) -> list[dict[str, Any]]:
        ids = self._view_state.annotations
        return [i for i in self._items if ids is None or i["id"] in ids]

    def _push(self) -> None:
        self._send("annotations", {"items": self.shown()})

    def show_area(self, area: Sequence[tuple[float, float]] | None) -> None:
        """Outline this area ((lon, lat) corners), or none."""
        self.area = tuple(area) if area else None
        points = None if not area else [[lat, lon] for lon, lat in area]
        self._send("area", {"points": points})

    def edit(self, annotation_id: int | None) -> None:
        """Show draggable handles on one annotation (None: on none)."""
        self._send("edit_annotation", {"id": annotation_id})

    def set_tool(self, name: str | None) -> None:
        if name is not None and name not in TOOLS:
            raise ValueError(f"no map tool {name!r}")
        self._send("draw_tool", {"name": name})

    def page_loaded(self) -> None:
        """A page (re)loaded has no tool on: a check mark left from the page before
        would say otherwise."""
        if self.active_tool is not None:
            self.active_tool = None
            self.tool_changed.emit("")

    # ------------------------------------------------------------------ from the page
    def _on_report(self, data: dict[str, Any]) -> None:
        if data.get("tool") != "draw":  # another tool's (the pointer, measure)
            return
        kind = data.get("kind")
        if kind == "tool":
            name = data.get("name")
            tool = name if isinstance(name, str) and name in TOOLS else None
            if name is None or tool is not None:
                self.active_tool = tool
                self.tool_changed.emit(tool or "")
        elif kind == "context":
            lat, lon = _number(data.get("lat")), _number(data.get("lon"))
            x, y = _number(data.get("x")), _number(data.get("y"))
            if lat is None or lon is None or x is None or y is None:
                return
            self.context = MapContext(
                max(-90.0, min(90.0, lat)),
                wrap_lon(lon),
                _id(data.get("event")),
                _id(data.get("annotation")),
            )
            self.context_requested.emit(QPoint(round(x), round(y)))
        elif kind == "drawn":
            shape, geometry = data.get("shape"), data.get("geometry")
            if shape in SHAPES and isinstance(geometry, dict):
                self.drawn.emit(str(shape), geometry)
        elif kind == "area":
            area = corners(data.get("points"))
            if area is not None and len(area) >= 3:
                self.last_area = tuple(area)
                self.area_drawn.emit(area, bool(data.get("add")))
        elif kind == "moved":
            annotation_id, geometry = _id(data.get("id")), data.get("geometry")
            if annotation_id is not None and isinstance(geometry, dict):
                self.moved.emit(annotation_id, geometry)
