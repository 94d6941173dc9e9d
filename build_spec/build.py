"""Build Sightline as a one-folder app with PyInstaller, then prove it runs offline.

    python3 build_spec/build.py               build, then smoke-test the result
    python3 build_spec/build.py --no-build    smoke-test the folder already built
    python3 build_spec/build.py --clean       build from scratch (PyInstaller --clean)

The result is ``build_spec/dist/sightline/`` (the program ``sightline`` and its
``_internal`` folder); PyInstaller's work files go to ``build_spec/build/``. The smoke
test runs the frozen program twice inside a network namespace that has no network at
all (``unshare -n``, or ``unshare -r -n`` without root): ``--self-test`` (sample data,
every pane, the map page, one linked selection, a PNG), and a first run on an empty
user data folder (``info --json`` must find the sample project created there). Where the
machine forbids namespaces it says so and runs the tests with the network present,
unless ``--require-offline`` makes that an error. Prints the build time, the folder
size and the self-test time; exits non-zero when anything fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SPEC = HERE / "sightline.spec"
DIST = HERE / "dist"
WORK = HERE / "build"
APP = DIST / "sightline"
SHOTS = HERE / "selftest-out"
SMOKE_TIMEOUT_S = 300


def program() -> Path:
    return APP / ("sightline.exe" if sys.platform == "win32" else "sightline")


def folder_size(folder: Path) -> tuple[int, int]:
    """Bytes and number of files under a folder (symlinks counted once, as links)."""
    total = files = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            files += 1
    return total, files


def build(clean: bool) -> float:
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit(
            "PyInstaller is not installed: python -m pip install -e '.[build]' (this Python)"
        ) from None
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
        str(SPEC),
    ]
    if clean:
        command.insert(3, "--clean")
    print("$ " + " ".join(command), flush=True)
    start = time.monotonic()
    subprocess.run(command, cwd=REPO, check=True)
    return time.monotonic() - start


def offline_prefix() -> tuple[list[str], str]:
    """A command prefix that runs a program with no network, and what it is."""
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return [], f"no network namespaces on {sys.platform} (no unshare)"
    reasons = []
    for prefix in (["unshare", "--net"], ["unshare", "--map-root-user", "--net"]):
        probe = subprocess.run(
            [*prefix, "cat", "/proc/net/dev"], capture_output=True, text=True, check=False
        )
        if probe.returncode == 0:
            devices = [line.split(":")[0].strip() for line in probe.stdout.splitlines()[2:]]
            if devices != ["lo"]:
                reasons.append(f"{' '.join(prefix)} still shows devices {devices}")
                continue
            return (
                prefix,
                f"{' '.join(prefix)}: a network namespace with only a loopback device, down",
            )
        reasons.append(f"{' '.join(prefix)}: {probe.stderr.strip() or probe.returncode}")
    return [], "network namespaces are forbidden here (" + "; ".join(reasons) + ")"


def run_offline(prefix: list[str], args: list[str], home: Path) -> tuple[int, str, str, float]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    env.pop("PYTHONPATH", None)  # the frozen program must need nothing from the checkout
    start = time.monotonic()
    done = subprocess.run(
        [*prefix, str(program()), *args],
        env=env,
        cwd=home,
        capture_output=True,
        text=True,
        timeout=SMOKE_TIMEOUT_S,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr, time.monotonic() - start


def smoke_test(require_offline: bool) -> dict[str, object]:
    prefix, how = offline_prefix()
    offline = bool(prefix)
    print(f"network: {how}", flush=True)
    if not offline:
        message = (
            "the smoke test cannot run without a network here, so the offline "
            "claim is NOT verified on this machine"
        )
        if require_offline:
            raise SystemExit(f"FAILED: {message}")
        print(f"WARNING: {message}; running it with the network present", flush=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / "self-test.png"
    with tempfile.TemporaryDirectory(prefix="sightline-smoke-") as folder:
        # run from an empty folder: nothing may be found relative to the current directory
        home = Path(folder)
        code, out, err, seconds = run_offline(
            prefix, ["--self-test", "--self-test-out", str(shot)], home
        )
        print(out, end="", flush=True)
        if code != 0:
            print(err[-4000:], file=sys.stderr)
            raise SystemExit(f"FAILED: the frozen self-test exited {code}")
        if sys.platform.startswith("linux"):  # XDG folders decide where user data lives
            code, out, err, _ = run_offline(prefix, ["info", "--json"], home)
            default = home / "data" / "sightline" / "default.sightline"
            events = json.loads(out)["events"] if code == 0 and out.strip() else None
            if code != 0 or not default.is_file() or not events:
                print(err[-4000:], file=sys.stderr)
                raise SystemExit(
                    "FAILED: a first run did not create the sample project in "
                    f"the user data folder (exit {code}, events {events})"
                )
            print(
                f"first run: {default.relative_to(home)} created with {events} sample events",
                flush=True,
            )
    return {
        "offline": offline,
        "network": how,
        "self_test_s": round(seconds, 1),
        "screenshot": str(shot),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-build", action="store_true", help="only smoke-test dist/")
    parser.add_argument("--clean", action="store_true", help="PyInstaller --clean")
    parser.add_argument(
        "--require-offline", action="store_true", help="fail when no network namespace can be made"
    )
    args = parser.parse_args(argv)

    report: dict[str, object] = {"platform": sys.platform}
    if not args.no_build:
        report["build_s"] = round(build(args.clean), 1)
    if not program().exists():
        raise SystemExit(f"no built program at {program()}: run without --no-build")
    size, files = folder_size(APP)
    report.update(folder=str(APP), size_mb=round(size / 2**20), files=files)
    report.update(smoke_test(args.require_offline))

    print()
    if "build_s" in report:
        print(f"build time:      {report['build_s']} s")
    print(f"folder:          {APP} ({report['size_mb']} MB, {files:,} files)")
    print(f"self-test time:  {report['self_test_s']} s (frozen program, start-up included)")
    print(
        f"offline:         {'yes' if report['offline'] else 'NOT VERIFIED'} ({report['network']})"
    )
    (DIST / "build-report.json").write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
