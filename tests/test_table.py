"""The table pane: a lazy model over the visible rows, sorting, and linked selection."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from desktop_app.domain.dates import DAY_SECONDS, span_end_seconds
from desktop_app.frame.event_frame import EventFrame, Links
from desktop_app.ingest.sample import load_sample
from desktop_app.state.models import SelectionModel, ViewState
from desktop_app.views.table import (
    EVENT_ID_ROLE,
    Column,
    EventTableModel,
    TableView,
    contiguous_runs,
)
from desktop_app.views.table.model import _text_order
from desktop_app.views.table.view import NATIVE_RUNS_LIMIT


def synthetic_frame(n: int, seed: int = 0) -> EventFrame:
    """A frame built straight from numpy arrays (no database), sorted by start."""
    rng = np.random.default_rng(seed)
    start = np.sort(rng.integers(1_600_000_000, 1_750_000_000, n)) // 60 * 60
    precision = rng.choice(np.array([1, 2, 3, 4], np.int8), n, p=[0.05, 0.05, 0.6, 0.3])
    start = np.where(precision == 3, start // DAY_SECONDS * DAY_SECONDS, start)
    ids = rng.permutation(np.arange(1, n + 1, dtype=np.int64) * 3)  # not row order
    places = np.array(["Kyiv", "Kharkiv", "", "Odesa", "Lviv", "Dnipro", "Zaporizhzhia"], object)
    place = places[rng.integers(0, len(places), n)]
    located = place != ""
    lat = np.where(located, rng.uniform(45, 52, n), np.nan)
    lon = np.where(located, rng.uniform(22, 40, n), np.nan)
    numbers = rng.permutation(n)
    title = np.array(
        [f"Event {k} near {p or 'somewhere'}" for k, p in zip(numbers, place, strict=True)], object
    )
    categories = [
        "Battles",
        "Explosions/Remote violence",
        "Protests",
        "Riots",
        "Strategic developments",
    ]
    category = (rng.integers(-1, len(categories), n)).astype(np.int32)
    country = np.where(located, 0, -1).astype(np.int32)
    empty_links = Links(np.zeros(0, np.int64), np.zeros(0, np.int32), [])
    return EventFrame(
        ids=ids,
        start=start,
        end=span_end_seconds(start, precision),
        precision=precision,
        has_end=np.zeros(n, bool),
        lat=lat,
        lon=lon,
        location_id=np.where(located, 1, -1).astype(np.int64),
        title=title,
        place=place,
        single={"category": (category, categories), "country": (country, ["UA"])},
        multi={"actor": empty_links, "tag": empty_links, "source": empty_links},
    )


@pytest.fixture()
def sample_frame(project):  # type: ignore[no-untyped-def]
    load_sample(project)
    return EventFrame.load(project)


@pytest.fixture()
def table(qtbot, sample_frame):  # type: ignore[no-untyped-def]
    selection, view_state = SelectionModel(), ViewState()
    view = TableView(selection, view_state)
    qtbot.addWidget(view)
    view.set_frame(sample_frame)
    view.resize(900, 300)
    return view, selection


def column_texts(model: EventTableModel, column: int) -> list[str]:
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


# ---------------------------------------------------------------------- model
def test_model_passes_qt_model_tester(qtmodeltester, sample_frame) -> None:  # type: ignore[no-untyped-def]
    model = EventTableModel()
    model.set_frame(sample_frame)
    qtmodeltester.check(model, force_py=True)
    model.sort(Column.TITLE, Qt.SortOrder.DescendingOrder)
    mask = np.zeros(len(sample_frame), bool)
    mask[::2] = True
    model.set_visible(mask)
    qtmodeltester.check(model, force_py=True)


def test_model_shows_dates_at_their_precision(sample_frame) -> None:
    model = EventTableModel()
    model.set_frame(sample_frame)
    assert model.rowCount() == 8 and model.columnCount() == 6
    assert column_texts(model, Column.DATE) == ["2023"] * 4 + ["2025"] * 4
    assert set(column_texts(model, Column.PRECISION)) == {"year"}
    places = column_texts(model, Column.PLACE)
    assert "Moscow" in places and "" in places  # one sample event has no place
    countries = column_texts(model, Column.COUNTRY)
    assert "Russia" in countries and "United Kingdom" in countries
    assert model.data(model.index(0, Column.DATE), Qt.ItemDataRole.ToolTipRole) == "2023, year only"
    ids = [model.data(model.index(r, 0), EVENT_ID_ROLE) for r in range(8)]
    assert ids == sample_frame.ids.tolist()


def test_model_formats_each_precision() -> None:
    frame = synthetic_frame(200)
    model = EventTableModel()
    model.set_frame(frame)
    seen = {}
    for r in range(model.rowCount()):
        seen[int(frame.precision[r])] = model.data(model.index(r, Column.DATE))
    assert len(seen[1]) == 4 and len(seen[2]) == 7 and len(seen[3]) == 10
    assert len(seen[4]) == 16 and seen[4][10] == " "


def test_sorting_by_each_column(sample_frame) -> None:
    model = EventTableModel()
    model.set_frame(sample_frame)
    model.sort(Column.TITLE)
    titles = column_texts(model, Column.TITLE)
    assert titles == sorted(titles, key=str.casefold)
    assert model.sort_column == Column.TITLE
    model.sort(Column.TITLE, Qt.SortOrder.DescendingOrder)
    assert column_texts(model, Column.TITLE) == sorted(titles, key=str.casefold, reverse=True)
    model.sort(Column.PLACE)
    places = column_texts(model, Column.PLACE)
    assert places[-1] == "" and places[:-1] == sorted(places[:-1])  # blanks last
    model.sort(Column.CATEGORY)
    categories = column_texts(model, Column.CATEGORY)
    assert categories == sorted(categories)
    model.sort(Column.COUNTRY)
    countries = [c for c in column_texts(model, Column.COUNTRY) if c]
    assert countries == sorted(countries)
    model.sort(Column.DATE, Qt.SortOrder.DescendingOrder)
    assert column_texts(model, Column.DATE) == ["2025"] * 4 + ["2023"] * 4


def test_filtering_keeps_the_sort(sample_frame) -> None:
    model = EventTableModel()
    model.set_frame(sample_frame)
    model.sort(Column.TITLE)
    mask = sample_frame.start >= sample_frame.start.max()  # the 2025 events
    model.set_visible(mask)
    assert model.visible_count == 4
    titles = column_texts(model, Column.TITLE)
    assert titles == sorted(titles, key=str.casefold)
    assert set(titles) == set(sample_frame.title[mask])
    with pytest.raises(ValueError):
        model.set_visible(np.ones(3, bool))


def test_contiguous_runs() -> None:
    firsts, lasts = contiguous_runs(np.array([1, 2, 3, 7, 9, 10]))
    assert firsts.tolist() == [1, 7, 9] and lasts.tolist() == [3, 7, 10]
    assert [len(a) for a in contiguous_runs(np.zeros(0, np.int64))] == [0, 0]


# ---------------------------------------------------------------------- linked selection
def test_table_selection_writes_the_shared_selection(qtbot, table) -> None:  # type: ignore[no-untyped-def]
    view, selection = table
    model, chooser = view.model, view.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag
    with qtbot.waitSignal(selection.changed) as blocker:
        view.table.selectRow(2)
    assert blocker.args == [view]
    assert selection.ids == {model.event_id(2)} and selection.active == model.event_id(2)
    with qtbot.waitSignal(selection.changed):
        chooser.select(model.index(5, 0), flags.Select | flags.Rows)
    assert selection.ids == {model.event_id(2), model.event_id(5)}
    with qtbot.waitSignal(selection.changed):  # moving the current row moves the active id
        chooser.setCurrentIndex(model.index(5, 0), flags.NoUpdate)
    assert selection.active == model.event_id(5)


def test_shared_selection_selects_rows_and_scrolls(qtbot, sample_frame) -> None:  # type: ignore[no-untyped-def]
    selection = SelectionModel()
    view = TableView(selection, ViewState())
    qtbot.addWidget(view)
    view.set_frame(sample_frame)
    view.model.sort(Column.TITLE)
    wanted = [int(sample_frame.ids[1]), int(sample_frame.ids[6])]
    selection.set(wanted, active=wanted[1], source="map")
    rows = view.selected_rows()
    assert sorted(view.model.ids_at(rows).tolist()) == sorted(wanted)
    current = view.table.currentIndex()
    assert view.model.event_id(current.row()) == wanted[1]
    # survives a re-sort and a filter that hides one of them
    view.table.sortByColumn(Column.PLACE, Qt.SortOrder.DescendingOrder)
    assert sorted(view.model.ids_at(view.selected_rows()).tolist()) == sorted(wanted)
    mask = np.ones(len(sample_frame), bool)
    mask[1] = False
    view.set_visible(mask)
    assert view.model.ids_at(view.selected_rows()).tolist() == [wanted[1]]
    assert selection.ids == set(wanted)  # hiding rows does not change the shared selection
    selection.clear(source="map")
    assert len(view.selected_rows()) == 0


def test_no_echo_between_table_and_selection(qtbot, table) -> None:  # type: ignore[no-untyped-def]
    view, selection = table
    emitted: list[object] = []
    selection.changed.connect(emitted.append)
    selection.set([int(view.model.event_id(3))], source="timeline")
    # applying the outside selection to the table wrote nothing back
    assert emitted == ["timeline"]
    view.table.selectRow(4)
    assert emitted == ["timeline", view]
    assert selection.ids == {view.model.event_id(4)}


def test_large_outside_selection_is_painted_then_replaced_by_a_click(qtbot) -> None:  # type: ignore[no-untyped-def]
    frame = synthetic_frame(20_000)
    selection = SelectionModel()
    view = TableView(selection, ViewState())
    qtbot.addWidget(view)
    view.set_frame(frame)
    wanted = frame.ids[::3]  # 6,667 separate runs: more than the native limit
    selection.set(wanted, active=int(wanted[10]), source="map")
    model = view.model
    assert sorted(model.ids_at(view.selected_rows()).tolist()) == sorted(wanted.tolist())
    painted = model.highlighted_rows()
    assert len(painted) == len(wanted)
    assert model.data(model.index(int(painted[0]), 1), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(1, 1), Qt.ItemDataRole.BackgroundRole) is None
    assert model.event_id(view.table.currentIndex().row()) == int(wanted[10])
    with qtbot.waitSignal(selection.changed):
        view.table.selectRow(1)
    assert selection.ids == {model.event_id(1)}
    assert model.highlighted_rows().size == 0


def test_select_all_is_painted_not_handed_to_qt(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+A in the table (and a huge selection from elsewhere) never becomes a
    many-row Qt selection, which makes Qt call the Python flags() per cell."""
    from PySide6.QtGui import QKeySequence

    frame = synthetic_frame(30_000)
    selection = SelectionModel()
    view = TableView(selection, ViewState())
    qtbot.addWidget(view)
    view.set_frame(frame)
    mask = np.ones(len(frame), bool)
    mask[:5_000] = False  # only what the table shows is selected
    view.set_visible(mask)
    view.table.setFocus()
    with qtbot.waitSignal(selection.changed):
        qtbot.keySequence(view.table, QKeySequence.StandardKey.SelectAll)
    assert selection.ids == set(frame.ids[mask].tolist())
    native = view.table.selectionModel().selection()
    assert sum(r.bottom() - r.top() + 1 for r in native) <= 1  # at most the active row
    assert len(view.model.highlighted_rows()) == int(mask.sum())
    # one contiguous range from another pane is painted too once it is large
    selection.set(frame.ids[5_000:25_000], source="map")
    assert len(view.model.highlighted_rows()) == 20_000
    assert sum(r.bottom() - r.top() + 1 for r in view.table.selectionModel().selection()) <= 1


