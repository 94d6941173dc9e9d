"""Run Sightline, or its tests, in this checkout's own virtual environment.

    python3 dev.py run [ARGS]    the program: python -m desktop_app ARGS (no ARGS: the
                                 window on the sample data); ARGS as for `sightline`
    python3 dev.py test [ARGS]   the test suite: python -m pytest ARGS, from the checkout
    python3 dev.py check         the gates CI applies: ruff check, ruff format --check,
                                 mypy (strict) and the import-linter contracts
    python3 dev.py setup         only make or refresh the environment

On Windows type ``py dev.py ...``. Only the standard library is used, and this file
parses on Python 3.7 and newer, so 3.7 to 3.10 get a message, not a traceback.

Why: on Debian and Ubuntu ``python3`` is the system's Python, marked externally managed
(PEP 668), so ``python3 -m pip install`` refuses there. A virtual environment is the
one place pip may install on every platform, so both commands make one and use it.

What it does, each time, before running anything:

1. ``.venv/`` in the checkout (gitignored): made with ``venv`` and pip if missing, made
   again if its Python no longer starts (the Python it was made from was removed or
   upgraded). A ``.venv`` that runs is kept as it is, whoever made it.
2. ``pip install -e '.[test]'`` into it when ``.venv/sightline-dev.json`` does not
   record the current ``pyproject.toml`` (a fresh environment, or changed dependencies).
   Installing downloads from the package index (or your pip configuration's); that is
   the only time anything is downloaded. The stamp is written only after pip succeeds,
   so a failed install is tried again next time.
3. Runs the program or pytest with ``.venv``'s Python (on POSIX it replaces this
   process, so signals and the exit status are the child's own).

Decision: the environment is isolated (no ``--system-site-packages``). On Debian
and Ubuntu the system site holds apt's packages (an older numpy, pytest and its
plugins, sometimes a PySide); a venv that sees them would run whatever apt installed
wherever it satisfies the requirements, and pytest would load apt's plugins, so the
same checkout would behave differently per machine. The cost, measured from fresh
clones on the 2-core CI machine (pip's cache warm, wheels from the configured index,
other jobs running): making ``.venv`` and installing into it took 73 s with Debian's
/usr/bin/python3 and 101 s with pyenv's 3.11, 1.3 GB on disk; with
``--system-site-packages`` over pyenv's already-installed packages it took 27 s. So a
fresh clone's CI (~12 min of tests) is one to one and a half minutes longer; later runs
in the same checkout check the stamp in ~0.2 s. Without pip's cache the wheels (PySide6
is most of it) are downloaded once.

If ``venv`` cannot install pip (Debian/Ubuntu without ``python3-venv``: no
``ensurepip``), it says which package to install and stops before making anything.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

MINIMUM = (3, 11)
EXTRAS = "test"  # one environment for both commands: the program's deps and the tests'
STAMP_NAME = "sightline-dev.json"
STAMP_FORMAT = 1
USAGE = "usage: python3 dev.py run [ARGS] | test [ARGS] | check | setup   (Windows: py dev.py ...)"

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"


class SetupError(Exception):
    """The environment could not be made; the message is the one line to print."""


def python_version_message(version: tuple[int, ...], executable: str) -> str | None:
    """Why this Python cannot be used, or None when it is new enough."""
    if tuple(version[:2]) >= MINIMUM:
        return None
    found = ".".join(str(part) for part in version[:3])
    wanted = ".".join(str(part) for part in MINIMUM)
    return (
        f"dev.py: Sightline needs Python {wanted} or newer; {executable} is {found} "
        f"(run dev.py with a newer one, e.g. python{wanted} dev.py ...)"
    )


def venv_unavailable_message(
    has_ensurepip: bool, debian_like: bool, version: tuple[int, ...]
) -> str | None:
    """The one line to print when ``venv`` could not put pip into a new environment."""
    if has_ensurepip:
        return None
    minor = f"{version[0]}.{version[1]}"
    if debian_like:
        return (
            f"dev.py: this Python {minor} cannot make a virtual environment (no ensurepip); "
            f"install it with: sudo apt install python3-venv "
            f"(python{minor}-venv if python3 is not the system's default), then run again"
        )
    return (
        f"dev.py: this Python {minor} has no ensurepip module, so it cannot make a "
        f"virtual environment with pip; install a Python that has it (python.org, "
        f"Homebrew, pyenv, or your system's venv package), then run again"
    )


def debian_like(os_release: Path = Path("/etc/os-release")) -> bool:
    """Whether this is Debian, Ubuntu or one of their kin (os-release ID / ID_LIKE)."""
    try:
        text = os_release.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return Path("/etc/debian_version").exists()
    names: set[str] = set()
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key.strip() in ("ID", "ID_LIKE"):
            names.update(value.strip().strip("\"'").lower().split())
    return bool(names & {"debian", "ubuntu"})


def venv_python(venv: Path) -> Path:
    if os.name == "nt":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def expected_stamp(root: Path) -> dict[str, object]:
    pyproject = (root / "pyproject.toml").read_bytes()
    return {
        "format": STAMP_FORMAT,
        "extras": EXTRAS,
        "pyproject_sha256": hashlib.sha256(pyproject).hexdigest(),
    }


def read_stamp(venv: Path) -> object:
    try:
        return json.loads((venv / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_stamp(venv: Path, stamp: dict[str, object]) -> None:
    (venv / STAMP_NAME).write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")


def python_runs(python: Path) -> bool:
    """Whether ``python`` starts and is new enough (a venv whose base Python was removed
    or upgraded does not)."""
    if not python.exists():
        return False
    check = f"import sys; sys.exit(0 if sys.version_info >= {MINIMUM!r} else 1)"
    try:
        done = subprocess.run([str(python), "-c", check], capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def make_venv(venv: Path) -> None:
    """A new environment with pip at ``venv``; nothing is left behind when that fails."""
    message = venv_unavailable_message(
        importlib.util.find_spec("ensurepip") is not None,
        sys.platform.startswith("linux") and debian_like(),
        tuple(sys.version_info[:3]),
    )
    if message is not None:
        raise SetupError(message)
    import venv as venv_module

    replacing = venv.exists()
    print(
        f"dev.py: {'remaking' if replacing else 'making'} the virtual environment "
        f"{venv} with {sys.executable}",
        flush=True,
    )
    builder = venv_module.EnvBuilder(with_pip=True, clear=replacing, symlinks=os.name != "nt")
    try:
        builder.create(str(venv))
    except (OSError, subprocess.CalledProcessError) as exc:
        shutil.rmtree(venv, ignore_errors=True)
        raise SetupError(f"dev.py: making {venv} failed ({exc}); nothing was kept") from exc
    except BaseException:
        shutil.rmtree(venv, ignore_errors=True)
        raise


def install(root: Path, python: Path) -> None:
    print(f"dev.py: installing Sightline and its dependencies into {python.parent.parent}")
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_USER="0")
    command = [str(python), "-m", "pip", "install", "-e", f".[{EXTRAS}]"]
    if not sys.stdout.isatty():
        command += ["--progress-bar", "off"]
    sys.stdout.flush()
    if subprocess.run(command, cwd=root, env=env).returncode != 0:
        raise SetupError(
            "dev.py: pip could not install Sightline (its output is above); fix that and "
            "run again (the environment is kept, the install will be tried again)"
        )


def ensure_environment(root: Path = ROOT, venv: Path = VENV) -> Path:
    """Make or refresh ``venv`` for the checkout at ``root``; its Python."""
    started = time.monotonic()
    python = venv_python(venv)
    changed = False
    if not python_runs(python):
        make_venv(venv)
        changed = True
    stamp = expected_stamp(root)
    if changed or read_stamp(venv) != stamp:
        install(root, python)
        write_stamp(venv, stamp)
        print(f"dev.py: {venv} is ready ({time.monotonic() - started:.0f} s)", flush=True)
    return python


def command_for(action: str, python: Path, args: list[str]) -> list[str] | None:
    """The command line that runs ``action``; None for an unknown action."""
    if action == "run":
        return [str(python), "-m", "desktop_app", *args]
    if action == "test":
        return [str(python), "-m", "pytest", *args]
    if action == "setup":
        return []
    if action == "check":
        return [str(python), "-m", "ruff", "--version"]  # stands for the gates: checks()
    return None


def checks(python: Path) -> list[list[str]]:
    """The gates ``check`` runs in turn, each with zero findings to pass."""
    lint = "from importlinter.cli import lint_imports_command as lint; lint(['--no-logo'])"
    return [
        [str(python), "-m", "ruff", "check", "."],
        [str(python), "-m", "ruff", "format", "--check", "."],
        [str(python), "-m", "mypy"],
        [str(python), "-c", lint],
    ]


def main(argv: list[str]) -> int:
    message = python_version_message(tuple(sys.version_info[:3]), sys.executable)
    if message is not None:
        print(message, file=sys.stderr)
        return 1
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__ if argv else USAGE)
        return 0 if argv else 2
    action, args = argv[0], argv[1:]
    if command_for(action, Path("python"), args) is None:
        print(f"dev.py: unknown command {action!r}\n{USAGE}", file=sys.stderr)
        return 2
    try:
        python = ensure_environment()
    except SetupError as exc:
        print(exc, file=sys.stderr)
        return 1
    command = command_for(action, python, args)
    if not command:
        return 0
    if action in ("test", "check"):
        os.chdir(ROOT)  # pytest's rootdir, testpaths and conftest are the checkout's
    if action == "check":
        for gate in checks(python):
            print("dev.py check:", " ".join(gate[1:]), flush=True)
            code = subprocess.call(gate)
            if code != 0:
                return code
        return 0
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "nt":  # no exec there: wait for the child, which gets Ctrl+C itself
        try:
            return subprocess.call(command)
        except KeyboardInterrupt:
            return 130
    os.execv(command[0], command)
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
