"""Every script renders: the shipped CJK font in the Qt widgets, the map page and the PDF.

The machine the tests run on has no CJK font of its own (only DejaVu), so without the
shipped one 北京 draws as boxes: the checks below fail then (the pixel checks compare two
different characters, which are two identical boxes when the font is missing; a pair of
private-use characters shows the comparison does see boxes).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
from helpers import CANVAS_SAME, run_js
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QImage, QPainter, QTextLayout
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401  (before the QApplication)
from PySide6.QtWidgets import QLabel

from desktop_app.export.pdf_pack import PackDocument, PackEvent, PackStep, write_pack
from desktop_app.views.fonts import FAMILY, font_bytes
from desktop_app.views.map import MapView

NAMES = "北京 臺北 Москва"
HAN = "北京臺北"
BOXES = "\ue000\ue001"  # private-use: no font has them, both draw as the same box
LOAD_MS = 30_000


def _runs(text: str, font: QFont) -> list[tuple[str, str, list[int]]]:
    """(family, text, glyph indexes) of each run Qt lays the text out in."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    out = []
    for run in layout.glyphRuns():
        raw = run.rawFont()
        chars = "".join(
            c for c in text if not c.isspace() and raw.glyphIndexesForString(c) not in ([], [0])
        )
        out.append((raw.familyName(), chars, list(run.glyphIndexes())))
    return out


def _label_image(qtbot: Any, text: str) -> QImage:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    qtbot.addWidget(label)
    font = label.font()
    font.setPixelSize(28)
    label.setFont(font)
    label.adjustSize()
    label.show()
    qtbot.waitExposed(label)
    return label.grab().toImage()


def test_the_font_file_ships_with_its_licence() -> None:
    data = font_bytes()
    assert data[:4] == b"\x00\x01\x00\x00"  # TrueType outlines: what Qt's PDF writer embeds
    assert 1_000_000 < len(data) < 6_000_000
    folder = Path(__file__).parents[1] / "resources" / "fonts"
    assert "SIL OPEN FONT LICENSE Version 1.1" in (folder / "OFL.txt").read_text("utf-8")
    assert (folder / "make_cjk_font.py").exists()


def test_a_label_draws_chinese_and_cyrillic_with_real_glyphs(qtbot: Any, qapp: Any) -> None:
    label = QLabel(NAMES)
    qtbot.addWidget(label)
    runs = _runs(NAMES, label.font())
    han = [r for r in runs if any(c in r[1] for c in HAN)]
    assert han and all(family == FAMILY for family, _, _ in han)
    assert all(0 not in glyphs for _, _, glyphs in runs)  # glyph 0 is .notdef: a box
    covered = "".join(chars for _, chars, _ in runs)
    assert all(c in covered for c in NAMES if not c.isspace())
    # Latin keeps the system font: the CJK font is only a fallback
    assert FAMILY not in {family for family, _, _ in _runs("Moscow", label.font())}

    # pixels: two different characters look different; two missing ones look the same
    assert _label_image(qtbot, "北") != _label_image(qtbot, "京")
    assert _label_image(qtbot, "臺") != _label_image(qtbot, "台")
    assert _label_image(qtbot, BOXES[0]) == _label_image(qtbot, BOXES[1])


def test_a_named_family_falls_back_to_it_too(qapp: Any) -> None:
    # the PDF pack and other painters ask for families by name
    font = QFont()
    font.setFamilies(["DejaVu Sans", "Segoe UI", "Arial"])
    runs = _runs(HAN, font)
    assert [family for family, _, _ in runs] == [FAMILY]
    assert 0 not in runs[0][2]


