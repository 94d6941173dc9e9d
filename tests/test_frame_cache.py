"""The frame copy (frame/cache.py) around imports, other processes and crashes: an
import leaves it ready and the next open reads it (and it equals a frame rebuilt from
the store); a change made by another process is never hidden by a stale copy, nor by
the read begun before the window was built; a writer killed halfway through leaves a
project that opens right. Real SQLite files, real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from desktop_app.app import cli
from desktop_app.frame import EventFrame, cache
from desktop_app.ingest.pipeline import import_file
from desktop_app.store.project import Project

pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parents[1]


def assert_same_frame(got: EventFrame, want: EventFrame) -> None:
    for name in ("ids", "start", "end", "precision", "has_end", "location_id", "title", "place"):
        assert np.array_equal(getattr(got, name), getattr(want, name)), name
    for name in ("lat", "lon"):
        assert np.array_equal(getattr(got, name), getattr(want, name), equal_nan=True), name
    assert set(got.single) == set(want.single)
    for facet, (codes, values) in want.single.items():
        assert np.array_equal(got.single[facet][0], codes), facet  # -1: no value
        assert list(got.single[facet][1]) == list(values), facet
    assert set(got.multi) == set(want.multi)
    everything = np.ones(len(want), bool)
    for facet in want.multi:
        assert got.facet_counts(facet, everything) == want.facet_counts(facet, everything), facet


def copies(project: Project) -> list[Path]:
    """Every file of the project's copy (the row file and its link files)."""
    where = cache._path(project, "").name.split("-")[0]
    return sorted(cache.cache_dir().glob(f"{where}-*"))


def the_store_is_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_project: Project) -> EventFrame:
        raise AssertionError("the frame was rebuilt from the store, not read from the copy")

    monkeypatch.setattr(EventFrame, "load", staticmethod(refuse))


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    """Another process (the test's environment: the same user cache folder)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_import_leaves_the_copy_the_next_open_reads(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "imported.sightline"
    assert cli.main(["import", str(data_dir / "acled_sample.csv"), "--project", str(path)]) == 0
    project = Project.open(path)
    try:
        rebuilt = EventFrame.load(project)
        assert len(rebuilt) > 0
        key = cache.content_key(project)
        assert cache._path(project, key).exists()  # written by the import, for this data
        with monkeypatch.context() as patched:
            the_store_is_not_read(patched)
            opened = cache.load_frame(project)
        assert_same_frame(opened, rebuilt)
    finally:
        project.close()


def test_cli_undo_of_an_import_leaves_the_copy_ready(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "undone.sightline"
    for name in ("acled_sample.csv", "gdelt_v1.tsv"):
        assert cli.main(["import", str(data_dir / name), "--project", str(path)]) == 0
    assert cli.main(["undo-import", "2", "--project", str(path)]) == 0
    project = Project.open(path)
    try:
        rebuilt = EventFrame.load(project)
        with monkeypatch.context() as patched:
            the_store_is_not_read(patched)
            opened = cache.load_frame(project)
        assert_same_frame(opened, rebuilt)
        assert len([p for p in copies(project) if p.suffix == ".arrow"]) == 1
    finally:
        project.close()


EDIT_TITLE = """
    from desktop_app.store.editing import read_event, update_event
    from desktop_app.store.project import Project
    import dataclasses, sys
    project = Project.open(sys.argv[1] if len(sys.argv) > 1 else {path!r})
    fields = read_event(project, {event_id})
    update_event(project, {event_id}, dataclasses.replace(fields, title="Changed elsewhere"))
    project.close()
