"""The rough edges a newcomer hit (issue 16), each fixed: grades in words, Details read
from the top, table columns that fit and a column chooser, Save view's title ready to
type over, Open recent with the project the window started on, context menus from the
action registry (never the web engine's), a PDF pack made behind a still curtain, and
a map that keeps most of a 1280x800 window."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QMenu, QWidget
from test_presentation import sample_story

from desktop_app.domain.grades import describe_grade
from desktop_app.store.project import Project
from desktop_app.views.table.model import Column

WAIT_MS = 60_000


def _ids(menu: QMenu) -> list[str]:
    return [a.objectName() for a in menu.actions() if not a.isSeparator()]


def test_a_half_grade_reads_as_words_not_as_a_negative_number() -> None:
    assert describe_grade(None, 3) == "credibility 3 (possibly true; source reliability not graded)"
    assert describe_grade("B", None) == (
        "reliability B (usually reliable; information credibility not graded)"
    )
    assert describe_grade("B", 2) == "B2 (usually reliable, probably true)"
    assert describe_grade(None, None) == ""
    assert not any(describe_grade(None, c).startswith("-") for c in range(1, 7))


def test_details_shows_a_new_selection_from_its_top(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    window.resizeDocks([window.docks["details"]], [260], Qt.Orientation.Horizontal)
    frame = window.workbench.linker.frame
    first, second = (int(i) for i in frame.ids[:2])
    window.workbench.selection.set([first], active=first)
    bar = window.details.card.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=WAIT_MS)
    bar.setValue(bar.maximum())
    window.workbench.selection.set([second], active=second)
    assert window.details.shown_event == second and bar.value() == 0
    several = [int(i) for i in frame.ids]
    window.workbench.selection.set(several)
    assert window.details.summary.verticalScrollBar().value() == 0
    assert window.details.event_list.verticalScrollBar().value() == 0


def test_table_columns_fit_their_values_and_can_be_chosen(
    make_main_window: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    table = window.table.table
    header = table.horizontalHeader()
    for column in (Column.CATEGORY, Column.PLACE, Column.COUNTRY):  # nothing cut
        assert header.sectionSize(column) >= table.sizeHintForColumn(column), column.name
    assert header.sectionResizeMode(Column.TITLE) == header.ResizeMode.Stretch

    menu = window.table.header_menu()
    names = [a.text() for a in menu.actions() if a.isCheckable()]
    assert names == ["Date", "Category", "Place", "Country", "Precision"]
    precision = next(a for a in menu.actions() if a.text() == "Precision")
    precision.trigger()  # unticked: hidden
    assert header.isSectionHidden(Column.PRECISION)
    assert window.table.hidden_columns() == [Column.PRECISION]
    again = next(a for a in window.table.header_menu().actions() if a.text() == "Precision")
    assert not again.isChecked()
    again.trigger()
    assert not header.isSectionHidden(Column.PRECISION)
    assert header.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu


def test_save_view_has_its_default_title_selected(qtbot: Any) -> None:
    from desktop_app.views.stories.pane import SaveViewDialog

    dialog = SaveViewDialog("View 3")
    qtbot.addWidget(dialog)
    assert dialog.title_field.selectedText() == "View 3"  # typing replaces it


def test_open_recent_lists_the_project_the_window_started_on(
    make_main_window: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    assert sample_project.path is not None
    path = str(sample_project.path.resolve())
    assert window.features["projects"].recent()[0] == path
    assert window.workbench.actions.action("file.recent.0").text() == path
    from desktop_app.workbench import MenuId

    assert window.menu(MenuId.FILE_RECENT).isEnabled()


# a popup menu asks the platform to raise it and grab the keyboard; offscreen cannot
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_table_rows_timeline_and_map_have_the_registrys_menus(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    menus = window.context_menus
    view = window.table.table
    row = 2
    event_id = window.table.model.event_id(row)
    pos = view.visualRect(window.table.model.index(row, Column.TITLE)).center()
    view.customContextMenuRequested.emit(pos)
    assert window.workbench.selection.ids == {event_id}  # the row right-clicked
    assert menus.last is not None and menus.last.isVisible()
    assert {"edit.copy", "view.zoom_to_selection", "edit.edit_event"} <= set(_ids(menus.last))
    assert all(a is window.workbench.actions.action(a.objectName()) for a in
               menus.last.actions() if not a.isSeparator())  # fmt: skip
    menus.last.hide()

    canvas = window.timeline.canvas
    assert canvas.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    canvas.customContextMenuRequested.emit(QPoint(2, 2))
    assert "view.fit_all" in _ids(menus.last)
    menus.last.hide()

    web = window.map.web_view
    assert web.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
    with qtbot.waitSignal(window.map.context_menu_requested, timeout=WAIT_MS):
        # a real right-click on the page: Chromium asks the view, which asks us
        qtbot.mouseClick(web.focusProxy(), Qt.MouseButton.RightButton, pos=QPoint(300, 200))
    assert "view.fit_all" in _ids(menus.last)
    assert web.findChildren(QMenu) == []  # no web engine menu was made
    menus.last.hide()

    window.workbench.actions.action("edit.copy").trigger()
    from PySide6.QtGui import QGuiApplication

    copied = QGuiApplication.clipboard().text()
    assert copied.count("\n") == 0 and str(window.workbench.linker.frame.title[
        window.workbench.linker.frame.row_of(event_id)]) in copied  # fmt: skip


def test_the_pdf_pack_is_made_behind_a_still_curtain(
    make_main_window: Any, qtbot: Any, sample_project: Project, tmp_path: Path
) -> None:
    window = make_main_window(sample_project)
    story, _steps = sample_story(window)
    briefing = window.features["briefing"]
    seen: list[bool] = []

    def step(_index: int) -> None:
        curtain = briefing.capture.curtain
        seen.append(
            curtain is not None
            and curtain.isVisible()
            and curtain.geometry() == window.rect()
            and "of 3" in curtain.caption
        )

    with qtbot.waitSignal(briefing.pack_written, timeout=WAIT_MS):
        capture = briefing.export_pack(story, tmp_path / "pack.pdf")
        capture.step_captured.connect(step)
    assert seen == [True, True, True]
    assert capture.curtain is None
    assert [w for w in window.findChildren(QWidget, "packCurtain") if w.isVisible()] == []


def test_at_1280x800_the_map_keeps_over_half_of_the_window(
    qtbot: Any, sample_project: Project, tmp_path: Path
) -> None:
    from desktop_app.app.main import build_window

    settings = QSettings(str(tmp_path / "fresh.ini"), QSettings.Format.IniFormat)
    window = build_window(sample_project, settings=settings)
    try:
        window.resize(1280, 800)
        with qtbot.waitSignal(window.workbench.frame_loaded, timeout=WAIT_MS):
            window.show()
        qtbot.waitUntil(lambda: window.map.is_ready, timeout=WAIT_MS)
        assert window.map.width() >= 640 and window.map.height() >= 400
        assert window.timeline.height() >= 120 and window.table.height() >= 100
        window.resizeDocks([window.docks["details"]], [700], Qt.Orientation.Horizontal)
        qtbot.waitUntil(lambda: window.map.width() < 640)
        window.reset_layout()
        qtbot.waitUntil(lambda: window.map.width() >= 640 and window.map.height() >= 400)
    finally:
        window.workbench.project = None
        window.close()
        shiboken6.delete(window)


@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
def test_details_and_filters_have_menus_and_a_value_can_be_shown_alone(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    menus, wb = window.context_menus, window.workbench
    frame = wb.linker.frame
    wb.selection.set([int(frame.ids[0])], active=int(frame.ids[0]))
    window.details.customContextMenuRequested.emit(QPoint(20, 20))
    assert {"edit.copy", "edit.edit_event", "view.zoom_to_selection"} <= set(_ids(menus.last))
    menus.last.hide()

    window.filters_view.customContextMenuRequested.emit(QPoint(5, 5))
    assert "edit.clear_filters" in _ids(menus.last)
    menus.last.hide()
    facet_list = window.filters_view.facets["actor"]
    item = facet_list.topLevelItem(0)
    value = item.data(0, Qt.ItemDataRole.UserRole)
    facet_list.customContextMenuRequested.emit(facet_list.visualItemRect(item).center())
    only = menus.last.actions()[0]
    assert only.text() == f"Show only “{value}”"  # the value's own words, as text
    only.trigger()
    assert wb.filters.filters.facets == {"actor": frozenset({value})}
    assert int(wb.linker.visible.sum()) == int(frame.facet_mask("actor", {value}).sum())
    menus.last.hide()
