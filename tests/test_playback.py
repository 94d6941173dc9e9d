"""Playback: periods, their windows, and the window's panes following each step."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
import pytest

from desktop_app.domain.dates import Precision, to_seconds
from desktop_app.domain.periods import caption, parse_period, windows
from desktop_app.store.project import Project

WAIT_MS = 20_000


def s(*parts: int) -> int:
    return to_seconds(datetime(*parts))  # type: ignore[arg-type]


def test_periods_parse_and_refuse_clearly() -> None:
    assert str(parse_period("1w")) == "1w" and parse_period(" 3 M ").unit == "M"
    for bad in ("", "week", "0d", "1q", "-1d"):
        with pytest.raises(ValueError, match="not a period"):
            parse_period(bad)


def test_month_windows_follow_the_calendar_from_the_first() -> None:
    got = windows(s(2024, 1, 31, 15), s(2024, 5, 1), parse_period("1M"), parse_period("1M"))
    assert got == [
        (s(2024, 1, 1), s(2024, 2, 1)),
        (s(2024, 2, 1), s(2024, 3, 1)),  # 29 days: 2024 is a leap year
        (s(2024, 3, 1), s(2024, 4, 1)),
        (s(2024, 4, 1), s(2024, 5, 1)),
    ]
    assert [caption(w, Precision.MONTH) for w in got] == [
        "2024-01",
        "2024-02",
        "2024-03",
        "2024-04",
    ]


def test_a_sliding_week_and_a_cumulative_playback() -> None:
    week = parse_period("1w")
    sliding = windows(s(2024, 6, 10, 9), s(2024, 6, 30), week, parse_period("1d"))
    assert sliding[0] == (s(2024, 6, 10), s(2024, 6, 17)) and len(sliding) == 20
    assert caption(sliding[0], week.precision) == "2024-06-10 – 2024-06-16"  # noqa: RUF001
    growing = windows(s(2024, 6, 10), s(2024, 6, 30), None, week)
    assert [w[0] for w in growing] == [s(2024, 6, 10)] * 3
    assert [w[1] for w in growing] == [s(2024, 6, 17), s(2024, 6, 24), s(2024, 6, 30)]
    with pytest.raises(ValueError, match="longer step"):
        windows(s(1900, 1, 1), s(2100, 1, 1), week, parse_period("1m"))


def test_every_pane_follows_the_playback_and_stop_gives_the_window_back(
    make_main_window: Any, sample_project: Project, qtbot: Any
) -> None:
    window = make_main_window(sample_project)
    wb = window.workbench
    playback = window.features["playback"].playback
    panel = window.features["playback"].panel
    wb.filters.set_time_window(s(2000, 1, 1), s(2030, 1, 1))  # the analyst's own window
    playback.configure(parse_period("1M"))
    assert playback.windows and playback.windows[0][0] <= int(wb.linker.frame.start.min())

    frame = wb.linker.frame
    seen = 0
    for _ in range(len(playback.windows)):
        playback.step(1)
        t0, t1 = playback.windows[playback.index]
        assert (wb.filters.filters.t0, wb.filters.filters.t1) == (t0, t1)
        expected = (frame.start < t1) & (frame.end > t0)
        assert np.array_equal(wb.linker.visible, expected)
        assert window.table.model.rowCount() == int(expected.sum())  # the table follows
        seen |= int(expected.any())
        assert panel.caption.text().startswith(playback.caption())
    assert seen
    playback.stop()
    assert (wb.filters.filters.t0, wb.filters.filters.t1) == (s(2000, 1, 1), s(2030, 1, 1))


def test_playing_moves_on_by_itself_and_stops_at_the_end(
    make_main_window: Any, sample_project: Project, qtbot: Any
) -> None:
    window = make_main_window(sample_project)
    playback = window.features["playback"].playback
    playback.configure(parse_period("1y"))
    playback.set_speed(16)
    count = len(playback.windows)
    assert count >= 2
    with qtbot.waitSignal(
        playback.playing_changed, timeout=WAIT_MS, check_params_cb=lambda on: not on
    ) as stopped:
        window.workbench.actions.action("view.playback.toggle").trigger()
        assert playback.playing
    assert stopped.args == [False] and playback.index == count - 1
    playback.loop = True
    playback.play()  # from the start again; looping, it never stops by itself
    qtbot.waitUntil(lambda: playback.index == count - 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: playback.index == 0, timeout=WAIT_MS)
    assert playback.playing
    playback.stop()
    assert not playback.playing and window.workbench.filters.filters.t0 is None
