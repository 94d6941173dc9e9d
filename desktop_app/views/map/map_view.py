"""MapView: events on an offline Leaflet map, linked to the selection.

The page (folium, local assets, Natural Earth outlines) is loaded once. Afterwards the
widget only exchanges JSON with it through :class:`MapBridge`: the page reports its
viewport, clicks and box selections; Python answers with what to draw for that
viewport, computed by :class:`desktop_app.frame.map_cells.MapIndex`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop_app.frame.area import area_mask
from desktop_app.frame.event_frame import EventFrame
from desktop_app.frame.map_cells import MAX_SELECTED, MapIndex, ViewFeatures, Viewport, in_box
from desktop_app.state.models import MapView as MapPosition
from desktop_app.state.models import SelectionModel, ViewState
from desktop_app.views.map.bridge import MapBridge
from desktop_app.views.map.interceptor import LocalOnlyInterceptor
from desktop_app.views.map.layers import ONLINE, Basemap, MapLayers
from desktop_app.views.map.outside import OutsideCounts, trail_payload
from desktop_app.views.map.page import page_path
from desktop_app.views.map.payload import features_payload
from desktop_app.views.map.places import place_labels
from desktop_app.views.map.prefetch import MadeOf, Prefetch
from desktop_app.views.map.tools import MapTools

FIT_MAX_ZOOM = 6  # fitting to a single place keeps its region in view
FOLLOW_LIMIT = 10_000  # a bigger selection (select all) does not move the map


def _viewport(data: dict[str, Any]) -> Viewport:
    return Viewport(data["south"], data["west"], data["north"], data["east"], data["zoom"])


def unlocated_note(count: int) -> str:
    """The map's note about events it cannot place ("" when there are none)."""
    if count <= 0:
        return ""
    return f"{count:,} event{'s' if count != 1 else ''} ha{'ve' if count != 1 else 's'} no location"


