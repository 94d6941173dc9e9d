"""One Sightline per project: the lock file next to the project.

Real lock files and real processes: a second lock in this process, a lock held by a
live helper process, a lock left by a killed one (stale, taken over), and the window's
start-up refusing a project another Sightline holds.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.app.instance_lock import (
    ProjectInUse,
    ProjectLock,
    lock_file_path,
    lock_project,
)
from desktop_app.store.project import default_project_path

HOLDER = """
import sys
from pathlib import Path
from desktop_app.app.instance_lock import ProjectLock
lock = ProjectLock(Path(sys.argv[1]))
lock.acquire()
print("held", flush=True)
sys.stdin.readline()  # hold the lock until told (or killed)
lock.release()
"""


@pytest.fixture()
def project_file(tmp_path: Path) -> Path:
    return tmp_path / "work" / "case.sightline"


@pytest.fixture()
def holder(project_file: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the project's lock until the test ends (or kills it)."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(project_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None and process.stdout.readline().strip() == "held"
        yield process
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def test_lock_file_lives_next_to_the_project(project_file: Path) -> None:
    assert lock_file_path(project_file) == project_file.parent / "case.sightline.lock"
    with ProjectLock(project_file) as lock:
        assert lock.held and lock.path.is_file()  # its folder was created for it
    assert not lock.held and not lock.path.exists()


def test_a_second_lock_on_the_same_project_fails_with_a_clear_message(project_file: Path) -> None:
    first = ProjectLock(project_file)
    first.acquire()
    try:
        with pytest.raises(ProjectInUse) as refused:
            ProjectLock(project_file).acquire()
        message = str(refused.value)
        assert "case.sightline is already open in another Sightline" in message
        assert f"process {os.getpid()}" in message
        assert "Close it there first" in message
        assert first.held  # the refused attempt left the holder's lock alone
    finally:
        first.release()
    with ProjectLock(project_file) as again:  # released: free to take
        assert again.held


def test_a_lock_held_by_another_process_is_refused(
    project_file: Path, holder: subprocess.Popen[str]
) -> None:
    with pytest.raises(ProjectInUse, match=f"process {holder.pid}"):
        ProjectLock(project_file).acquire()
    assert lock_file_path(project_file).exists()


def test_a_stale_lock_from_a_dead_process_is_taken_over(
    project_file: Path, holder: subprocess.Popen[str]
) -> None:
    holder.kill()  # a crash: the lock file stays behind
    holder.wait(timeout=30)
    lock_path = lock_file_path(project_file)
    assert lock_path.exists() and lock_path.read_text().split("\n")[0] == str(holder.pid)
    with ProjectLock(project_file) as lock:
        assert lock.held
        assert lock_path.read_text().split("\n")[0] == str(os.getpid())


def test_lock_project_resolves_the_default_project_and_skips_non_files() -> None:
    lock = lock_project(None)
    assert lock is not None
    try:
        assert lock.path == lock_file_path(default_project_path()) and lock.held
    finally:
        lock.release()
    assert lock_project("postgresql://analyst@server/events") is None
    assert lock_project("sqlite:///:memory:") is None


def test_a_second_window_on_a_project_is_refused_before_opening_it(project_file: Path) -> None:
    with ProjectLock(project_file):
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        done = subprocess.run(
            [sys.executable, "-m", "desktop_app", "--project", str(project_file)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 2
    assert "case.sightline is already open in another Sightline" in done.stderr
    assert not project_file.exists()  # refused before the project was created or migrated
