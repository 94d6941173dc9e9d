"""Starting the window, and rendering it to a PNG (``sightline screenshot``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from desktop_app.store.project import Project, default_project_path


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

    from desktop_app.views.qt_workarounds import keep_none_alive

    keep_none_alive()

    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Sightline")
    app.setOrganizationName("Sightline")
    return app


def run_window(target: str | None) -> int:
    from desktop_app.app.instance_lock import ProjectInUse, lock_project, report_in_use
    from desktop_app.store.project import ProjectError

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
    from desktop_app.app.window import MainWindow

    window = MainWindow(project)
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
) -> int:
    """Render the main window offscreen, once every pane (the map page too) is drawn."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer

    app = _application(offscreen=True)
    project = open_or_create(target)
    from desktop_app.app.window import MainWindow

    settings = QSettings(str(out.with_suffix(".ini")), QSettings.Format.IniFormat)
    width, height = (int(v) for v in size.lower().split("x"))
    window = MainWindow(project, settings=settings)
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

    window.frame_loaded.connect(lambda: mark("loaded"))
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
        window.selection.set(select, active=select[0])
        window.zoom_to_selection()
    _wait_for_map_to_settle(window, clock, timeout_s)
    out.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(out))
    window.close()
    settings_file = out.with_suffix(".ini")
    if settings_file.exists():
        settings_file.unlink()
    del app
    if not ok:
        print(f"sightline: could not write {out}", file=sys.stderr)
        return 1
    print(f"wrote {out} ({width}x{height})")
    return 0


def _wait_for_map_to_settle(window: object, clock: object, timeout_s: float) -> None:
    """Wait until the map page has finished moving and drawing (its ``settled()``)."""
    from PySide6.QtCore import QEventLoop, QTimer

    page = window.map.page  # type: ignore[attr-defined]
    loop = QEventLoop()
    state = {"settled": False}

    def ask() -> None:
        page.runJavaScript("Sightline.settled()", 0, answer)

    def answer(value: object) -> None:
        if value and not state["settled"]:
            state["settled"] = True
            QTimer.singleShot(200, loop.quit)  # one more frame for the compositor
        elif clock.elapsed() < timeout_s * 1000:  # type: ignore[attr-defined]
            QTimer.singleShot(100, ask)
        else:
            loop.quit()

    QTimer.singleShot(300, ask)  # a move sent just now has not started yet
    loop.exec()