# ---------------------------------------------------------------------- a million rows
@pytest.mark.slow
def test_million_rows_benchmark(qtbot, capsys) -> None:  # type: ignore[no-untyped-def]
    """Figures at 1,000,000 events (printed, not asserted; see bench/ for the same)."""
    n = 1_000_000
    frame = synthetic_frame(n)
    selection = SelectionModel()
    figures: dict[str, float] = {}

    t = time.perf_counter()
    view = TableView(selection, ViewState())
    qtbot.addWidget(view)
    view.set_frame(frame)
    figures["create + set_frame"] = time.perf_counter() - t
    view.resize(900, 400)

    mask = np.zeros(n, bool)
    mask[::3] = True
    t = time.perf_counter()
    view.set_visible(mask)
    figures["set_visible (1/3)"] = time.perf_counter() - t
    assert view.visible_count == mask.sum()

    t = time.perf_counter()
    _text_order(frame.title, few_distinct=False)
    figures["title order, computed (1M distinct titles)"] = time.perf_counter() - t
    qtbot.waitUntil(view.model.title_order_ready, timeout=20_000)  # prepared in background
    for column in (Column.TITLE, Column.PLACE, Column.CATEGORY, Column.PRECISION):
        t = time.perf_counter()
        view.model.sort(column)
        figures[f"sort by {Column(column).name.lower()} (first)"] = time.perf_counter() - t
    t = time.perf_counter()
    view.model.sort(Column.TITLE, Qt.SortOrder.DescendingOrder)
    figures["sort by title (cached, descending)"] = time.perf_counter() - t
    titles = [view.model.data(view.model.index(r, Column.TITLE)) for r in range(50)]
    assert titles == sorted(titles, key=str.casefold, reverse=True)

    rng = np.random.default_rng(1)
    wanted = rng.choice(frame.ids, 100_000, replace=False)
    t = time.perf_counter()
    selection.set(wanted, active=int(wanted[0]), source="map")
    figures["apply 100k-id selection"] = time.perf_counter() - t
    shown = view.model.display_rows_of(wanted)
    assert len(view.selected_rows()) == len(shown)

    assert view.model.highlighted_rows().size > 0  # too many runs: painted, not native

    some = frame.ids[view.model.order[: 4 * NATIVE_RUNS_LIMIT : 4]]
    t = time.perf_counter()
    selection.set(some, source="map")
    figures[f"apply {NATIVE_RUNS_LIMIT:,}-run selection (native)"] = time.perf_counter() - t
    assert view.model.highlighted_rows().size == 0
    assert len(view.selected_rows()) == NATIVE_RUNS_LIMIT

    view.model.sort(Column.DATE)
    t = time.perf_counter()
    view.table.selectAll()
    figures["select all rows -> SelectionModel"] = time.perf_counter() - t
    assert len(selection.ids) == view.visible_count

    with capsys.disabled():
        print("\nTable pane at 1,000,000 rows (seconds are wall time on this machine):")
        for name, seconds in figures.items():
            print(f"  {name:40s} {seconds * 1000:8.1f} ms")
