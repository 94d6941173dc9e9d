"""The standalone HTML export draws 北京 and 臺北 on a machine without a CJK font, offline:
it carries the shipped font cut down to the characters the page shows.

The test machine has no CJK font of its own (only DejaVu), so a page without the font
draws boxes: two different characters drawn on a canvas come out identical then (a pair
of private-use characters shows the comparison does see boxes); that is how the pixel
checks below tell glyphs from boxes.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from helpers import CANVAS_SAME, run_js
from test_html_export import _load, _no_remote_reference

from desktop_app.export.html_font import FAMILY, covered
from desktop_app.ingest.pipeline import import_file
from desktop_app.store.annotations import AnnotationFields
from desktop_app.store.project import Project
from desktop_app.store.views_repo import ViewsRepository

WAIT_MS = 30_000
BOXES = "\ue000\ue001"  # private-use: no font has them, both draw as the same box
EVENTS = """title,date,lat,lon,country,description
北京 talks on the airborne battalion,2023-03-01,39.9042,116.4074,CN,會談 in 北京
臺北 reacts,2023-03-02,25.033,121.5654,TW,
Москва signs,2023-03-03,55.7558,37.6173,RU,Kremlin statement
"""
FACE = re.compile(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)")
# the page's own font stack (html_page.css), as a canvas is given it
STACK = '"DejaVu Sans", "Segoe UI", "Helvetica Neue", Arial, sans-serif, "Sightline CJK"'
# the width of an element's first two characters, in ems of its font size (to 0.1)
WIDTH_EM = """(function (node) {
  var range = document.createRange();
  range.setStart(node.firstChild, 0); range.setEnd(node.firstChild, 2);
  var size = parseFloat(getComputedStyle(node).fontSize);
  return Math.round(range.getBoundingClientRect().width / size * 10) / 10;
})(%s)"""


def _embedded(text: str) -> TTFont:
    (data,) = FACE.findall(text)  # one @font-face, inlined
    return TTFont(io.BytesIO(base64.b64decode(data)))


def _import(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "cjk.csv"
    path.write_text(EVENTS, "utf-8")
    assert import_file(project, path).imported == 3


def test_the_view_export_renders_chinese_with_a_small_embedded_subset(
    make_main_window: Any, qtbot: Any, project: Project, tmp_path: Path
) -> None:
    _import(project, tmp_path)
    window = make_main_window(project)
    feature = window.features["annotations"]
    assert feature.create(AnnotationFields("text", {"lat": 30.0, "lon": 118.0}, "台海 note"))
    path = tmp_path / "view.html"
    window.features["exporting"].export_html_view(path, "北京 與 臺北")
    text = path.read_text("utf-8")
    _no_remote_reference(text)
    # the subset holds exactly the characters of the page the font draws: the title's,
    # the events', the annotation's; nothing else of the 13,577
    shown = set("北京臺北talks會談與台海")
    wanted = {ord(c) for c in shown} & covered()
    font = _embedded(text)
    assert set(font.getBestCmap()) == wanted
    assert font["name"].getDebugName(1) == FAMILY
    face = FACE.search(text)
    assert face is not None and len(face.group(0)) < 40_000  # a few kB, not 3.6 MB (4.9 base64)
    assert "font-src data:" in text  # the page's CSP lets the inlined font in, nothing else

    view, interceptor = _load(qtbot, path)
    page = view.page()
    # the page loads the face it carries, then names it last in its font stacks
    qtbot.waitUntil(
        lambda: run_js(qtbot, page, "SightlineExport.fonts()") == "loaded", timeout=WAIT_MS
    )
    assert run_js(qtbot, page, f"document.fonts.check('12px \"{FAMILY}\"', '北京臺北')") is True
    title = "document.getElementById('sl-title')"
    assert run_js(qtbot, page, f"getComputedStyle({title}).fontFamily").endswith(f'"{FAMILY}"')
    tip = "getComputedStyle(document.querySelector('.leaflet-container')).fontFamily"
    assert run_js(qtbot, page, tip).endswith(f'"{FAMILY}"')
    # the page's own text: a hanzi of the CJK font is one em wide; a box is not (DejaVu's
    # is 0.6 em), so the title's 北京 and the note's 台海 are drawn with the font's glyphs
    assert run_js(qtbot, page, WIDTH_EM % "document.getElementById('sl-title')") == 2.0
    assert run_js(qtbot, page, WIDTH_EM % "document.querySelector('.sl-annotation-text')") == 2.0
    # pixels: with the page's fonts 北 and 京 differ, 臺 and 北 too: glyphs, not boxes
    assert run_js(qtbot, page, f"{CANVAS_SAME}('北', '京', '{STACK}')") is False
    assert run_js(qtbot, page, f"{CANVAS_SAME}('臺', '北', '{STACK}')") is False
    assert run_js(qtbot, page, f"{CANVAS_SAME}('{BOXES[0]}', '{BOXES[1]}', '{STACK}')") is True
    # without the embedded font this machine draws boxes for them
    assert run_js(qtbot, page, f"{CANVAS_SAME}('北', '京', 'sans-serif')") is True
    # and it is a subset: 東 and 西, not on the page, are boxes even with it
    assert run_js(qtbot, page, f"{CANVAS_SAME}('東', '西', '{STACK}')") is True
    # Cyrillic keeps the system's sans-serif: Москва is drawn, the CJK font has none of it
    em, ka = "\u041c", "\u043a"  # Cyrillic capital em, small ka
    assert run_js(qtbot, page, f"{CANVAS_SAME}('{em}', '{ka}', '{STACK}')") is False
    assert not {ord(c) for c in "Москва"} & set(font.getBestCmap())
    assert interceptor.blocked == []
    view.grab().save(str(tmp_path / "cjk-export.png"))


def test_the_story_export_carries_the_font_and_a_latin_page_carries_none(
    make_main_window: Any, qtbot: Any, project: Project, tmp_path: Path
) -> None:
    _import(project, tmp_path)
    window = make_main_window(project)
    exports = window.features["exporting"]
    repo = ViewsRepository(project)
    story_id = repo.create_story("簡報")
    repo.add_step(story_id, repo.save_view("第一步", "", {"format": 1, "filters": {}}))
    path = tmp_path / "story.html"
    assert exports.export_html_story(story_id, path) > 0
    text = path.read_text("utf-8")
    assert {ord(c) for c in "簡報第一步北京臺北"} & covered() <= set(_embedded(text).getBestCmap())

    # only Latin and Cyrillic on the page: no font at all
    window.workbench.filters.set_facet("country", frozenset({"RU"}), source=None)
    latin = tmp_path / "latin.html"
    exports.export_html_view(latin, "Moscow")
    page = latin.read_text("utf-8")
    assert "Москва signs" in page and "@font-face" not in page and not FACE.search(page)
    view, _interceptor = _load(qtbot, latin)
    qtbot.waitUntil(
        lambda: run_js(qtbot, view.page(), "SightlineExport.fonts()") == "none", timeout=WAIT_MS
    )
    assert not run_js(qtbot, view.page(), "document.documentElement.classList.contains('sl-cjk')")
