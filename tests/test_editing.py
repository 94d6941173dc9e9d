"""Editing in the real window: forms, undo/redo, picking a place on the real map page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from helpers import run_js

# QtWebEngine must be imported before the QApplication exists
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401

from desktop_app.domain.dates import Precision, parse_date, span_end_seconds, to_seconds
from desktop_app.features.editing.editing import Editing
from desktop_app.store import editing as store
from desktop_app.store.project import Project
from desktop_app.views.table.model import Column

WAIT = 30_000
SHOTS = Path(__file__).parent.parent / "build" / "editing-shots"


def _editing(qtbot: Any, window: Any) -> Editing:
    """The window's editing; returns once the map page has the size the toolbar leaves
    it and is still."""
    editing = window.features["editing"]
    assert isinstance(editing, Editing)
    qtbot.waitUntil(
        lambda: (
            _js(qtbot, window, "[innerWidth, innerHeight]")
            == [window.map.width(), window.map.height()]
            and _js(qtbot, window, "Sightline.settled()")
        ),
        timeout=WAIT,
    )
    return editing


def _id_at(window: Any, place: str) -> int:
    frame = window.workbench.linker.frame
    return int(next(i for i, p in zip(frame.ids, frame.place, strict=True) if p == place))


def _place_id(project: Project, name: str) -> int:
    return next(i for i, n, _ in store.list_locations(project) if n == name)


def _js(qtbot: Any, window: Any, expression: str) -> Any:
    return run_js(qtbot, window.map.page, expression)


def _mouse(qtbot: Any, window: Any, kind: str, x: float, y: float) -> None:
    script = (
        f"(function(){{var x={x}, y={y}; var t=document.elementFromPoint(x, y);"
        f"t.dispatchEvent(new MouseEvent({json.dumps(kind)}, {{clientX: x, clientY: y,"
        f" bubbles: true, cancelable: true, button: 0, buttons: 1, view: window}}));"
        f" return true;}})()"
    )
    assert _js(qtbot, window, script) is True


def _table_title(window: Any, event_id: int) -> str:
    model = window.table.model
    rows = model.display_rows_of([event_id])
    assert len(rows) == 1
    return str(model.data(model.index(int(rows[0]), Column.TITLE)))


def _table_precision(window: Any, event_id: int) -> str:
    model = window.table.model
    row = int(model.display_rows_of([event_id])[0])
    return str(model.data(model.index(row, Column.PRECISION)))


def _timeline_span(window: Any, event_id: int) -> tuple[int, int]:
    index = window.timeline.canvas.index
    row = window.workbench.linker.frame.row_of(event_id)
    at = int(np.searchsorted(index.rows, row))
    assert index.rows[at] == row
    return int(index.start[at]), int(index.end[at])


def _map_drew(qtbot: Any, window: Any) -> None:
    """Wait until the map shows every located visible event of the current frame."""
    located = int((window.workbench.linker.frame.located & window.workbench.linker.visible).sum())
    qtbot.waitUntil(
        lambda: (
            _js(qtbot, window, "Sightline.counts().events") == located
            and _js(qtbot, window, "Sightline.settled()")
        ),
        timeout=WAIT,
    )


def _hover_title(qtbot: Any, window: Any, event_id: int) -> str | None:
    pixel = _js(qtbot, window, f"Sightline.eventPixel({event_id})")
    if pixel is None:
        return None
    inside = _js(qtbot, window, f"{pixel['x']} < innerWidth && {pixel['y']} < innerHeight")
    assert inside, (pixel, _js(qtbot, window, "[innerWidth, innerHeight]"))
    _mouse(qtbot, window, "mousemove", pixel["x"], pixel["y"])
    return _js(qtbot, window, "Sightline.counts().tooltip")  # type: ignore[no-any-return]


def _shot(widget: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


# ---------------------------------------------------------------------- event edit
def test_edit_event_undo_redo_in_store_and_every_pane(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    editing = _editing(qtbot, window)
    event_id = _id_at(window, "Manila")
    old = store.read_event(sample_project, event_id)
    assert Precision(old.precision) is Precision.YEAR
    window.workbench.selection.set([event_id], active=event_id, source="test")
    qtbot.waitUntil(
        lambda: (
            window.map.is_ready
            and _js(qtbot, window, "Sightline.counts().selectedIds") == [event_id]
        ),
        timeout=WAIT,
    )

    editing.actions["edit_event"].trigger()
    form = editing.form
    assert form is not None and form.title.text() == old.title
    assert form.start.wording.text().endswith(", year only")
    form.title.setText("Coast guard stand-off at Second Thomas Shoal")
    form.start.edit.setText("2024-03-05")
    assert form.start.wording.text() == "5 March 2024"  # the parsed wording, live
    _shot(form, "event-form")
    with qtbot.waitSignal(editing.reloaded, timeout=WAIT):
        form.buttons.button(form.buttons.StandardButton.Ok).click()
    day = parse_date("2024-03-05")
    day_span = (to_seconds(day.start), to_seconds(day.end))
    year_end = int(span_end_seconds(np.array([old.start_s]), np.array([1]))[0])

    def check(title: str, span: tuple[int, int], precision: Precision) -> None:
        stored = store.read_event(sample_project, event_id)
        assert (stored.title, stored.start_s, stored.precision) == (title, span[0], precision)
        assert _table_title(window, event_id) == title
        assert _table_precision(window, event_id).lower().startswith(precision.label)
        assert window.details.shown_event == event_id
        assert title in window.details.card_text()
        assert _timeline_span(window, event_id) == span
        qtbot.waitUntil(lambda: _hover_title(qtbot, window, event_id) == title, timeout=WAIT)
        assert event_id in _js(qtbot, window, "Sightline.counts().selectedIds")

    check("Coast guard stand-off at Second Thomas Shoal", day_span, Precision.DAY)
    assert "5 March 2024" in window.details.card_text()
    assert editing.undo_stack.undoText().startswith("Edit event")

    with qtbot.waitSignal(editing.reloaded, timeout=WAIT):
        editing.actions["undo"].trigger()
    check(old.title, (old.start_s, year_end), Precision.YEAR)
    assert store.read_event(sample_project, event_id) == old

    with qtbot.waitSignal(editing.reloaded, timeout=WAIT):
        editing.actions["redo"].trigger()
    check("Coast guard stand-off at Second Thomas Shoal", day_span, Precision.DAY)
    _shot(window, "window-after-edit")


def test_new_and_delete_event_undo(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    editing = _editing(qtbot, window)
    before = len(window.workbench.linker.frame)
    editing.actions["new_event"].trigger()
    form = editing.form
    form.title.setText("Ferry collision off Batangas")
    form.start.edit.setText("2025-06")
    assert form.start.wording.text() == "June 2025, month only"
    form.place.setCurrentIndex(form.place.findData(_place_id(sample_project, "Manila")))
    form.reliability.setCurrentText("C")
    with qtbot.waitSignal(editing.reloaded, timeout=WAIT):
        form.accept()
    assert len(window.workbench.linker.frame) == before + 1
    new_id = window.workbench.selection.active
    assert new_id is not None and _table_title(window, new_id) == "Ferry collision off Batangas"
    assert store.read_event(sample_project, new_id).reliability == "C"
    with qtbot.waitSignal(editing.reloaded, timeout=WAIT):
        editing.actions["delete_event"].trigger()
    assert (
        len(window.workbench.linker.frame) == before
        and window.workbench.linker.frame.row_of(new_id) is None
    )
    with qtbot.waitSignal(editing.reloaded, timeout=WAIT):
        editing.undo_stack.undo()  # the delete
    assert window.workbench.linker.frame.row_of(new_id) is not None
    with qtbot.waitSignal(editing.reloaded, timeout=WAIT):
        editing.undo_stack.undo()  # the creation
    assert len(window.workbench.linker.frame) == before
    with qtbot.waitSignal(editing.reloaded, timeout=WAIT):
        editing.undo_stack.redo()  # the same event again, same id
    assert store.read_event(sample_project, new_id).title == "Ferry collision off Batangas"


# ---------------------------------------------------------------------- move on the map
def test_move_place_picked_on_the_map_with_undo_redo(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    editing = _editing(qtbot, window)
    event_id = _id_at(window, "Manila")
    manila = _place_id(sample_project, "Manila")
    at_manila = [
        int(i)
        for i, p in zip(
            window.workbench.linker.frame.ids, window.workbench.linker.frame.place, strict=True
        )
        if p == "Manila"
    ]
    old = store.read_location(sample_project, manila)
    window.workbench.selection.set([event_id], active=event_id, source="test")

    with qtbot.waitSignal(editing.picking, timeout=WAIT):
        editing.actions["move_place"].trigger()
    qtbot.waitUntil(lambda: _js(qtbot, window, "Sightline.picking()") is True, timeout=WAIT)
    # a spot inside the map, off-centre (the sample has no marker there)
    spot = _js(
        qtbot,
        window,
        "(function(){var m=Sightline.map();var s=m.getSize();"
        "var p=L.point(s.x/2+37, s.y/2+29);"
        "var ll=m.containerPointToLatLng(p);"
        "var r=m.getContainer().getBoundingClientRect();"
        "return {x:p.x+r.left,y:p.y+r.top,lat:ll.lat,lng:ll.lng};})()",
    )
    target = {"lat": spot["lat"], "lng": spot["lng"]}
    with qtbot.waitSignal(editing.reloaded, timeout=WAIT):
        _mouse(qtbot, window, "click", spot["x"], spot["y"])
    moved = store.read_location(sample_project, manila)
    tolerance = 360.0 / (256 * 2**window.workbench.view_state.map.zoom) * 2  # two pixels
    assert abs(moved.latitude - target["lat"]) < tolerance
    assert abs(moved.longitude - target["lng"]) < tolerance
    assert moved.geo_precision == "exact" and moved.name == old.name
    assert _js(qtbot, window, "Sightline.picking()") is False
    assert window.workbench.selection.ids == {event_id}  # the pick did not select anything else

    def drawn_at(lat: float, lon: float) -> bool:
        frame = window.workbench.linker.frame
        rows = frame.rows_of(at_manila)
        if not (np.allclose(frame.lat[rows], lat) and np.allclose(frame.lon[rows], lon)):
            return False
        where = _js(
            qtbot,
            window,
            f"(function(){{var m=Sightline.map();var p="
            f"Sightline.eventPixel({event_id});if(!p)return null;"
            f"var r=m.getContainer().getBoundingClientRect();"
            f"var ll=m.containerPointToLatLng([p.x-r.left,p.y-r.top]);"
            f"return [ll.lat, ll.lng];}})()",
        )
        return (
            where is not None
            and abs(where[0] - lat) < tolerance
            and abs(where[1] - lon) < tolerance
        )

    qtbot.waitUntil(lambda: drawn_at(moved.latitude, moved.longitude), timeout=WAIT)
    _shot(window.map, "map-after-move")
    with qtbot.waitSignal(editing.reloaded, timeout=WAIT):
        editing.actions["undo"].trigger()
    assert store.read_location(sample_project, manila) == old
    qtbot.waitUntil(lambda: drawn_at(old.latitude, old.longitude), timeout=WAIT)
    with qtbot.waitSignal(editing.reloaded, timeout=WAIT):
        editing.actions["redo"].trigger()
    assert store.read_location(sample_project, manila) == moved
    qtbot.waitUntil(lambda: drawn_at(moved.latitude, moved.longitude), timeout=WAIT)
    # with no pick pending, a click on a marker selects as before
    _map_drew(qtbot, window)
    other = _id_at(window, "London")
    pixel = _js(qtbot, window, f"Sightline.eventPixel({other})")
    with qtbot.waitSignal(window.workbench.selection.changed, timeout=WAIT):
        _mouse(qtbot, window, "click", pixel["x"], pixel["y"])
    assert window.workbench.selection.ids == {other}


# ---------------------------------------------------------------------- merge
def test_merge_places_undo_redo_in_store_and_panes(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    editing = _editing(qtbot, window)
    taipei, manila = _place_id(sample_project, "Taipei"), _place_id(sample_project, "Manila")
    frame = window.workbench.linker.frame
    at = {
        p: {int(i) for i, q in zip(frame.ids, frame.place, strict=True) if q == p}
        for p in ("Taipei", "Manila")
    }
    manila_before = store.read_location(sample_project, manila)
    taipei_before = store.read_location(sample_project, taipei)
    shown_at_manila = next(iter(at["Manila"]))
    window.workbench.selection.set([shown_at_manila], active=shown_at_manila, source="test")

    editing.actions["merge_places"].trigger()
    form = editing.form
    form.kept.setCurrentIndex(form.kept.findData(taipei))
    form.merged.setCurrentIndex(form.merged.findData(manila))
    _shot(form, "merge-form")
    with qtbot.waitSignal(editing.reloaded, timeout=WAIT):
        form.accept()

    def panes_show(mapping: dict[str, set[int]]) -> None:
        frame = window.workbench.linker.frame
        for place, ids in mapping.items():
            rows = frame.rows_of(sorted(ids))
            assert set(frame.place[rows]) == {place}
            model = window.table.model
            for event_id in ids:
                row = int(model.display_rows_of([event_id])[0])
                assert model.data(model.index(row, Column.PLACE)) == place
        _map_drew(qtbot, window)

    merged_ids = at["Taipei"] | at["Manila"]
    assert {i for i, n, _ in store.list_locations(sample_project)} >= {taipei}
    assert manila not in {i for i, _, _ in store.list_locations(sample_project)}
    assert store.read_location(sample_project, taipei).alt_names[
        -len(["Manila", *manila_before.alt_names]) :
    ] == [n for n in ["Manila", *manila_before.alt_names] if n not in taipei_before.alt_names]
    panes_show({"Taipei": merged_ids})
    assert "Taipei" in window.details.card_text()
    # every event of both places is drawn at Taipei now
    frame = window.workbench.linker.frame
    rows = frame.rows_of(sorted(merged_ids))
    assert np.allclose(frame.lat[rows], taipei_before.latitude)

    with qtbot.waitSignal(editing.reloaded, timeout=WAIT):
        editing.actions["undo"].trigger()
    assert store.read_location(sample_project, manila) == manila_before
    assert store.read_location(sample_project, taipei) == taipei_before
    panes_show(at)
    assert "Manila" in window.details.card_text()

    with qtbot.waitSignal(editing.reloaded, timeout=WAIT):
        editing.actions["redo"].trigger()
    panes_show({"Taipei": merged_ids})
    assert "Manila" in store.read_location(sample_project, taipei).alt_names


# ---------------------------------------------------------------------- validation
def test_forms_refuse_bad_values_with_a_message(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    editing = _editing(qtbot, window)
    event_id = _id_at(window, "London")
    window.workbench.selection.set([event_id], active=event_id, source="test")
    old = store.read_event(sample_project, event_id)

    editing.actions["edit_event"].trigger()
    form = editing.form
    form.start.edit.setText("2023-13-45")
    assert form.start.wording.text().startswith("Not a date")
    form.accept()
    assert form.isVisible() and form.message.text().startswith("Date:")
    _shot(form, "event-form-bad-date")
    form.start.edit.setText("2023")
    form.reliability.setCurrentText("Z")
    form.accept()
    assert form.isVisible() and "A-F" in form.message.text()
    form.reliability.setCurrentText("B")
    form.credibility.setCurrentText("9")
    form.accept()
    assert form.isVisible() and "1-6" in form.message.text()
    form.reject()
    assert store.read_event(sample_project, event_id) == old
    assert editing.undo_stack.count() == 0

    editing.actions["edit_place"].trigger()
    form = editing.form
    form.latitude.setText("95")
    form.accept()
    assert form.isVisible() and "latitude out of range (-90 to 90)" in form.message.text()
    _shot(form, "place-form-bad-latitude")
    form.latitude.setText("51.5")
    form.longitude.setText("east")
    form.accept()
    assert form.isVisible() and "longitude must be a number" in form.message.text()
    form.reject()
    assert editing.undo_stack.count() == 0


def test_new_source_and_edit_source_undo(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    editing = _editing(qtbot, window)
    event_id = _id_at(window, "Beijing")
    window.workbench.selection.set([event_id], active=event_id, source="test")
    cited = store.event_sources(sample_project, event_id)
    editing.actions["new_source"].trigger()
    form = editing.form
    form.accept()
    assert form.isVisible() and "title" in form.message.text()
    form.title_edit.setText("Harbour master's log")
    form.publisher.setText("Port authority")
    _shot(form, "source-form")
    with qtbot.waitSignal(editing.reloaded, timeout=WAIT):
        form.accept()
    now = store.event_sources(sample_project, event_id)
    assert len(now) == len(cited) + 1 and "Harbour master's log" in window.details.card_text()
    with qtbot.waitSignal(editing.reloaded, timeout=WAIT):
        editing.undo_stack.undo()
    assert store.event_sources(sample_project, event_id) == cited
    assert "Harbour master's log" not in window.details.card_text()
