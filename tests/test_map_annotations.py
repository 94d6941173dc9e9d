"""Annotations, area selection and the map's right-click, through the real page: shapes
drawn with the page's toolbar and mouse, saved in the project, undone and redone,
brought back by a saved story step, labels shown as text; polygon and lasso selection;
the area filter; the context menu's actions called by id."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import run_js
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication

from desktop_app.domain.coords import format_point
from desktop_app.ingest.pipeline import import_file
from desktop_app.state.models import Filters, MapView
from desktop_app.store.annotations import list_annotations
from desktop_app.store.project import Project

WAIT_MS = 30_000
XSS = "<img src=x onerror=alert(1)>"
# known points (lat, lon): three in the square 40..50 N, 10..20 E (one on its east edge,
# one on its corner), two outside it, one with no place
KNOWN = """title,date,lat,lon,country,category
Inside,2024-01-01,45,15,IT,a
Outside east,2024-01-02,45,25,RS,a
On the east edge,2024-01-03,45,20,IT,b
On a corner,2024-01-04,40,10,IT,b
Far north,2024-01-05,58,15,SE,a
No place,2024-01-06,,,,a
"""
SQUARE = [(10.0, 40.0), (20.0, 40.0), (20.0, 50.0), (10.0, 50.0)]  # (lon, lat)


@pytest.fixture()
def known(project: Project, tmp_path: Path) -> Project:
    path = tmp_path / "known points.csv"
    path.write_text(KNOWN, "utf-8")
    assert import_file(project, path).imported == 6
    return project


def _ids(window: Any, *titles: str) -> set[int]:
    frame = window.workbench.linker.frame
    return {int(i) for i, t in zip(frame.ids, frame.title, strict=True) if t in titles}


def _show(qtbot: Any, window: Any, lat: float, lon: float, zoom: float) -> None:
    window.workbench.view_state.set_map(MapView(lat, lon, zoom), source=window)
    qtbot.waitUntil(
        lambda: (
            run_js(qtbot, window.map.page, "Sightline.map().getZoom()") == zoom
            and run_js(qtbot, window.map.page, "Sightline.settled()") is True
        ),
        timeout=WAIT_MS,
    )


def _pixel(qtbot: Any, window: Any, lat: float, lon: float) -> tuple[float, float]:
    p = run_js(qtbot, window.map.page, f"Sightline.pagePixel({lat}, {lon})")
    return p["x"], p["y"]


def _mouse(
    qtbot: Any, window: Any, kind: str, x: float, y: float, shift: bool = False, detail: int = 1
) -> None:
    """A mouse event as the page gets it, on whatever is at that pixel."""
    script = (
        f"(function(){{var t=document.elementFromPoint({x},{y});"
        f"t.dispatchEvent(new MouseEvent({json.dumps(kind)},{{clientX:{x},clientY:{y},"
        f"button:0,buttons:{1 if kind in ('mousedown', 'mousemove') else 0},"
        f"detail:{detail},shiftKey:{json.dumps(shift)},bubbles:true,cancelable:true,"
        "view:window}));return t.className||t.tagName;})()"
    )
    assert run_js(qtbot, window.map.page, script) is not None


def _tool(qtbot: Any, window: Any, name: str) -> None:
    """Press a button of the page's draw toolbar."""
    index = ["point", "line", "polygon", "text", "ring", "select", "lasso"].index(name)
    run_js(qtbot, window.map.page, f"document.querySelectorAll('.sl-draw a')[{index}].click()")
    qtbot.waitUntil(
        lambda: run_js(qtbot, window.map.page, "Sightline.drawing().tool") == name,
        timeout=WAIT_MS,
    )


def _click_corners(
    qtbot: Any, window: Any, corners: list[tuple[float, float]], shift: bool = False
) -> None:
    for lat, lon in corners:
        x, y = _pixel(qtbot, window, lat, lon)
        _mouse(qtbot, window, "click", x, y)
    x, y = _pixel(qtbot, window, *corners[-1])
    _mouse(qtbot, window, "click", x, y, detail=2)
    _mouse(qtbot, window, "dblclick", x, y, shift=shift, detail=2)


