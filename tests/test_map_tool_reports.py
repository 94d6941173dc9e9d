"""What the page's drawing tools report is checked before anything acts on it: bad
numbers, ids and shapes are dropped; good ones become signals (no page needed)."""

from __future__ import annotations

import json
from typing import Any

from desktop_app.state.models import ViewState
from desktop_app.views.map.bridge import MapBridge
from desktop_app.views.map.tools import MapTools


def _tools() -> tuple[MapBridge, MapTools, list[tuple[str, dict[str, Any]]]]:
    bridge = MapBridge()
    sent: list[tuple[str, dict[str, Any]]] = []
    tools = MapTools(bridge, lambda kind, payload: sent.append((kind, payload)), ViewState())
    return bridge, tools, sent


def test_reports_become_signals_and_bad_ones_are_dropped(qtbot: Any) -> None:
    bridge, tools, _sent = _tools()
    areas: list[tuple[list[Any], bool]] = []
    drawn: list[tuple[str, dict[str, Any]]] = []
    moved: list[int] = []
    tools.area_drawn.connect(lambda a, add: areas.append((a, add)))
    tools.drawn.connect(lambda s, g: drawn.append((s, g)))
    tools.moved.connect(lambda i, _g: moved.append(i))
    for bad in (
        "not json",
        "[1, 2]",
        json.dumps({"tool": "draw", "kind": "area", "points": [[1, 2], [3, 4]]}),  # two corners
        json.dumps({"tool": "draw", "kind": "area", "points": [[1, 2], [3, "x"], [5, 6]]}),
        json.dumps({"tool": "draw", "kind": "area", "points": [[1, 2], [3, float("inf")], [5, 6]]}),
        json.dumps({"tool": "draw", "kind": "drawn", "shape": "script", "geometry": {}}),
        json.dumps({"tool": "draw", "kind": "moved", "id": True, "geometry": {}}),
        json.dumps({"tool": "draw", "kind": "context", "lat": "55", "lon": 37, "x": 1, "y": 1}),
    ):
        assert bridge.toolReport(bad) is True
    assert areas == [] and drawn == [] and moved == [] and tools.context is None

    bridge.toolReport(
        json.dumps(
            {"tool": "draw", "kind": "area", "points": [[40, 10], [40, 20], [50, 20]], "add": True}
        )
    )
    assert areas == [([(10.0, 40.0), (20.0, 40.0), (20.0, 50.0)], True)]  # as (lon, lat)
    assert tools.last_area == ((10.0, 40.0), (20.0, 40.0), (20.0, 50.0))
    bridge.toolReport(
        json.dumps({"tool": "draw", "kind": "drawn", "shape": "ring", "geometry": {"lat": 1}})
    )
    assert drawn == [("ring", {"lat": 1})]
    with qtbot.waitSignal(tools.context_requested) as asked:
        bridge.toolReport(
            json.dumps(
                {
                    "tool": "draw",
                    "kind": "context",
                    "lat": 55.7,
                    "lon": 397.6,
                    "x": 10.4,
                    "y": 20,
                    "event": 7,
                    "annotation": None,
                }
            )
        )
    assert asked.args[0].x() == 10 and asked.args[0].y() == 20
    context = tools.context
    assert context is not None and (context.lat, context.event_id) == (55.7, 7)
    assert context.annotation_id is None
    assert abs(context.lon - 37.6) < 1e-9  # the world scrolled round once


def test_annotations_sent_are_the_shown_ones(qtbot: Any) -> None:
    _bridge, tools, sent = _tools()
    state = tools._view_state
    tools.set_annotations([{"id": 1, "kind": "point"}, {"id": 2, "kind": "text"}])
    assert sent[-1] == ("annotations", {"items": [{"id": 1, "kind": "point"},
                                                  {"id": 2, "kind": "text"}]})  # fmt: skip
    state.set_annotations(frozenset({2}))
    assert sent[-1] == ("annotations", {"items": [{"id": 2, "kind": "text"}]})
    tools.show_area([(10.0, 40.0), (20.0, 40.0), (20.0, 50.0)])
    assert sent[-1] == ("area", {"points": [[40.0, 10.0], [40.0, 20.0], [50.0, 20.0]]})
    _b, picture, picture_sent = _tools()
    picture.follow(tools)  # a picture's map: the same annotations and area outline
    assert ("area", sent[-1][1]) in picture_sent
    assert picture.annotations == tools.annotations
