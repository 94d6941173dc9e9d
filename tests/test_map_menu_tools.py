"""The map's tools from the menu bar, through the real page: Map ▸ Go to, Measure,
Select by polygon / lasso, Annotate ▸ …, Cancel drawing; their shortcuts; check marks
that follow the tool the page has on, whichever way it was switched; Esc cancels an
unfinished polygon (nothing saved, the tool off, the selection kept)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from helpers import run_js
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from test_map_annotations import KNOWN, _mouse, _pixel, _show

from desktop_app.ingest.pipeline import import_file
from desktop_app.store.annotations import list_annotations
from desktop_app.store.project import Project
from desktop_app.workbench import MenuId

WAIT_MS = 30_000
TOOLS = {
    "point": "map.draw.point",
    "line": "map.draw.line",
    "polygon": "map.draw.polygon",
    "text": "map.draw.text",
    "ring": "map.draw.ring",
    "select": "map.select_polygon",
    "lasso": "map.select_lasso",
}


@pytest.fixture()
def known(project: Project, tmp_path: Path) -> Project:
    """The six known points of test_map_annotations."""
    path = tmp_path / "known points.csv"
    path.write_text(KNOWN, "utf-8")
    assert import_file(project, path).imported == 6
    return project


def _ids(menu: Any) -> list[str]:
    return [a.objectName() for a in menu.actions() if not a.isSeparator() and a.menu() is None]


def _page_tool(qtbot: Any, window: Any) -> Any:
    return run_js(qtbot, window.map.page, "Sightline.drawing().tool")


def _checked(window: Any) -> set[str]:
    actions = window.workbench.actions
    ids = [*TOOLS.values(), "view.measure"]
    return {i for i in ids if actions.action(i).isChecked()}


def _measuring(qtbot: Any, window: Any) -> bool:
    return bool(run_js(qtbot, window.map.page, "Sightline.measure.state().on"))


def test_the_map_menu_holds_the_tools_with_their_shortcuts(
    make_main_window: Any, known: Project
) -> None:
    window = make_main_window(known)
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles.index("Map") == titles.index("View") + 1
    assert _ids(window.menu(MenuId.MAP)) == [
        "edit.go_to", "view.measure",
        "map.select_polygon", "map.select_lasso",
        "map.draw_cancel",
        "map.filter_area", "map.clear_area",
        "view.annotations_show_all",
    ]  # fmt: skip
    assert "edit.go_to" in _ids(window.menu(MenuId.EDIT))  # where it was, too
    assert "view.measure" not in _ids(window.menu(MenuId.VIEW))
    assert window.menu(MenuId.MAP_ANNOTATE).menuAction() in window.menu(MenuId.MAP).actions()
    assert _ids(window.menu(MenuId.MAP_ANNOTATE)) == [TOOLS[t] for t in TOOLS][:5]
    keys = {
        i: a.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
        for i, a in window.workbench.actions.actions()
    }
    assert [keys[TOOLS[t]] for t in TOOLS] == [
        "Ctrl+Shift+P", "Ctrl+Shift+T", "Ctrl+Shift+G", "Ctrl+Shift+X", "Ctrl+Shift+R", "S", "L",
    ]  # fmt: skip
    assert keys["edit.go_to"] == "Ctrl+G" and keys["view.measure"] == "M"
    # no two actions share a shortcut
    taken = [k for k in keys.values() if k]
    assert len(taken) == len(set(taken)), [(i, k) for i, k in keys.items() if taken.count(k) > 1]
    assert not window.workbench.actions.action("map.draw_cancel").isEnabled()  # nothing on


def test_check_marks_follow_the_tool_the_page_has_on(
    make_main_window: Any, qtbot: Any, known: Project
) -> None:
    window = make_main_window(known)
    actions = window.workbench.actions
    actions.action("map.draw.polygon").trigger()
    qtbot.waitUntil(lambda: _page_tool(qtbot, window) == "polygon", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _checked(window) == {"map.draw.polygon"}, timeout=WAIT_MS)
    assert actions.action("map.draw_cancel").isEnabled()
    # the page's own toolbar button: the menu follows
    run_js(qtbot, window.map.page, "document.querySelectorAll('.sl-draw a')[1].click()")
    qtbot.waitUntil(lambda: _checked(window) == {"map.draw.line"}, timeout=WAIT_MS)
    assert window.map.tools.active_tool == "line"
    # the same action again switches it off
    actions.action("map.draw.line").trigger()
    qtbot.waitUntil(lambda: _page_tool(qtbot, window) is None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _checked(window) == set(), timeout=WAIT_MS)
    # one tool at a time: the lasso, then the measure (M) ends it, then a point ends that
    actions.action("map.select_lasso").trigger()
    qtbot.waitUntil(lambda: _checked(window) == {"map.select_lasso"}, timeout=WAIT_MS)
    actions.action("view.measure").trigger()
    qtbot.waitUntil(lambda: _measuring(qtbot, window), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _page_tool(qtbot, window) is None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _checked(window) == {"view.measure"}, timeout=WAIT_MS)
    actions.action("map.draw.point").trigger()
    qtbot.waitUntil(lambda: not _measuring(qtbot, window), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _checked(window) == {"map.draw.point"}, timeout=WAIT_MS)
    # a point is one click: the shape is done, the tool goes off, the check mark too
    _show(qtbot, window, 48.0, 17.0, 4)
    _mouse(qtbot, window, "click", *_pixel(qtbot, window, 47.0, 12.0))
    feature = window.features["annotations"]
    qtbot.waitUntil(lambda: feature.form is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: _checked(window) == set(), timeout=WAIT_MS)
    feature.form.reject()
    # Esc belongs to Clear selection again, and only to it
    esc = [
        i
        for i, a in actions.actions()
        if a.shortcut() == QKeySequence(Qt.Key.Key_Escape) and a.isEnabled()
    ]
    assert esc == ["edit.clear_selection"]


def test_esc_cancels_an_unfinished_polygon_nothing_saved_the_tool_off(
    make_main_window: Any, qtbot: Any, known: Project
) -> None:
    window = make_main_window(known)
    wb = window.workbench
    feature = window.features["annotations"]
    _show(qtbot, window, 48.0, 17.0, 4)
    kept = frozenset(wb.linker.frame.ids[:2].tolist())
    wb.selection.set(kept, source=None)
    polygon = wb.actions.action("map.draw.polygon")
    polygon.trigger()  # Map ▸ Annotate ▸ Polygon (Ctrl+Shift+G)
    qtbot.waitUntil(lambda: polygon.isChecked(), timeout=WAIT_MS)
    for lat, lon in ((41.0, 11.0), (41.0, 14.0), (43.0, 12.5)):
        _mouse(qtbot, window, "click", *_pixel(qtbot, window, lat, lon))
    qtbot.waitUntil(
        lambda: run_js(qtbot, window.map.page, "Sightline.drawing().corners") == 3,
        timeout=WAIT_MS,
    )
    focus = window.map.web_view.focusProxy() or window.map.web_view
    QTest.keyClick(focus, Qt.Key.Key_Escape)  # as the analyst presses it, on the map
    qtbot.waitUntil(lambda: _page_tool(qtbot, window) is None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not polygon.isChecked(), timeout=WAIT_MS)
    assert run_js(qtbot, window.map.page, "Sightline.drawing().corners") == 0
    assert run_js(qtbot, window.map.page, "Sightline.annotations()") == []
    assert feature.form is None and list_annotations(known) == []
    assert wb.selection.ids == kept  # the Esc cancelled the drawing, not the selection
    assert not wb.undo_stack.canUndo()
    # with nothing drawing, Esc clears the selection as before
    QTest.keyClick(focus, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: wb.selection.ids == frozenset(), timeout=WAIT_MS)


def test_a_reloaded_page_has_no_tool_on_and_the_menu_says_so(
    make_main_window: Any, qtbot: Any, known: Project
) -> None:
    window = make_main_window(known)
    actions = window.workbench.actions
    actions.action("map.draw.polygon").trigger()
    qtbot.waitUntil(lambda: _checked(window) == {"map.draw.polygon"}, timeout=WAIT_MS)
    with qtbot.waitSignal(window.map.ready, timeout=WAIT_MS):
        window.map.web_view.reload()  # a page reload: its tools start off
    assert _page_tool(qtbot, window) is None
    assert window.map.tools.active_tool is None
    assert _checked(window) == set()
