"""``sightline --self-test``: prove that this build works, offscreen, in under a minute.

It opens the sample dataset in a temporary project, shows the main window offscreen,
waits until every pane (the real map page included) has drawn, selects one event
through the shared :class:`SelectionModel` and checks that the table, the timeline, the
details pane and the map page all show it, then writes a PNG of the window.

It checks what a frozen build most often gets wrong: bundled data found through
``importlib.resources`` (sample data, Alembic migrations, map assets, basemap,
gazetteer), the ADBC SQLite driver and pyarrow (the import and frame loading), and the
QtWebEngine helper process and its resources (the map page). The map page must also ask
for nothing outside the machine. Exit status 0 means every check passed; otherwise the
reason is printed on stderr and the status is 1.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEFAULT_TIMEOUT_S = 120.0
WINDOW_SIZE = (1400, 900)


class SelfTestFailed(Exception):
    """A check failed; the message says which and why."""


def default_output() -> Path:
    return Path(tempfile.gettempdir()) / "sightline-self-test.png"


class _Clock:
    """Time left before the whole self-test gives up."""

    def __init__(self, timeout_s: float) -> None:
        self.start = time.monotonic()
        self.deadline = self.start + timeout_s

    def left_ms(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))

    def elapsed(self) -> float:
        return time.monotonic() - self.start


def _wait_until(predicate: Callable[[], bool], what: str, clock: _Clock) -> None:
    """Run the Qt event loop until ``predicate()`` holds, polling it every 20 ms."""
    from PySide6.QtCore import QEventLoop, QTimer

    if predicate():
        return
    loop = QEventLoop()
    poll = QTimer(interval=20)
    poll.timeout.connect(lambda: loop.quit() if predicate() or not clock.left_ms() else None)
    poll.start()
    QTimer.singleShot(clock.left_ms(), loop.quit)
    loop.exec()
    poll.stop()
    if not predicate():
        raise SelfTestFailed(f"timed out waiting for {what}")


def _settle(ms: int) -> None:
    """Keep the event loop running for ``ms`` (painting, compositing) without blocking it."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


class _Page:
    """Asks the map page questions through ``runJavaScript`` and waits for the answers."""

    def __init__(self, page: Any, clock: _Clock) -> None:
        self._page = page
        self._clock = clock

    def ask(self, expression: str) -> Any:
        answer: dict[str, Any] = {}
        self._page.runJavaScript(
            f"JSON.stringify({expression})", 0, lambda value: answer.update(value=value)
        )
        _wait_until(lambda: "value" in answer, f"the map page to answer {expression}", self._clock)
        text = answer["value"]
        return None if text in (None, "") else json.loads(text)

    def wait_for(self, expression: str, check: Callable[[Any], bool], what: str) -> Any:
        """Ask again until the answer passes ``check``."""
        last: list[Any] = [None]

        def passes() -> bool:
            last[0] = self.ask(expression)
            return bool(check(last[0]))

        try:
            _wait_until(passes, what, self._clock)
        except SelfTestFailed as exc:
            raise SelfTestFailed(f"{exc}; the page last said {expression} = {last[0]!r}") from None
        return last[0]


