"""bench/ui_bench.py runs end to end at a tiny size and prints issue 12's JSON keys.

The only test of a benchmark: it checks that the script works and reports every
figure (a number for each measured key), never how fast anything is.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KEYS = (
    "brush_ms",
    "filter_ms",
    "facet_ms",
    "pan_ms",
    "zoom_ms",
    "select_all_ms",
    "select_all_first_ms",
    "clear_ms",
    "edit_ms",
    "timeline_repaint_ms",
    "search_unindexed_ms",
)


@pytest.mark.slow
def test_ui_bench_prints_every_key_as_json(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "ui_bench.py"),
            "--rows",
            "2000",
            "--json",
            "--cache",
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["events"] == 2000
    # this run imported the project, so the first open is measured, the cached one not
    assert isinstance(figures["open_first_ms"], float)
    assert figures["open_cached_ms"] is None
    for key in KEYS:
        assert isinstance(figures[key], (int, float)), key
        assert figures[key] >= 0, key
    assert len(figures["load_average"]) == 3
    assert "select all (Ctrl+A)" in result.stdout  # the human table is there too
