"""Annotations in what leaves the window: the PNG of the map, the PDF pack's map of each
story step (only the annotations the step showed) and the offline HTML file (carried
as data, drawn by the page, labels as text)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from helpers import run_js
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401  (before QApplication)

from desktop_app.state.models import MapView
from desktop_app.store.annotations import AnnotationFields
from desktop_app.store.project import Project

WAIT_MS = 30_000
GREEN = np.array([0x2B, 0x8A, 0x3E])  # an annotation colour nothing else on the map uses
XSS = "<img src=x onerror=alert(1)>"
ZONE = AnnotationFields(
    "polygon",
    {"points": [[30.0, 100.0], [30.0, 125.0], [45.0, 125.0], [45.0, 100.0]]},
    "Exercise zone",
    {"color": "#2b8a3e"},
)


def _green(image: QImage) -> int:
    """How many pixels are (close to) the annotation's green."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    rows = data.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 4]
    rgb = rows.reshape(image.height(), image.width(), 4)[:, :, 2::-1].astype(int)
    return int((np.abs(rgb - GREEN).max(axis=2) <= 24).sum())


def _png(qtbot: Any, window: Any, path: Path) -> QImage:
    exports = window.features["exporting"]
    with qtbot.waitSignal(exports.exported, timeout=WAIT_MS):
        exports.export_png(window.map, path, QSize(640, 420), 1.0)
    return QImage(str(path))


def test_png_of_the_map_shows_the_annotations_shown(
    make_main_window: Any, qtbot: Any, sample_project: Project, tmp_path: Path
) -> None:
    window = make_main_window(sample_project)
    window.workbench.view_state.set_map(MapView(37.0, 112.0, 3), source=None)
    before = _green(_png(qtbot, window, tmp_path / "before.png"))
    zone = window.features["annotations"].create(ZONE)
    assert zone is not None
    with_zone = _green(_png(qtbot, window, tmp_path / "with.png"))
    assert before == 0 and with_zone > 500  # its outline and its faint fill
    window.workbench.view_state.set_annotations(frozenset(), source=None)  # hidden
    assert _green(_png(qtbot, window, tmp_path / "hidden.png")) == 0


def test_pdf_pack_draws_each_steps_annotations(
    make_main_window: Any, qtbot: Any, sample_project: Project, tmp_path: Path
) -> None:
    window = make_main_window(sample_project)
    wb = window.workbench
    zone = window.features["annotations"].create(ZONE)
    assert zone is not None
    stories = window.features["briefing"].stories
    wb.view_state.set_map(MapView(37.0, 112.0, 3), source=None)
    stories.save_view("With the zone")
    wb.view_state.set_annotations(frozenset(), source=None)
    stories.save_view("Without")
    story = stories.current_story_id() or stories._repo.stories()[0].id
    path = tmp_path / "pack.pdf"
    with qtbot.waitSignal(window.features["briefing"].pack_written, timeout=WAIT_MS):
        capture = window.features["briefing"].export_pack(story, path)
    with_zone, without = (p.map_image for p in capture._pages)
    assert _green(with_zone) > 500 and _green(without) == 0
    assert wb.view_state.annotations == frozenset()  # the window's view given back


def test_html_export_carries_annotations_as_data_and_shows_labels_as_text(
    make_main_window: Any, qtbot: Any, sample_project: Project, tmp_path: Path
) -> None:
    from test_html_export import _load, _no_remote_reference

    window = make_main_window(sample_project)
    feature = window.features["annotations"]
    feature.create(AnnotationFields("point", {"lat": 39.9, "lon": 116.4}, XSS))
    feature.create(
        AnnotationFields("ring", {"lat": 25.0, "lon": 121.5, "radii": [100, 300], "unit": "km"})
    )
    path = tmp_path / "view.html"
    assert window.features["exporting"].export_html_view(path) > 0
    text = path.read_text("utf-8")
    _no_remote_reference(text)
    assert "<img src=x" not in text  # the label is in the data block, escaped
    view, interceptor = _load(qtbot, path)
    page = view.page()
    texts = run_js(qtbot, page, "SightlineExport.annotations()")
    assert XSS in texts and "100 km" in texts and "300 km" in texts
    assert run_js(qtbot, page, "document.querySelectorAll('img[src=\"x\"]').length") == 0
    assert interceptor.blocked == []


def test_presentation_shows_each_steps_annotations(
    make_main_window: Any, qtbot: Any, sample_project: Project
) -> None:
    window = make_main_window(sample_project)
    wb = window.workbench
    feature = window.features["annotations"]
    zone = feature.create(ZONE)
    note = feature.create(AnnotationFields("text", {"lat": 33.0, "lon": 127.0}, "Note"))
    assert zone is not None and note is not None
    stories = window.features["briefing"].stories
    wb.view_state.set_annotations(frozenset({zone}), source=None)
    stories.save_view("The zone")
    feature.show_all()
    stories.save_view("Both")
    story = stories._repo.stories()[0].id
    shown = window.features["briefing"].present(story, start=0, full_screen=False)
    assert shown is not None
    shown.animate = False
    qtbot.waitUntil(lambda: shown.map.is_ready, timeout=WAIT_MS)

    def drawn() -> list[int]:
        found = run_js(qtbot, shown.map.page, "Sightline.annotations()")
        return sorted(a["id"] for a in found)

    qtbot.waitUntil(lambda: drawn() == [zone], timeout=WAIT_MS)
    shown.next()
    qtbot.waitUntil(lambda: drawn() == sorted([zone, note]), timeout=WAIT_MS)
    # no drawing tools while presenting
    assert run_js(qtbot, shown.map.page, "document.querySelector('.sl-draw').style.display") == (
        "none"
    )
    with qtbot.waitSignal(shown.closed, timeout=WAIT_MS):
        shown.close()
