"""The composition root: build the window (workbench, shell, features), start it, and
render it to a PNG (``sightline screenshot``).

``build_window`` is the one place that knows every feature: it makes the
:class:`~desktop_app.workbench.Workbench`, the shell's
:class:`~desktop_app.shell.window.MainWindow`, installs each feature with both, and
starts the workbench. A new feature is one more line here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.store.project import Project, default_project_path

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QWidget

    from desktop_app.shell.window import MainWindow


def build_window(
    project: Project,
    settings: QSettings | None = None,
    online_basemap_url: str | None = None,
) -> MainWindow:
    """The main window on ``project``, every feature installed; its events load on a
    worker thread (``workbench.frame_loaded`` tells when they are in every pane)."""
    from desktop_app.frame.cache import start_loading

    start_loading(project)  # the events are read while the features and panes are built
    from PySide6.QtCore import QSettings

    from desktop_app.shell.window import MainWindow
    from desktop_app.workbench import Workbench

    workbench = Workbench(project, settings or QSettings("Sightline", "Sightline"))
    # the shell first: its map starts the web engine's page, which gets ready while the
    # features are imported and installed
    shell = MainWindow(workbench, online_basemap_url=online_basemap_url)
    workbench.setParent(shell)  # one lifetime: the window's
    from desktop_app.app import logs
    from desktop_app.features import (
        annotations,
        basemaps,
        links,
        map_layers,
        map_tools,
        playback,
        projects,
    )
    from desktop_app.features.briefing import briefing
    from desktop_app.features.editing import editing
    from desktop_app.features.exporting import exporting
    from desktop_app.features.help import feature as help_feature
    from desktop_app.features.import_history import feature as import_history
    from desktop_app.features.importing import feature as importing

    importer = importing.install(workbench, shell)
    shell.features = {
        "projects": projects.install(workbench, shell),
        "importing": importer,
        "import_history": import_history.install(workbench, shell, importer.import_finished),
        "briefing": briefing.install(workbench, shell),
        "exporting": exporting.install(workbench, shell),
        "editing": editing.install(workbench, shell),
        "playback": playback.install(workbench, shell),
        "links": links.install(workbench, shell),
        "map_tools": map_tools.install(workbench, shell),
        "basemaps": basemaps.install(workbench, shell),
        "map_layers": map_layers.install(workbench, shell),
        "annotations": annotations.install(workbench, shell),
        "help": help_feature.install(workbench, shell, logs.log_path() or logs.log_dir()),
    }
    shell.finish()
    return shell


def open_or_create(target: str | None) -> Project:
    """The project asked for; with none, the default one, created with the sample data."""
    if target is not None:
        return Project.open(target)
    path = default_project_path()
    fresh = not path.exists()
    project = Project.open(path)
    if fresh:
        from desktop_app.ingest.sample import load_sample

        load_sample(project)
    return project


def _application(offscreen: bool = False) -> object:
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # Chromium refuses root with a sandbox
        flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
        if "--no-sandbox" not in flags:
            os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{flags} --no-sandbox".strip()
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    from desktop_app.views.map.tiles import register_tile_scheme
    from desktop_app.views.qt_workarounds import keep_none_alive

    keep_none_alive()
    register_tile_scheme()  # the map's tile files: before the application exists

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Sightline")
    app.setOrganizationName("Sightline")
    from desktop_app.views.fonts import install_fallback_font

    install_fallback_font()  # 北京 and 臺北 in every widget, export and PDF
    return app


def run_window(target: str | None) -> int:
    from desktop_app.app.instance_lock import ProjectInUse, lock_project, report_in_use
    from desktop_app.platform_check import qt_platform_problem
    from desktop_app.store.project import ProjectError

    problem = qt_platform_problem()  # one clear line, before Qt aborts with its own
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    app = _application()
    _crash_dialogs()
    try:  # before opening: a second window must not migrate or load the project
        lock = lock_project(target)
    except ProjectInUse as exc:
        report_in_use(exc)
        return 2
    try:
        project = open_or_create(target)
    except ProjectError as exc:
        print(f"sightline: {exc}", file=sys.stderr)
        return 2
    window = build_window(project)
    window.show()
    try:
        return int(app.exec())  # type: ignore[attr-defined]
    finally:
        if lock is not None:
            lock.release()


def _crash_dialogs() -> None:
    """In the window, an uncaught error is logged and then told in a dialog naming the log
    (on stderr as well, for whoever started the program from a terminal)."""
    from desktop_app.app import logs

    def tell(message: str) -> None:
        print(f"sightline: {message}", file=sys.stderr)
        from PySide6.QtCore import QThread
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if app is None or QThread.currentThread() is not app.thread():
            return  # a worker thread's error: the log and stderr have it
        from desktop_app.views import plain_text

        plain_text.warn(None, "Unexpected error", message)

    logs.install_crash_hooks(tell)


def screenshot(
    target: str | None,
    out: Path,
    select: list[int],
    size: str = "1600x1000",
    timeout_s: float = 60.0,
    pane: str | None = None,
    layers: dict[str, object] | None = None,
) -> int:
    """Render the main window offscreen, once every pane (the map page too) is drawn;
    with ``pane`` (a dock id), that pane alone, floated at ``size``; ``layers`` picks the
    map's basemap file, heatmap and colour-by for this picture (the project keeps its own)."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer

    app = _application(offscreen=True)
    project = open_or_create(target)
    settings = QSettings(str(out.with_suffix(".ini")), QSettings.Format.IniFormat)
    width, height = (int(v) for v in size.lower().split("x"))
    window = build_window(project, settings=settings)
    problem = _picture_layers(window, layers or {})
    if problem:
        window.close()
        print(f"sightline: {problem}", file=sys.stderr)
        return 2
    window.resize(width, height)
    window.show()
    loop = QEventLoop()
    state = {"loaded": False, "map": False}

    def check() -> None:
        if state["loaded"] and state["map"]:
            loop.quit()

    def mark(what: str) -> None:
        state[what] = True
        check()

    window.workbench.frame_loaded.connect(lambda: mark("loaded"))
    window.map.ready.connect(lambda: mark("map"))
    if getattr(window.map, "is_ready", False):
        state["map"] = True
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    clock = QElapsedTimer()
    clock.start()
    loop.exec()
    if not (state["loaded"] and state["map"]):
        print("sightline: the window did not finish drawing in time", file=sys.stderr)
        return 1
    if select:
        window.workbench.selection.set(select, active=select[0])
        window.zoom_to_selection()
    _wait_for_map_to_settle(window, clock, timeout_s)
    picture_of: QWidget = window
    if pane == "map":  # the central pane, not a dock: drawn as its PNG export draws it
        out.parent.mkdir(parents=True, exist_ok=True)
        problem = _map_picture(window, out, width, height, timeout_s)
    elif pane is not None:
        dock = window.docks.get(pane)
        if dock is None:
            window.close()
            print(
                f"sightline: no pane {pane!r} (panes: map, {', '.join(window.docks)})",
                file=sys.stderr,
            )
            return 2
        dock.setFloating(True)
        dock.resize(width, height)
        dock.show()
        dock.raise_()
        _wait_for_tasks(window, clock, timeout_s)
        picture_of = dock.widget()
    if pane != "map":
        out.parent.mkdir(parents=True, exist_ok=True)
        problem = "" if picture_of.grab().save(str(out)) else f"could not write {out}"
    window.close()
    settings.sync()  # written now, so nothing writes the file again once it is removed
    settings_file = out.with_suffix(".ini")
    if settings_file.exists():
        settings_file.unlink()
    del app
    if problem:
        print(f"sightline: {problem}", file=sys.stderr)
        return 1
    print(f"wrote {out} ({width}x{height})")
    return 0


