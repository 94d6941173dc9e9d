"""The timeline hides no event: overlapping spans get sub-rows, a lane with no room says
"+N", titles use the room of their bar, a day is drawn as its span when wide enough,
and hovering says what an event is (plain text)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from timeline_frames import DAY, make_frame, s, sparse

from desktop_app.domain.dates import Precision
from desktop_app.state.models import SelectionModel, ViewState
from desktop_app.views.timeline import TimelineView
from desktop_app.views.timeline.layout import Style, lane_heights

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture()
def short_view(qtbot) -> Iterator[TimelineView]:  # type: ignore[no-untyped-def]
    """A timeline as short as the window's default dock: about 100 px of lanes."""
    widget = TimelineView(SelectionModel(), ViewState())
    qtbot.addWidget(widget)
    widget.resize(1000, 190)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget


def test_a_span_under_another_gets_its_own_row(short_view: TimelineView) -> None:
    """The sample's first screen: two 2025 'strategic implication' spans, one exactly
    under the other, among six one-event lanes: both are drawn, one above the other."""
    events = [(s(2025, 1, 1), Precision.YEAR, None, "strategic implication")] * 2
    events += [(s(2023, 1, 1), Precision.YEAR, None, f"lane {k}") for k in range(6)]
    short_view.set_frame(make_frame(events))
    short_view.canvas.fit_all()
    layout = sparse(short_view)
    assert {i.event_id for i in layout.items} == set(range(1, 9))
    first, second = sorted((i for i in layout.items if i.lane == 0), key=lambda i: i.y)
    assert first.y + first.h <= second.y  # stacked, not on top of each other
    assert all(lane.hidden == 0 for lane in layout.lanes)
    assert second.h >= 6  # a visible bar, not a hairline


def test_a_lane_with_no_room_says_how_many_it_leaves_out(short_view: TimelineView) -> None:
    """Forty events on the same day in one lane cannot all get a row in 100 px: the lane
    shows what fits and counts the rest; other lanes keep a row each."""
    events = [(s(2024, 3, 1), Precision.DAY, s(2024, 3, 20), "busy")] * 40
    events += [(s(2024, 2, 1), Precision.DAY, None, "quiet")]
    short_view.set_frame(make_frame(events))
    short_view.canvas.fit_all()
    layout = sparse(short_view)
    busy, quiet = (next(b for b in layout.lanes if b.name == n) for n in ("busy", "quiet"))
    shown_busy = sum(1 for i in layout.items if layout.lanes[i.lane] is busy)
    assert busy.hidden > 0 and shown_busy + busy.hidden == 40
    assert quiet.hidden == 0 and any(layout.lanes[i.lane] is quiet for i in layout.items)


def test_lane_heights_share_by_need_and_keep_a_row_each() -> None:
    heights, rows = lane_heights(np.array([2, 1, 1, 1]), 200.0)
    assert rows.tolist() == [2, 1, 1, 1] and abs(heights.sum() - 200.0) < 1e-6
    assert heights[0] > heights[1]
    heights, rows = lane_heights(np.array([50, 1, 1]), 100.0)
    assert rows[1] == rows[2] == 1 and 1 <= rows[0] < 50
    assert abs(heights.sum() - 100.0) < 1e-6


def test_a_long_bar_shows_its_whole_title(qtbot, short_view: TimelineView) -> None:  # type: ignore[no-untyped-def]
    title = "Russia-China agreement to equip and train a Chinese airborne battalion"
    frame = make_frame([(s(2023, 1, 1), Precision.YEAR, None, "agreement")])
    frame.title[0] = title
    short_view.set_frame(frame)
    short_view.canvas.set_range(s(2022, 12, 1), s(2024, 2, 1))
    (item,) = sparse(short_view).items
    assert item.x1 - item.x0 > 500
    assert item.label == title  # not cut at the ~30 characters a mark's label gets


def test_a_day_is_drawn_as_its_span_when_zoomed_in(short_view: TimelineView) -> None:
    frame = make_frame([(s(2024, 6, 10), Precision.DAY, None, "x")])
    short_view.set_frame(frame)
    short_view.canvas.set_range(s(2024, 1, 1), s(2025, 1, 1))
    assert sparse(short_view).items[0].style is Style.POINT  # a day is a dot over a year
    short_view.canvas.set_range(s(2024, 6, 9), s(2024, 6, 12))
    (item,) = sparse(short_view).items
    assert item.style is Style.UNCERTAIN  # over hours: the whole day, not 12:00
    assert abs(short_view.canvas.time_at(item.x0) - s(2024, 6, 10)) < DAY / 50
    assert abs(short_view.canvas.time_at(item.x1) - s(2024, 6, 11)) < DAY / 50


def test_hovering_tells_title_date_and_place_as_plain_text(short_view: TimelineView) -> None:
    frame = make_frame([(s(2024, 6, 10), Precision.DAY, None, "x")])
    frame.title[0] = "<b>Strike</b> at the depot"
    frame.place[0] = "Kherson"
    short_view.set_frame(frame)
    short_view.canvas.set_range(s(2024, 6, 1), s(2024, 6, 20))
    (item,) = sparse(short_view).items
    assert short_view.canvas.event_at(QPointF(item.centre_x, item.y + item.h / 2)) == 1
    text = short_view.canvas.tooltip_text(1)
    assert text == "<b>Strike</b> at the depot\n10 June 2024\nKherson"