def test_the_pdf_pack_embeds_the_font_for_a_chinese_title(qapp: Any, tmp_path: Path) -> None:
    image = QImage(200, 120, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.drawText(10, 60, "北京")
    painter.end()
    document = PackDocument(
        title="北京 與 臺北 briefing",
        project="sample",
        steps=(
            PackStep(
                title="會談 in 北京",
                note="Москва – 北京",  # noqa: RUF001 (typography)
                map_image=image,
                events=(PackEvent("2023", "北京", "臺北 talks"),),
            ),
        ),
    )
    path = tmp_path / "pack.pdf"
    assert write_pack(path, document) == 2
    reader = pypdf.PdfReader(str(path))
    fonts: set[str] = set()
    embedded = False
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            fonts.add(str(font.get("/BaseFont")))
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None and "/FontFile2" in descriptor.get_object():
                    embedded = embedded or "SightlineCJK" in str(descendant.get_object())
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                embedded = embedded or "SightlineCJK" in str(font.get("/BaseFont"))
    assert any("SightlineCJK" in name for name in fonts), fonts
    assert embedded, fonts
    text = "".join(page.extract_text() or "" for page in reader.pages)
    assert "北京" in text and "臺北" in text


# ---------------------------------------------------------------------- the map page
@pytest.fixture()
def page_map(make_map: Callable[..., MapView]) -> Callable[[], MapView]:
    return lambda: make_map(900, 600)


def test_the_map_page_loads_and_draws_the_font(page_map: Any, qtbot: Any) -> None:
    view = page_map()
    page = view.page
    qtbot.waitUntil(lambda: run_js(qtbot, page, "Sightline.fonts.status") == "loaded")
    assert run_js(qtbot, page, f"document.fonts.check('12px \"{FAMILY}\"', '{HAN}')") is True
    faces = run_js(
        qtbot,
        page,
        "Array.from(document.fonts).map(function (f) { return [f.family, f.status]; })",
    )
    assert [f'"{FAMILY}"', "loaded"] in faces or [FAMILY, "loaded"] in faces
    # the map's text (tooltips, notes, panels) lists it, after the system sans-serif
    family = run_js(qtbot, page, "getComputedStyle(Sightline.map().getContainer()).fontFamily")
    assert family.endswith(f'sans-serif, "{FAMILY}"'), family
    # pixels on a canvas as the labels draw them: 北 and 京 differ; two boxes do not
    stack = '"Segoe UI", "Helvetica Neue", Arial, sans-serif, "Sightline CJK"'
    assert run_js(qtbot, page, f"{CANVAS_SAME}('北', '京', '{stack}')") is False
    assert run_js(qtbot, page, f"{CANVAS_SAME}('{BOXES[0]}', '{BOXES[1]}', '{stack}')") is True
    # without the shipped font this machine has nothing for them: boxes
    assert run_js(qtbot, page, f"{CANVAS_SAME}('北', '京', 'sans-serif')") is True
    assert view.blocked_requests == []


def test_a_tooltip_shows_a_chinese_title_in_the_shipped_font(
    page_map: Any, qtbot: Any, project: Any, tmp_path: Path
) -> None:
    from desktop_app.frame.event_frame import EventFrame
    from desktop_app.ingest.pipeline import import_file

    title = "北京 與 臺北 talks (Москва)"
    path = tmp_path / "cjk.csv"
    path.write_text(f"title,date,lat,lon\n{title},2024-08-01,39.9042,116.4074\n", "utf-8")
    assert import_file(project, path).imported == 1
    frame = EventFrame.load(project)
    view = page_map()
    page = view.page
    with qtbot.waitSignal(view.drawn, timeout=LOAD_MS):
        view.set_frame(frame)
    qtbot.waitUntil(lambda: run_js(qtbot, page, "Sightline.settled()") is True, timeout=LOAD_MS)
    event_id = int(frame.ids[0])

    def hover_shows() -> bool:
        pixel = run_js(qtbot, page, f"Sightline.eventPixel({event_id})")
        x, y = pixel["x"], pixel["y"]
        run_js(
            qtbot,
            page,
            f"document.elementFromPoint({x},{y}).dispatchEvent(new MouseEvent('mousemove',"
            f"{{clientX:{x},clientY:{y},bubbles:true,cancelable:true,view:window}}))",
        )
        return bool(run_js(qtbot, page, "Sightline.counts().tooltip") == title)

    qtbot.waitUntil(hover_shows, timeout=LOAD_MS)
    family = run_js(qtbot, page, "getComputedStyle(document.querySelector('.sl-tip')).fontFamily")
    assert family.endswith(f'"{FAMILY}"'), family
    qtbot.waitUntil(lambda: run_js(qtbot, page, "Sightline.fonts.status") == "loaded")
    assert run_js(qtbot, page, f"document.fonts.check('12px \"{FAMILY}\"', '北京臺北')") is True


def test_the_frozen_build_takes_the_font() -> None:
    # the spec's own tree() over resources/, as PyInstaller runs it
    spec = (Path(__file__).parents[1] / "build_spec" / "sightline.spec").read_text("utf-8")
    source = spec[spec.index("def tree(") : spec.index("datas = []")]
    namespace: dict[str, Any] = {"Path": Path}
    exec(source, namespace)  # our own build spec
    resources = Path(__file__).parents[1] / "resources"
    pairs = namespace["tree"](resources, "desktop_app/resources")
    shipped = {Path(file).relative_to(resources).as_posix() for file, _ in pairs}
    assert {"fonts/sightline-cjk.ttf", "fonts/OFL.txt", "map/sightline_fonts.css"} <= shipped
    assert "fonts/make_cjk_font.py" not in shipped  # a build-time tool
