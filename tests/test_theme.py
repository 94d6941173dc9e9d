"""Dark mode: the window, the timeline and the map page turn dark; the PDF pack stays
light; the choice is remembered. The real window and page, offscreen."""

from __future__ import annotations

from typing import Any

from helpers import run_js
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from desktop_app.store.project import Project

WAIT_MS = 20_000


def _lightness(colour: Any) -> int:
    return int(colour.lightness())


def test_dark_mode_covers_the_panes_and_the_map_and_is_remembered(
    make_main_window: Any, sample_project: Project, qtbot: Any
) -> None:
    window = make_main_window(sample_project)
    try:
        window.workbench.actions.action("view.theme.dark").trigger()
        app = QApplication.instance()
        assert _lightness(app.palette().color(QPalette.ColorRole.Window)) < 80
        assert window.settings.value("view/theme") == "dark"
        qtbot.waitUntil(lambda: run_js(qtbot, window.map.page, "Sightline.counts().dark"))
        sea = run_js(qtbot, window.map.page, "Sightline.map().getContainer().style.background")
        assert sea  # the page's own dark sea
        canvas = window.timeline.canvas
        canvas.repaint()
        picture = canvas.grab().toImage()
        assert _lightness(picture.pixelColor(picture.width() - 3, 3)) < 80  # a dark plot
        facets = window.filters_view.facets["category"]
        assert "indicator" in facets.styleSheet()  # tick boxes drawn visible on dark
    finally:
        window.workbench.actions.action("view.theme.light").trigger()
    assert _lightness(QApplication.instance().palette().color(QPalette.ColorRole.Window)) > 160
    qtbot.waitUntil(lambda: not run_js(qtbot, window.map.page, "Sightline.counts().dark"))
    assert window.settings.value("view/theme") == "light"
    assert window.filters_view.facets["category"].styleSheet() == ""


def test_the_pdf_pack_stays_light_in_dark_mode(
    make_main_window: Any, sample_project: Project, qtbot: Any, tmp_path: Any
) -> None:
    from PySide6.QtGui import QColor
    from test_presentation import sample_story

    window = make_main_window(sample_project)
    story, _steps = sample_story(window)
    briefing = window.features["briefing"]
    try:
        window.set_theme("dark")
        qtbot.waitUntil(lambda: run_js(qtbot, window.map.page, "Sightline.counts().dark"))
        with qtbot.waitSignal(briefing.pack_written, timeout=60_000):
            capture = briefing.export_pack(story, tmp_path / "pack.pdf")
        image = capture._pages[0].map_image
        colours = {
            image.pixelColor(x, y).name()
            for x in range(0, image.width(), 37)
            for y in range(0, image.height(), 37)
        }
        assert QColor("#f1efe9").name() in colours  # the light land colour, not the dark
        qtbot.waitUntil(lambda: run_js(qtbot, window.map.page, "Sightline.counts().dark"))
    finally:
        window.set_theme("light")
