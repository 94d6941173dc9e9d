"""Events at one spot show their count and fan out on a click, so each can be picked.

The real map page, offscreen, on a project imported from a file in which three videos
of one strike share its coordinates (the OSINT layout of tests/data/providers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from helpers import click_event, run_js

from desktop_app.ingest.pipeline import import_file
from desktop_app.store.project import Project

WAIT_MS = 20_000
CSV = """title,date,latitude,longitude
Strike on the depot (video 1),2024-03-02,46.6354,32.6169
Strike on the depot (video 2),2024-03-02,46.6354,32.6169
Strike on the depot (video 3),2024-03-02,46.6354,32.6169
Convoy on the bridge,2024-03-04,46.9659,31.9974
"""


def test_a_stack_shows_its_count_and_fans_out(
    make_main_window: Any, project: Project, tmp_path: Path, qtbot: Any
) -> None:
    source = tmp_path / "strike.csv"
    source.write_text(CSV, encoding="utf-8")
    result = import_file(project, source)
    assert result.imported == 4 and result.duplicates_in_file == 0  # three videos, not one
    window = make_main_window(project)
    page, wb = window.map.page, window.workbench
    counts = run_js(qtbot, page, "Sightline.counts()")
    assert counts["events"] == 4 and counts["stacks"] == [3] and counts["spidered"] is None
    badge = run_js(qtbot, page, "document.querySelector('.sl-stack span').textContent")
    assert badge == "3"

    frame = wb.linker.frame
    videos = [int(i) for i, t in zip(frame.ids, frame.title, strict=True) if "video" in t]
    before = {run_js(qtbot, page, f"JSON.stringify(Sightline.eventPixel({i}))") for i in videos}
    assert len(before) == 1  # one spot
    click_event(qtbot, page, videos[0])  # the first click fans the stack out, selects nothing
    qtbot.waitUntil(lambda: run_js(qtbot, page, "Sightline.counts().spidered") is not None)
    assert wb.selection.ids == frozenset()
    after = {run_js(qtbot, page, f"JSON.stringify(Sightline.eventPixel({i}))") for i in videos}
    assert len(after) == 3  # each video has a place of its own now
    with qtbot.waitSignal(wb.selection.changed, timeout=WAIT_MS):
        click_event(qtbot, page, videos[2])  # then a click picks one
    assert wb.selection.ids == frozenset({videos[2]})
