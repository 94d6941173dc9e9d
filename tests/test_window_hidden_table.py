"""A table out of sight (its dock closed) does not sort the rows of every filter
change; it shows the filters' rows as soon as it is shown again."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication

from desktop_app.store.project import Project


def _category(window: Any) -> str:
    frame = window.workbench.linker.frame
    return str(frame.facet_counts("category", np.ones(len(frame), bool))[-1][0])


def test_a_hidden_table_catches_up_when_shown(
    sample_project: Project, make_main_window: Any, qtbot: Any
) -> None:
    window = make_main_window(sample_project)
    table, dock = window.table, window.docks["table"]
    everything = table.model.rowCount()
    dock.hide()
    qtbot.waitUntil(lambda: not table.isVisible())
    window.workbench.filters.set_facet("category", frozenset({_category(window)}))
    shown = int(window.workbench.linker.visible.sum())
    assert 0 < shown < everything
    assert table.model.rowCount() == everything  # not sorted while out of sight
    dock.show()
    qtbot.waitUntil(table.isVisible)
    QCoreApplication.processEvents()
    assert table.model.rowCount() == shown
    visible_rows = np.flatnonzero(window.workbench.linker.visible)
    assert np.array_equal(np.sort(table.model.order), visible_rows)


def test_a_hidden_table_answers_with_the_current_filters(
    sample_project: Project, make_main_window: Any, qtbot: Any
) -> None:
    window = make_main_window(sample_project)
    table = window.table
    window.docks["table"].hide()
    qtbot.waitUntil(lambda: not table.isVisible())
    window.workbench.filters.set_facet("category", frozenset({_category(window)}))
    shown = int(window.workbench.linker.visible.sum())
    assert table.visible_count == shown  # asked while hidden: the filters' own count
