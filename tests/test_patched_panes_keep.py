"""What the panes carry over to an edit's patched frame instead of working it out again,
and that what they carry is never stale: the table's sort orders (kept when their column
is the same array, the title order patched), the linker's filter masks (kept when no
column a mask reads changed, the search's dropped), the timeline's in-view test. Real
SQLite projects (ACLED and GDELT files imported as a user would) for the edits."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from desktop_app.frame import EventFrame
from desktop_app.frame.cache import load_frame
from desktop_app.frame.patch import patch_frame
from desktop_app.frame.timeline_data import TimelineIndex
from desktop_app.frame.visible import filter_masks
from desktop_app.state.models import FilterModel
from desktop_app.store import editing
from desktop_app.store.project import Project
from desktop_app.views.table import model as table_model
from desktop_app.views.table.model import Column, EventTableModel, _text_order
from desktop_app.views.table.orders import PATCH_ORDER_UP_TO, patched_text_order
from desktop_app.workbench.linking import Linker
from tests.test_frame_patch import loaded  # noqa: F401  (the fixture)

WORDS = ["alpha", "Alpha", "ALPHA", "beta", "Éclair", "éclair", "zeta", "", " ", "Ωmega", "b"]


def _titles(rng: np.random.Generator, n: int) -> np.ndarray:
    words = np.array(WORDS, object)
    return np.array(
        [w + (str(k) if k % 3 else "") for w, k in zip(words[rng.integers(0, len(words), n)],
                                                      rng.integers(0, 5, n), strict=True)],
        object,
    )  # fmt: skip


@pytest.mark.parametrize("seed", range(6))
def test_a_patched_title_order_is_the_full_sort_of_the_new_titles(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    titles = _titles(rng, n)
    perm = _text_order(titles, False)
    for _ in range(8):
        k = int(rng.integers(1, min(n, 6) + 1))
        rows = rng.choice(n, k, replace=False)
        new = titles.copy()
        new[rows] = _titles(rng, k)
        got = patched_text_order(perm, new, rows, lambda t=new: _text_order(t, False))
        want = _text_order(new, False)
        assert got.dtype == np.int64 and got.tolist() == want.tolist()
        titles, perm = new, got


def test_a_patched_title_order_falls_back_to_the_full_sort() -> None:
    rng = np.random.default_rng(1)
    titles = _titles(rng, 600)
    perm = _text_order(titles, False)
    calls: list[int] = []

    def full() -> np.ndarray:
        calls.append(1)
        return _text_order(new, False)

    rows = np.arange(PATCH_ORDER_UP_TO + 1)  # too many edited rows
    new = titles.copy()
    new[rows] = titles[rows][::-1]
    assert patched_text_order(perm, new, rows, full).tolist() == _text_order(new, False).tolist()
    new = titles.copy()
    new[3] = None  # not text: Arrow's nulls, the full sort decides
    assert patched_text_order(perm, new, np.array([3]), full).tolist() == (
        _text_order(new, False).tolist()
    )
    assert len(calls) == 2


def _fresh_order(frame: EventFrame, column: Column, visible: np.ndarray) -> list[int]:
    model = EventTableModel()
    model.set_frame(frame)
    model.set_visible(visible)
    model.sort(column)
    return model.order.tolist()


@pytest.mark.parametrize("prepared", [False, True])  # title order sorted now / prepared
def test_table_orders_after_edits_equal_those_of_a_loaded_frame(
    loaded: Project,  # noqa: F811
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
    prepared: bool,
) -> None:
    if prepared:  # the background title order of a big frame, at this small size
        monkeypatch.setattr(table_model, "PREPARE_TITLE_ORDER_FROM", 0)
    frame = load_frame(loaded)
    model = EventTableModel()
    model.set_frame(frame)
    visible = np.ones(len(frame), bool)
    for column in (Column.CATEGORY, Column.PLACE, Column.TITLE):
        model.sort(column)  # each column's order worked out (and kept) once
    codes, names = frame.single["category"]
    rows = np.flatnonzero(codes >= 0)
    ids = [int(frame.ids[r]) for r in rows[: len(rows) // 2 : max(1, len(rows) // 6)]][:3]
    edits = [
        lambda old: replace(old, title="aardvark first"),
        lambda old: replace(old, title="  Éclair"),
        lambda old: replace(old, title=old.title.upper() + " Z"),
        lambda old: replace(old, category=names[0]),  # a category order made again
    ]
    for edit in edits:
        for event_id in ids:
            editing.update_event(loaded, event_id, edit(editing.read_event(loaded, event_id)))
        patched = patch_frame(frame, loaded, ids)
        # a title edit is patched in place (the orders carried); a category edit may not be
        in_place = patched.patched_rows(frame) is not None
        assert edit is edits[-1] or in_place
        kept_place = model._perm_cache.get(Column.PLACE)
        old_titles = model._perm_cache.get(Column.TITLE)
        model.set_frame(patched)
        if in_place:  # the same place column: its order kept
            assert model._perm_cache.get(Column.PLACE) is kept_place
        if patched.title is not frame.title:  # never the old title order
            assert model._perm_cache.get(Column.TITLE) is not old_titles
        reloaded = load_frame(loaded)
        for column in (Column.TITLE, Column.CATEGORY, Column.PLACE, Column.DATE):
            model.sort(column)
            assert model.order.tolist() == _fresh_order(reloaded, column, visible), column
        frame = patched


def test_the_linker_keeps_masks_over_a_title_edit_but_never_a_stale_one(
    loaded: Project,  # noqa: F811
    qtbot: Any,
) -> None:
    filters = FilterModel()
    linker = Linker(filters, search=lambda text: _search(linker.frame, text))
    try:
        frame = load_frame(loaded)
        linker.set_frame(frame)
        codes, names = frame.single["category"]
        name = names[int(np.bincount(codes[codes >= 0]).argmax())]
        other = next(n for n in names if n != name)
        filters.set_facet("category", frozenset({name}))
        chosen = linker.masks().facets["category"]
        row = int(np.flatnonzero(linker.visible)[0])
        event_id = int(frame.ids[row])
        old = editing.read_event(loaded, event_id)

        editing.update_event(loaded, event_id, replace(old, title="Kept masks"))
        titled = patch_frame(frame, loaded, [event_id])
        linker.set_frame(titled)
        assert linker.masks().facets["category"] is chosen  # carried, not made again
        assert np.array_equal(linker.visible, _visible(titled, filters, linker))

        filters.set_text("zzyzx")  # the search's mask: dropped with the next edit
        assert not linker.visible.any()
        editing.update_event(loaded, event_id, replace(old, title="zzyzx found"))
        found = patch_frame(titled, loaded, [event_id])
        linker.set_frame(found)
        assert np.flatnonzero(linker.visible).tolist() == [row]
        assert np.array_equal(linker.visible, _visible(found, filters, linker))

        editing.update_event(loaded, event_id, replace(old, title="zzyzx", category=other))
        moved = patch_frame(found, loaded, [event_id])  # a counted column changed
        linker.set_frame(moved)
        assert linker.masks().facets["category"] is not chosen
        assert np.array_equal(linker.visible, _visible(moved, filters, linker))
    finally:
        linker.shutdown()


def _search(frame: EventFrame, text: str) -> np.ndarray:
    """Ids of the events whose title holds ``text`` (the search the linker is given)."""
    hit = np.array([text in str(t) for t in frame.title], bool)
    return np.asarray(frame.ids[hit], np.int64)


def _visible(frame: EventFrame, filters: FilterModel, linker: Linker) -> np.ndarray:
    f = filters.filters
    masks = filter_masks(
        frame, f.t0, f.t1, f.text, f.facets, lambda text: _search(frame, text)
    )  # no cache: made afresh
    return masks.visible()


def test_any_in_is_a_count_above_zero_and_counts_are_kept_per_range() -> None:
    rng = np.random.default_rng(4)
    start = np.sort(rng.integers(0, 100_000, 3_000))
    end = start + rng.integers(1, 5_000, 3_000)
    for mask in (None, rng.random(3_000) < 0.02, np.zeros(3_000, bool)):
        index = TimelineIndex(start, end, mask)
        for _ in range(300):
            t0 = int(rng.integers(-1_000, 110_000))
            t1 = t0 + int(rng.integers(1, 20_000))
            want = int(np.count_nonzero((index.start < t1) & (index.end > t0)))
            assert index.count_in(t0, t1) == want == index.count_in(t0, t1)
            assert index.any_in(t0, t1) == (want > 0)


def test_a_title_edit_in_frame_order_changes_cells_without_a_reset(
    loaded: Project,  # noqa: F811
    qtbot: Any,
) -> None:
    frame = load_frame(loaded)
    model = EventTableModel()
    model.set_frame(frame)
    shown = frame.precision >= 0  # every row: then some rows hidden by a filter
    shown[::3] = False
    model.set_visible(shown)
    resets: list[int] = []
    changed: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.dataChanged.connect(lambda *_a: changed.append(1))
    row = int(np.flatnonzero(shown)[1])
    event_id = int(frame.ids[row])
    old = editing.read_event(loaded, event_id)
    editing.update_event(loaded, event_id, replace(old, title="A new title"))
    patched = patch_frame(frame, loaded, [event_id])
    model.set_frame(patched)
    assert resets == [] and changed == [1]  # the same rows in the same order
    at = int(np.flatnonzero(model.order == row)[0])
    assert model.data(model.index(at, Column.TITLE)) == "A new title"
    assert model.order.tolist() == np.flatnonzero(shown).tolist()

    model.sort(Column.TITLE)
    resets.clear()
    editing.update_event(loaded, event_id, replace(old, title="Zz last of all"))
    again = patch_frame(patched, loaded, [event_id])
    model.set_frame(again)
    assert resets == [1]  # sorted by the edited column: the order is made again
    assert model.order.tolist() == _fresh_order(load_frame(loaded), Column.TITLE, shown)
    assert model.data(model.index(len(model.order) - 1, Column.TITLE)) == "Zz last of all"
