"""The map pane with the real QtWebEngine page: loading, bridge, selection, safety."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from helpers import run_js

# QtWebEngine must be imported before the QApplication exists
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401

from desktop_app.frame.event_frame import EventFrame
from desktop_app.ingest.pipeline import import_file
from desktop_app.ingest.sample import load_sample
from desktop_app.state.models import SelectionModel, ViewState
from desktop_app.store.project import Project
from desktop_app.views.map import MapView
from desktop_app.views.map.map_view import FIT_MAX_ZOOM
from desktop_app.views.map.page import build_html, page_path

LOAD_MS = 30_000
REMOTE = re.compile(r"(?i)\b(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}")


@pytest.fixture()
def make_map(qtbot: Any) -> Iterator[Callable[..., tuple[MapView, SelectionModel, ViewState]]]:
    """A shown MapView whose page has loaded and reported ready."""

    made: list[tuple[MapView, SelectionModel, ViewState]] = []

    def make(frame: EventFrame | None = None) -> tuple[MapView, SelectionModel, ViewState]:
        selection, view_state = SelectionModel(), ViewState()
        view = MapView(selection, view_state)
        made.append((view, selection, view_state))
        view.resize(900, 600)
        view.show()
        with qtbot.waitSignal(view.ready, timeout=LOAD_MS):
            pass
        if frame is not None:
            with qtbot.waitSignal(view.drawn, timeout=LOAD_MS):
                view.set_frame(frame)
            # set_frame fits the map to the data; wait until that view is drawn too
            qtbot.waitUntil(
                lambda: _js(qtbot, view, "Sightline.counts().events") == int(frame.located.sum()),
                timeout=LOAD_MS,
            )
            # and until the fit has stopped moving: a pixel read mid-animation is stale by
            # the time it is clicked (the flaky marker click under load)
            qtbot.waitUntil(
                lambda: _js(qtbot, view, "Sightline.settled()") is True, timeout=LOAD_MS
            )
        return view, selection, view_state

    yield make
    for view, _, _ in made:  # the views go before the state they listen to
        view.close()
        shiboken6.delete(view)


def _js(qtbot: Any, view: MapView, expression: str) -> Any:
    return run_js(qtbot, view.page, expression)


def _pixel(qtbot: Any, view: MapView, event_id: int) -> dict[str, float]:
    pixel = _js(qtbot, view, f"Sightline.eventPixel({json.dumps(event_id)})")
    assert pixel is not None, f"event {event_id} is not drawn"
    return pixel  # type: ignore[no-any-return]


def _mouse(
    qtbot: Any,
    view: MapView,
    kind: str,
    x: float,
    y: float,
    shift: bool = False,
    target: str = "document.elementFromPoint(x, y)",
) -> None:
    script = (
        f"(function(){{var x={x}, y={y}; var t={target};"
        f"t.dispatchEvent(new MouseEvent({json.dumps(kind)}, {{clientX: x, clientY: y,"
        f" bubbles: true, cancelable: true, button: 0, buttons: 1,"
        f" shiftKey: {json.dumps(shift)}, view: window}})); return true;}})()"
    )
    assert _js(qtbot, view, script) is True


@pytest.fixture()
def sample_frame(project: Project) -> EventFrame:
    load_sample(project)
    return EventFrame.load(project)


def _id_at(frame: EventFrame, place: str) -> int:
    rows = [i for i, p in enumerate(frame.place) if p == place]
    assert rows, place
    return int(frame.ids[rows[0]])


# ---------------------------------------------------------------------- the page itself
def test_page_html_names_no_remote_url() -> None:
    html = build_html()
    assert not REMOTE.findall(html), REMOTE.findall(html)
    assert "leaflet/leaflet.js" in html and "qrc:///qtwebchannel/qwebchannel.js" in html
    folder = page_path().parent
    for name in ("leaflet/leaflet.js", "leaflet/leaflet.css", "sightline_map.js", "basemap.js"):
        assert (folder / name).is_file(), name
    # an online basemap appears only when the analyst opted in, and only that one
    opted = build_html("https://tiles.example.org/{z}/{x}/{y}.png")
    assert REMOTE.findall(opted) == ["https://tiles.example.org"]


def test_loads_data_without_any_remote_request(
    make_map: Any, qtbot: Any, sample_frame: EventFrame
) -> None:
    view, _, view_state = make_map(sample_frame)
    counts = _js(qtbot, view, "Sightline.counts()")
    assert counts["events"] == int(sample_frame.located.sum())
    assert view.blocked_requests == []
    assert view.last_draw_ms is not None and view.last_draw_ms >= 0
    assert view_state.map is not None  # the page reported where it looks


def test_unlocated_events_are_counted_in_a_note(
    make_map: Any, qtbot: Any, sample_frame: EventFrame
) -> None:
    view, _, _ = make_map(sample_frame)
    assert (~sample_frame.located).sum() == 1
    assert _js(qtbot, view, "Sightline.counts().note") == "1 event has no location"
    with qtbot.waitSignal(view.drawn, timeout=LOAD_MS):
        view.set_visible(sample_frame.located.copy())
    assert _js(qtbot, view, "Sightline.counts().note") == ""


def test_click_on_a_marker_selects_its_event(
    make_map: Any, qtbot: Any, sample_frame: EventFrame
) -> None:
    view, selection, _ = make_map(sample_frame)
    manila = _id_at(sample_frame, "Manila")
    pixel = _pixel(qtbot, view, manila)
    with qtbot.waitSignal(selection.changed, timeout=LOAD_MS):
        _mouse(qtbot, view, "click", pixel["x"], pixel["y"])
    assert selection.ids == {manila} and selection.active == manila
    # the map highlights its own click too
    qtbot.waitUntil(
        lambda: _js(qtbot, view, "Sightline.counts().selectedIds") == [manila], timeout=LOAD_MS
    )


def test_selection_made_elsewhere_is_highlighted(
    make_map: Any, qtbot: Any, sample_frame: EventFrame
) -> None:
    view, selection, _ = make_map(sample_frame)
    beijing = _id_at(sample_frame, "Beijing")
    with qtbot.waitSignal(view.drawn, timeout=LOAD_MS):
        selection.set([beijing], source="table")
    assert _js(qtbot, view, "Sightline.counts().selectedIds") == [beijing]
    with qtbot.waitSignal(view.drawn, timeout=LOAD_MS):
        selection.clear(source="table")
    assert _js(qtbot, view, "Sightline.counts().selected") == 0


def test_shift_drag_selects_the_events_in_the_box(
    make_map: Any, qtbot: Any, sample_frame: EventFrame
) -> None:
    view, selection, _ = make_map(sample_frame)
    taipei, manila = _id_at(sample_frame, "Taipei"), _id_at(sample_frame, "Manila")
    a, b = _pixel(qtbot, view, taipei), _pixel(qtbot, view, manila)
    x0, y0 = min(a["x"], b["x"]) - 12, min(a["y"], b["y"]) - 12
    x1, y1 = max(a["x"], b["x"]) + 12, max(a["y"], b["y"]) + 12
    container = "Sightline.map().getContainer()"
    _mouse(qtbot, view, "mousedown", x0, y0, shift=True, target=container)
    _mouse(qtbot, view, "mousemove", x1, y1, shift=True, target="document")
    with qtbot.waitSignal(selection.changed, timeout=LOAD_MS):
        _mouse(qtbot, view, "mouseup", x1, y1, shift=True, target="document")
    expected = {
        int(i)
        for i, p in zip(sample_frame.ids, sample_frame.place, strict=True)
        if p in ("Taipei", "Manila")
    }
    assert selection.ids == expected and {taipei, manila} <= expected
    qtbot.waitUntil(
        lambda: sorted(_js(qtbot, view, "Sightline.counts().selectedIds")) == sorted(expected),
        timeout=LOAD_MS,
    )
    # the map did not zoom: Leaflet's own shift-drag box zoom is off
    assert _js(qtbot, view, "Sightline.map().boxZoom.enabled()") is False


def test_zoom_to_selection_and_fit_all(make_map: Any, qtbot: Any, sample_frame: EventFrame) -> None:
    view, selection, view_state = make_map(sample_frame)
    selection.set([_id_at(sample_frame, "London")], source="table")
    view.zoom_to_selection()
    # one place: the map centres on it at the regional zoom FIT_MAX_ZOOM, not closer
    qtbot.waitUntil(
        lambda: (
            view_state.map is not None
            and view_state.map.zoom == FIT_MAX_ZOOM
            and abs(view_state.map.lat - 51.5) < 1
        ),
        timeout=LOAD_MS,
    )
    view.fit_all()
    qtbot.waitUntil(
        lambda: view_state.map is not None and view_state.map.zoom < FIT_MAX_ZOOM - 1,
        timeout=LOAD_MS,
    )


def test_event_text_is_never_run_or_fetched(
    make_map: Any, qtbot: Any, project: Project, data_dir: Path
) -> None:
    # the sample's places come first: EventFrame.load trips over a location table whose
    # country column is entirely empty (a pandas fillna warning), which is not this test's
    load_sample(project)
    sample_ids = set(EventFrame.load(project).ids.tolist())
    result = import_file(project, data_dir / "script_injection.csv")
    assert result.imported == 5
    frame = EventFrame.load(project)
    view, _, _ = make_map(frame)
    hostile = [
        (int(i), str(t))
        for i, t in zip(frame.ids, frame.title, strict=True)
        if int(i) not in sample_ids
    ]
    assert len(hostile) == 5
    # the sample has events at the same places: show only the hostile ones
    with qtbot.waitSignal(view.drawn, timeout=LOAD_MS):
        view.set_visible(frame.ids_mask([i for i, _ in hostile]))

    def hover_shows(event_id: int, title: str) -> bool:
        # Leaflet handles at most one hover per 32 ms: move again until it is seen
        pixel = _pixel(qtbot, view, event_id)
        _mouse(qtbot, view, "mousemove", pixel["x"], pixel["y"])
        return bool(_js(qtbot, view, "Sightline.counts().tooltip") == title)

    for event_id, title in hostile:
        # the tooltip shows the title as text, exactly as written
        qtbot.waitUntil(lambda e=event_id, t=title: hover_shows(e, t), timeout=LOAD_MS)
        assert (
            _js(
                qtbot,
                view,
                "document.querySelectorAll('.sl-tip img, .sl-tip script,"
                " .sl-tip a, .sl-tip b').length",
            )
            == 0
        )
        pixel = _pixel(qtbot, view, event_id)
        _mouse(qtbot, view, "click", pixel["x"], pixel["y"])
    assert _js(qtbot, view, "typeof window.__canary") == "undefined"
    assert view.blocked_requests == []
