"""One edit at scale: the time from "OK" in the edit form to every pane showing it.

    python bench/edit_bench.py [--rows N] [--repeat K] [--json]

In the real window (offscreen) on N generated ACLED-shaped events (1,000,000 by default;
the CSV and the project are cached in bench/.cache/, shared with ui_bench.py), it times K
edits of one event's title through the editing feature (store write, then the frame
patched with that event and handed to every pane) and, as the baseline of the same run,
the old way: the same write followed by reading the whole frame again
(``load_frame``) and handing it to every pane. Target (issue 11/12): one edit <= 100 ms.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from ui_bench import _project, open_window

    path, _imported = _project(args.rows)

    from desktop_app.features.editing.commands import EditEventCommand
    from desktop_app.frame.cache import load_frame
    from desktop_app.store import editing as store

    _app, window = open_window(path, "sightline-edit-bench-")
    wb = window.workbench
    frame = wb.linker.frame
    if len(frame) == 0:
        print("the project did not load", file=sys.stderr)
        return 1
    editing = window.features["editing"]
    event_id = int(frame.ids[len(frame) // 2])
    original = store.read_event(wb.project, event_id)

    patched: list[float] = []
    for n in range(args.repeat):
        values = dataclasses.replace(original, title=f"{original.title} (edit {n})")
        started = time.perf_counter()
        editing.push(EditEventCommand(editing, event_id, values))
        patched.append((time.perf_counter() - started) * 1000)

    reloaded: list[float] = []
    for n in range(max(1, args.repeat // 2)):
        values = dataclasses.replace(original, title=f"{original.title} (reload {n})")
        started = time.perf_counter()
        store.update_event(wb.project, event_id, values)
        wb.apply_frame(load_frame(wb.project))
        reloaded.append((time.perf_counter() - started) * 1000)
    store.update_event(wb.project, event_id, original)

    figures = {
        "rows": len(frame),
        "edit_patch_ms_median": round(statistics.median(patched), 1),
        "edit_patch_ms_max": round(max(patched), 1),
        "edit_reload_ms_median": round(statistics.median(reloaded), 1),
        "target_ms": 100,
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"one edit at {len(frame):,} events (median of {args.repeat}):")
        print(f"  patched frame (now)         {figures['edit_patch_ms_median']:>9,.1f} ms")
        print(f"  whole frame read (baseline) {figures['edit_reload_ms_median']:>9,.1f} ms")
        print("  target                          100 ms")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
