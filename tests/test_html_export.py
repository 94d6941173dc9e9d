"""Standalone HTML export: one offline file with no remote reference, that shows the
events, the timeline and the story's steps in QtWebEngine with the network blocked."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import run_js
from PySide6.QtWebEngineWidgets import QWebEngineView

from desktop_app.domain.dates import to_seconds
from desktop_app.export.html_page import script_json
from desktop_app.features.briefing.snapshots import capture_view
from desktop_app.features.exporting import exporting
from desktop_app.ingest.pipeline import import_file
from desktop_app.state.models import Filters
from desktop_app.store.project import Project
from desktop_app.store.views_repo import ViewsRepository

WAIT_MS = 30_000
DATA_BLOCK = re.compile(r'<script type="application/json" id="sl-data">.*?</script>', re.S)
REFERENCE = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?([^"'\s>]*)"""
    r"""|url\(\s*["']?([^"')]*)|@import\s+["']?([^"';\s]*))""",
    re.I,
)


def _load(qtbot: Any, path: Path) -> tuple[Any, Any]:
    """The file in a web view whose profile lets nothing but file: and data: through."""
    from PySide6.QtCore import QUrl
    from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile

    from desktop_app.views.map.interceptor import LocalOnlyInterceptor

    view = QWebEngineView()
    qtbot.addWidget(view)
    profile = QWebEngineProfile()  # off the record
    interceptor = LocalOnlyInterceptor(False, profile)
    profile.setUrlRequestInterceptor(interceptor)
    page = QWebEnginePage(profile, view)
    profile.setParent(page)  # the page goes first, then its profile (as in MapView)
    view.setPage(page)
    view.resize(1200, 800)
    view.show()
    with qtbot.waitSignal(view.loadFinished, timeout=WAIT_MS) as loaded:
        view.load(QUrl.fromLocalFile(str(path)))
    assert loaded.args == [True]
    qtbot.waitUntil(lambda: run_js(qtbot, page, "!!window.SightlineExport"), timeout=WAIT_MS)
    return view, interceptor


def _no_remote_reference(text: str) -> None:
    """Outside the events' own data, nothing names a remote URL; every src/href/url()/
    @import is data: or a #fragment."""
    rest = DATA_BLOCK.sub("", text)
    assert len(rest) < len(text)  # the data block was there
    # the SVG namespace is a name, never fetched
    remote = re.findall(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s\"')]*", rest, re.I)
    assert set(remote) <= {"http://www.w3.org/2000/svg"}, set(remote)
    styles = "".join(re.findall(r"<style>(.*?)</style>", rest, re.S))
    markup = re.sub(r"<script\b.*?</script>|<style>.*?</style>", "", rest, flags=re.S)
    references = [m for m in REFERENCE.finditer(markup) if m.group(1) is not None]
    references += [m for m in REFERENCE.finditer(styles) if m.group(1) is None]
    assert len([m for m in references if m.group(2) is not None]) >= 3  # Leaflet's images
    for match in references:
        value = next((g for g in match.groups() if g is not None), "")
        assert value.startswith(("data:", "#")), match.group(0)