def _map_picture(window: MainWindow, out: Path, width: int, height: int, timeout_s: float) -> str:
    """The map alone at ``width`` x ``height``, through the PNG export's own capture (a
    map of its own, no buttons or notes, a scale bar and north arrow): "" or the error."""
    from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QSize, QTimer

    from desktop_app.features.exporting.png_capture import PngCapture

    loop = QEventLoop()
    outcome = {"error": "the map did not draw in time"}
    capture = PngCapture(window.workbench, window, window.map, out, QSize(width, height), 1.0)

    def done(*_args: object) -> None:
        outcome["error"] = ""
        loop.quit()

    def failed(message: str) -> None:
        outcome["error"] = f"the map's picture was not written: {message}"
        loop.quit()

    capture.finished.connect(done)
    capture.failed.connect(failed)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    capture.start()
    loop.exec()
    capture.deleteLater()
    # the capture's own map (and its web page) go now, before the web profile does at exit
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return outcome["error"]


def _picture_layers(window: MainWindow, layers: dict[str, object]) -> str:
    """Put the screenshot's map layers on the window's map ("" or what is wrong)."""
    from desktop_app.views.map.layers import COLOUR_FACETS, FILE, Basemap
    from desktop_app.views.map.tiles import BasemapError

    map_layers = window.map.layers
    if layers.get("basemap"):
        try:
            map_layers.set_basemap(Basemap(FILE, str(layers["basemap"])))
        except BasemapError as exc:
            return str(exc)
    colour = layers.get("colour")
    if colour:
        if colour not in COLOUR_FACETS:
            return f"no facet {colour!r} to colour by (facets: {', '.join(COLOUR_FACETS)})"
        map_layers.set_colour(str(colour))
    if layers.get("heat"):
        map_layers.set_heat(True)
    return ""


def _wait_for_map_to_settle(window: object, clock: object, timeout_s: float) -> None:
    """Wait until the map page has finished moving and drawing (its ``settled()``, twice
    in a row 100 ms apart, as the PNG export waits: a fit or the tiles of a new zoom may
    start just after one answer, and a picture taken then had half its basemap)."""
    from PySide6.QtCore import QEventLoop, QTimer

    page = window.map.page  # type: ignore[attr-defined]
    loop = QEventLoop()
    state = {"settled": False, "in_a_row": 0}

    def ask() -> None:
        page.runJavaScript("Sightline.settled()", 0, answer)

    def answer(value: object) -> None:
        state["in_a_row"] = state["in_a_row"] + 1 if value else 0
        if state["in_a_row"] >= 2 and not state["settled"]:
            state["settled"] = True
            QTimer.singleShot(200, loop.quit)  # one more frame for the compositor
        elif clock.elapsed() < timeout_s * 1000:  # type: ignore[attr-defined]
            QTimer.singleShot(100, ask)
        else:
            loop.quit()

    QTimer.singleShot(300, ask)  # a move sent just now has not started yet
    loop.exec()


def _wait_for_tasks(window: MainWindow, clock: object, timeout_s: float) -> None:
    """Wait until the window's background work (a pane's chart, say) has finished."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()

    def check() -> None:
        if not window.workbench.tasks.tasks or clock.elapsed() > timeout_s * 1000:  # type: ignore[attr-defined]
            QTimer.singleShot(100, loop.quit)  # the results are drawn on the next turn
        else:
            QTimer.singleShot(50, check)

    QTimer.singleShot(50, check)
    loop.exec()
