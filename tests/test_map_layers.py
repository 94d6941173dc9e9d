"""The map's layers in the window, through the real page: the basemap chooser of the
View menu (kept per project), the heatmap toggle, colour by a facet and its legend."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from helpers import run_js
from tile_files import make_mbtiles

from desktop_app.frame.map_overlays import OTHER, TOP_VALUES, colouring
from desktop_app.ingest.sample import load_sample
from desktop_app.store.project import Project
from desktop_app.views.map.layers import FILE, OUTLINES, Basemap
from desktop_app.views.map.tiles import TILE_SCHEME
from desktop_app.workbench import MenuId

LOAD_MS = 30_000


def _js(qtbot: Any, window: Any, expression: str) -> Any:
    return run_js(qtbot, window.map.page, expression)


def _menu_ids(window: Any, menu: MenuId) -> list[str]:
    return [
        e.action_id
        for block in window.workbench.actions.entries(menu)
        for e in block
        if e.action_id is not None
    ]


def test_the_basemap_is_the_projects_and_comes_back_on_reopening(
    qtbot: Any, make_main_window: Any, tmp_path: Path
) -> None:
    path = tmp_path / "kept.sightline"
    project = Project.open(path)
    load_sample(project)
    tiles = make_mbtiles(tmp_path / "region.mbtiles", zooms=range(0, 4))
    window = make_main_window(project)
    feature = window.features["basemaps"]
    assert window.map.layers.basemap == Basemap(OUTLINES)  # the shipped outlines first
    ids = _menu_ids(window, MenuId.VIEW_BASEMAP)
    assert ids[:2] == ["view.basemap.outlines", "view.basemap.open"]
    assert ids[-1] == "view.basemap.online"
    assert window.workbench.actions.action("view.basemap.outlines").isChecked()
    assert feature.choose(Basemap(FILE, str(tiles)))
    qtbot.waitUntil(lambda: _js(qtbot, window, "Sightline.basemap().loaded") > 0, timeout=LOAD_MS)
    # the file is a recent one now, ticked
    recent = window.workbench.actions.action("view.basemap.recent.0")
    assert recent.text() == str(tiles.resolve()) and recent.isChecked()
    assert not window.workbench.actions.action("view.basemap.outlines").isChecked()
    window.workbench.project = None
    project.close()

    again = Project.open(path)
    second = make_main_window(again)
    assert second.map.layers.basemap == Basemap(FILE, str(tiles))
    qtbot.waitUntil(lambda: _js(qtbot, second, "Sightline.basemap().loaded") > 0, timeout=LOAD_MS)
    state = _js(qtbot, second, "Sightline.basemap()")
    assert state["tiles"] and state["url"].startswith(f"{TILE_SCHEME}:")
    outside = [
        u
        for u in second.map.layers.interceptor.seen
        if not u.startswith(("file:", "qrc:", "data:", f"{TILE_SCHEME}:"))
    ]
    assert outside == [] and second.map.blocked_requests == []


def test_a_lost_basemap_file_falls_back_to_the_outlines(
    qtbot: Any, make_main_window: Any, tmp_path: Path
) -> None:
    path = tmp_path / "lost.sightline"
    project = Project.open(path)
    load_sample(project)
    project.set_setting("map.basemap", Basemap(FILE, str(tmp_path / "gone.mbtiles")).to_json())
    window = make_main_window(project)
    assert window.map.layers.basemap == Basemap(OUTLINES)
    assert _js(qtbot, window, "Sightline.basemap().outlines") is True


def test_the_heatmap_follows_the_toggle_and_the_filters(
    qtbot: Any, make_main_window: Any, sample_project: Any
) -> None:
    window = make_main_window(sample_project)
    action = window.workbench.actions.action("view.heatmap")
    assert "view.heatmap" in _menu_ids(window, MenuId.VIEW)
    assert _js(qtbot, window, "Sightline.heat()") == {"on": False, "points": 0}
    action.trigger()
    assert action.isChecked() and window.map.layers.heat
    qtbot.waitUntil(lambda: _js(qtbot, window, "Sightline.heat().on"), timeout=LOAD_MS)
    assert _js(qtbot, window, "Sightline.heat().points") > 0
    canvas = "document.querySelectorAll('canvas.leaflet-heatmap-layer').length"
    assert _js(qtbot, window, canvas) == 1
    # a text no event has: nothing visible, no heat
    window.workbench.filters.set_text("zzqx-no-such-event")
    qtbot.waitUntil(lambda: _js(qtbot, window, "Sightline.heat().points") == 0, timeout=LOAD_MS)
    window.workbench.filters.clear()
    qtbot.waitUntil(lambda: _js(qtbot, window, "Sightline.heat().points") > 0, timeout=LOAD_MS)
    action.trigger()
    qtbot.waitUntil(lambda: not _js(qtbot, window, "Sightline.heat().on"), timeout=LOAD_MS)
    assert _js(qtbot, window, canvas) == 0
    assert sample_project.get_setting("map.heatmap") == ""


def test_colour_by_category_gives_the_legend_of_the_visible_events(
    qtbot: Any, make_main_window: Any, sample_project: Any
) -> None:
    window = make_main_window(sample_project)
    assert _js(qtbot, window, "Sightline.legend()") is None
    window.workbench.actions.action("view.colour.category").trigger()
    assert window.workbench.actions.action("view.colour.category").isChecked()
    assert not window.workbench.actions.action("view.colour.none").isChecked()
    frame = window.workbench.linker.frame
    shown = window.workbench.linker.visible & frame.located
    counts = frame.facet_counts("category", shown)
    expected = [[v or "(none)", n] for v, n in counts[:TOP_VALUES]]
    rest = sum(n for _v, n in counts[TOP_VALUES:])
    if rest:
        expected.append([OTHER, rest])
    qtbot.waitUntil(lambda: _js(qtbot, window, "Sightline.legend()") is not None, timeout=LOAD_MS)
    legend = _js(qtbot, window, "Sightline.legend()")
    assert [[v, n] for v, n, _c in legend] == expected
    assert sum(n for _v, n, _c in legend) == int(shown.sum())  # one category an event
    palette = _js(qtbot, window, "Sightline.palette()")
    assert [c for _v, _n, c in legend] == [
        palette[i] if v != OTHER else palette[-1] for i, (v, _n, _c) in enumerate(legend)
    ]
    text = _js(qtbot, window, "document.querySelector('.sl-legend').textContent")
    assert "Category" in text and expected[0][0] in text
    # each drawn event in the colour of its category
    drawn = _js(
        qtbot,
        window,
        "(function(){var out=[];Sightline.map().eachLayer(function(l){"
        "if(l.options&&l.options.eventId!==undefined&&l.options.fillColor!=='#1971c2'){"
        "out.push([l.options.eventId,l.options.fillColor]);}});return out;})()",
    )
    assert drawn
    colours = colouring(frame, "category", shown)
    by_value = {v: c for v, _n, c in legend}
    names = frame.facet_values("category")
    codes = frame.single["category"][0]
    for event_id, fill in drawn:
        row = frame.row_of(event_id)
        assert row is not None
        slot = int(colours.slots[row])
        value = names[codes[row]] if slot != colours.other_slot else OTHER
        assert fill == by_value[value or "(none)"]
    # filtered: the legend counts what is left
    top = expected[0][0]
    window.workbench.filters.set_facet("category", frozenset({top}))
    qtbot.waitUntil(
        lambda: (
            [[v, n] for v, n, _c in (_js(qtbot, window, "Sightline.legend()") or [])]
            == [expected[0]]
        ),
        timeout=LOAD_MS,
    )
    window.workbench.actions.action("view.colour.none").trigger()
    qtbot.waitUntil(lambda: _js(qtbot, window, "Sightline.legend()") is None, timeout=LOAD_MS)
    assert np.all(colours.slots >= 0)


def test_exports_carry_the_colours_and_the_legend(
    qtbot: Any, make_main_window: Any, sample_project: Any, tmp_path: Path
) -> None:
    import json
    import re

    from PySide6.QtGui import QImage

    from desktop_app.frame.map_overlays import PALETTE

    window = make_main_window(sample_project)
    window.features["map_layers"].set_colour("category")
    exports = window.features["exporting"]
    frame = window.workbench.linker.frame
    shown = window.workbench.linker.visible & frame.located
    counts = frame.facet_counts("category", shown)
    # the HTML page: each event in its colour, the legend's values and counts
    page = tmp_path / "view.html"
    with qtbot.waitSignal(exports.exported, timeout=LOAD_MS):
        exports.export_html_view(page)
    block = re.search(
        r'<script type="application/json" id="sl-data">(.*?)</script>', page.read_text("utf-8"),
        re.S,
    )  # fmt: skip
    assert block is not None
    data = json.loads(block.group(1))
    assert data["legend"]["facet"] == "Category"
    assert [[v, n] for v, n, _c in data["legend"]["rows"]] == [
        [v, n] for v, n in counts[:TOP_VALUES]
    ]
    colours = {v: c for v, _n, c in data["legend"]["rows"]}
    for event in data["events"]:
        if event["lat"] is not None:
            assert event["colour"] == colours[event["category"]]
    # the PNG of the map: drawn in the palette, the legend in it
    png = tmp_path / "map.png"
    with qtbot.waitSignal(exports.exported, timeout=LOAD_MS):
        exports.export_png(window.map, png, None, 1.0)
    image = QImage(str(png)).convertToFormat(QImage.Format.Format_RGB32)
    found = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
    }
    assert PALETTE[0] in found and PALETTE[1] in found


def test_the_pdf_pack_maps_carry_the_colours_the_legend_and_a_north_arrow(
    qtbot: Any, make_main_window: Any, sample_project: Any, tmp_path: Path
) -> None:
    from test_presentation import sample_story

    from desktop_app.frame.map_overlays import PALETTE

    window = make_main_window(sample_project)
    window.features["map_layers"].set_colour("category")
    story, _steps = sample_story(window)
    briefing = window.features["briefing"]
    arrows: list[Any] = []
    with qtbot.waitSignal(briefing.pack_written, timeout=LOAD_MS * 2):
        capture = briefing.export_pack(story, tmp_path / "pack.pdf")
        # as each step is grabbed, the page says whether its north arrow shows
        capture.step_captured.connect(
            lambda _i: window.map.page.runJavaScript(
                "Sightline.basemap().arrow", 0, lambda v: arrows.append(v)
            )
        )
    qtbot.waitUntil(lambda: len(arrows) == 3, timeout=LOAD_MS)
    assert arrows[:2] == [True, True]  # (after the last, the pack gives the look back)
    colours = set()
    for page in capture._pages:
        image = page.map_image
        colours |= {
            image.pixelColor(x, y).name()
            for x in range(0, image.width(), 2)
            for y in range(0, image.height(), 2)
        }
    assert PALETTE[0] in colours  # the events and the legend, in the map's palette
    # the window's map is given back its own look: no arrow while working
    assert _js(qtbot, window, "Sightline.basemap().arrow") is False
