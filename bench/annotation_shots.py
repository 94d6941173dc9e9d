"""The README's pictures of annotations, area selection and the map's right-click menu.

    python bench/annotation_shots.py OUT_DIR

On a new project holding the sample dataset, offscreen: range rings round Taipei, a
polygon over the Taiwan Strait, a labelled point, a text note and a line; the events of
Taiwan and Luzon selected by an area (the polygon tool's dashed outline). Writes
``annotations.png`` (the map pane's PNG export at 2x, as File ▸ Export makes it) and
``map-context-menu.png`` (the window's map with its right-click menu, as seen).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "resources/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QPoint, QSettings, QSize, QTimer
    from PySide6.QtGui import QPainter
    from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401

    from desktop_app.app.main import _application, build_window
    from desktop_app.ingest.sample import load_sample
    from desktop_app.state.models import MapView
    from desktop_app.store.annotations import AnnotationFields
    from desktop_app.store.project import Project
    from desktop_app.views.map.tools import MapContext

    app = _application(offscreen=True)  # the web engine's flags, as the CLI sets them
    folder = Path(tempfile.mkdtemp(prefix="sightline-shots-"))
    project = Project.open(folder / "sample.sightline")
    load_sample(project)
    window = build_window(project, QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat))
    window.resize(1500, 950)
    window.show()

    def wait(predicate: object, seconds: float = 60.0) -> None:
        deadline = time.monotonic() + seconds
        while not predicate() and time.monotonic() < deadline:  # type: ignore[operator]
            loop = QEventLoop()
            QTimer.singleShot(50, loop.quit)
            loop.exec()

    wait(lambda: window.map.is_ready and len(window.workbench.linker.frame) > 0)
    feature = window.features["annotations"]
    for fields in (
        AnnotationFields(
            "ring",
            {"lat": 25.03, "lon": 121.56, "radii": [100, 250, 500], "unit": "nm"},
            "Taipei",
            {"color": "#c92a2a"},
        ),
        AnnotationFields(
            "polygon",
            {"points": [[22.0, 117.5], [26.5, 119.5], [25.5, 121.0], [21.5, 120.2]]},
            "Taiwan Strait",
            {"color": "#1864ab"},
        ),
        AnnotationFields("point", {"lat": 39.9, "lon": 116.4}, "Joint staff HQ (reported)"),
        AnnotationFields(
            "text",
            {"lat": 33.0, "lon": 127.0},
            "PLA airborne: training 2023-24",
            {"color": "#2b8a3e"},
        ),
        AnnotationFields(
            "line",
            {"points": [[55.75, 37.62], [47.0, 80.0], [39.9, 116.4]]},
            "Equipment route?",
            {"color": "#d9480f"},
        ),
    ):
        feature.create(fields)
    window.workbench.view_state.set_map(MapView(33.0, 112.0, 4), source=None)
    wait(lambda: False, 3)
    # an area drawn with the polygon tool round Taiwan and Luzon: its events selected
    area = ((118.0, 27.0), (124.5, 27.0), (124.5, 13.0), (119.0, 13.0))
    window.map.tools.last_area = area
    window.map.tools.show_area(area)
    window.map.select_area(area)
    wait(lambda: False, 2)
    exports = window.features["exporting"]
    done: list[str] = []
    exports.exported.connect(lambda path, _k: done.append(path))
    exports.export_png(window.map, out / "annotations.png", QSize(900, 600), 2.0)
    wait(lambda: bool(done))

    # the right-click menu over Taipei's rings
    pixel = window.map.web_view.mapToGlobal(QPoint(0, 0))
    window.map.tools.context = MapContext(25.03, 121.56, None, None)
    feature._update_actions()
    at = window.map.mapToGlobal(QPoint(window.map.width() // 2, window.map.height() // 2))
    ids = [
        "map.zoom_here",
        "",
        "map.copy_dd",
        "map.copy_dms",
        "map.copy_mgrs",
        "",
        "edit.new_event_here",
        "",
        "map.filter_area",
        "map.clear_area",
        "",
        "view.zoom_to_selection",
        "view.fit_all",
    ]
    menu = window.context_menus.show(ids, at)
    wait(lambda: False, 1)
    picture = window.map.grab()
    painter = QPainter(picture)
    painter.drawPixmap(at - pixel, menu.grab())
    painter.end()
    picture.save(str(out / "map-context-menu.png"))
    menu.hide()
    window.workbench.project = None
    window.close()
    project.close()
    del app
    print(f"wrote {out / 'annotations.png'} and {out / 'map-context-menu.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
