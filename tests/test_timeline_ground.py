"""The timeline's kept ground (background and grid under the bars, kept_layer.Ground):
a filter change paints new bars over the kept ground, and what is shown is pixel for
pixel what a pane painting everything afresh shows, after a filter, a range or a size
change alike (never the grid of another range)."""

from __future__ import annotations

from typing import Any

import numpy as np

from desktop_app.state.models import SelectionModel, ViewState
from desktop_app.views.timeline import TimelineView
from desktop_app.views.timeline.layout import DenseLayout
from tests.test_table import synthetic_frame


def _view(qtbot: Any) -> TimelineView:
    view = TimelineView(SelectionModel(), ViewState())
    qtbot.addWidget(view)
    view.resize(900, 260)
    view.show()
    qtbot.waitExposed(view)
    return view


def _fresh(
    qtbot: Any, frame: Any, mask: np.ndarray, size: tuple[int, int], rng: tuple[int, int]
) -> Any:
    view = _view(qtbot)
    view.resize(*size)
    view.set_frame(frame)
    view.set_visible(mask)
    view.canvas.set_range(*rng)
    return view.canvas.grab().toImage()


def test_bars_over_the_kept_ground_equal_a_pane_painted_afresh(qtbot: Any) -> None:
    frame = synthetic_frame(20_000, seed=4)
    view = _view(qtbot)
    view.set_frame(frame)
    canvas = view.canvas
    rng = np.random.default_rng(8)
    first = rng.random(len(frame)) < 0.6
    view.set_visible(first)
    canvas.grab()
    assert isinstance(canvas.current_layout(), DenseLayout)
    ground = canvas._ground._pixmap
    assert ground is not None
    kept = ground.cacheKey()
    second = rng.random(len(frame)) < 0.3  # a filter: other bars, the same ground
    view.set_visible(second)
    shown = canvas.grab().toImage()
    assert canvas._ground._pixmap is not None and canvas._ground._pixmap.cacheKey() == kept
    size, span = (view.width(), view.height()), canvas.time_range
    assert shown == _fresh(qtbot, frame, second, size, span)
    t0, t1 = span
    canvas.set_range(t0 + (t1 - t0) // 3, t1)  # another range: another grid
    shown = canvas.grab().toImage()
    assert canvas._ground._pixmap.cacheKey() != kept
    assert shown == _fresh(qtbot, frame, second, size, canvas.time_range)
    view.resize(700, 300)  # another size
    qtbot.waitUntil(lambda: canvas.width() < 900)
    shown = canvas.grab().toImage()
    assert shown == _fresh(qtbot, frame, second, (view.width(), view.height()), canvas.time_range)