"""


def test_a_change_made_by_another_process_is_never_hidden_by_the_copy(
    project: Project, data_dir: Path
) -> None:
    import_file(project, data_dir / "acled_sample.csv")
    before = cache.load_frame(project)  # the copy is written
    event_id = int(before.ids[0])
    assert before.title[0] != "Changed elsewhere"
    done = run_python(EDIT_TITLE.format(path=str(project.path), event_id=event_id))
    assert done.returncode == 0, done.stderr
    after = cache.load_frame(project)  # same counts, same sums: only the title changed
    assert after.title[after.row_of(event_id)] == "Changed elsewhere"
    assert_same_frame(after, EventFrame.load(project))


def test_the_read_begun_before_the_window_is_dropped_after_a_change(
    project: Project, data_dir: Path
) -> None:
    import_file(project, data_dir / "acled_sample.csv")
    cache.load_frame(project)
    cache.start_loading(project)  # as build_window does
    event_id = int(EventFrame.load(project).ids[-1])
    done = run_python(EDIT_TITLE.format(path=str(project.path), event_id=event_id))
    assert done.returncode == 0, done.stderr
    frame = cache.load_frame(project)  # the workbench's first load, after the change
    assert frame.title[frame.row_of(event_id)] == "Changed elsewhere"


def test_the_read_begun_before_the_window_is_taken_when_current(
    project: Project, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_file(project, data_dir / "acled_sample.csv")
    rebuilt = EventFrame.load(project)
    cache.start_loading(project)  # no copy yet: this read builds and writes it
    taken = cache.load_frame(project)
    assert_same_frame(taken, rebuilt)
    cache.start_loading(project)
    with monkeypatch.context() as patched:
        the_store_is_not_read(patched)
        calls: list[Project] = []
        monkeypatch.setattr(cache, "_load", lambda p: calls.append(p) or rebuilt)
        assert_same_frame(cache.load_frame(project), rebuilt)
    assert calls == []  # the early read was used, not a second one


KILLED_WRITER = """
    import os, signal, sys
    from pathlib import Path
    from desktop_app.frame import cache
    from desktop_app.store.project import Project

    real_replace = Path.replace
    renames = []

    def replace(self, target):
        renames.append(str(target))
        if len(renames) >= {kill_at}:
            os.kill(os.getpid(), signal.SIGKILL)  # as a crash or a kill -9 would
        return real_replace(self, target)

    Path.replace = replace
    project = Project.open({path!r})
    cache.load_frame(project)
"""


@pytest.mark.parametrize("kill_at", [1, 2, 4], ids=["no-rename", "some-links", "last-rename"])
def test_a_writer_killed_halfway_leaves_a_project_that_opens_right(
    project: Project, data_dir: Path, kill_at: int
) -> None:
    import_file(project, data_dir / "acled_sample.csv")
    rebuilt = EventFrame.load(project)
    links = len(rebuilt.multi)
    assert links >= 2  # actor, source, tag: renames 1..links are the link files
    dead = run_python(KILLED_WRITER.format(path=str(project.path), kill_at=min(kill_at, links + 1)))
    assert dead.returncode == -9, dead.stderr
    assert copies(project)  # what the dead writer left
    opened = cache.load_frame(project)
    assert_same_frame(opened, rebuilt)
    assert_same_frame(cache.load_frame(project), rebuilt)  # the copy written now reads back
    key = cache.content_key(project).join(("-", "."))
    left = copies(project)
    assert all(key in p.name for p in left), left  # the dead writer's files are gone
    assert len([p for p in left if p.suffix == ".arrow"]) == 1


def test_an_import_truncates_a_big_wal(
    project: Project, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.store import wal

    assert project.path is not None
    log = Path(f"{project.path}-wal")
    monkeypatch.setattr(wal, "TRUNCATE_FROM_BYTES", 1)  # any log counts as big here
    result = import_file(project, data_dir / "acled_sample.csv")
    assert result.imported > 0
    assert log.exists() and log.stat().st_size == 0
    reopened = Project.open(project.path)
    try:
        assert len(EventFrame.load(reopened)) == len(EventFrame.load(project)) > 0
    finally:
        reopened.close()


def test_a_small_wal_is_left_alone(project: Project, data_dir: Path) -> None:
    from desktop_app.store.wal import truncate_wal

    import_file(project, data_dir / "acled_sample.csv")
    assert project.path is not None
    size = Path(f"{project.path}-wal").stat().st_size
    assert not truncate_wal(project)  # far below the threshold
    assert Path(f"{project.path}-wal").stat().st_size == size
    assert truncate_wal(project, at_least=0)
    assert Path(f"{project.path}-wal").stat().st_size == 0


def test_the_copy_reads_back_events_without_a_place_and_repeated_texts(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.ingest.sample import load_sample

    load_sample(project)  # one event has no place; places repeat across events
    rebuilt = EventFrame.load(project)
    assert not rebuilt.located.all()
    assert len(set(rebuilt.place.tolist())) < len(rebuilt)
    cache.load_frame(project)  # writes the copy
    with monkeypatch.context() as patched:
        the_store_is_not_read(patched)
        copied = cache.load_frame(project)
    assert_same_frame(copied, rebuilt)
    copied.title[0] = "edited in place"  # a patch writes into these arrays
    assert copied.title[1] != "edited in place"
