"""Helpers shared by several test files: driving the real map page, generated ACLED rows."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from desktop_app.domain.dates import span_end_seconds
from desktop_app.frame.event_frame import EventFrame, Links

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
from acled_gen import COLUMNS as ACLED_COLUMNS
from acled_gen import write_acled_csv

# JS: whether two characters draw the same pixels in a font family on a canvas (a
# missing glyph draws as the same box for both): called as CANVAS_SAME(a, b, family)
CANVAS_SAME = """(function (a, b, family) {
  function draw(ch) {
    var c = document.createElement('canvas'); c.width = 40; c.height = 40;
    var ctx = c.getContext('2d'); ctx.font = '28px ' + family; ctx.fillText(ch, 4, 32);
    return c.toDataURL();
  }
  return draw(a) === draw(b);
})"""


def run_js(qtbot: Any, page: Any, expression: str) -> Any:
    """The value of a JS expression on a QWebEnginePage, through JSON."""
    with qtbot.waitCallback(timeout=10_000) as callback:
        page.runJavaScript(f"JSON.stringify({expression})", 0, callback)
    text = callback.args[0] if callback.args else None
    return None if text in (None, "") else json.loads(text)


def map_at(qtbot: Any, page: Any, target: Any) -> bool:
    """The page's map is centred on ``target`` (a state MapView, to two pixels) at its zoom."""
    where = run_js(
        qtbot,
        page,
        "{c: Sightline.map().getCenter(), z: Sightline.map().getZoom(), s: Sightline.settled()}",
    )
    tolerance = 2 * 360.0 / (256 * 2**target.zoom)
    return (
        bool(where["s"])
        and where["z"] == target.zoom
        and abs(where["c"]["lat"] - target.lat) < tolerance
        and abs(where["c"]["lng"] - target.lon) < tolerance
    )


def click_event(qtbot: Any, page: Any, event_id: int) -> None:
    """A left click, as the page gets it, on the marker of an event."""
    pixel = run_js(qtbot, page, f"Sightline.eventPixel({event_id})")
    x, y = pixel["x"], pixel["y"]
    click = (
        f"(function(){{var t=document.elementFromPoint({x},{y});"
        f"t.dispatchEvent(new MouseEvent('click',{{clientX:{x},"
        f"clientY:{y},bubbles:true,cancelable:true,view:window}}));"
        "return true;})()"
    )
    assert run_js(qtbot, page, click) is True


def located_frame(lat: np.ndarray, lon: np.ndarray, place_id: np.ndarray) -> EventFrame:
    """An EventFrame straight from positions (no database): one event a row, every one
    on one day in one category, ids 1..n (the map tests' crowds of events)."""
    n = len(lat)
    start = np.full(n, 1_700_000_000 // 86_400 * 86_400, np.int64)
    precision = np.full(n, 3, np.int8)
    empty = Links(np.zeros(0, np.int64), np.zeros(0, np.int32), [])
    return EventFrame(
        ids=np.arange(1, n + 1, dtype=np.int64),
        start=start,
        end=span_end_seconds(start, precision),
        precision=precision,
        has_end=np.zeros(n, bool),
        lat=np.asarray(lat, np.float64),
        lon=np.asarray(lon, np.float64),
        location_id=np.asarray(place_id, np.int64),
        title=np.full(n, "event", object),
        place=np.full(n, "spot", object),
        single={"category": (np.zeros(n, np.int32), ["Battles"])},
        multi={"actor": empty, "tag": empty, "source": empty},
    )


def acled_records(tmp: Path, rows: int = 40, seed: int = 3) -> list[dict[str, str]]:
    """``rows`` generated ACLED rows (bench/acled_gen.py, the export's own columns) as
    dicts, for a test to edit before writing them with ``write_acled``."""
    path = tmp / "gen.csv"
    write_acled_csv(path, rows, seed=seed)
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_acled(path: Path, records: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    """ACLED rows written as an ACLED export is: its header, then the rows; ``path``."""
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=ACLED_COLUMNS)
        writer.writeheader()
        writer.writerows(records)
    return path


_EMPTY_FOLDER = tempfile.TemporaryDirectory(prefix="sightline-tests-")  # gone at exit
_EMPTY: list[Path] = []


def new_project_file(target: Path) -> Path:
    """``target`` made what ``Project.open(target)`` makes of a new file (every migration
    run), as a copy of one such file made once a test session, through SQLite's backup
    (the one file, its WAL folded in). Opening a new file took 1.4-1.7 s on the CI
    machine, opening the copy 0.1-0.2 s; the project fixtures and the import tests that
    make several projects a test start from it."""
    if not _EMPTY:
        from desktop_app.store.project import Project

        made = Path(_EMPTY_FOLDER.name) / "empty.sightline"
        Project.open(made).close()
        _EMPTY.append(made)
    source, copy = sqlite3.connect(_EMPTY[0]), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return target


def sample_project_file(path: Path) -> Path:
    """``path``: a closed project file holding the sample dataset."""
    from desktop_app.ingest.sample import load_sample
    from desktop_app.store.project import Project

    project = Project.open(new_project_file(path))
    try:
        load_sample(project)
    finally:
        project.close()
    return path


def screenshot(project: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``sightline --project PROJECT screenshot OUT ARGS...`` in its own process, offscreen."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-m", "desktop_app", "--project", str(project), "screenshot"]
    return subprocess.run(
        [*command, str(out), *args], capture_output=True, text=True, env=env, timeout=240
    )


def show_map(qtbot: Any, width: int = 800, height: int = 500, timeout: int = 30_000) -> Any:
    """A MapView on a selection and view state of its own, shown offscreen at that size,
    its page loaded and ready (the caller closes and deletes it). A test module using it
    imports desktop_app.views.map at its top: QtWebEngine before the QApplication."""
    from desktop_app.state.models import SelectionModel, ViewState
    from desktop_app.views.map import MapView

    view = MapView(SelectionModel(), ViewState())
    view.resize(width, height)
    view.show()
    with qtbot.waitSignal(view.ready, timeout=timeout):
        pass
    return view
