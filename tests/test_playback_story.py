"""Playback beyond the dock: the fading trail on the map, a story's "play this period"
step (presenting it plays it) and ``sightline animate --story``. The real page, offscreen."""

from __future__ import annotations

from typing import Any

import numpy as np
from helpers import run_js
from test_playback import _decoded

from desktop_app.domain.dates import parse_date, to_seconds
from desktop_app.domain.periods import parse_period
from desktop_app.ingest.pipeline import import_file
from desktop_app.store.project import Project

WAIT_MS = 20_000


def _seek_to_a_trail(playback: Any, wb: Any) -> int:
    """Seek to the first window with located events of its own and in its trail."""
    frame = wb.linker.frame
    for index in range(len(playback.windows)):
        playback.seek(index)
        trail = any((band & frame.located).any() for _o, band in playback.trail_masks())
        if trail and (wb.linker.visible & frame.located).any():
            return index
    raise AssertionError("no window of the sample has a trail")


def _day(text: str) -> int:
    return to_seconds(parse_date(text).start)


def test_the_trail_keeps_the_last_windows_fading_and_goes_with_stop(
    make_main_window: Any, sample_project: Project, qtbot: Any, data_dir: Any
) -> None:
    import_file(sample_project, data_dir / "acled_sample.csv")  # a week of daily events
    window = make_main_window(sample_project)
    wb = window.workbench
    feature = window.features["playback"]
    playback = feature.playback
    frame = wb.linker.frame
    playback.configure(parse_period("1d"), span=(_day("2025-05-16"), _day("2025-05-24")))
    feature.panel.trail_box.setCurrentIndex(feature.panel.trail_box.findData(2))
    assert playback.trail == 2
    index = _seek_to_a_trail(playback, wb)

    bands = playback.trail_masks()
    assert [b[0] for b in bands] == sorted((b[0] for b in bands), reverse=True)  # fading
    shown = wb.linker.visible.copy()
    for k, (_opacity, band) in enumerate(bands, start=1):
        t0, t1 = playback.windows[index - k]
        in_window = (frame.start < t1) & (frame.end > t0)
        assert np.array_equal(band, in_window & ~shown)  # each event once, in its youngest
        shown |= band
    trail_located = int(sum((band & frame.located).sum() for _o, band in bands))
    assert trail_located > 0
    qtbot.waitUntil(
        lambda: (run_js(qtbot, window.map.page, "Sightline.counts().trail") or 0) > 0,
        timeout=WAIT_MS,
    )
    current = int((wb.linker.visible & frame.located).sum())
    counts = run_js(qtbot, window.map.page, "Sightline.counts()")
    assert 0 < counts["trail"] <= trail_located and 0 < counts["events"] <= current
    # the trail is not interactive: a click there never selects a past event
    trail_layers = run_js(
        qtbot,
        window.map.page,
        "(function(){var n=[0,0];Sightline.map().eachLayer(function(l){"
        "var o=l.options||{};if(o.trail||o.eventId===null){n[0]++;"
        "if(o.interactive!==false)n[1]++;}});return n;})()",
    )
    assert trail_layers == [counts["trail"], 0]

    playback.stop()
    qtbot.waitUntil(
        lambda: run_js(qtbot, window.map.page, "Sightline.counts().trail") == 0, timeout=WAIT_MS
    )
    # a cumulative playback already keeps every earlier event: no trail
    playback.configure(None, parse_period("1d"))
    playback.seek(min(index, len(playback.windows) - 1))
    assert playback.trail_masks() == []


def _story_with_a_played_week(window: Any) -> tuple[int, list[Any]]:
    """A story: a still view of the sample, then the ACLED week played a day at a time."""
    from desktop_app.state.models import Filters, MapView
    from desktop_app.state.snapshot import PlaySpec, ViewSnapshot
    from desktop_app.store.views_repo import ViewsRepository

    steps = [
        ViewSnapshot("The agreement", "Still.", map=MapView(50.0, 80.0, 3.0)),
        ViewSnapshot(
            "A week of fighting",
            "Played a day at a time.",
            map=MapView(40.0, 30.0, 3.0),
            filters=Filters(t0=_day("2025-05-16"), t1=_day("2025-05-24")),
            play=PlaySpec("1d", trail=1, speed=8.0),
        ),
    ]
    repo = ViewsRepository(window.workbench.project)
    story = repo.create_story("A week")
    for step in steps:
        repo.add_step(story, repo.save_view(step.title, step.note, step.to_dict()))
    window.features["briefing"].stories.reload(story_id=story)
    return story, steps


