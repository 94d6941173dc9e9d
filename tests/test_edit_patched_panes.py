"""What the panes keep when an edit hands them a frame patched in place: the linker's
facet counts when no counted column changed (and a recount when one did), the
timeline's histogram of an index kept as it was, the links of a few or many edited
events. Real SQLite projects, ACLED and GDELT files imported as a user would."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from desktop_app.frame import EventFrame
from desktop_app.frame.cache import load_frame
from desktop_app.frame.patch import patch_frame
from desktop_app.frame.timeline_data import TimelineIndex, histogram
from desktop_app.frame.visible import Charts
from desktop_app.state.models import FilterModel
from desktop_app.store import editing
from desktop_app.store.project import Project
from desktop_app.workbench.linking import Linker
from tests.test_frame_patch import assert_same, loaded  # noqa: F401  (the fixture)


class _Counts:
    """A counts pane that remembers what it was shown."""

    def __init__(self) -> None:
        self.counts: dict[str, list[tuple[str, int]]] = {}

    def show_total(self, visible: int, total: int) -> None:
        pass

    def show_counts(
        self, visible: int, total: int, counts: dict[str, list[tuple[str, int]]], /
    ) -> None:
        self.counts = counts

    def show_charts(self, charts: Charts, loading: bool, /) -> None:
        pass


def _count_of(counts: dict[str, list[tuple[str, int]]], facet: str, name: str) -> int:
    return dict(counts[facet]).get(name, 0)


def test_a_title_edit_keeps_the_counts_and_a_category_edit_recounts(
    loaded: Project,  # noqa: F811
    qtbot: Any,
) -> None:
    linker = Linker(FilterModel())
    shown = _Counts()
    linker.attach([], counts_view=shown)
    try:
        before = load_frame(loaded)
        with qtbot.waitSignal(linker.counts_shown, timeout=20_000):
            linker.set_frame(before)
        codes, names = before.single["category"]
        row = int(np.flatnonzero(codes >= 0)[0])
        event_id, old_name = int(before.ids[row]), names[int(codes[row])]
        other = next(n for n in names if n != old_name)
        old = editing.read_event(loaded, event_id)
        first = dict(shown.counts["category"])

        editing.update_event(loaded, event_id, replace(old, title="Only the title"))
        titled = patch_frame(before, loaded, [event_id])
        generation = linker._generation
        linker.set_frame(titled)
        assert linker._generation == generation  # nothing counted changed: no recount
        assert linker.frame is titled and dict(shown.counts["category"]) == first

        editing.update_event(loaded, event_id, replace(old, category=other))
        moved = patch_frame(titled, loaded, [event_id])
        with qtbot.waitSignal(linker.counts_shown, timeout=20_000):
            linker.set_frame(moved)
        assert _count_of(shown.counts, "category", other) == first[other] + 1
        assert _count_of(shown.counts, "category", old_name) == first[old_name] - 1
    finally:
        linker.shutdown()


@pytest.mark.parametrize("how_many", [3, 7])  # links found by comparing, then by look-up
def test_tags_of_several_events_patched_in_place_equal_a_load(
    loaded: Project,  # noqa: F811
    how_many: int,
) -> None:
    before = load_frame(loaded)
    tags = before.facet_values("tag")[:2]
    assert tags
    ids = [int(i) for i in before.ids[:: max(1, len(before) // how_many)][:how_many]]
    for event_id in ids:
        old = editing.read_event(loaded, event_id)
        editing.update_event(loaded, event_id, replace(old, tags=list(reversed(tags))))
    patched = patch_frame(before, loaded, ids)
    assert patched.ids is before.ids  # patched in place: the rows did not move
    assert_same(patched, load_frame(loaded))


def test_the_timeline_histogram_is_kept_and_not_shared_with_callers() -> None:
    rng = np.random.default_rng(5)
    start = np.sort(rng.integers(0, 10_000, 5_000))
    end = start + rng.integers(1, 500, 5_000)
    index = TimelineIndex(start, end)
    first = index.histogram(0, 10_000, 50)
    first[:] = -1  # a caller scribbling on its answer changes nothing kept
    again = index.histogram(0, 10_000, 50)
    assert np.array_equal(again, histogram(start, end, 0, 10_000, 50))
    assert np.array_equal(index.histogram(100, 9_000, 37), histogram(start, end, 100, 9_000, 37))


def test_an_empty_frame_is_never_counted_alike() -> None:
    from desktop_app.workbench.linking import _counted_alike

    empty = EventFrame.empty()
    assert not _counted_alike(empty, empty)


def test_top_places_by_place_id_equal_the_names_counted(loaded: Project) -> None:  # noqa: F811
    """The selection summary's places, counted by place id, are those counting the
    names gives (ties in name order), for all rows and for random selections."""
    from desktop_app.frame.summary import _top_places, _top_text

    frame = load_frame(loaded)
    rng = np.random.default_rng(11)
    selections = [np.arange(len(frame))] + [
        np.sort(rng.choice(len(frame), size=k, replace=False)) for k in (1, 5, len(frame) // 2)
    ]
    for rows in selections:
        for top in (1, 5, 50):
            assert _top_places(frame, rows, top) == _top_text(frame.place[rows], top)


def test_display_rows_of_many_ids_equal_the_sorted_positions(qtbot: Any) -> None:
    """Many ids (select all) are found through a mask of the display order, a few by
    sorting their positions: the same display rows, sorted or filtered alike."""
    from desktop_app.views.table.model import Column, EventTableModel
    from tests.test_table import synthetic_frame

    frame = synthetic_frame(4_000, seed=3)
    model = EventTableModel()
    model.set_frame(frame)
    rng = np.random.default_rng(2)
    for sort in (None, Column.PLACE):
        if sort is not None:
            model.sort(sort)
        model.set_visible(rng.random(len(frame)) < 0.7)
        for k in (3, 200, 2_000, len(frame)):
            ids = frozenset(rng.choice(frame.ids, k, replace=False).tolist())
            position = np.full(len(frame), -1, np.int64)
            position[model.order] = np.arange(len(model.order))
            shown = position[frame.rows_of(ids)]
            assert np.array_equal(model.display_rows_of(ids), np.sort(shown[shown >= 0]))


def test_a_hidden_links_pane_lights_the_selection_when_shown(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    """A selection made while the Links pane is hidden (another tab in front) is lit
    when the pane shows again, the nodes and edges it would have lit at once."""
    from tests.test_links_pane import FELLOWS, PLA, _ids_of, _shown

    window = make_main_window(sample_project)
    view = _shown(qtbot, window).view
    implications = _ids_of(window, "Implications")
    view.hide()
    window.workbench.selection.set(implications, source=window)
    assert view._highlight_pending and not view.canvas.node_highlight.any()
    view.show()
    qtbot.waitUntil(lambda: not view._highlight_pending, timeout=30_000)
    lit = {view.chart.labels[i] for i in np.flatnonzero(view.canvas.node_highlight)}
    assert lit == {PLA, *FELLOWS}


def test_select_all_again_reuses_the_set_until_the_visible_events_change(
    loaded: Project,  # noqa: F811
    qtbot: Any,
) -> None:
    filters = FilterModel()
    linker = Linker(filters)
    try:
        frame = load_frame(loaded)
        linker.set_frame(frame)
        every = linker.visible_ids()
        assert every == frozenset(frame.ids.tolist())
        assert linker.visible_ids() is every  # nothing changed: the same set
        event_id = int(frame.ids[0])
        old = editing.read_event(loaded, event_id)
        editing.update_event(loaded, event_id, replace(old, title="Re-titled"))
        linker.set_frame(patch_frame(frame, loaded, [event_id]))  # the same rows
        assert linker.visible_ids() is every
        codes, names = linker.frame.single["category"]
        name = names[int(codes[codes >= 0][0])]
        filters.set_facet("category", frozenset({name}))
        some = linker.visible_ids()
        assert some == frozenset(linker.frame.ids[linker.visible].tolist()) != every
        assert np.array_equal(linker.frame.rows_of(some), np.flatnonzero(linker.visible))
    finally:
        linker.shutdown()


def test_every_visible_event_selected_aggregates_as_the_visible_ones() -> None:
    """The map draws a select all of more than MAX_SELECTED events in view with the
    visible events' cells: the selected aggregation is exactly those cells."""
    from desktop_app.frame.map_cells import MAX_SELECTED, MapIndex, Viewport

    rng = np.random.default_rng(4)
    n = 80_000
    lat, lon = rng.uniform(-60, 70, n), rng.uniform(-180, 180, n)
    lat[::17] = np.nan  # some events have no place
    index = MapIndex(lat, lon)
    visible = rng.random(n) < 0.8
    for view in (Viewport(-80, -180, 85, 180, 2), Viewport(10, 0, 50, 60, 4.5)):
        for scale in (1.0, 2.0):
            shown = index.features(visible, view, bubble_scale=scale)
            assert shown.in_view > MAX_SELECTED
            picked = index.selected(np.flatnonzero(visible), visible, view, bubble_scale=scale)
            assert picked.in_view == shown.in_view and not len(picked.points.rows)
            for field in ("single_row", "lat", "lon", "count"):
                assert np.array_equal(getattr(picked.cells, field), getattr(shown.cells, field))