class MapView(QWidget):
    """The map pane.

    Signals:
        ready(): the page has loaded and is listening; calls made earlier were queued.
        drawn(float ms): the page finished drawing an update, ``ms`` as timed in JS.
        location_picked(float lat, float lon): after :meth:`pick_location`, where the
            analyst clicked.
        context_menu_requested(QPoint global_pos): a right-click on the map (the web
            engine's own menu is never shown).
        tool_reported(dict): a report of the page's tools (the pointer, the measure):
            ``features.map_tools`` reads it; :meth:`send_tool` answers.
    """

    ready = Signal()
    drawn = Signal(float)
    location_picked = Signal(float, float)
    context_menu_requested = Signal(QPoint)
    tool_reported = Signal(dict)

    @property
    def web_view(self) -> QWebEngineView:
        """The web view showing the map page (its context menu policy is tested)."""
        return self._web

    def __init__(
        self,
        selection: SelectionModel,
        view_state: ViewState,
        parent: QWidget | None = None,
        online_basemap_url: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._selection = selection
        self._view_state = view_state
        self._frame = EventFrame.empty()
        self._index = MapIndex(self._frame.lat, self._frame.lon)
        self._visible = np.zeros(0, bool)
        self._trail: list[tuple[float, np.ndarray]] = []  # (opacity, events) fading
        self._push_pending = False  # a push waits for the trail of the same step
        self.trail_follows = False  # a playback with a trail: set_trail follows set_visible
        self._viewport: Viewport | None = None
        self._is_ready = False
        self._queued: list[tuple[str, dict[str, Any]]] = []
        self._seq = 0
        self._marker_scale = 1.0  # bigger while presenting (set_presenting)
        self._moves = 0  # map views set from outside (a saved view, the other stage)
        self.dark = False  # the page's dark look (set_dark)
        self._fit_when_ready = False
        self.last_draw_ms: float | None = None
        # what the place labels were made of, and the last aggregation asked for with
        # what it was asked of: an edit hands over a frame patched in place, whose
        # positions (and so both answers) are most often the old ones
        self._labels_of: tuple[np.ndarray, ...] | None = None
        self._last_features: tuple[tuple[object, ...], np.ndarray, ViewFeatures] | None = None
        self._outside_counts = OutsideCounts()  # "N results outside the view"
        # the views one zoom in and out, worked out ahead while the map is idle
        self._next: list[Viewport] = []
        self._planned_for: Viewport | None = None  # the view the views ahead were planned for
        self.prefetch = Prefetch(
            lambda view: self._index.features(self._visible, view, bubble_scale=self._marker_scale),
            self,
        )

        self._web = QWebEngineView(self)
        self._profile = QWebEngineProfile()  # off the record, this pane's alone
        self._interceptor = LocalOnlyInterceptor(None, self._profile)
        self._profile.setUrlRequestInterceptor(self._interceptor)
        self._page = QWebEnginePage(self._profile, self._web)
        # the page's children die after the page itself: the profile must outlive it
        self._profile.setParent(self._page)
        # basemap (tile files, an online URL), heatmap and colour by: views/map/layers.py
        self.layers = MapLayers(
            self._profile, self._interceptor, self._page, self._send, self.redraw,
            self._profile,
        )  # fmt: skip
        if online_basemap_url is not None:
            self.layers.set_basemap(Basemap(ONLINE, online_basemap_url))
        self._web.setPage(self._page)
        # never Chromium's own menu (Back, Reload, View source…): the window offers its
        # own actions where the analyst right-clicks (context_menu_requested)
        self._web.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self._web.customContextMenuRequested.connect(self._on_qt_context_menu)
        self._bridge = MapBridge(self)
        # annotations, the area outline, the drawing tools and the page's right-click
        self.tools = MapTools(self._bridge, self._send, view_state, self)
        self.tools.area_drawn.connect(lambda area, add: self.select_area(area, add))
        self.tools.context_requested.connect(
            lambda pos: self.context_menu_requested.emit(self._web.mapToGlobal(pos))
        )
        self._channel = QWebChannel(self._page)
        self._channel.registerObject("bridge", self._bridge)
        self._page.setWebChannel(self._channel)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._web)

        self._bridge.events.page_ready.connect(self._on_page_ready)
        self._bridge.events.viewport.connect(self._on_viewport)
        self._bridge.events.views_ahead.connect(
            lambda views: self.prefetch.plan([_viewport(v) for v in views], self._made_of, 0)
        )
        self._bridge.events.event_clicked.connect(self._on_event_clicked)
        self._bridge.events.box_selected.connect(self._on_box_selected)
        self._bridge.events.fit_all_requested.connect(self.fit_all)
        self._bridge.events.show_selection_requested.connect(self.zoom_to_selection)
        self._bridge.events.draw_reported.connect(self._on_draw_reported)
        self._bridge.events.location_picked.connect(self.location_picked)
        self._bridge.events.tool_reported.connect(self._on_tool_reported)
        self.tool_states: dict[str, Any] = {}  # each page tool's last state (copy_tools_from)
        selection.changed.connect(self._on_selection_changed)
        view_state.map_changed.connect(self._on_map_changed)

        self._web.load(QUrl.fromLocalFile(str(page_path())))

    # ------------------------------------------------------------------ public
    @property
    def page(self) -> QWebEnginePage:
        return self._page

    @property
    def is_ready(self) -> bool:
        return self._is_ready

    @property
    def blocked_requests(self) -> list[str]:
        """URLs the page tried to fetch from outside and was refused."""
        return list(self._interceptor.blocked)

    def set_frame(self, frame: EventFrame) -> None:
        first = len(self._frame) == 0
        old, self._frame = self._frame, frame
        if frame.lat is not old.lat or frame.lon is not old.lon:  # an edit shares them
            self._index = self._index.updated(frame.lat, frame.lon)  # patched, not rebuilt
        # an edit's patched frame keeps the rows shown (the linker's mask follows): no
        # aggregation of every event in between
        patched = frame.patched_rows(old) is not None
        self._visible = self._visible if patched else np.ones(len(frame), bool)
        self._trail = []
        columns = (frame.location_id, frame.place, frame.lat, frame.lon)
        if self._labels_of is None or any(
            a is not b for a, b in zip(columns, self._labels_of, strict=True)
        ):
            self._labels_of = columns
            self._send("places", {"labels": place_labels(frame)})
        if first and self._view_state.map is None and len(frame):
            self._fit_when_ready = True
        self._push_features()
        if self._fit_when_ready and self._is_ready:
            self._fit_when_ready = False
            self.fit_all()

    def set_visible(self, mask: np.ndarray) -> None:
        mask = np.asarray(mask, bool)
        if mask.shape != (len(self._frame),) or np.array_equal(mask, self._visible):
            return
        self._visible = mask.copy()
        if not (self._trail or self.trail_follows):
            self._push_features()
            return
        # a playback with a trail: its new trail follows in this turn (set_trail), and
        # one push draws both; the push happens at the end of the turn if none comes
        if not self._push_pending:
            self._push_pending = True
            QTimer.singleShot(0, self._push_if_pending)

    def set_trail(self, bands: list[tuple[float, np.ndarray]]) -> None:
        """Events drawn fading under the visible ones, as (opacity, events mask) pairs:
        a playback's trail of the windows just played. ``[]`` removes it."""
        trail = [
            (float(opacity), np.asarray(mask, bool))
            for opacity, mask in bands
            if np.shape(mask) == (len(self._frame),) and np.any(mask)
        ]
        if not trail and not self._trail:
            return
        self._trail = trail
        self._push_features()

    def _push_if_pending(self) -> None:
        if self._push_pending:
            self._push_features()

    def fit_events(self, ids: Any) -> None:
        """Show the located events among ``ids`` (an import's new events)."""
        rows = self._frame.rows_of(ids)
        mask = np.zeros(len(self._frame), bool)
        mask[rows[rows >= 0]] = True
        self._fit(self._index.bounds(mask))

    def fit_all(self) -> None:
        """Show every visible located event."""
        self._fit(self._index.bounds(self._visible))

    def zoom_to_selection(self) -> None:
        """Show the selected events (the visible ones, or all selected if none is)."""
        selected = self._frame.ids_mask(self._selection.ids)
        bounds = self._index.bounds(selected & self._visible) or self._index.bounds(selected)
        self._fit(bounds)

    def fly_to(self, lat: float, lon: float, zoom: float, duration: float = 1.2) -> None:
        """Move the map smoothly (Leaflet flyTo); the view state follows when it lands."""
        self._moves += 1  # a view chosen with its selection: no following it
        self._send("fly", {"lat": lat, "lon": lon, "zoom": zoom, "duration": duration})

    def set_presenting(self, scale: float) -> None:
        """Presentation look: markers ``scale`` times bigger, editing controls hidden
        (1 restores the normal look)."""
        self._marker_scale = scale  # the bubbles' size decides which ones merge
        self._send("present", {"scale": scale})
        self.redraw()

    def set_dark(self, dark: bool) -> None:
        """The page's dark look (a dark basemap and labels) or the light one."""
        self.dark = dark
        self._send("theme", {"dark": dark})

    def set_chrome(self, on: bool) -> None:
        """Show (True) or hide the map's controls, scale and "no location" note: a
        picture of the map (the PNG export) shows the map alone."""
        self._send("chrome", {"on": on})

    def pick_location(self, on: bool = True) -> None:
        """Let the next click on the map report a place (``location_picked``) instead of
        selecting; ``on=False`` cancels."""
        self._send("pick", {"on": on})

    def select_area(self, area: Sequence[tuple[float, float]], add: bool = False) -> int:
        """Select the shown events inside an area ((lon, lat) corners; frame.area's rule:
        even-odd, the outline inside); ``add`` keeps the selection and adds to it.
        Returns how many events the area holds."""
        inside = area_mask(self._frame, area) & self._visible
        ids = set(self._frame.ids[inside].tolist())
        if add:
            ids |= self._selection.ids
        self._selection.set(ids, source=self)
        self._push_selection()
        return int(inside.sum())

    def _on_qt_context_menu(self, pos: QPoint) -> None:
        """Chromium asked for a menu (the page did not take the right-click itself)."""
        self.tools.context = None
        self.context_menu_requested.emit(self._web.mapToGlobal(pos))

    def send_tool(self, kind: str, payload: dict[str, Any]) -> None:
        """A message for the page's tools (``measure``, ``pointer``, ``goto``: see
        ``resources/map/sightline_measure.js`` and ``sightline_pointer.js``)."""
        self._send(kind, payload)

    def copy_tools_from(self, other: MapView) -> None:
        """Show what ``other``'s page tools show (its measure): a picture of that map."""
        for tool, state in other.tool_states.items():
            self._send(tool, {"restore": state})

    def redraw(self) -> bool:
        """Send what to draw again (``drawn`` follows); False when the page cannot draw yet."""
        if not self._is_ready or self._viewport is None:
            return False
        self._push_features()
        return True

    # ------------------------------------------------------------------ to the page
    def _send(self, kind: str, payload: dict[str, Any]) -> None:
        if not self._is_ready:
            self._queued.append((kind, payload))
            return
        self._bridge.send(kind, payload)

    def _fit(self, bounds: tuple[float, float, float, float] | None) -> None:
        if bounds is None:
            return
        south, west, north, east = bounds
        self._send("fit", {"bounds": [[south, west], [north, east]], "maxZoom": FIT_MAX_ZOOM})

    def _push_features(self) -> None:
        self._push_pending = False
        if not self._is_ready or self._viewport is None:
            return
        events = self._features()
        shown = self._visible & self._index.located
        n_shown = int(np.count_nonzero(shown))
        self._seq += 1
        self._bridge.send(
            "features",
            {
                "seq": self._seq,
                "events": {
                    **self._payload(events),
                    "note": unlocated_note(int(np.count_nonzero(self._visible)) - n_shown),
                    **self.layers.payload(
                        self._frame, self._index, self._visible, self._viewport, events
                    ),
                },
                "selected": self._payload(self._selected_features()),
                "trail": self._trail_payload(),
                "outside": self._outside(shown, n_shown),
            },
        )
        if self._viewport != self._planned_for:
            # ahead after a move only: after a filter or an edit it took the GUI thread
            # (~30 ms a view at 1M) from the next change; a zoom can aggregate on demand
            self._planned_for = self._viewport
            self.prefetch.plan(self._next, self._made_of)

    def _features(self) -> ViewFeatures:
        """The visible events' aggregation in the viewport (the last one again when
        nothing it is made of changed: the index, the mask, the view, the scale)."""
        assert self._viewport is not None
        key = (self._index, self._viewport, self._marker_scale)
        last = self._last_features
        if (
            last is not None
            and last[0][0] is key[0]
            and last[0][1:] == key[1:]
            and np.array_equal(last[1], self._visible)
        ):
            return last[2]
        made_of = self._made_of()
        events = self.prefetch.take(self._viewport, made_of)
        if events is None:
            events = self._index.features(
                self._visible, self._viewport, bubble_scale=self._marker_scale
            )
            self.prefetch.keep(self._viewport, made_of, events)
        self._last_features = (key, self._visible.copy(), events)
        return events

    def _made_of(self) -> MadeOf:
        return (self._index, self._visible, self._marker_scale)

    def _outside(
        self, shown: np.ndarray | None = None, n_shown: int | None = None
    ) -> dict[str, int]:
        rows = self._frame.rows_of(self._selection.ids)
        return self._outside_counts.count(
            self._index, self._viewport, self._visible, rows, shown, n_shown
        )

    def _trail_payload(self) -> list[dict[str, Any]]:
        assert self._viewport is not None
        return trail_payload(self._index, self._viewport, self._trail, self._marker_scale)

    def _push_selection(self) -> None:
        if not self._is_ready or self._viewport is None:
            return
        self._seq += 1
        self._bridge.send(
            "selection",
            {
                "seq": self._seq,
                "selected": self._payload(self._selected_features()),
                "outside": self._outside(),
            },
        )

    def _selected_features(self) -> ViewFeatures:
        assert self._viewport is not None
        rows = self._frame.rows_of(self._selection.ids)
        shown = int(np.count_nonzero(self._visible))
        if shown and len(rows) >= shown and int(np.count_nonzero(self._visible[rows])) == shown:
            # every visible event selected (select all): beyond MAX_SELECTED in view the
            # selected cells are the visible ones, aggregated already
            events = self._features()
            if events.in_view > MAX_SELECTED:
                return events
        return self._index.selected(
            rows, self._visible, self._viewport, bubble_scale=self._marker_scale
        )

    def _payload(self, found: ViewFeatures) -> dict[str, list[list[Any]]]:
        return features_payload(self._frame, found)

    # ------------------------------------------------------------------ from the page
    def _on_page_ready(self) -> None:
        self._is_ready = True
        self.tools.page_loaded()
        queued, self._queued = self._queued, []
        position = self._view_state.map
        if position is not None:
            self._bridge.send(
                "view", {"lat": position.lat, "lon": position.lon, "zoom": position.zoom}
            )
        for kind, payload in queued:
            self._bridge.send(kind, payload)
        if self._fit_when_ready:
            self._fit_when_ready = False
            self.fit_all()
        self.ready.emit()

    def _on_viewport(self, data: dict[str, Any]) -> None:
        self._viewport = _viewport(data)
        self._next = [_viewport(v) for v in data.get("next", [])]
        self._view_state.set_map(MapPosition(data["lat"], data["lon"], data["zoom"]), source=self)
        self._push_features()

    def _on_event_clicked(self, event_id: int) -> None:
        if self._frame.row_of(event_id) is None:
            return
        self._selection.set([event_id], source=self)
        self._push_selection()

    def _on_box_selected(self, box: dict[str, float]) -> None:
        rows = self._index.rows_in_box(
            self._visible, box["south"], box["west"], box["north"], box["east"]
        )
        if len(rows):
            self._selection.set(self._frame.ids[rows].tolist(), source=self)
        else:
            self._selection.clear(source=self)
        self._push_selection()

    def _on_tool_reported(self, data: dict[str, Any]) -> None:
        if isinstance(data.get("restore"), dict):
            self.tool_states[str(data["tool"])] = data["restore"]
        self.tool_reported.emit(data)

    def _on_draw_reported(self, data: dict[str, Any]) -> None:
        ms = data.get("ms")
        if isinstance(ms, int | float):
            self.last_draw_ms = float(ms)
            self.drawn.emit(float(ms))

    # ------------------------------------------------------------------ from the state
    def _on_selection_changed(self, source: object) -> None:
        if source is not self:
            self._push_selection()
            # made elsewhere (the table, a search): the map goes to it when none of it
            # is in view, unless the same turn also sets the map's view (a saved view)
            seen = self._moves
            QTimer.singleShot(0, lambda: self._follow_selection(seen))

    def _follow_selection(self, moves_then: int) -> None:
        ids = self._selection.ids
        if self._moves != moves_then or not ids or len(ids) > FOLLOW_LIMIT:
            return
        rows = self._frame.rows_of(ids)
        rows = rows[(rows >= 0) & self._index.located[rows] & self._visible[rows]]
        view = self._viewport
        if len(rows) == 0 or view is None:
            return
        lat, lon = self._index.lat[rows], self._index.lon[rows]
        if not in_box(lat, lon, view.south, view.west, view.north, view.east).any():
            self.zoom_to_selection()

    def _on_map_changed(self, source: object) -> None:
        position = self._view_state.map
        if source is not self:
            self._moves += 1
        if source is self or position is None:
            return
        self._send("view", {"lat": position.lat, "lon": position.lon, "zoom": position.zoom})
