"""Playback: periods, their windows, and the window's panes following each step."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
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


def _decoded(path: Path) -> list[np.ndarray]:
    import av

    with av.open(str(path)) as video:
        return [f.to_ndarray(format="rgb24") for f in video.decode(video=0)]


def test_the_video_writer_writes_what_it_is_given(tmp_path: Path) -> None:
    from desktop_app.export.video import VideoWriter

    red, sand = (200, 30, 30), (250, 250, 250)
    for suffix in (".mp4", ".gif"):
        path = tmp_path / f"v{suffix}"
        with VideoWriter(path, 4, 321, 241) as video:  # odd sides: MP4 makes them even
            for k in range(5):
                rgb = np.full((241, 321, 3), sand, np.uint8)
                rgb[:120, k * 20 : k * 20 + 20] = red
                video.write(rgb)
        frames = _decoded(path)
        assert len(frames) == 5
        tolerance = 30 if suffix == ".mp4" else 45  # lossy H.264 / a 256-colour palette
        assert np.abs(frames[2][60, 50].astype(int) - red).max() < tolerance
        assert np.abs(frames[2][200, 300].astype(int) - sand).max() < tolerance
    with pytest.raises(ValueError, match=r"\.mp4 or \.gif"):
        VideoWriter(tmp_path / "v.avi", 4, 100, 100)
    broken = tmp_path / "broken.mp4"
    with pytest.raises(ValueError, match="a frame of"), VideoWriter(broken, 4, 64, 64) as video:
        video.write(np.zeros((64, 64, 3), np.uint8))
        video.write(np.zeros((32, 64, 3), np.uint8))
    assert not broken.exists()  # an unfinished video is not left behind


def test_sightline_animate_renders_one_frame_per_window(
    sample_project: Project, tmp_path: Path
) -> None:
    """The real command, offscreen: a month window over 2023 gives twelve frames of
    map, timeline and caption."""
    import subprocess
    import sys

    path = sample_project.path
    sample_project.close()
    out = tmp_path / "year.mp4"
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app", "animate", str(out), "--project", str(path),
         "--from", "2023-01", "--to", "2023-12", "--window", "1M", "--size", "640x360"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "12 frames" in done.stdout
    frames = _decoded(out)
    assert len(frames) == 12 and frames[0].shape == (360, 640, 3)
    caption_bar = frames[0][5:40, 300:340]
    assert caption_bar.mean() < 80  # the dark caption band is there
    bad = subprocess.run(
        [sys.executable, "-m", "desktop_app", "animate", str(tmp_path / "x.mp4"),
         "--project", str(path), "--window", "fortnight"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert bad.returncode == 2 and "not a period" in bad.stderr
    assert not (tmp_path / "x.mp4").exists()


def test_export_animation_from_the_window_gives_the_window_back(
    make_main_window: Any, sample_project: Project, qtbot: Any, tmp_path: Path
) -> None:
    window = make_main_window(sample_project)
    feature = window.features["playback"]
    wb = window.workbench
    wb.set_classification("OFFICIAL")
    feature.playback.configure(parse_period("1y"))
    assert "briefing.export_animation" in wb.actions
    out = tmp_path / "years.gif"
    finished: list[tuple[str, int]] = []
    render = feature.export_animation(out, fps=2)
    render.finished.connect(lambda path, frames: finished.append((path, frames)))
    qtbot.waitUntil(lambda: bool(finished), timeout=120_000)
    assert finished == [(str(out), len(feature.playback.windows))]
    frames = _decoded(out)
    assert len(frames) == len(feature.playback.windows)
    red, green, blue = (int(v) for v in frames[0][10, 10])
    assert red > 100 and green < 60 and blue < 60  # the classification bar, in dark red
    assert wb.filters.filters.t0 is None and not feature.playback.playing


def test_a_period_is_told_at_the_precision_its_length_warrants() -> None:
    from desktop_app.domain.periods import span_caption

    assert span_caption(s(2024, 6, 10, 23, 2), s(2024, 6, 12, 0, 57)) == (
        "2024-06-10 – 2024-06-12"  # noqa: RUF001 (not from 23:02 to 00:57)
    )
    assert span_caption(s(2023, 1, 1), s(2025, 1, 1)) == "2023 – 2024"  # noqa: RUF001
    assert span_caption(s(2024, 3, 1), s(2024, 6, 1)) == "2024-03 – 2024-05"  # noqa: RUF001
    assert span_caption(s(2024, 6, 10, 9), s(2024, 6, 10, 17)) == (
        "2024-06-10 09:00 – 2024-06-10 16:59"  # noqa: RUF001
    )
