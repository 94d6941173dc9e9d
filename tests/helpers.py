"""Helpers shared by the tests that drive the real map page."""

from __future__ import annotations

import json
from typing import Any


def run_js(qtbot: Any, page: Any, expression: str) -> Any:
    """The value of a JS expression on a QWebEnginePage, through JSON."""
    with qtbot.waitCallback(timeout=10_000) as callback:
        page.runJavaScript(f"JSON.stringify({expression})", 0, callback)
    text = callback.args[0] if callback.args else None
    return None if text in (None, "") else json.loads(text)


def map_at(qtbot: Any, page: Any, target: Any) -> bool:
    """The page's map is centred on ``target`` (a state MapView, to two pixels) at its zoom."""
    where = run_js(
        qtbot,
        page,
        "{c: Sightline.map().getCenter(), z: Sightline.map().getZoom(), s: Sightline.settled()}",
    )
    tolerance = 2 * 360.0 / (256 * 2**target.zoom)
    return (
        bool(where["s"])
        and where["z"] == target.zoom
        and abs(where["c"]["lat"] - target.lat) < tolerance
        and abs(where["c"]["lng"] - target.lon) < tolerance
    )


def click_event(qtbot: Any, page: Any, event_id: int) -> None:
    """A left click, as the page gets it, on the marker of an event."""
    pixel = run_js(qtbot, page, f"Sightline.eventPixel({event_id})")
    x, y = pixel["x"], pixel["y"]
    click = (
        f"(function(){{var t=document.elementFromPoint({x},{y});"
        f"t.dispatchEvent(new MouseEvent('click',{{clientX:{x},"
        f"clientY:{y},bubbles:true,cancelable:true,view:window}}));"
        "return true;})()"
    )
    assert run_js(qtbot, page, click) is True