def test_lanes_by_any_facet_or_none(qtbot, project) -> None:  # type: ignore[no-untyped-def]
    """The sample in lanes by actor (an event with several actors in its first one's
    lane), by country, or all in one lane; chosen in the pane's Lanes box."""
    from desktop_app.frame.cache import load_frame
    from desktop_app.ingest.sample import load_sample

    load_sample(project)
    frame = load_frame(project)
    view = TimelineView(SelectionModel(), ViewState())
    qtbot.addWidget(view)
    view.resize(1000, 360)
    view.show()
    view.set_frame(frame)
    view.canvas.fit_all()
    assert "agreement" in {lane.name for lane in sparse(view).lanes}  # by category first
    boxes = {view.lanes_box.itemData(i): i for i in range(view.lanes_box.count())}
    view.lanes_box.setCurrentIndex(boxes["actor"])
    lanes = sparse(view).lanes
    names = {lane.name for lane in lanes}
    assert "Russia" in names and "People's Liberation Army (PLA)" in names
    assert sum(lane.count for lane in lanes) == len(frame)  # each event in one lane
    view.lanes_box.setCurrentIndex(boxes["country"])
    assert "(no country)" in {lane.name for lane in sparse(view).lanes}  # the leak: no place
    view.lanes_box.setCurrentIndex(boxes["none"])
    (only,) = sparse(view).lanes
    assert only.name == "all events" and only.count == len(frame)
    assert len(sparse(view).items) == len(frame)  # one lane, nothing hidden


def test_many_lanes_keep_a_readable_height_and_scroll(qtbot, short_view: TimelineView) -> None:  # type: ignore[no-untyped-def]
    """Twelve categories in a 100 px dock: every lane keeps one readable row, the
    lanes scroll (wheel over the names, Page Down), and the last lane's event is then
    drawn inside the plot and can be clicked."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QImage
    from PySide6.QtTest import QTest

    from desktop_app.views.timeline.layout import LANE_PAD, MIN_ROW_HEIGHT

    cats = [f"type {k:02d}" for k in range(12)]
    frame = make_frame([(s(2024, 1, 1 + k), Precision.DAY, None, c) for k, c in enumerate(cats)])
    short_view.set_frame(frame)
    canvas = short_view.canvas
    canvas.set_range(s(2023, 12, 20), s(2024, 2, 10))
    layout = sparse(short_view)
    plot = canvas.plot_rect()
    assert len(layout.lanes) == 12
    assert all(lane.height >= MIN_ROW_HEIGHT + LANE_PAD - 1e-6 for lane in layout.lanes)
    assert sum(lane.height for lane in layout.lanes) > plot.height()  # they outgrow it
    assert all(lane.hidden == 0 for lane in layout.lanes)  # and hide nothing
    last = next(i for i in layout.items if layout.lanes[i.lane].name == "type 11")
    assert last.y > plot.bottom()  # below the pane for now
    before = canvas.grab().toImage()

    QTest.keyClick(canvas, Qt.Key.Key_PageDown)
    while canvas.scroll_lanes(40):
        if (
            canvas.lane_scroll
            >= sum(lane.height for lane in sparse(short_view).lanes) - plot.height() - 0.5
        ):
            break
    layout = sparse(short_view)
    last = next(i for i in layout.items if layout.lanes[i.lane].name == "type 11")
    assert plot.top() <= last.y and last.y + last.h <= plot.bottom() + 1
    centre = QPoint(round((last.x0 + last.x1) / 2), round(last.y + last.h / 2))
    picked: list[object] = []
    canvas.picked.connect(lambda event_id, _add: picked.append(event_id))
    QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=centre)
    assert picked == [last.event_id]
    after: QImage = canvas.grab().toImage()
    assert after != before  # other lanes (and the scroll thumb) are drawn now

    scrolled = canvas.lane_scroll
    assert not canvas.scroll_lanes(10_000) or canvas.lane_scroll == scrolled  # at the end
    short_view.set_frame(make_frame([(s(2024, 1, 1), Precision.DAY, None, "one")]))
    assert canvas.lane_scroll == 0  # one lane fits: nothing stays scrolled
    assert not canvas.scroll_lanes(50)


@pytest.mark.parametrize("row", [12, 14, 18, 24])
def test_a_tight_rows_label_font_fits_the_row_descenders_and_all(qtbot, row: int) -> None:  # type: ignore[no-untyped-def]
    """A label in a row lower than the pane's font gets a smaller font whose whole line
    (not just its em: a line is about 1.17 em) fits the row and the lane's padding, so
    g, p and y are not cut."""
    from PySide6.QtGui import QFont, QFontMetricsF

    from desktop_app.views.timeline.marks import _fitting_font

    base = QFont()
    base.setPixelSize(16)
    fitted = _fitting_font(base, row)
    assert QFontMetricsF(fitted).height() <= row + 2  # the row and the lane's padding
    assert fitted.pixelSize() >= 7
    bigger = QFont(fitted)
    bigger.setPixelSize(fitted.pixelSize() + 1)  # and it is the largest that fits
    assert QFontMetricsF(bigger).height() > row + 2 or fitted.pixelSize() == row
