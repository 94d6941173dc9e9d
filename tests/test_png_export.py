"""PNG export: the window and its panes at a chosen size and 2x pixel density."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401  (before QApplication)

from desktop_app.features.exporting.exporting import PngDialog
from desktop_app.store.project import Project
from desktop_app.workbench import MenuId

WAIT_MS = 30_000


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    return data.reshape(image.height(), image.bytesPerLine())[:, : image.width() * 4].copy()


@pytest.mark.parametrize(
    "pane, size",
    [("window", QSize(1100, 700)), ("map", QSize(640, 420)), ("timeline", QSize(700, 220))],
)
def test_png_is_size_times_two_and_not_blank(
    make_main_window: Any,
    qtbot: Any,
    sample_project: Project,
    tmp_path: Path,
    pane: str,
    size: QSize,
) -> None:
    window = make_main_window(sample_project)
    exports = window.features["exporting"]
    target = {"window": None, "map": window.map, "timeline": window.timeline}[pane]
    before = (window.size(), window.map.size(), window.timeline.size())
    path = tmp_path / f"{pane}.png"
    with qtbot.waitSignal(exports.exported, timeout=WAIT_MS) as done:
        exports.export_png(target, path, size, 2.0)
    assert done.args == [str(path), "png"]
    image = QImage(str(path))
    assert (image.width(), image.height()) == (size.width() * 2, size.height() * 2)
    pixels = _pixels(image).astype(np.float64)
    assert pixels.std() > 10  # not a blank picture
    assert (window.size(), window.map.size(), window.timeline.size()) == before
    if pane in ("window", "map"):  # the map's land colour is in it, drawn at 2x
        rgb = _pixels(image).reshape(image.height(), image.width(), 4)[:, :, 2::-1]
        land = np.all(rgb == np.array([0xF1, 0xEF, 0xE9], np.uint8), axis=2)
        assert land.mean() > 0.02


def test_png_dialog_defaults_to_the_widget_size_at_2x(qtbot: Any) -> None:
    dialog = PngDialog(QSize(800, 500))
    qtbot.addWidget(dialog)
    assert dialog.chosen_size() == QSize(800, 500) and dialog.ratio() == 2.0
    dialog.density.setCurrentIndex(2)
    assert dialog.ratio() == 3.0


def test_export_menu_lists_every_export(make_main_window: Any, sample_project: Project) -> None:
    window = make_main_window(sample_project)
    menu = window.menu(MenuId.FILE_EXPORT)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == [
        "Visible events as &CSV…",
        "Visible events as &GeoJSON…",
        "Visible events as &KML…",
        "Standalone &HTML of this view…",
        "Standalone HTML of a &story…",
        "&PNG of the window…",
        "PNG of a p&ane…",
    ]
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    assert menu.menuAction() in file_menu.actions()
