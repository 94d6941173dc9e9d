"""A committed write is never lost, whatever else opens and closes the project file.

These tests use real SQLite files and real processes: the hazards they guard against
(POSIX advisory locks dropped by an unrelated ``close()``, a WAL deleted under a writer,
two imports at once) only exist between processes.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SIGHTLINE = [sys.executable, "-c",
             "import sys; from desktop_app.app.cli import main; sys.exit(main(sys.argv[1:]))"]

WRITER = textwrap.dedent("""
    import os, sys
    from desktop_app.store.project import Project

    path = sys.argv[1]
    project = Project.open(path)
    project.set_setting("before", "1")
    # what a file dialog does when it sniffs the project's type: open and close the
    # file (and its WAL and shared-memory files) without going through SQLite
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.close(os.open(path + suffix, os.O_RDONLY))
    print("ready", flush=True)
    sys.stdin.readline()
    project.set_setting("after", "written")
    print("written", flush=True)
    sys.stdin.readline()  # killed here
""")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    return env


def _sightline(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SIGHTLINE, *args], capture_output=True, text=True, env=_env(),
                          timeout=120, check=False)


def test_a_write_after_a_foreign_close_survives_another_process_and_kill_9(
        tmp_path: Path) -> None:
    """Finding 1: the writer's locks are gone after a plain os.open/os.close; another
    Sightline process opens and closes the project; the writer commits, then dies.
    A fresh reader must see the write in an intact file."""
    path = tmp_path / "p.sightline"
    from desktop_app.store.project import Project

    Project.open(path).close()
    with subprocess.Popen([sys.executable, "-c", WRITER, str(path)], env=_env(),
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as writer:
        try:
            assert writer.stdout is not None and writer.stdin is not None
            assert writer.stdout.readline().strip() == "ready"
            info = _sightline("info", "--project", str(path))
            assert info.returncode == 0, info.stderr
            writer.stdin.write("go\n")
            writer.stdin.flush()
            assert writer.stdout.readline().strip() == "written"
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait(30)
    fresh = sqlite3.connect(path)
    try:
        assert fresh.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert fresh.execute("SELECT value FROM setting WHERE key = 'after'").fetchone() == (
            "written",)
    finally:
        fresh.close()
    with Project.open(path) as reopened:
        assert reopened.get_setting("after") == "written"
        assert reopened.get_setting("before") == "1"
