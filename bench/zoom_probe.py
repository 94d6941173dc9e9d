"""Where a map zoom's time goes: time stamps on both sides of the bridge.

    python bench/zoom_probe.py --project PATH [--zooms K] [--animate]

Opens the real window (offscreen) on a project, waits for its background work, then
zooms in and out K times (as ``ui_bench.py`` does: ``setZoom`` without animation, or
with ``--animate`` as a wheel or the +/- buttons do) and prints, per zoom, the median
of each stage in ms from the moment Python asked for the zoom:

  js_start      the page runs the zoom (runJavaScript latency)
  js_report     the page reports the new viewport (its first moveend listener)
  js_idle       the page's zoom task ended (the basemap outlines and labels redrawn)
  py_viewport   Python receives the report (the WebChannel's latency)
  py_sent       Python has aggregated the view and sent what to draw (bytes: its JSON)
  js_message    the page starts drawing it
  drawn         Python hears that the page drew it (what ``ui_bench`` times)
Page times are wall clock (Date.now, ms) against Python's time.time: one machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PROBE_JS = """
(function () {
  if (window.__probe) { return; }
  window.__probe = {marks: {}};
  var map = Sightline.map();
  var b = Sightline.bridge();
  var report = b.viewportChanged;
  b.viewportChanged = function (j) {
    window.__probe.marks.js_report = Date.now() + performance.now() % 1;
    return report.call(b, j);
  };
  b.message.connect(function (j) {
    window.__probe.marks.js_done = Date.now() + performance.now() % 1;
    window.__probe.marks.bytes = j.length;
  });
})();
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument("--zooms", type=int, default=8)
    parser.add_argument("--animate", action="store_true")
    args = parser.parse_args()
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QEventLoop, QTimer
    from ui_bench import open_window

    app, window = open_window(args.project, "sightline-zoom-probe-")
    linker = window.workbench.linker
    end = time.perf_counter() + 120
    while time.perf_counter() < end and (
        window.workbench.tasks.tasks
        or (linker.number_loader is not None and not linker.numbers.complete)
    ):
        app.processEvents()
        time.sleep(0.05)
    view = window.map
    marks: dict[str, float] = {}

    def wait(signal: Any, timeout_ms: int = 10_000) -> None:
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        signal.disconnect(loop.quit)

    def js(script: str) -> Any:
        loop = QEventLoop()
        out: dict[str, Any] = {}

        def got(value: Any) -> None:
            out["v"] = value
            loop.quit()

        view.page.runJavaScript(script, 0, got)
        loop.exec()
        return out.get("v")

    js(PROBE_JS)
    on_viewport = view._on_viewport
    send = view._bridge.send

    def timed_viewport(data: dict[str, float]) -> None:
        marks["py_viewport"] = time.time() * 1000
        on_viewport(data)

    def timed_send(kind: str, payload: dict[str, Any]) -> None:
        send(kind, payload)
        if kind == "features":
            marks["py_sent"] = time.time() * 1000

    view._bridge.events.viewport.disconnect(on_viewport)
    view._bridge.events.viewport.connect(timed_viewport)
    view._bridge.send = timed_send  # type: ignore[method-assign]
    animate = "true" if args.animate else "false"
    stages: dict[str, list[float]] = {}
    sizes: list[int] = []
    for k in range(args.zooms):
        step = 1 if k % 2 == 0 else -1
        marks.clear()
        js("window.__probe.marks = {}; 0")
        t0 = time.time() * 1000
        view.page.runJavaScript(
            "window.__probe.marks.js_start = Date.now();"
            f"Sightline.map().setZoom(Sightline.map().getZoom() + ({step}),"
            f" {{animate: {animate}}});"
            "window.__probe.marks.js_idle = Date.now();"
        )
        wait(view.drawn)
        marks["drawn"] = time.time() * 1000
        page = json.loads(js("JSON.stringify(window.__probe.marks)"))
        sizes.append(int(page.pop("bytes", 0)))
        if "js_done" in page and view.last_draw_ms is not None:
            page["js_message"] = page.pop("js_done") - view.last_draw_ms
        for name, at in {**page, **marks}.items():
            stages.setdefault(name, []).append(at - t0)
        # let the page settle (tiles, labels) before the next zoom
        end = time.perf_counter() + 0.3
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.01)
    order = ["js_start", "js_report", "js_idle", "py_viewport", "py_sent", "js_message", "drawn"]
    n = len(linker.frame)
    print(f"zoom probe: {n:,} events, {args.zooms} zooms, animate={args.animate}, "
          f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    for name in order:
        if name in stages:
            values = stages[name]
            print(f"  {name:12s} median {statistics.median(values):7.1f}  max {max(values):7.1f}")
    print(f"  features JSON median {statistics.median(sizes):,.0f} bytes")
    ahead = getattr(view, "prefetch", None)  # None: a checkout without it
    if ahead is not None:
        print(f"  answers worked out ahead {ahead.computed}, used {ahead.used}")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