def test_json_in_the_page_cannot_end_its_script_block() -> None:
    text = script_json({"t": "</script><!-- <script>alert(1)</script> & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    import json

    assert json.loads(text)["t"].startswith("</script><!--")


def test_html_of_the_view_is_offline_and_shows_the_events(
    make_main_window: Any, qtbot: Any, sample_project: Project, data_dir: Path, tmp_path: Path
) -> None:
    import_file(sample_project, data_dir / "script_injection.csv")
    import_file(sample_project, data_dir / "gdelt_v1.tsv")  # one event without a place
    window = make_main_window(sample_project)
    exports = window.features["exporting"]
    with pytest.raises(ValueError, match="declared twice"):  # its actions exist once
        exporting.install(window.workbench, window)
    frame = window.workbench.linker.frame
    path = tmp_path / "view.html"
    with qtbot.waitSignal(exports.exported, timeout=WAIT_MS):
        size = exports.export_html_view(path)
    text = path.read_text("utf-8")
    assert size == len(text.encode("utf-8")) and size < 3_000_000
    _no_remote_reference(text)
    # the link chart of the view's events is in the page, its names as text
    chart = text.split('<section id="sl-links" hidden>')[1].split("</section>")[0]
    assert "<svg" in chart and "Russia" in chart and "<script" not in chart
    assert (
        "<script>alert(1)</script>" not in text.replace("\\u003c", "<").split('id="sl-data">')[0]
    )  # the hostile title is only in the escaped data
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in text

    view, interceptor = _load(qtbot, path)
    page = view.page()
    visible = window.workbench.linker.visible
    located = int((frame.located & visible).sum())
    assert located < int(visible.sum())  # an unlocated event is listed but not drawn
    assert run_js(qtbot, page, "SightlineExport.markerCount()") == located
    assert run_js(qtbot, page, "SightlineExport.listCount()") == int(visible.sum())
    assert run_js(qtbot, page, "SightlineExport.timelineMarks()") > 0
    # the link chart follows the first screen instead of squeezing the map into what it leaves
    box = run_js(
        qtbot,
        page,
        "(function () { var m = document.getElementById('sl-map').getBoundingClientRect();"
        " var c = document.getElementById('sl-links').getBoundingClientRect();"
        " return [m.height, c.top, c.height, window.innerHeight]; })()",
    )
    map_height, chart_top, chart_height, window_height = box
    assert chart_height > 100 and chart_top >= window_height - 1
    assert map_height > window_height / 2
    assert run_js(
        qtbot, page, "document.querySelectorAll('#sl-timeline rect.sl-mark').length"
    ) == run_js(qtbot, page, "SightlineExport.timelineMarks()")
    # hostile titles are text: shown literally, nothing ran, no element was made
    shown = run_js(qtbot, page, "document.getElementById('sl-list').textContent")
    assert (
        "<script>alert(1)</script>" in shown and '<img src=x onerror="window.__canary=1">' in shown
    )
    assert run_js(qtbot, page, "window.__canary === undefined")
    assert (
        run_js(
            qtbot,
            page,
            "document.querySelectorAll('#sl-list img, #sl-list script, "
            "#sl-list a, #sl-list b').length",
        )
        == 0
    )
    assert (
        run_js(qtbot, page, "document.querySelectorAll('path.leaflet-interactive, canvas').length")
        > 0
    )  # the basemap is drawn
    assert interceptor.blocked == []
    view.grab().save(str(tmp_path / "view.png"))


@pytest.fixture()
def story(make_main_window: Any, sample_project: Project) -> tuple[Any, int, list[Any]]:
    window = make_main_window(sample_project)
    repo = ViewsRepository(sample_project)
    story_id = repo.create_story("Airborne <b>story</b>")
    y2024 = to_seconds(datetime(2024, 1, 1))
    frame = window.workbench.linker.frame
    snaps = []
    for n, (filters, zoom) in enumerate(
        [(Filters(), 3.0), (Filters(t1=y2024), 4.0), (Filters(t0=y2024), 2.0)]
    ):
        window.workbench.filters.set(filters, source=None)
        window.workbench.selection.set(frame.ids[n : n + 2].tolist(), source=None)
        snap = capture_view(
            window.features["briefing"].stage,
            f"Step {n + 1} <script>window.__canary=1</script>",
            f"Note {n + 1}",
        )
        snaps.append(snap)
        state = snap.to_dict()
        state["map"] = {"lat": 40.0 + n, "lon": 80.0 + 10 * n, "zoom": zoom}
        repo.add_step(story_id, repo.save_view(snap.title, snap.note, state))
    window.workbench.filters.set(Filters(), source=None)
    return window, story_id, snaps


def test_html_of_a_story_steps_through_its_views(
    story: tuple[Any, int, list[Any]], qtbot: Any, tmp_path: Path
) -> None:
    window, story_id, _snaps = story
    exports = window.features["exporting"]
    path = tmp_path / "story.html"
    assert exports.export_html_story(story_id, path) > 0
    text = path.read_text("utf-8")
    _no_remote_reference(text)
    view, interceptor = _load(qtbot, path)
    page = view.page()
    frame = window.workbench.linker.frame
    located_2023 = sum(
        1
        for r in range(len(frame))
        if frame.located[r] and frame.start[r] < to_seconds(datetime(2024, 1, 1))
    )
    assert run_js(qtbot, page, "SightlineExport.steps()") == 3
    assert run_js(qtbot, page, "SightlineExport.markerCount()") == int(frame.located.sum())
    assert (
        run_js(qtbot, page, "document.getElementById('sl-step-title').textContent")
        == "Step 1 <script>window.__canary=1</script>"
    )
    assert run_js(qtbot, page, "document.getElementById('sl-stepno').textContent") == "Step 1 of 3"
    # the Next button (what a clicker sends: the right arrow) moves the map and the filter
    run_js(qtbot, page, "document.getElementById('sl-next').click()")
    assert run_js(qtbot, page, "SightlineExport.step()") == 1
    assert run_js(qtbot, page, "SightlineExport.markerCount()") == located_2023
    qtbot.waitUntil(
        lambda: run_js(qtbot, page, "SightlineExport.center()")[2] == 4.0, timeout=WAIT_MS
    )
    center = run_js(qtbot, page, "SightlineExport.center()")
    assert center[0] == pytest.approx(41.0, abs=0.5) and center[1] == pytest.approx(90, abs=0.5)
    run_js(qtbot, page, "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight'}))")
    assert run_js(qtbot, page, "SightlineExport.step()") == 2
    assert run_js(qtbot, page, "document.getElementById('sl-next').disabled")
    run_js(qtbot, page, "document.getElementById('sl-prev').click()")
    assert run_js(qtbot, page, "SightlineExport.step()") == 1
    assert run_js(qtbot, page, "window.__canary === undefined")
    assert interceptor.blocked == []
