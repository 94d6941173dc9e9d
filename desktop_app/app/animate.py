"""``sightline animate OUT.mp4|OUT.gif``: render a playback to a video, offscreen.

The window is built as for a screenshot (offscreen, the real map page), the playback
is set from the options, and every window becomes one frame of map, timeline and a
caption with its dates and the project's classification line.
"""

from __future__ import annotations

import sys
from pathlib import Path

from desktop_app.domain.dates import parse_date, to_seconds
from desktop_app.domain.periods import Period, parse_period


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
    shell.resize(max(w, 800), max(h + 320, 700))  # room for a map of about the frame's size
    shell.show()
    wb = shell.workbench
    loop = QEventLoop()
    wb.frame_loaded.connect(loop.quit)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()
    feature = shell.features["playback"]
    playback = feature.playback  # type: ignore[attr-defined]
    lo, hi = playback.events_span()
    playback.configure(width, step_period, (span_from or lo, span_to or hi))
    from desktop_app.features.playback.animation import AnimationRender

    render = AnimationRender(
        shell, playback, out, fps, QSize(w, h), classification=wb.classification()
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
