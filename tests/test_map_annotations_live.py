"""Annotations show at once, through the real page: added (drawn from the Map menu, or
made), renamed, deleted, undone and redone, the window's map draws what the project
holds after each step, and so does a second map following it (as the presentation and
the PNG pictures do), with no reopening."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import run_js
from test_map_annotations import KNOWN, _click_corners, _show

from desktop_app.ingest.pipeline import import_file
from desktop_app.store.annotations import AnnotationFields, list_annotations
from desktop_app.store.project import Project
from desktop_app.views.map import MapView
from desktop_app.views.map.tools import MapContext

WAIT_MS = 30_000


@pytest.fixture()
def known(project: Project, tmp_path: Path) -> Project:
    path = tmp_path / "known points.csv"
    path.write_text(KNOWN, "utf-8")
    assert import_file(project, path).imported == 6
    return project


@pytest.fixture()
def follower(make_map: Callable[..., MapView]) -> MapView:
    return make_map(600, 400)


def _labels(qtbot: Any, page: Any) -> list[list[str]]:
    """Each drawn annotation's texts, in id order."""
    drawn = run_js(qtbot, page, "Sightline.annotations()")
    return [sorted(a["texts"]) for a in sorted(drawn, key=lambda a: a["id"])]


def test_every_change_shows_at_once_on_the_map_and_on_a_map_following_it(
    make_main_window: Any, qtbot: Any, known: Project, follower: MapView
) -> None:
    window = make_main_window(known)
    wb = window.workbench
    feature = window.features["annotations"]
    undo, redo = wb.actions.action("edit.undo"), wb.actions.action("edit.redo")
    follower.tools.follow(window.map.tools)
    pages = (window.map.page, follower.page)

    def shows(expected: list[list[str]]) -> None:
        """Both maps draw ``expected`` (and the project holds as many annotations)."""
        for page in pages:
            qtbot.waitUntil(lambda p=page: _labels(qtbot, p) == expected, timeout=WAIT_MS)
        assert len(list_annotations(known)) == len(expected)

    _show(qtbot, window, 48.0, 17.0, 4)
    shows([])
    # added: a polygon drawn from Map ▸ Annotate ▸ Polygon, then a note made
    wb.actions.action("map.draw.polygon").trigger()
    qtbot.waitUntil(lambda: window.map.tools.active_tool == "polygon", timeout=WAIT_MS)
    _click_corners(qtbot, window, [(41.0, 11.0), (41.0, 14.0), (43.0, 12.5)])
    qtbot.waitUntil(lambda: feature.form is not None, timeout=WAIT_MS)
    feature.form.label.setText("Staging area")
    feature.form.accept()
    shows([["Staging area"]])
    polygon_id = list_annotations(known)[0].id
    assert feature.create(AnnotationFields("text", {"lat": 46.0, "lon": 16.0}, "Bridge"))
    shows([["Staging area"], ["Bridge"]])
    # edited: renamed from the right-click menu's action
    window.map.tools.context = MapContext(42.0, 12.5, None, polygon_id)
    feature._update_actions()
    wb.actions.action("map.annotation_rename").trigger()
    feature.form.label.setText("Assembly area")
    feature.form.accept()
    shows([["Assembly area"], ["Bridge"]])
    # deleted
    wb.actions.action("map.annotation_delete").trigger()
    shows([["Bridge"]])

    # undone, step by step, back to nothing; redone, step by step, back again
    history = [
        [["Assembly area"], ["Bridge"]],  # the delete undone: the same annotation back
        [["Staging area"], ["Bridge"]],  # the rename undone
        [["Staging area"]],  # the note's creation undone
        [],  # the polygon's
    ]
    for expected in history:
        undo.trigger()
        shows(expected)
    assert not wb.undo_stack.canUndo()
    for expected in [*reversed(history[:-1]), [["Bridge"]]]:
        redo.trigger()
        shows(expected)
    assert not wb.undo_stack.canRedo()
    assert [r.fields.label for r in list_annotations(known)] == ["Bridge"]
    undo.trigger()  # the polygon comes back with its id
    shows([["Assembly area"], ["Bridge"]])
    assert list_annotations(known)[0].id == polygon_id


def test_annotations_written_elsewhere_show_without_reopening(
    make_main_window: Any, qtbot: Any, known: Project
) -> None:
    from desktop_app.store.annotations import (
        create_annotation,
        delete_annotation,
        update_annotation,
    )

    window = make_main_window(known)
    page = window.map.page
    _show(qtbot, window, 48.0, 17.0, 4)
    mine = window.features["annotations"].create(
        AnnotationFields("point", {"lat": 45.0, "lon": 15.0}, "Mine")
    )
    assert mine is not None
    qtbot.waitUntil(lambda: _labels(qtbot, page) == [["Mine"]], timeout=WAIT_MS)
    # a colleague's writes, on their own connection to the same project file
    other = Project.open(known.url)
    try:
        theirs = create_annotation(
            other, AnnotationFields("text", {"lat": 44, "lon": 14}, "Theirs")
        )
        qtbot.waitUntil(lambda: _labels(qtbot, page) == [["Mine"], ["Theirs"]], timeout=WAIT_MS)
        update_annotation(
            other, theirs, AnnotationFields("text", {"lat": 44, "lon": 14}, "Theirs, renamed")
        )
        qtbot.waitUntil(
            lambda: _labels(qtbot, page) == [["Mine"], ["Theirs, renamed"]], timeout=WAIT_MS
        )
        delete_annotation(other, mine)
        qtbot.waitUntil(lambda: _labels(qtbot, page) == [["Theirs, renamed"]], timeout=WAIT_MS)
    finally:
        other.close()


def test_a_chinese_label_is_drawn_with_glyphs_on_the_map(
    make_main_window: Any, qtbot: Any, known: Project
) -> None:
    from test_html_export_font import WIDTH_EM

    window = make_main_window(known)
    page = window.map.page
    _show(qtbot, window, 30.0, 118.0, 4)
    assert window.features["annotations"].create(
        AnnotationFields("text", {"lat": 30.0, "lon": 118.0}, "台海 note")
    )
    qtbot.waitUntil(lambda: _labels(qtbot, page) == [["台海 note"]], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: run_js(qtbot, page, "Sightline.fonts.status") == "loaded")
    # a hanzi of the shipped font is one em wide; DejaVu's box is 0.6 em
    note = "document.querySelector('.sl-annotation-text')"
    assert run_js(qtbot, page, f"getComputedStyle({note}).fontFamily").endswith('"Sightline CJK"')
    assert run_js(qtbot, page, WIDTH_EM % note) == 2.0
