"""``sightline --self-test`` run from source, as CI runs it, in a subprocess.

The frozen build runs the same self-test (``build_spec/build.py``); here it proves the
checks themselves: every pane drawn, one linked selection, a PNG written, exit 0, and a
failure reported with its reason and a non-zero exit.
"""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest

TIMEOUT_S = 240  # the whole subprocess, start-up of Python, Qt and Chromium included


def _run(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    return subprocess.run(
        [sys.executable, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n" and header[12:16] == b"IHDR"
    width, height = struct.unpack(">II", header[16:24])
    return int(width), int(height)


@pytest.mark.slow
def test_self_test_passes_from_source(tmp_path: Path) -> None:
    out = tmp_path / "shots" / "self-test.png"
    done = _run(["-m", "desktop_app", "--self-test", "--self-test-out", str(out)], tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    for step in (
        "sample dataset imported",
        "offline gazetteer",
        "main window shown",
        "asked for nothing remote",
        "linked selection",
        "self-test passed",
    ):
        assert step in done.stdout, done.stdout
    assert str(out) in done.stdout
    assert _png_size(out) == (1400, 900)
    # the temporary project is gone, and the user's data folder was never touched
    assert not (tmp_path / "data" / "sightline").exists()


def test_self_test_failure_exits_non_zero_with_the_reason(tmp_path: Path) -> None:
    code = (
        "import sys; from pathlib import Path; "
        "from desktop_app.app.selftest import run_self_test; "
        f"sys.exit(run_self_test(Path({str(tmp_path / 'x.png')!r}), timeout_s=0.0))"
    )
    done = _run(["-c", code], tmp_path)
    assert done.returncode == 1
    assert "self-test FAILED" in done.stderr
    # the first wait to run out says what it waited for: the events, or (the frame is
    # now read while the window is built, so it can be in first) the map page
    assert re.search(
        r"self-test FAILED after [\d.]+ s: timed out waiting for "
        r"(the project's events to load|the map page to load)",
        done.stderr,
    )
    assert not (tmp_path / "x.png").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG folders are Linux's")
def test_first_run_creates_the_user_data_folder_with_the_sample_project(tmp_path: Path) -> None:
    done = _run(["-m", "desktop_app", "info", "--json"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "data" / "sightline" / "default.sightline").is_file()
    assert json.loads(done.stdout)["events"] == 8  # the sample dataset, loaded once
    again = _run(["-m", "desktop_app", "info", "--json"], tmp_path)
    assert json.loads(again.stdout)["events"] == 8
