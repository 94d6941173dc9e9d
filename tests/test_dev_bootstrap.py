"""dev.py, the two README commands' bootstrap: its messages, its stamp, a real venv, and
that CI runs the README's test command verbatim."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_dev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sightline_dev", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


dev = _load_dev()


def test_old_python_is_told_the_minimum() -> None:
    message = dev.python_version_message((3, 9, 18, "final", 0), "/usr/bin/python3")
    assert message is not None
    assert "needs Python 3.11 or newer" in message
    assert "/usr/bin/python3 is 3.9.18" in message
    assert dev.python_version_message((3, 11, 2), "python3") is None
    assert dev.python_version_message((3, 13, 0), "python3") is None


def test_missing_ensurepip_on_debian_names_python3_venv() -> None:
    message = dev.venv_unavailable_message(False, True, (3, 11, 2))
    assert message is not None
    assert "\n" not in message
    assert "sudo apt install python3-venv" in message
    assert "python3.11-venv" in message


def test_missing_ensurepip_elsewhere_says_what_is_missing_without_apt() -> None:
    message = dev.venv_unavailable_message(False, False, (3, 12, 1))
    assert message is not None
    assert "ensurepip" in message and "apt" not in message


def test_ensurepip_present_means_no_message() -> None:
    assert dev.venv_unavailable_message(True, True, (3, 11, 2)) is None
    assert dev.venv_unavailable_message(True, False, (3, 11, 2)) is None


@pytest.mark.parametrize(
    ("os_release", "expected"),
    [
        ("ID=debian\n", True),
        ('ID=ubuntu\nID_LIKE="debian"\n', True),
        ('ID=pop\nID_LIKE="ubuntu debian"\n', True),
        ("ID=fedora\n", False),
        ('ID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"\n', False),
    ],
)
def test_debian_like(tmp_path: Path, os_release: str, expected: bool) -> None:
    path = tmp_path / "os-release"
    path.write_text(os_release, encoding="utf-8")
    assert dev.debian_like(path) is expected


def test_stamp_follows_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    venv = tmp_path / ".venv"
    venv.mkdir()
    assert dev.read_stamp(venv) is None
    stamp = dev.expected_stamp(tmp_path)
    dev.write_stamp(venv, stamp)
    assert dev.read_stamp(venv) == dev.expected_stamp(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n# dep\n', encoding="utf-8")
    assert dev.read_stamp(venv) != dev.expected_stamp(tmp_path)
    (venv / dev.STAMP_NAME).write_text("{not json", encoding="utf-8")
    assert dev.read_stamp(venv) is None


def test_the_stamp_written_records_the_extras_and_the_hash(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(b"[project]\n")
    stamp = dev.expected_stamp(tmp_path)
    assert stamp["extras"] == "test"
    assert len(str(stamp["pyproject_sha256"])) == 64
    dev.write_stamp(tmp_path, stamp)
    assert json.loads((tmp_path / dev.STAMP_NAME).read_text(encoding="utf-8")) == stamp


def test_commands_run_the_program_or_pytest_with_the_venv_python() -> None:
    python = Path("/checkout/.venv/bin/python")
    assert dev.command_for("run", python, ["--self-test"]) == [
        str(python),
        "-m",
        "desktop_app",
        "--self-test",
    ]
    assert dev.command_for("test", python, ["-q", "tests/x.py"]) == [
        str(python),
        "-m",
        "pytest",
        "-q",
        "tests/x.py",
    ]
    assert dev.command_for("setup", python, []) == []
    assert dev.command_for("deploy", python, []) is None


def test_a_venv_whose_python_is_gone_does_not_run(tmp_path: Path) -> None:
    assert dev.python_runs(Path(sys.executable))
    assert not dev.python_runs(tmp_path / "bin" / "python")
    if os.name != "nt":
        broken = tmp_path / "python"
        broken.symlink_to(tmp_path / "removed-python3.11")
        assert not dev.python_runs(broken)


def _checkout_copy(tmp_path: Path) -> Path:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    shutil.copy(ROOT / "dev.py", checkout / "dev.py")
    (checkout / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    return checkout


def test_without_ensurepip_it_stops_with_one_line_and_makes_nothing(tmp_path: Path) -> None:
    checkout = _checkout_copy(tmp_path)
    # this Python, with ensurepip unimportable as on Debian without python3-venv
    script = (
        "import runpy, sys; sys.modules['ensurepip'] = None; "
        "sys.argv = ['dev.py', 'test']; runpy.run_path('dev.py', run_name='__main__')"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=checkout, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "ensurepip" in lines[0]
    assert not (checkout / ".venv").exists()


def test_unknown_command_changes_nothing(tmp_path: Path) -> None:
    checkout = _checkout_copy(tmp_path)
    done = subprocess.run(
        [sys.executable, "dev.py", "deploy"],
        cwd=checkout,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "unknown command 'deploy'" in done.stderr
    assert not (checkout / ".venv").exists()


@pytest.mark.slow
def test_make_venv_makes_an_environment_with_pip(tmp_path: Path) -> None:
    venv = tmp_path / ".venv"
    dev.make_venv(venv)  # offline: ensurepip carries its own pip
    python = dev.venv_python(venv)
    assert dev.python_runs(python)
    done = subprocess.run(
        [str(python), "-c", "import sys, pip; print(sys.prefix != sys.base_prefix)"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stdout.strip() == "True"


def _readme_commands() -> list[str]:
    """The indented command lines of the README's first section (above the first ##)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    top = text.split("\n## ", 1)[0]
    return [line.strip() for line in top.splitlines() if line.startswith("    ")]


def test_the_readme_opens_with_the_run_and_test_commands() -> None:
    commands = _readme_commands()
    assert commands[:2] == ["python3 dev.py run", "python3 dev.py test"]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    test_command = _readme_commands()[1]
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert test_command in ci_lines
    assert not any("pip install" in line for line in ci_lines)