def test_presenting_a_play_step_plays_its_period_and_leaving_it_stops(
    make_main_window: Any, sample_project: Project, qtbot: Any, data_dir: Any
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    import_file(sample_project, data_dir / "acled_sample.csv")
    window = make_main_window(sample_project)
    wb = window.workbench
    story, _steps = _story_with_a_played_week(window)
    briefing = window.features["briefing"]
    assert "\u25b6" in briefing.stories.tree.topLevelItem(0).child(1).text(0)  # marked
    before = wb.filters.filters
    with qtbot.waitSignal(briefing.presentation_started, timeout=WAIT_MS):
        briefing.present(story, 0, full_screen=False)
    shown = briefing.presentation
    assert shown is not None and shown.playback is None  # a still step plays nothing
    assert not shown.period_label.isVisible()

    seen: list[tuple[int | None, int | None]] = []
    wb.filters.changed.connect(
        lambda *_a: seen.append((wb.filters.filters.t0, wb.filters.filters.t1))
    )
    shown.next()
    playback = shown.playback
    assert playback is not None and playback.playing
    assert len(playback.windows) == 8  # eight days, 16 to 23 May
    assert shown.period_label.isVisible() and "2025-05-16" in shown.period_label.text()
    qtbot.waitUntil(lambda: playback.index >= 3, timeout=WAIT_MS)
    QTest.keyClick(shown, Qt.Key.Key_P)  # pause
    assert not playback.playing
    where = playback.index
    day = playback.windows[where]
    assert (wb.filters.filters.t0, wb.filters.filters.t1) == day
    assert int(wb.linker.visible.sum()) == int(
        ((wb.linker.frame.start < day[1]) & (wb.linker.frame.end > day[0])).sum()
    )
    assert playback.caption() in shown.period_label.text()
    QTest.keyClick(shown, Qt.Key.Key_P)  # and on again, to the end
    qtbot.waitUntil(lambda: not playback.playing, timeout=WAIT_MS)
    assert playback.index == len(playback.windows) - 1
    assert [w for w in playback.windows if w in seen] == playback.windows  # every day shown

    shown.previous()  # leaving the step stops it
    assert not playback.playing and playback.index == -1
    assert not shown.period_label.isVisible()
    with qtbot.waitSignal(shown.closed, timeout=WAIT_MS):
        shown.close()
    assert wb.filters.filters == before


def test_a_play_step_is_saved_with_its_view_and_bad_specs_are_dropped(qtbot: Any) -> None:
    from desktop_app.state.snapshot import PlaySpec, ViewSnapshot
    from desktop_app.views.stories.pane import SaveViewDialog

    snap = ViewSnapshot("t", play=PlaySpec("1M", "1w", 4.0, 2))
    again = ViewSnapshot.from_json(snap.to_json())
    assert again == snap and again.play is not None and str(again.play.width_period) == "1M"
    assert ViewSnapshot.from_dict({"title": "old view"}).play is None  # older views still read
    for bad in (
        {"width": "fortnight"},
        {"width": "1w", "speed": 0},
        {"width": "1w", "trail": 99},
        "1w",
    ):
        assert PlaySpec.from_dict(bad) is None, bad

    dialog = SaveViewDialog("View 1")
    qtbot.addWidget(dialog)
    assert dialog.play() is None and not dialog.step_box.isEnabled()  # still by default
    dialog.play_box.setCurrentIndex(dialog.play_box.findData("1w"))
    dialog.step_box.setCurrentIndex(dialog.step_box.findData("1d"))
    dialog.trail_box.setCurrentIndex(dialog.trail_box.findData(3))
    assert dialog.play() == PlaySpec("1w", "1d", trail=3)
    dialog.play_box.setCurrentIndex(dialog.play_box.findData(""))  # cumulative: no trail
    assert not dialog.trail_box.isEnabled()
    assert dialog.play() == PlaySpec(None, "1d", trail=0)


def test_sightline_animate_story_holds_still_steps_and_plays_play_steps(
    sample_project: Project, tmp_path: Any, data_dir: Any
) -> None:
    """The real command: a still step held one second (2 frames at 2 fps), then the week
    played a day at a time (8 frames); an unknown story is refused with the names."""
    import subprocess
    import sys

    from desktop_app.state.models import Filters, MapView
    from desktop_app.state.snapshot import PlaySpec, ViewSnapshot
    from desktop_app.store.views_repo import ViewsRepository

    import_file(sample_project, data_dir / "acled_sample.csv")
    repo = ViewsRepository(sample_project)
    story = repo.create_story("A week")
    still = ViewSnapshot("The agreement", map=MapView(50.0, 80.0, 3.0))
    week = ViewSnapshot(
        "A week of fighting",
        map=MapView(40.0, 30.0, 3.0),
        filters=Filters(t0=_day("2025-05-16"), t1=_day("2025-05-24")),
        play=PlaySpec("1d", trail=1),
    )
    for step in (still, week):
        repo.add_step(story, repo.save_view(step.title, step.note, step.to_dict()))
    path = sample_project.path
    sample_project.close()
    out = tmp_path / "story.mp4"
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app", "animate", str(out), "--project", str(path),
         "--story", "a week", "--hold", "1", "--fps", "2", "--size", "640x360"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "10 frames" in done.stdout
    frames = _decoded(out)
    assert len(frames) == 10
    caption = [f[0:44].astype(int) for f in frames]
    assert np.abs(caption[0] - caption[1]).mean() < 1  # the still step, held
    assert np.abs(caption[1] - caption[2]).mean() > 1  # then the played days: other text
    assert all(np.abs(caption[k] - caption[k + 1]).mean() > 0.2 for k in range(2, 9))

    bad = subprocess.run(
        [sys.executable, "-m", "desktop_app", "animate", str(tmp_path / "x.mp4"),
         "--project", str(path), "--story", "Nope"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert (
        bad.returncode == 2 and "no story called 'Nope'" in bad.stderr and "'A week'" in bad.stderr
    )
    assert not (tmp_path / "x.mp4").exists()