def _drawn(qtbot: Any, window: Any) -> list[dict[str, Any]]:
    return run_js(qtbot, window.map.page, "Sightline.annotations()")  # type: ignore[no-any-return]


# ---------------------------------------------------------------------- area selection
def test_polygon_selects_exactly_the_events_inside_and_lasso_with_shift_adds(
    make_main_window: Any, qtbot: Any, known: Project
) -> None:
    window = make_main_window(known)
    wb = window.workbench
    _show(qtbot, window, 48.0, 17.0, 4)
    # a polygon a little outside the square's west, south and north sides and just
    # inside its east side: the event on the east edge is left out, the others taken
    _tool(qtbot, window, "select")
    _click_corners(qtbot, window, [(39.0, 9.0), (39.0, 19.5), (51.0, 19.5), (51.0, 9.0)])
    expected = _ids(window, "Inside", "On a corner")
    qtbot.waitUntil(lambda: wb.selection.ids == expected, timeout=WAIT_MS)
    assert run_js(qtbot, window.map.page, "Sightline.drawing().tool") is None
    assert window.map.tools.last_area is not None and len(window.map.tools.last_area) == 4
    # the selected markers are drawn as selected
    qtbot.waitUntil(
        lambda: set(run_js(qtbot, window.map.page, "Sightline.counts().selectedIds")) == expected,
        timeout=WAIT_MS,
    )

    # a lasso dragged round the far-north event, shift held: added to the selection
    _tool(qtbot, window, "lasso")
    ring = [(57.0, 13.0), (57.0, 17.0), (59.0, 17.0), (59.0, 13.0), (57.0, 13.0)]
    x, y = _pixel(qtbot, window, *ring[0])
    _mouse(qtbot, window, "mousedown", x, y)
    for lat, lon in ring[1:]:
        x, y = _pixel(qtbot, window, lat, lon)
        _mouse(qtbot, window, "mousemove", x, y)
    _mouse(qtbot, window, "mouseup", x, y, shift=True)
    together = expected | _ids(window, "Far north")
    qtbot.waitUntil(lambda: wb.selection.ids == together, timeout=WAIT_MS)

    # the outline counts as inside: the exact square takes the edge and corner events
    assert window.map.select_area(SQUARE) == 3
    assert wb.selection.ids == _ids(window, "Inside", "On the east edge", "On a corner")


def test_area_filter_joins_the_filters_shows_a_chip_and_clears(
    make_main_window: Any, qtbot: Any, known: Project
) -> None:
    window = make_main_window(known)
    wb = window.workbench
    actions = wb.actions
    assert not actions.action("map.filter_area").isEnabled()  # no area drawn yet
    _show(qtbot, window, 48.0, 17.0, 4)
    _tool(qtbot, window, "select")
    _click_corners(qtbot, window, [(39.0, 9.0), (39.0, 21.0), (51.0, 21.0), (51.0, 9.0)])
    qtbot.waitUntil(lambda: len(wb.selection.ids) == 3, timeout=WAIT_MS)
    window.map.tools.context = None
    wb.filters.set_facet("category", frozenset({"b"}), source=None)
    window.features["annotations"]._update_actions()
    assert actions.action("map.filter_area").isEnabled()
    actions.action("map.filter_area").trigger()
    assert wb.filters.filters.area == window.map.tools.last_area
    assert int(wb.linker.visible.sum()) == 2  # category b inside the area
    assert window.filters_view.count_label.text() == "2 of 6 events"
    assert not window.filters_view.area_chip.isHidden()
    # the page outlines the area filter
    qtbot.waitUntil(
        lambda: run_js(qtbot, window.map.page, "Sightline.drawing().area") is not None,
        timeout=WAIT_MS,
    )
    # a saved view keeps the area
    step = window.features["briefing"].stories.save_view("In the area")
    saved = window.features["briefing"].stories.snapshot_of(step)
    assert saved.filters.area == wb.filters.filters.area
    actions.action("edit.clear_filters").trigger()
    assert wb.filters.filters == Filters()
    assert int(wb.linker.visible.sum()) == 6
    assert window.filters_view.area_chip.isHidden()
    qtbot.waitUntil(
        lambda: run_js(qtbot, window.map.page, "Sightline.drawing().area") is None,
        timeout=WAIT_MS,
    )
    from desktop_app.features.briefing.snapshots import apply_view

    apply_view(window.features["briefing"].stage, saved, animate=False)
    assert int(wb.linker.visible.sum()) == 2
    window.filters_view.area_chip.click()  # the chip lifts the area alone
    assert wb.filters.filters.area == () and wb.filters.filters.facets == {
        "category": frozenset({"b"})
    }