def test_the_timeline_paints_its_bars_again_only_when_they_change(qtbot: Any) -> None:
    """A frame whose bars are the same (a title edited) draws the layer painted last;
    other bars (a selection) are painted; the kept layer is what a new paint gives."""
    import copy

    from desktop_app.views.timeline.canvas import TimelineCanvas
    from tests.test_table import synthetic_frame

    frame = synthetic_frame(30_000, seed=7)
    canvas = TimelineCanvas()
    qtbot.addWidget(canvas)
    canvas.resize(900, 240)
    canvas.show()
    qtbot.waitExposed(canvas)
    canvas.set_frame(frame)
    canvas.fit_all()
    canvas.grab()
    assert canvas.is_dense
    first = canvas._layer
    assert first is not None
    retitled = copy.copy(frame)
    retitled.title = frame.title.copy()
    retitled.title[0] = "Re-titled"
    canvas.set_frame(retitled)
    canvas.grab()
    assert canvas._layer is first  # the same bars: drawn as painted
    canvas.set_selection(frozenset(frame.ids[:5_000].tolist()), None)
    canvas.grab()
    assert canvas._layer is not first
    canvas.set_selection(frozenset(), None)
    canvas.grab()  # painted afresh (the kept layer is the selection's)
    assert canvas._layer is not first and canvas._layer.toImage() == first.toImage()
