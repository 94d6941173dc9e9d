"""The timeline pane, driven as a real widget offscreen (pytest-qt)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QWheelEvent
from PySide6.QtWidgets import QApplication
from timeline_frames import DAY, make_frame, s, sparse, synthetic

from desktop_app.domain.dates import Precision
from desktop_app.frame.event_frame import EventFrame
from desktop_app.ingest.pipeline import import_file
from desktop_app.ingest.sample import load_sample
from desktop_app.state.models import SelectionModel, ViewState
from desktop_app.store.project import Project
from desktop_app.views.timeline import TimelineView, format_bound, format_range
from desktop_app.views.timeline.canvas import SPARSE_LIMIT
from desktop_app.views.timeline.layout import DenseLayout, Style

# the offscreen platform plugin says this whenever a top-level widget is shown
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture()
def state() -> tuple[SelectionModel, ViewState]:
    return SelectionModel(), ViewState()


@pytest.fixture()
def view(qtbot, state: tuple[SelectionModel, ViewState]) -> Iterator[TimelineView]:  # type: ignore[no-untyped-def]
    widget = TimelineView(*state)
    qtbot.addWidget(widget)
    widget.resize(1000, 360)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget


# ---------------------------------------------------------------------------- axis
@pytest.mark.parametrize(
    ("t0", "t1", "unit", "expected_ticks", "expected_context"),
    [
        (s(1000, 1, 1), s(4000, 1, 1), "century", ["1200", "1400", "2000"], []),
        (s(1900, 1, 1), s(2030, 1, 1), "decade", ["1900", "1950", "2000"], []),
        (s(2010, 1, 1), s(2025, 1, 1), "year", ["2010", "2011", "2024"], []),
        (s(2023, 1, 1), s(2024, 1, 1), "month", ["Jan", "May", "Dec"], ["2023"]),
        (s(2023, 5, 1), s(2023, 5, 20), "day", ["1", "2", "19"], ["May 2023"]),
        (
            s(2023, 5, 14, 23),
            s(2023, 5, 15, 3),
            "minute",
            ["23:30", "00:00", "02:30"],
            ["14 May 2023", "15 May 2023"],
        ),
    ],
)
def test_axis_labels_fit_and_read_right_at_every_zoom(
    view: TimelineView,
    t0: int,
    t1: int,
    unit: str,
    expected_ticks: list[str],
    expected_context: list[str],
) -> None:
    view.set_range(t0, t1)
    axis = view.canvas.axis()
    assert axis.unit == unit
    texts = [t.text for t in axis.ticks]
    assert set(expected_ticks) <= set(texts)
    assert [c.text for c in axis.context] == expected_context or set(expected_context) <= {
        c.text for c in axis.context
    }
    for row in (axis.ticks, axis.context):
        for a, b in itertools.pairwise(row):
            assert a.x + 3 + a.width < b.x + 3, f"{a.text!r} runs into {b.text!r}"
    assert len(axis.ticks) >= 3
    for tick in axis.ticks:  # each label sits on the moment it names
        assert tick.x == pytest.approx((tick.t - t0) * view.canvas.plot_rect().width() / (t1 - t0))
        when = datetime(1970, 1, 1) + (datetime(1970, 1, 2) - datetime(1970, 1, 1)) * (tick.t / DAY)
        if unit in ("century", "decade", "year"):
            assert (when.month, when.day, tick.text) == (1, 1, str(when.year))
        elif unit == "month":
            assert when.day == 1 and tick.text == f"{when:%b}"
        elif unit == "day":
            assert tick.text == str(when.day)
        else:
            assert tick.text == f"{when:%H:%M}"


def test_axis_of_a_narrow_pane_still_does_not_overlap(view: TimelineView) -> None:
    view.resize(420, 300)
    for span in (3 * 365 * DAY, 40 * DAY, 2 * DAY, 3 * 3600):
        view.set_range(s(2023, 3, 1), s(2023, 3, 1) + span)
        axis = view.canvas.axis()
        for a, b in zip(axis.ticks, axis.ticks[1:], strict=False):
            assert a.x + a.width + 3 < b.x


# ---------------------------------------------------------------------------- precision
def _mean_and_spread(image: QImage, x0: float, x1: float, y: float) -> tuple[float, float]:
    values = []
    for x in range(int(x0) + 12, int(x1) - 12):
        c = QColor(image.pixel(x, int(y)))
        values.append((c.red() + c.green() + c.blue()) / 3)
    return float(np.mean(values)), float(np.std(values))


def test_a_year_only_event_spans_its_year_and_looks_uncertain(view: TimelineView) -> None:
    frame = make_frame(
        [
            (s(2023, 1, 1), Precision.YEAR, None, "meeting"),
            (s(2023, 3, 1), Precision.DAY, s(2023, 11, 1), "meeting"),  # a dated span
            (s(2023, 5, 14), Precision.DAY, None, "meeting"),  # a dated day
        ],
        titles=False,
    )
    view.set_frame(frame)
    view.set_range(s(2022, 7, 1), s(2024, 7, 1))
    items = {i.event_id: i for i in sparse(view).items}
    year, span, day = items[1], items[2], items[3]
    canvas = view.canvas
    assert year.style is Style.UNCERTAIN and span.style is Style.SPAN and day.style is Style.POINT
    assert year.x0 == pytest.approx(canvas.x_of(s(2023, 1, 1)))
    assert year.x1 == pytest.approx(canvas.x_of(s(2024, 1, 1)))
    assert day.x1 - day.x0 == pytest.approx(
        canvas.x_of(s(2023, 5, 15)) - canvas.x_of(s(2023, 5, 14))
    )
    assert year.y != span.y  # packed on separate rows of the lane, not overlapping
    image = view.canvas.grab().toImage()
    ratio = image.devicePixelRatio()
    solid_mean, solid_spread = _mean_and_spread(
        image, span.x0 * ratio, span.x1 * ratio, (span.y + span.h / 2) * ratio
    )
    rough_mean, rough_spread = _mean_and_spread(
        image, year.x0 * ratio, year.x1 * ratio, (year.y + year.h / 2 + 1) * ratio
    )
    assert solid_spread < 2  # one flat colour
    assert rough_spread > 10  # hatched
    assert rough_mean > solid_mean + 40  # translucent: much lighter
    # the faded ends: the year bar is lighter at its very start than in its middle
    edge = QColor(image.pixel(int((year.x0 + 1) * ratio), int((year.y + 2) * ratio)))
    assert edge.lightness() > 230


def test_sample_events_are_year_spans_in_lanes(view: TimelineView, project: Project) -> None:
    load_sample(project)
    frame = EventFrame.load(project)
    view.set_frame(frame)
    layout = sparse(view)
    assert len(layout.items) == len(frame)
    assert {i.style for i in layout.items} == {Style.UNCERTAIN}
    assert len(layout.lanes) == len(set(frame.single["category"][1]))
    for item in layout.items:
        year = datetime(1970, 1, 1).year + 0
        start = int(frame.start[item.row])
        assert item.x1 - item.x0 == pytest.approx(
            view.canvas.x_of(int(frame.end[item.row])) - view.canvas.x_of(start)
        )
        assert year  # the year's width, whatever the year
    # fit all shows every event, and the fields read back as the range
    t0, t1 = view.time_range
    assert t0 <= frame.start.min() and t1 >= frame.end.max()
    assert view.from_field.text() == format_bound(t0, False)


# ---------------------------------------------------------------------------- interaction
def _wheel(widget: object, pos: QPointF, delta: int) -> None:
    event = QWheelEvent(
        pos,
        pos,
        QPoint(0, 0),
        QPoint(0, delta),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)  # type: ignore[arg-type]


def test_wheel_zoom_keeps_the_time_under_the_cursor(
    view: TimelineView, state: tuple[SelectionModel, ViewState]
) -> None:
    view.set_frame(synthetic(500))
    view.set_range(s(2015, 1, 1), s(2020, 1, 1))
    canvas = view.canvas
    for x, delta in ((300.0, 120), (700.0, 240), (500.0, -120)):
        pos = QPointF(x, 100)
        before = canvas.time_at(x)
        span = canvas.time_range[1] - canvas.time_range[0]
        _wheel(canvas, pos, delta)
        after_span = canvas.time_range[1] - canvas.time_range[0]
        assert abs(canvas.time_at(x) - before) <= 2
        assert (after_span < span) == (delta > 0)
    assert state[1].timeline == canvas.time_range


def test_drag_pans_and_stores_the_range(
    qtbot,
    view: TimelineView,  # type: ignore[no-untyped-def]
    state: tuple[SelectionModel, ViewState],
) -> None:
    view.set_frame(synthetic(500))
    view.set_range(s(2015, 1, 1), s(2016, 1, 1))
    canvas = view.canvas
    t0, t1 = canvas.time_range
    per_px = (t1 - t0) / canvas.plot_rect().width()
    with qtbot.waitSignal(state[1].timeline_changed):
        qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(600, 100))
        qtbot.mouseMove(canvas, QPoint(500, 110))
        qtbot.mouseMove(canvas, QPoint(400, 120))
        qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(400, 120))
    n0, n1 = canvas.time_range
    assert n1 - n0 == t1 - t0
    assert n0 - t0 == pytest.approx(200 * per_px, abs=2)  # dragged left: later times
    assert state[1].timeline == (n0, n1)
    assert not state[0].ids  # a drag selects nothing


def test_shift_drag_brush_selects_exactly_the_overlapping_visible_events(
    qtbot, view: TimelineView, state: tuple[SelectionModel, ViewState]
) -> None:  # type: ignore[no-untyped-def]
    frame = synthetic(800, seed=2)
    view.set_frame(frame)
    visible = np.random.default_rng(1).random(len(frame)) < 0.7
    view.set_visible(visible)
    view.set_range(s(2016, 1, 1), s(2016, 3, 1))
    canvas = view.canvas
    selection = state[0]
    with qtbot.waitSignals([selection.changed, view.brushed]):
        qtbot.mousePress(
            canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, QPoint(400, 100)
        )
        qtbot.mouseMove(canvas, QPoint(520, 100))
        qtbot.mouseMove(canvas, QPoint(650, 100))
        qtbot.mouseRelease(
            canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, QPoint(650, 100)
        )
    b0, b1 = canvas.brush_range  # type: ignore[misc]
    assert b0 == canvas.time_at(400) and b1 == canvas.time_at(650)
    hit = visible & (frame.start < b1) & (frame.end > b0)
    assert selection.ids == frozenset(frame.ids[hit].tolist())
    assert 0 < len(selection.ids) < visible.sum()
    assert canvas.time_range == (s(2016, 1, 1), s(2016, 3, 1))  # a brush does not pan
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert canvas.brush_range is None


def test_brush_tool_button_makes_a_plain_drag_brush(
    qtbot,
    view: TimelineView,  # type: ignore[no-untyped-def]
    state: tuple[SelectionModel, ViewState],
) -> None:
    view.set_frame(synthetic(300))
    view.set_range(s(2012, 1, 1), s(2013, 1, 1))
    view.brush_button.click()
    with qtbot.waitSignal(view.brushed) as blocker:
        qtbot.mousePress(view.canvas, Qt.MouseButton.LeftButton, pos=QPoint(300, 80))
        qtbot.mouseMove(view.canvas, QPoint(450, 80))
        qtbot.mouseRelease(view.canvas, Qt.MouseButton.LeftButton, pos=QPoint(450, 80))
    assert blocker.args == [view.canvas.time_at(300), view.canvas.time_at(450)]
    assert view.time_range == (s(2012, 1, 1), s(2013, 1, 1))


def test_programmatic_brush_and_brushed_signal(
    qtbot,
    view: TimelineView,  # type: ignore[no-untyped-def]
    state: tuple[SelectionModel, ViewState],
) -> None:
    frame = make_frame(
        [
            (s(2023, 1, 1), 1, None, "a"),
            (s(2023, 6, 1), 3, None, "b"),
            (s(2024, 2, 1), 3, None, "b"),
        ]
    )
    view.set_frame(frame)
    with qtbot.waitSignal(view.brushed) as blocker:
        view.brush(s(2023, 7, 1), s(2023, 5, 1))  # either order
    assert blocker.args == [s(2023, 5, 1), s(2023, 7, 1)]
    assert state[0].ids == {1, 2}  # the year-only event overlaps May-June too


def test_click_selects_an_event_and_ctrl_click_adds(
    qtbot,
    view: TimelineView,  # type: ignore[no-untyped-def]
    state: tuple[SelectionModel, ViewState],
) -> None:
    frame = make_frame(
        [
            (s(2023, 2, 1), 3, None, "a"),
            (s(2023, 6, 1), 3, None, "b"),
            (s(2023, 9, 1), 3, s(2023, 10, 15), "a"),
        ]
    )
    view.set_frame(frame)
    items = {i.event_id: i for i in sparse(view).items}
    selection = state[0]
    mark = QPointF(items[2].centre_x, items[2].y + items[2].h / 2)
    assert view.event_at(mark) == 2
    with qtbot.waitSignal(selection.changed):
        qtbot.mouseClick(view.canvas, Qt.MouseButton.LeftButton, pos=mark.toPoint())
    assert selection.ids == {2} and selection.active == 2
    bar = QPointF((items[3].x0 + items[3].x1) / 2, items[3].y + items[3].h / 2)
    qtbot.mouseClick(
        view.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, bar.toPoint()
    )
    assert selection.ids == {2, 3} and selection.active == 3
    assert {i.event_id for i in sparse(view).items if i.selected} == {2, 3}
    # a click on empty space clears the selection
    empty = QPointF(view.canvas.plot_rect().right() - 5, view.canvas.plot_rect().bottom() - 3)
    assert view.event_at(empty) is None
    qtbot.mouseClick(view.canvas, Qt.MouseButton.LeftButton, pos=empty.toPoint())
    assert selection.ids == frozenset()


def test_selection_from_elsewhere_is_highlighted(
    view: TimelineView, state: tuple[SelectionModel, ViewState]
) -> None:
    frame = make_frame(
        [
            (s(2023, 2, 1), 3, None, "a"),
            (s(2023, 6, 1), 1, None, "b"),
            (s(2023, 9, 1), 3, None, "a"),
        ]
    )
    view.set_frame(frame)
    before = view.canvas.grab().toImage()
    state[0].set([2, 3], active=3, source="table")
    items = {i.event_id: i for i in sparse(view).items}
    assert (items[1].selected, items[2].selected, items[3].selected) == (False, True, True)
    assert items[3].active and not items[2].active
    assert view.canvas.grab().toImage() != before
    assert "2 selected" in view.status.text()


def test_typed_from_and_to_set_the_range(
    qtbot,
    view: TimelineView,  # type: ignore[no-untyped-def]
    state: tuple[SelectionModel, ViewState],
) -> None:
    view.set_frame(synthetic(200))
    for field, text in ((view.from_field, "2023"), (view.to_field, "2023-05")):
        field.setFocus()
        field.selectAll()
        qtbot.keyClicks(field, text)
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert view.time_range == (s(2023, 1, 1), s(2023, 6, 1))
    assert state[1].timeline == (s(2023, 1, 1), s(2023, 6, 1))
    view.to_field.setText("2023-05-14")
    view.to_field.editingFinished.emit()
    assert view.time_range == (s(2023, 1, 1), s(2023, 5, 15))
    view.from_field.setText("not a date")
    view.from_field.editingFinished.emit()
    assert view.time_range == (s(2023, 1, 1), s(2023, 5, 15))
    assert "background" in view.from_field.styleSheet()


def test_format_bound_reads_back() -> None:
    assert format_bound(s(2023, 1, 1), False) == "2023"
    assert format_bound(s(2024, 1, 1), True) == "2023"
    assert format_bound(s(2023, 6, 1), True) == "2023-05"
    assert format_bound(s(2023, 5, 15), True) == "2023-05-14"
    assert format_bound(s(2023, 5, 14, 9, 30), False) == "2023-05-14 09:30"
    assert format_bound(s(2023, 5, 14, 9, 30), True) == "2023-05-14 09:29"
    assert format_range(s(2019, 1, 1), s(2019, 2, 1)) == ("2019-01", "2019-01")
    assert format_range(s(2019, 1, 1), s(2021, 1, 1)) == ("2019", "2020")


def test_fit_all_and_fit_selection(
    view: TimelineView, state: tuple[SelectionModel, ViewState]
) -> None:
    frame = synthetic(400, seed=5)
    view.set_frame(frame)
    visible = frame.start < s(2020, 1, 1)
    view.set_visible(visible)
    view.set_range(s(2030, 1, 1), s(2030, 2, 1))
    view.fit_all_button.click()
    t0, t1 = view.time_range
    assert t0 <= frame.start[visible].min() and t1 >= frame.end[visible].max()
    assert t1 < frame.end.max()  # hidden events are not fitted
    chosen = [int(frame.ids[10]), int(frame.ids[20])]
    state[0].set(chosen, source="map")
    view.fit_selection_button.click()
    rows = frame.rows_of(chosen)
    f0, f1 = view.time_range
    assert f0 <= frame.start[rows].min() and f1 >= frame.end[rows].max()
    assert f1 - f0 < t1 - t0
    assert state[1].timeline == (f0, f1)


def test_follows_the_range_set_by_another_view(
    view: TimelineView, state: tuple[SelectionModel, ViewState]
) -> None:
    view.set_frame(synthetic(100))
    state[1].set_timeline(s(2019, 1, 1), s(2019, 2, 1), source="story")
    assert view.time_range == (s(2019, 1, 1), s(2019, 2, 1))
    assert view.from_field.text() == "2019-01" and view.to_field.text() == "2019-01"


def test_keys_zoom_and_pan(qtbot, view: TimelineView) -> None:  # type: ignore[no-untyped-def]
    view.set_frame(synthetic(100))
    view.set_range(s(2015, 1, 1), s(2016, 1, 1))
    canvas = view.canvas
    span = s(2016, 1, 1) - s(2015, 1, 1)
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert canvas.time_range[1] - canvas.time_range[0] < span
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    t0, t1 = canvas.time_range
    assert abs((t1 - t0) - span) <= 2
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert canvas.time_range[0] > t0
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    assert canvas.time_range[0] < t0


def test_dense_ranges_switch_to_density_bars(
    view: TimelineView, state: tuple[SelectionModel, ViewState]
) -> None:
    frame = synthetic(SPARSE_LIMIT * 4)
    view.set_frame(frame)
    layout = view.canvas.current_layout()
    assert isinstance(layout, DenseLayout) and view.canvas.is_dense
    assert layout.in_view == len(frame) and layout.selected is None
    assert layout.counts.max() == layout.max_count > 0
    assert view.event_at(QPointF(500, 100)) is None
    state[0].set(frame.ids[::10].tolist(), source="table")
    dense = view.canvas.current_layout()
    assert isinstance(dense, DenseLayout) and dense.selected is not None
    assert 0 < dense.selected.sum() <= dense.counts.sum()
    view.set_range(s(2016, 1, 1), s(2016, 1, 10))
    assert not view.canvas.is_dense
    assert view.canvas.index.count_in(*view.time_range) <= SPARSE_LIMIT
    # hiding events with the filters can also bring a range back to marks
    view.fit_all()
    assert view.canvas.is_dense
    view.set_visible(frame.precision == Precision.YEAR)
    assert not view.canvas.is_dense


def test_lanes_beyond_twelve_categories_share_other(view: TimelineView) -> None:
    frame = make_frame([(s(2023, 1, 1) + i * DAY * 7, 3, None, f"kind {i:02d}") for i in range(16)])
    view.set_frame(frame)
    lanes = sparse(view).lanes
    assert len(lanes) == 12 and lanes[-1].name == "other" and lanes[-1].count == 5


def test_imported_acled_and_gdelt_files(
    view: TimelineView, project: Project, data_dir: Path, state: tuple[SelectionModel, ViewState]
) -> None:
    import_file(project, data_dir / "acled_sample.csv")
    import_file(project, data_dir / "gdelt_v1.tsv")
    frame = EventFrame.load(project)
    assert len(frame) > 5
    view.set_frame(frame)
    layout = sparse(view)
    assert len(layout.items) == len(frame)
    view.brush(int(frame.start.min()), int(frame.end.max()))
    assert state[0].ids == frozenset(frame.ids.tolist())
