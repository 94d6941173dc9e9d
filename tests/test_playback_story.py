"""Playback beyond the dock: the fading trail on the map, a story's "play this period"
step (presenting it plays it) and ``sightline animate --story``. The real page, offscreen."""

from __future__ import annotations

from typing import Any

import numpy as np
from helpers import run_js

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