def _painted(image: Any) -> int:
    """How many distinct colours a grid of samples of an image has (1 = blank)."""
    colours = set()
    for x in range(0, image.width(), max(1, image.width() // 40)):
        for y in range(0, image.height(), max(1, image.height() // 40)):
            colours.add(image.pixel(x, y))
    return len(colours)


def _check(out: Path, clock: _Clock, report: Callable[[str], None]) -> None:
    import shiboken6
    from PySide6.QtCore import QSettings

    from desktop_app.app.main import _application, build_window

    _application(offscreen=True)
    from desktop_app.ingest.gazetteer import lookup
    from desktop_app.ingest.sample import load_sample
    from desktop_app.store.project import Project

    with tempfile.TemporaryDirectory(prefix="sightline-self-test-") as folder:
        project = Project.open(Path(folder) / "sample.sightline")  # runs the migrations
        result = load_sample(project)
        if result.imported <= 0:
            raise SelfTestFailed(f"the sample dataset imported no events: {result.summary()}")
        report(f"sample dataset imported into a temporary project: {result.imported} events")
        if lookup("Moscow") is None:
            raise SelfTestFailed("the offline gazetteer does not know Moscow")
        report("offline gazetteer answers (Moscow found)")

        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        window = build_window(project, settings=settings)
        try:
            _check_window(window, out, clock, report)
        finally:
            window.close()  # closes the project too
            # delete the window (and its web page before the page's profile) now, while
            # Qt is fully alive, rather than at interpreter exit
            shiboken6.delete(window)
            project.close()


def _check_window(window: Any, out: Path, clock: _Clock, report: Callable[[str], None]) -> None:
    loaded = [False]
    window.workbench.frame_loaded.connect(lambda: loaded.__setitem__(0, True))
    window.resize(*WINDOW_SIZE)
    window.show()
    _wait_until(lambda: loaded[0], "the project's events to load", clock)
    frame = window.workbench.linker.frame
    if len(frame) == 0:
        raise SelfTestFailed("the window loaded no events from the sample project")
    _wait_until(lambda: window.map.is_ready, "the map page to load (QtWebEngine)", clock)
    page = _Page(window.map.page, clock)
    located = int((frame.located & window.workbench.linker.visible).sum())
    page.wait_for(
        "Sightline.counts().events",
        lambda n: n == located,
        f"the map to draw {located} located events",
    )
    report(f"main window shown: {len(frame)} events, {located} on the map")

    # every pane has drawn what it should
    if window.table.model.rowCount() != len(frame):
        raise SelfTestFailed(
            f"the table shows {window.table.model.rowCount()} rows, not {len(frame)}"
        )
    if window.timeline.canvas.current_layout() is None:
        raise SelfTestFailed("the timeline has nothing laid out")
    if not window.filters_view.count_label.text().startswith(f"{len(frame)} of"):
        raise SelfTestFailed(f"the filters pane says {window.filters_view.count_label.text()!r}")
    if "No event selected" not in window.details.card_text():
        raise SelfTestFailed("the details pane does not show its empty state")
    if window.map.blocked_requests:
        raise SelfTestFailed(
            "the map page asked for remote URLs: " + ", ".join(window.map.blocked_requests[:5])
        )
    report("table, timeline, filters and details panes drawn; map page asked for nothing remote")
    from PySide6.QtGui import QFontDatabase

    from desktop_app.views.fonts import FAMILY

    if FAMILY not in QFontDatabase.families():
        raise SelfTestFailed(f"the shipped CJK font ({FAMILY}) is not registered with Qt")
    page.wait_for("Sightline.fonts.status", lambda s: s == "loaded", f"the map to load {FAMILY}")
    report(f"CJK font ({FAMILY}) registered with Qt and loaded by the map page")
    from desktop_app.export.html_font import font_face_css

    if "data:font/woff;base64," not in font_face_css("北京 臺北"):  # fontTools, frozen too
        raise SelfTestFailed("the HTML export could not cut the CJK font to its characters")
    report("the HTML export cuts the CJK font to the characters of its page")

    # one linked selection, made through the shared state as any pane would
    row = int(frame.located.nonzero()[0][0])
    event_id, place = int(frame.ids[row]), str(frame.place[row])
    draws = [0]
    window.map.drawn.connect(lambda _ms: draws.__setitem__(0, draws[0] + 1))
    window.workbench.selection.set([event_id], active=event_id)
    table_ids = [
        window.table.model.event_id(i.row())
        for i in window.table.table.selectionModel().selectedRows()
    ]
    if table_ids != [event_id]:
        raise SelfTestFailed(f"the table selected {table_ids} for event {event_id}")
    layout = window.timeline.canvas.current_layout()
    items = getattr(layout, "items", None)
    if items is not None and {i.event_id for i in items if i.selected} != {event_id}:
        raise SelfTestFailed(f"the timeline does not mark event {event_id} as selected")
    if place and place not in window.details.card_text():
        raise SelfTestFailed(f"the details pane does not show event {event_id} ({place})")
    page.wait_for(
        "Sightline.counts().selectedIds",
        lambda ids: ids == [event_id],
        f"the map to mark event {event_id} as selected",
    )
    _wait_until(lambda: draws[0] > 0, "the map to report drawing the selection", clock)
    report(
        f"linked selection: event {event_id} ({place}) selected in the table, timeline, "
        "details and map"
    )

    _settle(300)  # let the compositor show the page's last frame before grabbing it
    map_image = window.map.grab().toImage()
    if _painted(map_image) < 3:
        raise SelfTestFailed("the map pane is blank: QtWebEngine painted nothing")
    out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(out)):
        raise SelfTestFailed(f"could not write {out}")
    report(f"window written to {out}")
    _wait_until(
        lambda: not window.workbench.tasks.tasks, "background tasks (search index) to finish", clock
    )


def run_self_test(out: Path | None = None, timeout_s: float = DEFAULT_TIMEOUT_S) -> int:
    """Run every check; 0 when all pass, 1 (reason on stderr) when one fails."""
    from desktop_app import __version__

    out = (out or default_output()).resolve()
    clock = _Clock(timeout_s)
    frozen = " (frozen build)" if getattr(sys, "frozen", False) else ""

    def report(line: str) -> None:
        print(f"  [{clock.elapsed():5.1f} s] {line}", flush=True)

    print(f"Sightline {__version__}{frozen} self-test", flush=True)
    try:
        _check(out, clock, report)
    except SelfTestFailed as exc:
        print(f"sightline self-test FAILED after {clock.elapsed():.1f} s: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a crash is a failure too, with its reason
        traceback.print_exc()
        print(
            f"sightline self-test FAILED after {clock.elapsed():.1f} s: "
            f"{type(exc).__name__}: {exc}",
            file=sys.stderr,
        )
        return 1
    print(f"self-test passed in {clock.elapsed():.1f} s; screenshot: {out}", flush=True)
    return 0
