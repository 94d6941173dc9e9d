"""``sightline animate OUT.mp4|OUT.gif``: render a playback to a video, offscreen.

The window is built as for a screenshot (offscreen, the real map page), the playback
is set from the options, and every window becomes one frame of map, timeline and a
caption with its dates and the project's classification line. With ``--story`` the
video follows a story instead: a still step is held ``--hold`` seconds under its title,
a "play this period" step plays its windows (with its trail), as presenting does.
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.domain.dates import parse_date, to_seconds
from desktop_app.domain.periods import Period, parse_period, windows

if TYPE_CHECKING:
    from PySide6.QtCore import QSize

    from desktop_app.features.playback.animation import Shot
    from desktop_app.shell.window import MainWindow
    from desktop_app.workbench.playback import Playback


def parse_window(text: str) -> Period | None:
    """'1M', '1w'...; 'cumulative' (or 'all') for a window that keeps growing."""
    return None if text.strip().lower() in ("cumulative", "all") else parse_period(text)


def animate(
    target: str | None,
    out: Path,
    *,
    start: str | None,
    end: str | None,
    window: str,
    step: str | None,
    fps: float,
    size: str,
    timeout_s: float = 600.0,
    story: str | None = None,
    hold_s: float = 3.0,
) -> int:
    from PySide6.QtCore import QEventLoop, QSettings, QSize, QTimer

    from desktop_app.app.main import _application, build_window, open_or_create

    try:
        width = parse_window(window)
        step_period = parse_period(step) if step else None
        w, h = (int(v) for v in size.lower().split("x"))
        span_from = to_seconds(parse_date(start).start) if start else None
        span_to = to_seconds(parse_date(end).end) if end else None
    except ValueError as exc:
        print(f"sightline: {exc}", file=sys.stderr)
        return 2
    app = _application(offscreen=True)
    project = open_or_create(target)
    settings = QSettings(str(out.with_suffix(".ini")), QSettings.Format.IniFormat)
    shell = build_window(project, settings=settings)
    # only the map and the timeline are filmed: the other panes give them their room, so
    # both are drawn at the frame's own sizes (not scaled up from a small pane, or cropped)
    for dock_id, dock in shell.docks.items():
        if dock_id != "timeline":
            dock.hide()
    shell.resize(w, h + 160)
    shell.show()
    wb = shell.workbench
    loop = QEventLoop()
    wb.frame_loaded.connect(loop.quit)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    _fit_panes(shell, QSize(w, h), wb.classification())
    feature = shell.features["playback"]
    playback = feature.playback  # type: ignore[attr-defined]
    lo, hi = playback.events_span()
    playback.configure(width, step_period, (span_from or lo, span_to or hi))
    from desktop_app.features.playback.animation import AnimationRender

    shots = None
    if story is not None:
        try:
            shots = story_shots(shell, playback, story, max(1, round(hold_s * fps)))
        except ValueError as exc:
            shell.close()
            print(f"sightline: {exc}", file=sys.stderr)
            return 2
    render = AnimationRender(
        shell, playback, out, fps, QSize(w, h), classification=wb.classification(), shots=shots
    )
    result: dict[str, object] = {}

    def finished(_path: str, frames: int) -> None:
        result["frames"] = frames
        loop.quit()

    def failed(message: str) -> None:
        result["error"] = message
        loop.quit()

    render.finished.connect(finished)
    render.failed.connect(failed)
    render.progress.connect(
        lambda done, total: print(f"\rframe {done}/{total}", end="", file=sys.stderr, flush=True)
    )
    QTimer.singleShot(0, render.start)
    loop.exec()
    print("", file=sys.stderr)
    shell.close()
    settings_file = out.with_suffix(".ini")
    if settings_file.exists():
        settings_file.unlink()
    del app
    if "error" in result:
        print(f"sightline: no animation written: {result['error']}", file=sys.stderr)
        return 1
    if "frames" not in result:
        print("sightline: the animation did not finish in time", file=sys.stderr)
        return 1
    print(f"wrote {out} ({result['frames']} frames, {w}x{h}, {fps:g} fps)")
    return 0


def _fit_panes(shell: MainWindow, size: QSize, classification: str) -> None:
    """Size the window so its map and timeline canvas have a frame's map and timeline
    sizes (the window's own bars come on top; offscreen there is no screen to fit)."""
    from PySide6.QtCore import QCoreApplication, Qt

    from desktop_app.features.playback.animation import frame_areas

    map_size, timeline_size = frame_areas(size, classification)
    dock = shell.docks["timeline"]
    for _ in range(3):  # the layout settles after each change
        QCoreApplication.processEvents()
        canvas = shell.timeline.canvas
        extra_h = map_size.height() - shell.map.height()
        extra_t = timeline_size.height() - canvas.height()
        if abs(extra_h) <= 1 and abs(extra_t) <= 1:
            return
        shell.resize(size.width(), shell.height() + extra_h + extra_t)
        QCoreApplication.processEvents()
        shell.resizeDocks([dock], [dock.height() + extra_t], Qt.Orientation.Vertical)


def story_shots(shell: MainWindow, playback: Playback, name: str, hold_frames: int) -> list[Shot]:
    """The shots of the story called ``name`` (or with that id): a still step held
    ``hold_frames`` frames, a playing step one frame per window of its period."""
    from desktop_app.features.briefing.snapshots import MainStage, apply_view
    from desktop_app.features.playback.animation import Shot
    from desktop_app.state.snapshot import ViewSnapshot, story_steps
    from desktop_app.store.views_repo import ViewsRepository

    wb = shell.workbench
    if wb.project is None:
        raise ValueError("no project is open")
    repo = ViewsRepository(wb.project)
    stories = repo.stories()
    chosen = next(
        (s for s in stories if s.title.casefold() == name.strip().casefold()), None
    ) or next((s for s in stories if str(s.id) == name.strip()), None)
    if chosen is None:
        names = ", ".join(repr(s.title) for s in stories) or "none"
        raise ValueError(f"no story called {name!r} (the project's stories: {names})")
    _title, steps = story_steps(repo, chosen.id)
    if not steps:
        raise ValueError(f"the story {chosen.title!r} has no steps")
    stage = MainStage(wb, shell)

    def events() -> str:
        shown = int(wb.linker.visible.sum())
        return f"{shown:,} event{'' if shown == 1 else 's'}"

    def still(step: ViewSnapshot) -> Shot:
        def setup() -> None:
            playback.stop()
            apply_view(stage, step, animate=False)

        return Shot(setup, lambda: f"{step.title}    {events()}", hold_frames)

    def played(step: ViewSnapshot) -> list[Shot]:
        spec = step.play
        assert spec is not None
        lo, hi = playback.events_span()
        f = step.filters
        span = (f.t0 if f.t0 is not None else lo, f.t1 if f.t1 is not None else hi)
        width, step_period = spec.width_period, spec.step_period
        count = len(windows(span[0], span[1], width, step_period or width or parse_period("1w")))

        def setup(i: int) -> None:
            if i == 0:
                playback.stop()
                apply_view(stage, step, animate=False)
                playback.configure(width, step_period, span)
                playback.trail = spec.trail
            playback.seek(i)

        def caption() -> str:
            return f"{step.title}   ·   {playback.caption()}    {events()}"

        return [Shot(partial(setup, i), caption) for i in range(count)]

    shots: list[Shot] = []
    for step in steps:
        shots.extend(played(step) if step.play is not None else [still(step)])
    return shots
