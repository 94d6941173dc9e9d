"""Playback at scale: steps per second in the real window, and a 30 s video's render time.

    python bench/playback_bench.py [--rows N] [--steps K] [--video-seconds S] [--fps F]

In the real window (offscreen) on N generated ACLED-shaped events (1,000,000 by default;
the project is cached in bench/.cache/, shared with ui_bench.py) it plays K one-week
windows and times each step from ``seek`` until every pane has shown it: the filters
applied (linker), the map page's draw reported back, the timeline repainted. It does
that without a trail and with a trail of three windows. The baseline of the same run is
the floor a step cannot go under: the map asked to draw the same window again and the
timeline repainted, with no filtering. Then it renders a video of S seconds at F frames
per second (S*F one-day windows) with ``sightline animate`` and reports the wall time.

Targets (issue 14): >= 20 steps per second in the window at 1M events; a 30 s video at
1M events in under 2 minutes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--video-seconds", type=float, default=30.0)
    parser.add_argument("--fps", type=float, default=10.0)
    parser.add_argument("--project", type=Path, help="a project (default: the cached one)")
    parser.add_argument(
        "--settled",
        action="store_true",
        help="play once the open's background work is done (as ui_bench.py --settled)",
    )
    args = parser.parse_args()

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui_bench import _project, open_window, wait_settled

    path, _imported = (args.project, False) if args.project else _project(args.rows)

    from PySide6.QtCore import QEventLoop, QTimer

    from desktop_app.domain.periods import parse_period

    app, window = open_window(path, "sightline-playback-bench-")
    if args.settled:
        wait_settled(app, window)
    wb = window.workbench
    folder = tempfile.mkdtemp(prefix="sightline-playback-video-")
    frame = wb.linker.frame
    playback = window.features["playback"].playback  # type: ignore[attr-defined]
    playback.configure(parse_period("1w"))
    count = min(args.steps, len(playback.windows))
    first = max(0, len(playback.windows) // 2 - count // 2)  # the middle of the events

    def drawn_after(action: object) -> float:
        """ms from ``action()`` until the map reports a draw and the timeline repainted."""
        done = QEventLoop()
        window.map.drawn.connect(done.quit)
        started = time.perf_counter()
        action()  # type: ignore[operator]
        QTimer.singleShot(10_000, done.quit)
        done.exec()
        window.map.drawn.disconnect(done.quit)
        window.timeline.canvas.repaint()
        return (time.perf_counter() - started) * 1000

    def series(trail: int) -> list[float]:
        playback.stop()
        playback.set_trail(trail)
        playback.seek(first)
        drawn_after(lambda: window.map.redraw())
        return [drawn_after(lambda i=i: playback.seek(i)) for i in range(first, first + count)]

    plain = series(0)
    trailed = series(3)

    def floor_step() -> None:
        window.timeline.canvas.update()
        window.map.redraw()

    floor = [drawn_after(floor_step) for _ in range(count)]
    playback.stop()
    shown = int(wb.linker.visible.sum())
    settled = ", settled" if args.settled else ""
    print(f"playback at {len(frame):,} events, {count} one-week steps{settled}, load {_load()}")
    print(f"{'':34}{'median ms':>10}{'p90 ms':>9}{'steps/s':>9}")
    for name, values in (
        ("step, no trail", plain),
        ("step, trail of 3 windows", trailed),
        ("baseline: redraw only (floor)", floor),
    ):
        med = statistics.median(values)
        p90 = sorted(values)[int(0.9 * (len(values) - 1))]
        print(f"{name:34}{med:10.1f}{p90:9.1f}{1000 / med:9.1f}")
    print(f"(all {shown:,} events visible again after stop; target >= 20 steps/s)")
    window.close()

    frames = round(args.video_seconds * args.fps)
    if frames <= 0:  # --video-seconds 0: the steps only
        return 0
    lo = int(frame.start.min())
    day = 86_400
    start = lo + (int(frame.end.max()) - lo) // 3 // day * day
    out = Path(folder) / "bench.mp4"
    from desktop_app.domain.dates import from_seconds

    def format_date_seconds(seconds: int) -> str:
        return from_seconds(seconds).strftime("%Y-%m-%d")

    cmd = [
        sys.executable, "-m", "desktop_app", "animate", str(out), "--project", str(path),
        "--from", format_date_seconds(start),
        "--to", format_date_seconds(start + (frames - 1) * day),
        "--window", "1d", "--fps", f"{args.fps:g}", "--size", "1280x720",
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        return 1
    print(
        f"video: {done.stdout.strip()} -> {seconds:.1f} s wall "
        f"({seconds / frames * 1000:.0f} ms a frame), load {_load()}; target < 120 s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
