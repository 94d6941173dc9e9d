"""The filters pane's boxes and lists say what the filters are, and never surprise a click.

In the real window on the sample project: "Clear all filters" empties the search and
date boxes (so the next Enter does not apply them again) and the timeline's brush band;
a date box's clear button lifts its bound at once; a facet list keeps its order under
the pointer and re-sorts when the pointer leaves.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QEnterEvent
from PySide6.QtWidgets import QApplication, QPushButton

from desktop_app.state.models import Filters
from desktop_app.store.project import Project

WAIT_MS = 20_000


def _clear_button(window: Any) -> QPushButton:
    return next(
        b for b in window.filters_view.findChildren(QPushButton) if b.text() == "Clear all filters"
    )


def test_clear_all_filters_empties_every_box_and_the_brush(
    make_main_window: Any, sample_project: Project, qtbot: Any
) -> None:
    window = make_main_window(sample_project)
    pane, wb = window.filters_view, window.workbench
    pane.search.setText("battalion")
    pane.search.returnPressed.emit()
    pane.date_from.setText("2023")
    pane.date_from.editingFinished.emit()
    pane.date_to.setText("2024-06")
    pane.date_to.editingFinished.emit()
    frame = wb.linker.frame
    window.timeline.canvas.brush(int(frame.start.min()), int(frame.start.max()))
    assert wb.filters.filters.text == "battalion" and wb.filters.filters.t0 is not None
    assert window.timeline.canvas.brush_range is not None

    _clear_button(window).click()
    assert wb.filters.filters == Filters()
    assert (pane.search.text(), pane.date_from.text(), pane.date_to.text()) == ("", "", "")
    assert window.timeline.canvas.brush_range is None
    pane.search.returnPressed.emit()  # Enter in the emptied box applies nothing again
    pane.date_from.editingFinished.emit()
    assert wb.filters.filters == Filters()


def test_a_date_boxs_clear_button_lifts_its_bound_at_once(
    make_main_window: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    pane, wb = window.filters_view, window.workbench
    pane.date_from.setText("2024")
    pane.date_from.editingFinished.emit()
    narrowed = int(wb.linker.visible.sum())
    assert wb.filters.filters.t0 is not None and narrowed < len(wb.linker.frame)
    pane.date_from.clear()  # what the box's clear button does: no Enter, no focus change
    assert wb.filters.filters.t0 is None
    assert int(wb.linker.visible.sum()) == len(wb.linker.frame)


def _values(facet_list: Any) -> list[str]:
    items = (facet_list.topLevelItem(i) for i in range(facet_list.topLevelItemCount()))
    return [i.data(0, Qt.ItemDataRole.UserRole) for i in items if i.data(0, 256) is not None]


def test_a_facet_list_keeps_its_order_under_the_pointer(
    make_main_window: Any, sample_project: Project, qtbot: Any
) -> None:
    window = make_main_window(sample_project)
    facet_list = window.filters_view.facets["category"]
    before = _values(facet_list)
    assert len(before) >= 3
    # counts that would put the last value first
    reordered = [(name, n) for n, name in enumerate(before, start=1)][::-1]
    QApplication.sendEvent(
        facet_list,
        QEnterEvent(QPointF(5, 5), QPointF(5, 5), QPointF(5, 5)),
    )
    facet_list.setAttribute(Qt.WidgetAttribute.WA_UnderMouse, True)  # offscreen: no pointer
    facet_list.show_values(reordered, frozenset())
    assert _values(facet_list) == before  # nothing moved under the pointer
    counts = {
        facet_list.topLevelItem(i).data(0, 256): facet_list.topLevelItem(i).text(1)
        for i in range(len(before))
    }
    assert counts[before[0]] == "1" and counts[before[-1]] == str(len(before))

    facet_list.setAttribute(Qt.WidgetAttribute.WA_UnderMouse, False)
    QApplication.sendEvent(facet_list, QEvent(QEvent.Type.Leave))
    assert _values(facet_list) == [name for name, _ in reordered]  # sorted once it left
