"""Numeric-column and weekday x hour filters at scale: reading, masks, counts, redraw.

    python bench/numeric_filter_bench.py [--rows N] [--project PATH] [--repeat R]

With N generated ACLED-shaped events (1,000,000 by default; the CSV and the project
are cached in bench/.cache/ like ui_bench.py's), it prints, next to each target:

1. what reading the numeric columns costs (the sample that finds the keys, the values
   of every event, parsing and aligning them) beside the frame's own load: this is why
   they are read on a thread after the frame is shown, not as part of the open;
2. a range change and a grid change through the real linker and filters pane,
   offscreen: the masks (``refilter``, what every pane waits for; target <= 100 ms
   with issue 12's filter change), then the charts counted on the counting thread and
   drawn (histograms and grid repainted) until ``counts_shown``;
3. a category facet change (and clear) with and without the numeric columns: what they
   add to an ordinary filter change (the same linker and frame).

ACLED files carry no time of day, so for the grid the frame's events are given a
random minute of their day (a copy of the frame; the store is not touched).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"


def _project(rows: int) -> Path:
    CACHE.mkdir(exist_ok=True)
    target = CACHE / f"ui_{rows}.sightline"
    if target.exists():
        return target
    sys.path.insert(0, str(HERE))
    from acled_gen import write_acled_csv

    csv_path = CACHE / f"acled_{rows}.csv"
    if not csv_path.exists():
        write_acled_csv(csv_path, rows)
    subprocess.run(
        [sys.executable, "-m", "desktop_app", "import", str(csv_path), "--project", str(target)],
        check=True,
    )
    return target


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--project", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    path = args.project or _project(args.rows)

    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from desktop_app.app.main import _application

    app = _application(offscreen=True)
    from PySide6.QtCore import QEventLoop, QTimer

    from desktop_app.domain.dates import DAY_SECONDS, Precision
    from desktop_app.frame import EventFrame
    from desktop_app.frame.numeric import NumberTable, numeric_keys
    from desktop_app.frame.numeric_store import load_numbers
    from desktop_app.frame.visible import charts_of
    from desktop_app.state.models import FilterModel
    from desktop_app.store import frame_rows
    from desktop_app.store.project import Project
    from desktop_app.views.filters import FiltersView
    from desktop_app.workbench.linking import Linker

    project = Project.open(path)
    print(f"{path.name}: load average {os.getloadavg()[0]:.2f}")
    started = time.perf_counter()
    frame = EventFrame.load(project)
    print(f"frame load (no cache), for comparison   {_ms(started):8.0f} ms  {len(frame):,} events")
    started = time.perf_counter()
    keys = numeric_keys(frame_rows.attribute_samples(project))
    print(f"find the numeric keys (sample)               {_ms(started):8.0f} ms  {keys}")
    started = time.perf_counter()
    rows = frame_rows.number_rows(project, keys)
    print(f"read their values (json_extract)             {_ms(started):8.0f} ms")
    started = time.perf_counter()
    table = NumberTable.from_rows(rows, keys, project)
    table.aligned(frame.ids)
    print(f"parse + align + bin                          {_ms(started):8.0f} ms")
    load_numbers(project)  # writes the copy (or finds it)
    started = time.perf_counter()
    load_numbers(project)
    print(f"reopen: the copy (content key + Arrow read)  {_ms(started):8.0f} ms")

    # every event a random minute of its day, so the grid has something to count
    rng = np.random.default_rng(0)
    day = np.floor_divide(frame.start, DAY_SECONDS) * DAY_SECONDS
    timed = dataclasses.replace(
        frame,
        start=day + rng.integers(0, 1440, len(frame)) * 60,
        precision=np.full(len(frame), int(Precision.MINUTE), np.int8),
    )

    model = FilterModel()
    linker = Linker(model)
    pane = FiltersView(model)
    pane.resize(380, 1000)
    pane.show()
    linker.attach([], counts_view=pane)
    linker.set_frame(timed)
    linker.numbers = table.aligned(timed.ids)

    def until_counted(change: object) -> tuple[float, float, int]:
        loop = QEventLoop()
        linker.counts_shown.connect(loop.quit)
        QTimer.singleShot(60_000, loop.quit)
        started = time.perf_counter()
        change()  # type: ignore[operator]
        mask_ms = _ms(started)
        loop.exec()
        linker.counts_shown.disconnect(loop.quit)
        for section in pane.number_filters.values():
            section.histogram.repaint()
        pane.clock.grid.repaint()
        return mask_ms, _ms(started), int(linker.visible.sum())

    until_counted(linker.refilter)
    # this work's own part of the counting thread and of the pane's redraw
    if name := (keys[0] if keys else ""):
        model.set_range(name, 1.0, 100.0)
    model.set_clock(frozenset(range(9, 17)))
    masks = linker.masks()
    timings: dict[str, list[float]] = {"charts": [], "draw": []}
    for _ in range(args.repeat):
        started = time.perf_counter()
        charts = charts_of(timed, masks, linker.numbers.columns)
        timings["charts"].append(_ms(started))
        started = time.perf_counter()
        pane.show_charts(charts, False)
        for section in pane.number_filters.values():
            section.histogram.repaint()
        pane.clock.grid.repaint()
        timings["draw"].append(_ms(started))
    print(
        f"histograms + grid counted (counting thread) "
        f"{statistics.median(timings['charts']):6.1f} ms"
        f"   shown + repainted {statistics.median(timings['draw']):6.1f} ms"
    )
    until_counted(model.clear)
    figures: dict[str, list[tuple[float, float, int]]] = {"range": [], "grid": [], "clear": []}
    for i in range(args.repeat):
        if name:
            figures["range"].append(
                until_counted(lambda i=i: model.set_range(name, float(1 + i), 100.0))
            )
        cells = frozenset(d * 24 + h for d in range(5) for h in range(9, 17 + i % 3))
        figures["grid"].append(until_counted(lambda cells=cells: model.set_clock(cells)))
        figures["clear"].append(until_counted(model.clear))
    # what the numeric columns and the grid add to an ordinary facet change
    from desktop_app.frame.numeric import Numbers

    categories = [n for n, _ in timed.facet_counts("category", np.ones(len(timed), bool))][:3]
    with_numbers = linker.numbers
    for label, numbers_now in (("facet, no numbers", Numbers()), ("facet, numbers", with_numbers)):
        linker.numbers = numbers_now
        figures[label] = []
        for i in range(args.repeat):
            value = frozenset({categories[i % len(categories)]})
            figures[label].append(
                until_counted(lambda value=value: model.set_facet("category", value))
            )
            figures[label].append(until_counted(model.clear))
    linker.numbers = with_numbers
    print(f"load average {os.getloadavg()[0]:.2f}; medians of {args.repeat}:")
    for what, pairs in figures.items():
        if pairs:
            mask = statistics.median(p[0] for p in pairs)
            drawn = statistics.median(p[1] for p in pairs)
            print(
                f"{what:17s} change: masks (refilter) {mask:7.1f} ms (target <= 100)   "
                f"until every count is shown and drawn {drawn:7.1f} ms   visible {pairs[-1][2]:,}"
            )
    linker.shutdown()
    pane.close()
    project.close()
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
