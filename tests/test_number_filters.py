"""Histograms with ranges for the numeric columns an import kept, and the weekday x hour
grid that filters: on real project files (an ACLED export in its codebook layout, a
spreadsheet with clock times), through the real linker and filters pane.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QPushButton

from desktop_app.frame import EventFrame
from desktop_app.frame.numeric import numeric_keys
from desktop_app.frame.numeric_store import load_numbers, numbers_dir, read_numbers
from desktop_app.frame.visible import visible_mask
from desktop_app.ingest.pipeline import import_file
from desktop_app.state.models import FilterModel, Filters
from desktop_app.state.snapshot import ViewSnapshot
from desktop_app.store.project import Project
from desktop_app.store.views_repo import ViewsRepository
from desktop_app.views.filters import FiltersView
from desktop_app.workbench.linking import Linker

ACLED_HEADER = [
    *("event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type"),
    *("sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2"),
    *("inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1"),
    *("admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source"),
    *("source_scale", "notes", "fatalities", "tags", "timestamp"),
]
# fatalities per event; "" is an event whose count the file leaves blank
FATALITIES = ["0", "3", "5", "12", "100", "250", "", "7"]


def _acled_file(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(ACLED_HEADER)
        for i, deaths in enumerate(FATALITIES):
            row = {
                "event_id_cnty": f"UKR{9100 + i}",
                "event_date": f"2024-03-{i + 4:02d}",
                "year": "2024",
                "time_precision": "1",
                "disorder_type": "Political violence",
                "event_type": "Battles" if i % 2 else "Explosions/Remote violence",
                "sub_event_type": "Armed clash" if i % 2 else "Shelling/artillery/missile attack",
                "actor1": "Military Forces of Russia (2000-)",
                "inter1": "8",
                "actor2": "Military Forces of Ukraine (2019-)",
                "inter2": "1",
                "interaction": "18",
                "iso": "804",
                "region": "Europe",
                "country": "Ukraine",
                "admin1": "Donetsk",
                "admin2": "Pokrovskyi",
                "location": f"Village {i}",
                "latitude": f"{48.0 + i / 10:.4f}",
                "longitude": f"{37.0 + i / 10:.4f}",
                "geo_precision": "1",
                "source": "Ukrinform",
                "source_scale": "National" if i % 3 else "Subnational-National",
                "notes": f"On {i + 4} March 2024, fighting near village {i}; <b>{deaths}</b> dead",
                "fatalities": deaths,
                "timestamp": str(1710000000 + 3600 * i),
            }
            writer.writerow([row.get(c, "") for c in ACLED_HEADER])
    return path


# Monday 3 June 2024 onwards: (title, date, score, weight); two events known to the day
TIMED = [
    ("Convoy seen", "2024-06-03 09:15", "1.5", "3"),  # Mon 09
    ("Convoy again", "2024-06-03 09:45", "2", "4"),  # Mon 09
    ("Drone strike", "2024-06-04 14:00", "-0.5", "1"),  # Tue 14
    ("Late shelling", "2024-06-08 23:59", "3", ""),  # Sat 23
    ("After midnight", "2024-06-09 00:30", "", "2"),  # Sun 00
    ("Day only one", "2024-06-05", "4.25", "2"),  # no time of day
    ("Morning patrol", "2024-06-10 09:05", "0", "5"),  # Mon 09
    ("Day only two", "2024-06-06", "7", "1"),  # no time of day
]


def _timed_file(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["title", "date", "lat", "lon", "score", "notes", "<b>weight</b>", "case_id"]
        )
        for i, (title, date, score, weight) in enumerate(TIMED):
            notes = f"Seen by patrol {i}, heading north"
            writer.writerow([title, date, "50.45", "30.52", score, notes, weight, 1001 + i])
    return path


@pytest.fixture()
def acled_project(project: Project, tmp_path: Path) -> Project:
    result = import_file(project, _acled_file(tmp_path / "acled_export.csv"))
    assert result.imported == len(FATALITIES)
    return project


@pytest.fixture()
def timed_project(project: Project, tmp_path: Path) -> Project:
    result = import_file(project, _timed_file(tmp_path / "incidents.csv"))
    assert result.imported == len(TIMED)
    return project


def _pane(qtbot: Any, project: Project) -> tuple[FiltersView, Linker]:
    """A filters pane fed by a real linker on the project, its numbers read."""
    model = FilterModel()
    linker = Linker(model, project=lambda: project)
    pane = FiltersView(model)
    qtbot.addWidget(pane)
    pane.resize(360, 900)
    pane.show()
    linker.attach([], counts_view=pane)
    with qtbot.waitSignal(linker.numbers_changed, timeout=20_000):
        linker.set_frame(EventFrame.load(project))
    with qtbot.waitSignal(linker.counts_shown, timeout=20_000):
        pass
    return pane, linker


def _visible_titles(linker: Linker) -> set[str]:
    return {str(t) for t in linker.frame.title[linker.visible]}


def _counted(qtbot: Any, linker: Linker, change: Any) -> None:
    with qtbot.waitSignal(linker.counts_shown, timeout=20_000):
        change()


# ---------------------------------------------------------------------- which columns
def test_acled_offers_fatalities_and_no_code_id_or_text_column(acled_project: Project) -> None:
    table = read_numbers(acled_project)
    # inter1/inter2/interaction are codes, timestamp an instant, geo/time_precision
    # codes, source_scale and civilian_targeting text, notes is the description
    assert list(table.columns) == ["fatalities"]


def test_text_and_id_columns_are_not_numbers() -> None:
    samples = [
        {"notes": f"note {i}", "case_id": str(100 + i), "serial": str(5000 + i), "n": str(i % 4)}
        for i in range(30)
    ]
    samples += [{"mostly": "12"}] * 9 + [{"mostly": "twelve"}] * 2
    # an all-distinct whole-number column is an id under another name
    assert numeric_keys(samples) == ["n"]


# ---------------------------------------------------------------------- ranges
def test_a_fatalities_range_shows_exactly_the_events_inside(
    acled_project: Project, qtbot: Any
) -> None:
    pane, linker = _pane(qtbot, acled_project)
    try:
        assert list(pane.number_filters) == ["fatalities"]
        section = pane.number_filters["fatalities"]
        assert int(section.histogram.counts.sum()) == 7  # one event has no value
        assert section.missing.text() == "1 without a value"
        assert section.missing.textFormat() == Qt.TextFormat.PlainText

        section.low_box.setText("5")
        section.high_box.setText("100")
        _counted(qtbot, linker, section.high_box.editingFinished.emit)
        assert pane.filters.filters.ranges == {"fatalities": (5.0, 100.0)}
        frame = linker.frame
        deaths = read_numbers(acled_project).aligned(frame.ids).columns["fatalities"].values
        inside = {int(i) for i in frame.ids[(deaths >= 5) & (deaths <= 100)]}
        assert {int(i) for i in frame.ids[linker.visible]} == inside
        assert int(linker.visible.sum()) == 4  # 5, 7, 12 and 100 (the blank one is left out)
        # the histogram ignores its own range: every value stays pickable
        assert int(section.histogram.counts.sum()) == 7
        assert section.missing.text() == "1 without a value, left out by a range"
        assert pane.summary_label.text() == "Also showing only: fatalities 5\u2013100"

        # an open end: at least 100
        section.high_box.clear()
        section.low_box.setText("100")
        _counted(qtbot, linker, section.low_box.editingFinished.emit)
        assert pane.filters.filters.ranges == {"fatalities": (100.0, None)}
        assert int(linker.visible.sum()) == 2
    finally:
        linker.shutdown()


def test_dragging_on_the_histogram_picks_a_range(acled_project: Project, qtbot: Any) -> None:
    pane, linker = _pane(qtbot, acled_project)
    try:
        chart = pane.number_filters["fatalities"].histogram
        y = chart.height() // 2
        start, end = QPoint(int(chart._x(0.0)), y), QPoint(int(chart._x(20.0)), y)
        qtbot.mousePress(chart, Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(chart, end)
        with qtbot.waitSignal(linker.counts_shown, timeout=20_000):
            qtbot.mouseRelease(chart, Qt.MouseButton.LeftButton, pos=end)
        low, high = pane.filters.filters.ranges["fatalities"]
        assert low is None and high is not None and 12 <= high < 100
        assert _visible_titles(linker) and int(linker.visible.sum()) == 5  # 0, 3, 5, 7, 12
    finally:
        linker.shutdown()


def test_ranges_and_missing_values_in_the_frame(timed_project: Project) -> None:
    frame = EventFrame.load(timed_project)
    numbers = read_numbers(timed_project).aligned(frame.ids).columns
    assert set(numbers) == {"score", "<b>weight</b>"}  # notes are text, case_id an id
    kwargs: dict[str, Any] = {"numbers": numbers}
    mask = visible_mask(frame, None, None, "", {}, ranges={"score": (0.0, 3.0)}, **kwargs)
    assert {str(t) for t in frame.title[mask]} == {
        "Convoy seen", "Convoy again", "Late shelling", "Morning patrol"
    }  # fmt: skip
    # a range on a column this project does not have filters nothing
    everything = visible_mask(frame, None, None, "", {}, ranges={"nkill": (1.0, None)}, **kwargs)
    assert everything.all()


# ---------------------------------------------------------------------- the grid
def test_the_weekday_hour_grid_counts_and_filters(timed_project: Project, qtbot: Any) -> None:
    pane, linker = _pane(qtbot, timed_project)
    try:
        grid = pane.clock.grid
        expected = np.zeros((7, 24), np.int64)
        expected[0, 9], expected[1, 14], expected[5, 23], expected[6, 0] = 3, 1, 1, 1
        assert np.array_equal(grid.counts, expected)
        assert pane.clock.untimed.text() == "2 without a time of day"
        assert grid.isVisible()

        # a click on one cell: Monday 09:00-10:00
        with qtbot.waitSignal(linker.counts_shown, timeout=20_000):
            qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.cell_center(0, 9))
        assert pane.filters.filters.clock == frozenset({9})
        assert _visible_titles(linker) == {"Convoy seen", "Convoy again", "Morning patrol"}
        assert np.array_equal(grid.counts, expected)  # the grid ignores its own choice
        assert pane.summary_label.text() == "Also showing only: Mon 09:00\u201310:00"

        # a click on a weekday label: the whole of Saturday
        with qtbot.waitSignal(linker.counts_shown, timeout=20_000):
            qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.cell_center(5, -1))
        assert pane.filters.filters.clock == frozenset(range(5 * 24, 6 * 24))
        assert _visible_titles(linker) == {"Late shelling"}

        # an hour label: midnight to 1 on every day
        with qtbot.waitSignal(linker.counts_shown, timeout=20_000):
            qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.cell_center(-1, 0))
        assert pane.filters.filters.clock == frozenset(d * 24 for d in range(7))
        assert _visible_titles(linker) == {"After midnight"}

        # a drag from Monday 09 to Tuesday 14: two days x six hours
        with qtbot.waitSignal(linker.counts_shown, timeout=20_000):
            qtbot.mousePress(grid, Qt.MouseButton.LeftButton, pos=grid.cell_center(0, 9))
            qtbot.mouseMove(grid, grid.cell_center(1, 14))
            qtbot.mouseRelease(grid, Qt.MouseButton.LeftButton, pos=grid.cell_center(1, 14))
        assert len(pane.filters.filters.clock) == 12
        assert _visible_titles(linker) == {
            "Convoy seen", "Convoy again", "Morning patrol", "Drone strike"
        }  # fmt: skip
        # the day-only events are never in a grid choice
        assert not {"Day only one", "Day only two"} & _visible_titles(linker)

        # from the keyboard: Enter picks the cursor's cell alone, Space adds one
        grid.setFocus()
        assert grid.cursor_cell == (0, 0)
        qtbot.keyClick(grid, Qt.Key.Key_Down)
        for _ in range(10):  # left of 00:00 is 23:00 of the same day: Tuesday 14:00
            qtbot.keyClick(grid, Qt.Key.Key_Left)
        assert grid.cursor_cell == (1, 14)
        with qtbot.waitSignal(linker.counts_shown, timeout=20_000):
            qtbot.keyClick(grid, Qt.Key.Key_Return)
        assert pane.filters.filters.clock == frozenset({24 + 14})
        for _ in range(5):
            qtbot.keyClick(grid, Qt.Key.Key_Left)
        qtbot.keyClick(grid, Qt.Key.Key_Up)
        assert grid.cursor_cell == (0, 9)
        with qtbot.waitSignal(linker.counts_shown, timeout=20_000):
            qtbot.keyClick(grid, Qt.Key.Key_Space)
        assert pane.filters.filters.clock == frozenset({24 + 14, 9})
        assert _visible_titles(linker) == {
            "Convoy seen", "Convoy again", "Morning patrol", "Drone strike"
        }  # fmt: skip

        # Clear picks no cell: every event again
        clear = next(b for b in pane.clock.findChildren(QPushButton) if b.text() == "Clear")
        with qtbot.waitSignal(linker.counts_shown, timeout=20_000):
            clear.click()
        assert pane.filters.filters.clock == frozenset()
        assert int(linker.visible.sum()) == len(TIMED)
    finally:
        linker.shutdown()


def test_the_grid_folds_away_when_no_event_has_a_time_of_day(
    acled_project: Project, qtbot: Any
) -> None:
    """ACLED gives dates only: an empty grid would say nothing, so only a line shows."""
    pane, linker = _pane(qtbot, acled_project)
    try:
        assert not pane.clock.grid.isVisible() and not pane.clock.clear.isVisible()
        assert pane.clock.untimed.text() == (
            f"No event has a time of day ({len(FATALITIES):,} with a date only)"
        )
    finally:
        linker.shutdown()


# ---------------------------------------------------------------------- state
def test_saved_view_round_trip_and_old_views(timed_project: Project) -> None:
    filters = Filters(
        text="convoy",
        ranges={"score": (0.5, None), "<b>weight</b>": (1.0, 4.0)},
        clock=frozenset({9, 10, 33}),
    )
    repo = ViewsRepository(timed_project)
    view_id = repo.save_view("Mornings", "", ViewSnapshot(filters=filters).to_dict())
    saved = repo.view(view_id)
    assert saved is not None
    assert ViewSnapshot.from_dict(saved.state).filters == filters
    # a view saved before the ranges and the grid existed loads with neither
    old = {"format": 1, "filters": {"t0": None, "t1": None, "text": "x", "facets": {}}}
    assert ViewSnapshot.from_dict(old).filters == Filters(text="x")
    # malformed parts are dropped, not fatal
    bad = {"filters": {"ranges": {"a": ["x", None], "b": [1]}, "clock": [3, 999, "7"]}}
    assert ViewSnapshot.from_dict(bad).filters == Filters(clock=frozenset({3}))


def test_clear_all_filters_resets_ranges_and_grid(timed_project: Project, qtbot: Any) -> None:
    pane, linker = _pane(qtbot, timed_project)
    try:
        model = pane.filters
        _counted(qtbot, linker, lambda: model.set_range("score", 1.0, 3.0))
        _counted(qtbot, linker, lambda: model.set_clock(frozenset({9})))
        assert int(linker.visible.sum()) == 2  # the two Monday-morning convoys
        section = pane.number_filters["score"]
        assert (section.low_box.text(), section.high_box.text()) == ("1", "3")
        assert "score 1\u20133" in pane.summary_label.text()

        _counted(qtbot, linker, lambda: model.clear())
        assert model.filters == Filters()
        assert (section.low_box.text(), section.high_box.text()) == ("", "")
        assert pane.clock.grid.chosen == frozenset()
        assert pane.summary_label.isHidden()
        assert int(linker.visible.sum()) == len(TIMED)
    finally:
        linker.shutdown()


def test_a_column_name_is_shown_as_text_not_markup(timed_project: Project, qtbot: Any) -> None:
    pane, linker = _pane(qtbot, timed_project)
    try:
        section = pane.number_filters["<b>weight</b>"]
        labels = [w for w in section.findChildren(QLabel) if w.text()]
        title = next(w for w in labels if "weight" in w.text())
        assert title.text() == "<b>weight</b>"
        assert title.textFormat() == Qt.TextFormat.PlainText
        # the arrow folds the chart away; the chosen range stays in words beside the name
        _counted(qtbot, linker, lambda: pane.filters.set_range("<b>weight</b>", 2.0, None))
        section.fold.click()
        assert section.body.isHidden() and section.chosen_label.text() == "\u2265 2"
        section.fold.click()
        assert not section.body.isHidden()
    finally:
        linker.shutdown()


def test_numbers_follow_a_new_frame_without_reading_again_unless_events_are_new(
    timed_project: Project, acled_project: Project, qtbot: Any, tmp_path: Path
) -> None:
    assert timed_project is acled_project  # one project holding both files
    pane, linker = _pane(qtbot, timed_project)
    try:
        loader = linker.number_loader
        assert loader is not None
        assert set(pane.number_filters) == {"fatalities", "score", "<b>weight</b>"}
        _counted(qtbot, linker, lambda: pane.filters.set_range("fatalities", 100.0, None))
        assert int(linker.visible.sum()) == 2
        # the same events again (as after an edit): aligned by id, nothing read
        linker.set_frame(EventFrame.load(timed_project))
        assert not loader.busy and linker.numbers.complete
        assert int(linker.visible.sum()) == 2
        # new events (an import): read again, and the range applies to them at once
        more = tmp_path / "more.csv"
        rows = _acled_file(tmp_path / "base.csv").read_text(encoding="utf-8").splitlines()
        rows[1:] = [r.replace("UKR91", "UKR77").replace("2024-03-", "2023-11-") for r in rows[1:]]
        more.write_text("\n".join(rows) + "\n", encoding="utf-8")
        assert import_file(timed_project, more).imported == len(FATALITIES)
        with qtbot.waitSignal(linker.numbers_changed, timeout=20_000):
            linker.set_frame(EventFrame.load(timed_project))
        assert int(linker.visible.sum()) == 4
    finally:
        linker.shutdown()


def test_the_window_status_and_a_story_export_follow_a_range(
    make_main_window: Any, acled_project: Project, qtbot: Any, tmp_path: Path
) -> None:
    import json

    from desktop_app.features.briefing.snapshots import capture_view

    window = make_main_window(acled_project)
    pane, wb = window.filters_view, window.workbench
    qtbot.waitUntil(lambda: "fatalities" in pane.number_filters, timeout=20_000)
    section = pane.number_filters["fatalities"]
    section.low_box.setText("100")
    with qtbot.waitSignal(wb.linker.counts_shown, timeout=20_000):
        section.low_box.editingFinished.emit()
    shown = {int(i) for i in wb.linker.frame.ids[wb.linker.visible]}
    assert len(shown) == 2  # 100 and 250
    assert window.status_label.text().endswith("· fatalities \u2265 100")
    assert window.status_label.textFormat() == Qt.TextFormat.PlainText

    repo = ViewsRepository(acled_project)
    story_id = repo.create_story("Deadliest")
    snap = capture_view(window.features["briefing"].stage, "At least 100 dead")
    repo.add_step(story_id, repo.save_view(snap.title, snap.note, snap.to_dict()))
    wb.filters.clear()
    assert int(wb.linker.visible.sum()) == len(FATALITIES)
    path = tmp_path / "story.html"
    assert window.features["exporting"].export_html_story(story_id, path) > 0
    data = json.loads(path.read_text("utf-8").split('id="sl-data">')[1].split("</script>")[0])
    assert {int(i) for i in data["steps"][0]["ids"]} == shown


def test_a_copy_of_the_numbers_makes_reopening_cheap_and_never_goes_stale(
    timed_project: Project, tmp_path: Path
) -> None:
    if timed_project.path is None:
        pytest.skip("the copy of a server database is keyed like a file's; tested on SQLite")
    first = load_numbers(timed_project)
    copies = list(numbers_dir().glob("*.arrow"))
    assert len(copies) == 1
    again = load_numbers(timed_project)  # from the copy
    assert list(again.columns) == list(first.columns) == ["<b>weight</b>", "score"]
    assert np.array_equal(again.ids, first.ids)
    for name in first.columns:
        assert np.array_equal(again.columns[name], first.columns[name], equal_nan=True)
    assert again.origin is timed_project
    # an import changes the content key: read again, the old copy replaced
    import_file(timed_project, _acled_file(tmp_path / "acled.csv"))
    after = load_numbers(timed_project)
    assert "fatalities" in after.columns and len(after.ids) == len(first.ids) + len(FATALITIES)
    assert [p.name for p in numbers_dir().glob("*.arrow")] != [p.name for p in copies]
    assert len(list(numbers_dir().glob("*.arrow"))) == 1
    # a damaged copy is ignored
    (copy,) = numbers_dir().glob("*.arrow")
    copy.write_bytes(b"not arrow")
    assert list(load_numbers(timed_project).columns) == list(after.columns)