# ---------------------------------------------------------------------- annotations
def test_annotations_saved_undone_redone_and_restored_by_a_story_step(
    make_main_window: Any, qtbot: Any, known: Project
) -> None:
    window = make_main_window(known)
    wb = window.workbench
    feature = window.features["annotations"]
    undo, redo = wb.actions.action("edit.undo"), wb.actions.action("edit.redo")
    _show(qtbot, window, 48.0, 17.0, 4)

    # a labelled point, its label hostile markup
    _tool(qtbot, window, "point")
    x, y = _pixel(qtbot, window, 47.0, 12.0)
    _mouse(qtbot, window, "click", x, y)
    qtbot.waitUntil(lambda: feature.form is not None, timeout=WAIT_MS)
    feature.form.label.setText(XSS)
    feature.form.accept()
    point = list_annotations(known)
    assert [r.fields.kind for r in point] == ["point"] and point[0].fields.label == XSS
    assert abs(point[0].fields.geometry["lat"] - 47.0) < 0.2
    qtbot.waitUntil(lambda: [a["texts"] for a in _drawn(qtbot, window)] == [[XSS]], timeout=WAIT_MS)
    assert run_js(qtbot, window.map.page, "document.querySelectorAll('img[src=\"x\"]').length") == 0

    # range rings around a point: 50 and 100 nautical miles
    _tool(qtbot, window, "ring")
    x, y = _pixel(qtbot, window, 44.0, 18.0)
    _mouse(qtbot, window, "click", x, y)
    qtbot.waitUntil(lambda: feature.form is not None, timeout=WAIT_MS)
    feature.form.radii.setText("100, 50")
    feature.form.unit.setCurrentText("nm")
    feature.form.label.setText("Radar")
    feature.form.accept()
    qtbot.waitUntil(lambda: len(_drawn(qtbot, window)) == 2, timeout=WAIT_MS)
    ring = next(a for a in _drawn(qtbot, window) if a["kind"] == "ring")
    assert sorted(ring["texts"]) == ["100 nm", "50 nm", "Radar"]

    # a polygon drawn corner by corner
    _tool(qtbot, window, "polygon")
    _click_corners(qtbot, window, [(41.0, 11.0), (41.0, 14.0), (43.0, 12.5)])
    qtbot.waitUntil(lambda: feature.form is not None, timeout=WAIT_MS)
    feature.form.label.setText("Staging area")
    feature.form.accept()
    records = list_annotations(known)
    assert [r.fields.kind for r in records] == ["point", "ring", "polygon"]
    assert len(records[2].fields.geometry["points"]) == 3
    polygon_id = records[2].id

    # undo and redo through the Edit menu's actions (the store first)
    undo.trigger()
    assert [r.fields.kind for r in list_annotations(known)] == ["point", "ring"]
    qtbot.waitUntil(lambda: len(_drawn(qtbot, window)) == 2, timeout=WAIT_MS)
    redo.trigger()
    assert [r.id for r in list_annotations(known)][-1] == polygon_id  # the same id back
    qtbot.waitUntil(lambda: len(_drawn(qtbot, window)) == 3, timeout=WAIT_MS)

    # a story step that shows the ring alone
    ring_id = records[1].id
    wb.view_state.set_annotations(frozenset({ring_id}), source=None)
    qtbot.waitUntil(lambda: [a["id"] for a in _drawn(qtbot, window)] == [ring_id], timeout=WAIT_MS)
    step = window.features["briefing"].stories.save_view("The ring")
    feature.show_all()
    qtbot.waitUntil(lambda: len(_drawn(qtbot, window)) == 3, timeout=WAIT_MS)
    tree = window.features["briefing"].stories.tree
    tree.itemDoubleClicked.emit(tree.topLevelItem(0).child(0), 0)
    qtbot.waitUntil(lambda: [a["id"] for a in _drawn(qtbot, window)] == [ring_id], timeout=WAIT_MS)
    assert window.features["briefing"].stories.snapshot_of(step).annotations == {ring_id}

    # rename and delete from the right-click menu's actions, each undoable
    feature.show_all()
    from desktop_app.views.map.tools import MapContext

    window.map.tools.context = MapContext(42.0, 12.5, None, polygon_id)
    feature._update_actions()
    feature.rename_annotation()
    feature.form.label.setText("Assembly area")
    feature.form.accept()
    assert list_annotations(known)[-1].fields.label == "Assembly area"
    wb.actions.action("map.annotation_delete").trigger()
    assert [r.fields.kind for r in list_annotations(known)] == ["point", "ring"]
    undo.trigger()
    undo.trigger()
    assert list_annotations(known)[-1].fields.label == "Staging area"


