"""A filter change with several events selected: the detail pane's summary says how
many the filters hide, and its list of the selected events is kept as it was (not
rebuilt: with a big selection that was a thousand rows at every filter change)."""

from __future__ import annotations

from typing import Any

import numpy as np

from desktop_app.store.project import Project


def test_a_filter_updates_the_hidden_count_and_keeps_the_list(
    sample_project: Project, make_main_window: Any
) -> None:
    window = make_main_window(sample_project)
    details, frame = window.details, window.workbench.linker.frame
    window.workbench.actions.action("edit.select_visible").trigger()
    assert details.event_list.count() == len(frame) > 1
    first = details.event_list.item(0)
    assert "hidden by the filters" not in details.summary.toPlainText()
    name = frame.facet_counts("category", np.ones(len(frame), bool))[0][0]
    window.workbench.filters.set_facet("category", frozenset({name}))
    hidden = len(frame) - int(window.workbench.linker.visible.sum())
    assert hidden > 0
    assert f"{hidden:,} hidden by the filters" in details.summary.toPlainText()
    assert details.event_list.item(0) is first  # the same row: the list was kept
    assert details.event_list.count() == len(frame)
    window.workbench.filters.clear()
    assert "hidden by the filters" not in details.summary.toPlainText()
