"""UI benchmark: the four figures of the main-window issue, in the real window, offscreen.

    python bench/ui_bench.py [--rows N] [--project PATH] [--json]

With N generated ACLED-shaped events (1,000,000 by default; the CSV and the imported
project are cached in bench/.cache/), it measures and prints, next to each target:

1. project open -> interactive window with all panes drawn (frame loaded, map page
   ready and drawn, timeline and table painted)                         target <= 3 s
2. a timeline brush, and a filter change, -> every pane updated (linker refiltered,
   selection/visible sets applied, the map's JS draw reported)        target <= 100 ms
3. a map pan and a zoom -> the new aggregation drawn (Python + JS draw)  target <= 100 ms
4. timeline repaint at several zoom levels (cached paint, and the first paint after
   a range change)                                                     target <= 16 ms
For comparison, measured here: folium with one CircleMarker per event takes 9 s for
10,000 events and 95 s (1.6 GB) for 100,000, render plus page load.

``--json`` prints, after the table and as the last line, one JSON object of the same
figures in ms under issue 12's keys: ``open_first_ms`` (the open right after this run
imported the project) or ``open_cached_ms`` (a project that was already there),
``brush_ms``, ``filter_ms`` (the facet filter change above), ``pan_ms``, ``zoom_ms``,
``timeline_repaint_ms`` (worst cached repaint), plus ``timeline_first_paint_ms``,
``js_draw_ms`` and ``events``. Keys of figures this script does not measure
(``facet_ms``, ``select_all_ms``, ``clear_ms``, ``edit_ms``, ``search_unindexed_ms``, and
the open it did not do) are null, never guessed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"


def _project(rows: int) -> tuple[Path, bool]:
    """The cached project of ``rows`` events, and whether this call imported it."""
    CACHE.mkdir(exist_ok=True)
    target = CACHE / f"ui_{rows}.sightline"
    if target.exists():
        return target, False
    sys.path.insert(0, str(HERE))
    from acled_gen import write_acled_csv

    csv_path = CACHE / f"acled_{rows}.csv"
    if not csv_path.exists():
        print(f"generating {rows:,} rows -> {csv_path}")
        write_acled_csv(csv_path, rows)
    print(f"importing into {target}")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "desktop_app",
            "import",
            str(csv_path),
            "--project",
            str(target),
            "--json",
        ],
        check=True,
    )
    return target, True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--project", type=Path)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()
    path, imported = (args.project, False) if args.project else _project(args.rows)

    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from desktop_app.app.main import _application

    app = _application(offscreen=True)
    from PySide6.QtCore import QEventLoop, QSettings, QTimer

    from desktop_app.app.main import build_window
    from desktop_app.domain.dates import DAY_SECONDS
    from desktop_app.store.project import Project

    def wait(signal: object, timeout_ms: int = 60_000, condition: object = None) -> bool:
        loop = QEventLoop()
        fired = {"ok": False}

        def done(*_a: object) -> None:
            if condition is None or condition():  # type: ignore[operator]
                fired["ok"] = True
                loop.quit()

        signal.connect(done)  # type: ignore[attr-defined]
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        signal.disconnect(done)  # type: ignore[attr-defined]
        return fired["ok"]

    rows: list[tuple[str, float, str]] = []
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "bench.ini"), QSettings.Format.IniFormat)

    # 1. open to interactive
    started = time.perf_counter()
    window = build_window(Project.open(path), settings=settings)
    window.resize(1600, 1000)
    window.show()
    state = {"frame": False}
    window.workbench.frame_loaded.connect(lambda: state.update(frame=True))
    wait(window.workbench.frame_loaded) if not state["frame"] else None
    if not window.map.is_ready:
        wait(window.map.ready)
    wait(window.map.drawn, condition=lambda: len(window.workbench.linker.frame) > 0)
    window.timeline.canvas.repaint()
    window.table.table.viewport().repaint()
    app.processEvents()  # type: ignore[attr-defined]
    opened = time.perf_counter() - started
    n = len(window.workbench.linker.frame)
    rows.append(("open -> interactive, all panes drawn", opened * 1000, "<= 3000 ms"))

    # 2. brush and filter -> every pane updated (median of a few)
    frame = window.workbench.linker.frame
    span = int(frame.end.max() - frame.start.min())
    brush_ms, filter_ms = [], []
    for k in range(5):
        t0 = int(frame.start.min() + span * (0.2 + 0.1 * k))
        t1 = t0 + 30 * DAY_SECONDS
        t = time.perf_counter()
        window.timeline.brush(t0, t1)
        wait(window.map.drawn, 10_000)
        app.processEvents()  # type: ignore[attr-defined]
        brush_ms.append((time.perf_counter() - t) * 1000)
    categories = [name for name, _ in frame.facet_counts("category", frame.located)][:5]
    for name in categories:
        t = time.perf_counter()
        window.workbench.filters.set_facet("category", frozenset({name}))
        wait(window.map.drawn, 10_000)
        app.processEvents()  # type: ignore[attr-defined]
        filter_ms.append((time.perf_counter() - t) * 1000)
    window.workbench.filters.clear()
    wait(window.map.drawn, 10_000)
    window.workbench.selection.clear()
    wait(window.map.drawn, 10_000)
    rows.append(
        ("timeline brush -> every pane updated (median)", statistics.median(brush_ms), "<= 100 ms")
    )
    rows.append(
        ("filter change -> every pane updated (median)", statistics.median(filter_ms), "<= 100 ms")
    )

    # 3. map pan / zoom -> aggregation drawn
    pan_ms, zoom_ms, js_ms = [], [], []
    for script, bucket in (
        ("Sightline.map().panBy([220, 0], {animate: false})", pan_ms),
        ("Sightline.map().panBy([-220, 120], {animate: false})", pan_ms),
        ("Sightline.map().panBy([0, -120], {animate: false})", pan_ms),
        ("Sightline.map().setZoom(Sightline.map().getZoom() + 1, {animate: false})", zoom_ms),
        ("Sightline.map().setZoom(Sightline.map().getZoom() + 1, {animate: false})", zoom_ms),
        ("Sightline.map().setZoom(Sightline.map().getZoom() - 2, {animate: false})", zoom_ms),
    ):
        t = time.perf_counter()
        window.map.page.runJavaScript(script)
        wait(window.map.drawn, 10_000)
        bucket.append((time.perf_counter() - t) * 1000)
        js_ms.append(window.map.last_draw_ms or 0.0)
    rows.append(
        (
            "map pan -> aggregation drawn (median, incl. JS draw)",
            statistics.median(pan_ms),
            "<= 100 ms",
        )
    )
    rows.append(
        (
            "map zoom -> aggregation drawn (median, incl. JS draw)",
            statistics.median(zoom_ms),
            "<= 100 ms",
        )
    )
    rows.append(("  of which JS draw (median)", statistics.median(js_ms), ""))

    # 4. timeline repaint at several zooms
    canvas = window.timeline.canvas
    lo, hi = int(frame.start.min()), int(frame.end.max())
    cached, first = [], []
    for days in (None, 3650, 365, 30, 1, 1 / 24):
        if days is None:
            window.timeline.fit_all()
        else:
            mid = (lo + hi) // 2
            half = int(days * DAY_SECONDS / 2)
            window.timeline.set_range(mid - half, mid + half)
        app.processEvents()  # type: ignore[attr-defined]
        t = time.perf_counter()
        canvas.repaint()
        first.append((time.perf_counter() - t) * 1000)
        for _ in range(3):
            t = time.perf_counter()
            canvas.repaint()
            cached.append((time.perf_counter() - t) * 1000)
    rows.append(("timeline repaint, worst over 6 zooms (cached)", max(cached), "<= 16 ms"))
    rows.append(("timeline first paint after a range change, worst", max(first), "<= 16 ms"))

    window.close()
    print(
        f"\nSightline UI benchmark: {n:,} events, window 1600x1000, offscreen, "
        f"{os.cpu_count()} cores"
    )
    print(f"{'measure':58s} {'ms':>9s}  target")
    print("-" * 84)
    for name, ms, target in rows:
        print(f"{name:58s} {ms:9.1f}  {target}")
    print(
        "\nbaseline (measured here, not rerun): folium, one CircleMarker per event: "
        "10,000 events 9 s; 100,000 events 95 s and 1.6 GB"
    )
    if args.json:
        figures: dict[str, float | int | None] = {
            "open_first_ms": opened * 1000 if imported else None,
            "open_cached_ms": None if imported else opened * 1000,
            "brush_ms": statistics.median(brush_ms),
            "filter_ms": statistics.median(filter_ms),
            "facet_ms": None,
            "pan_ms": statistics.median(pan_ms),
            "zoom_ms": statistics.median(zoom_ms),
            "select_all_ms": None,
            "clear_ms": None,
            "edit_ms": None,
            "timeline_repaint_ms": max(cached),
            "search_unindexed_ms": None,
            "timeline_first_paint_ms": max(first),
            "js_draw_ms": statistics.median(js_ms),
        }
        rounded = {k: None if v is None else round(v, 1) for k, v in figures.items()}
        print(json.dumps({**rounded, "events": n}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