def test_an_old_saved_view_shows_every_annotation(
    make_main_window: Any, qtbot: Any, known: Project
) -> None:
    from desktop_app.features.briefing.snapshots import apply_view
    from desktop_app.state.snapshot import ViewSnapshot
    from desktop_app.store.annotations import AnnotationFields

    window = make_main_window(known)
    feature = window.features["annotations"]
    for lat in (41.0, 42.0):
        feature.create(AnnotationFields("text", {"lat": lat, "lon": 12.0}, f"note {lat:g}"))
    wb = window.workbench
    wb.view_state.set_annotations(frozenset(), source=None)
    qtbot.waitUntil(lambda: _drawn(qtbot, window) == [], timeout=WAIT_MS)
    old = ViewSnapshot.from_dict(  # as a view saved before annotations existed
        {"format": 1, "title": "old", "filters": {"facets": {}}, "selection": []}
    )
    assert old.annotations is None
    apply_view(window.features["briefing"].stage, old, animate=False)
    qtbot.waitUntil(
        lambda: (
            sorted(t for a in _drawn(qtbot, window) for t in a["texts"]) == ["note 41", "note 42"]
        ),
        timeout=WAIT_MS,
    )


# ---------------------------------------------------------------------- the context menu
# a popup menu asks the platform to raise it and grab the keyboard; offscreen cannot
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_right_click_copies_mgrs_and_opens_the_new_event_form_there(
    make_main_window: Any, qtbot: Any, known: Project
) -> None:
    window = make_main_window(known)
    wb = window.workbench
    _show(qtbot, window, 55.7558, 37.6173, 12)  # Moscow, the Kremlin
    web = window.map.web_view
    centre = QPoint(web.width() // 2, web.height() // 2)
    with qtbot.waitSignal(window.map.context_menu_requested, timeout=WAIT_MS):
        qtbot.mouseClick(web.focusProxy(), Qt.MouseButton.RightButton, pos=centre)
    context = window.map.tools.context
    assert context is not None and context.event_id is None
    # the pixel clicked is the map's centre, to a pixel (about 40 m at zoom 12)
    assert abs(context.lat - 55.7558) < 0.001 and abs(context.lon - 37.6173) < 0.001
    menu = window.context_menus.last
    ids = [a.objectName() for a in menu.actions() if not a.isSeparator()]
    assert ids[:5] == ["map.zoom_here", "map.copy_dd", "map.copy_dms", "map.copy_mgrs",
                       "edit.new_event_here"]  # fmt: skip
    assert "view.fit_all" in ids and "map.annotation_delete" not in ids
    menu.hide()

    wb.actions.action("map.copy_mgrs").trigger()
    copied = QGuiApplication.clipboard().text()
    assert copied == format_point(context.lat, context.lon, "mgrs")
    match = re.fullmatch(r"37U DB (\d{5}) (\d{5})", copied)  # the Kremlin's 100 km square
    assert match is not None
    easting, northing = int(match.group(1)), int(match.group(2))
    assert abs(easting - 13224) < 60 and abs(northing - 79766) < 60  # to the pixel
    wb.actions.action("map.copy_dms").trigger()
    assert QGuiApplication.clipboard().text().startswith("55°45′")

    # New event here: the new-event form with the point filled in
    wb.actions.action("edit.new_event_here").trigger()
    form = window.features["editing"].form
    assert form is not None and form.windowTitle() == "New event here"
    assert form.coordinates.text() == format_point(context.lat, context.lon)
    form.title.setText("Meeting at the Kremlin")
    form.start.edit.setText("2024-03-01")
    form.place_name.setText("Kremlin")
    before = len(wb.linker.frame)
    with qtbot.waitSignal(window.features["editing"].reloaded, timeout=WAIT_MS):
        form.accept()
    frame = wb.linker.frame
    assert len(frame) == before + 1
    row = frame.row_of(max(frame.ids.tolist()))
    assert frame.title[row] == "Meeting at the Kremlin"
    # at the point clicked, to the form's five decimals (about a metre)
    assert abs(frame.lat[row] - context.lat) < 6e-6 and abs(frame.lon[row] - context.lon) < 6e-6
    with qtbot.waitSignal(window.features["editing"].reloaded, timeout=WAIT_MS):
        wb.actions.action("edit.undo").trigger()  # the event and its new place go
    assert len(wb.linker.frame) == before


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_right_click_on_a_marker_offers_the_event(
    make_main_window: Any, qtbot: Any, known: Project
) -> None:
    window = make_main_window(known)
    wb = window.workbench
    _show(qtbot, window, 45.0, 15.0, 6)
    (inside,) = _ids(window, "Inside")
    pixel = run_js(qtbot, window.map.page, f"Sightline.eventPixel({inside})")
    web = window.map.web_view
    with qtbot.waitSignal(window.map.context_menu_requested, timeout=WAIT_MS):
        qtbot.mouseClick(
            web.focusProxy(),
            Qt.MouseButton.RightButton,
            pos=QPoint(round(pixel["x"]), round(pixel["y"])),
        )
    assert window.map.tools.context.event_id == inside
    assert wb.selection.ids == {inside}  # the right-clicked event, as in the other panes
    ids = [a.objectName() for a in window.context_menus.last.actions() if not a.isSeparator()]
    assert ids[:4] == ["map.select_event", "edit.edit_event", "edit.edit_place", "edit.move_place"]
    window.context_menus.last.hide()


def test_an_annotation_is_moved_by_dragging_its_handle_and_the_move_undone(
    make_main_window: Any, qtbot: Any, known: Project
) -> None:
    from desktop_app.store.annotations import AnnotationFields
    from desktop_app.views.map.tools import MapContext

    window = make_main_window(known)
    feature = window.features["annotations"]
    _show(qtbot, window, 45.0, 15.0, 5)
    made = feature.create(
        AnnotationFields("line", {"points": [[44.0, 12.0], [46.0, 18.0]]}, "Front line")
    )
    assert made is not None
    window.map.tools.context = MapContext(45.0, 15.0, None, made)
    feature._update_actions()
    window.workbench.actions.action("map.annotation_move").trigger()
    qtbot.waitUntil(
        lambda: run_js(qtbot, window.map.page, "Sightline.drawing().handles") == 2,
        timeout=WAIT_MS,
    )
    x, y = _pixel(qtbot, window, 44.0, 12.0)
    _mouse(qtbot, window, "mousedown", x, y)
    for step in range(1, 6):
        _mouse(qtbot, window, "mousemove", x + 12 * step, y)
    _mouse(qtbot, window, "mouseup", x + 60, y)
    qtbot.waitUntil(
        lambda: list_annotations(known)[0].fields.geometry["points"][0][1] > 13.0,
        timeout=WAIT_MS,
    )
    moved = list_annotations(known)[0].fields.geometry["points"]
    assert abs(moved[0][0] - 44.0) < 0.3 and moved[1] == [46.0, 18.0]
    window.workbench.actions.action("edit.undo").trigger()
    assert list_annotations(known)[0].fields.geometry["points"] == [[44.0, 12.0], [46.0, 18.0]]
