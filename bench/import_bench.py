"""Benchmark ``sightline import`` on synthetic ACLED CSVs against its peers, same run.

Usage::

    python bench/import_bench.py [--rows N] [--files acled,distinct] [--keep] [--timeout S]
                                 [--old CHECKOUT] [--no-peers]

``--rows`` defaults to 1,000,000 (the size the targets are defined for); use
``--rows 20000`` for a quick smoke run.  For each file (``acled``: the generator's
~20,000 places; ``distinct``: the same rows, each with coordinates of its own, the
worst case for joining nearby points into places):

1. Generate the CSV (``bench/acled_gen.py``) into a temp dir, or reuse
   ``bench/.cache/KIND_N.csv`` if present.  ``--keep`` saves a freshly
   generated CSV into that cache and keeps the temp dir.
2. Time ``sightline import FILE --project NEW.sqlite --json`` (run as
   ``[sys.executable, "-m", "desktop_app", "import", ...]`` from the repo root)
   and read the imported/rejected counts from the JSON it prints.
3. Time ``SELECT count(*) FROM event WHERE start_s BETWEEN ? AND ?`` for the
   year 2021 on the resulting file and compare with the generator's count.
4. Peers, each in its own process: ``pandas.read_csv(FILE).to_sql("events", ...)``
   plus an index on ``event_date``; the sqlite3 shell's ``.import`` (all text, no
   checks); DuckDB's ``read_csv`` into its own file (if ``duckdb`` is installed: it is
   a bench-only extra, ``python3 -m pip install duckdb``).
   With ``--old CHECKOUT`` the import is also timed with that checkout's code (e.g.
   ``git archive COMMIT | tar -x -C /tmp/old``), in the same run.
5. Print a table (seconds, peak MB, CPU seconds, load average before-after) and
   PASS/MISS for the targets: <= 8 s, <= 1500 MB peak, >= 3x pandas in the same run
   (defined for 1,000,000 rows).  Always exits 0: it is a benchmark, not a test.

Each timed step runs under a tiny wrapper process that starts the command,
waits for it, and reports wall time plus its own
``getrusage(RUSAGE_CHILDREN).ru_maxrss``, so each step's peak memory is
measured in isolation.  ``ru_maxrss`` is the peak RSS of the largest single
process in the step's tree (a worker pool is not summed).  MB = 10**6 bytes.

Environment:

``SIGHTLINE_BENCH_CMD``
    Command prefix to use instead of ``python -m desktop_app`` (split with
    ``shlex``); the bench appends ``import FILE --project OUT --json``.  Useful
    to exercise this script before ``desktop_app`` exists, e.g.
    ``SIGHTLINE_BENCH_CMD="python /tmp/fake_sightline.py"``.
"""

from __future__ import annotations

import argparse
import calendar
import contextlib
import json
import os
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
CACHE_DIR = BENCH_DIR / ".cache"
TARGET_ROWS = 1_000_000
TARGET_SECONDS = 8.0
TARGET_PEAK_MB = 1500.0
TARGET_RATIO = 3.0  # at least this many times faster than pandas in the same run
QUERY_YEAR = 2021

if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))
from acled_gen import write_acled_csv  # noqa: E402

# Runs one command, then reports its wall time and peak RSS (RUSAGE_CHILDREN
# of this otherwise idle process covers exactly that command's process tree).
WRAPPER = r"""
import json, resource, subprocess, sys, time
res_path, out_path, err_path, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
t0 = time.perf_counter()
with open(out_path, "wb") as out, open(err_path, "wb") as err:
    try:
        rc = subprocess.run(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL).returncode
    except OSError as exc:
        err.write(f"cannot start {cmd!r}: {exc}\n".encode())
        rc = 127
wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(res_path, "w") as fh:
    json.dump({"rc": rc, "seconds": wall, "maxrss": ru.ru_maxrss,
               "cpu": ru.ru_utime + ru.ru_stime}, fh)
"""

BASELINE = r"""
import sqlite3, sys
import pandas as pd
src, dst = sys.argv[1], sys.argv[2]
con = sqlite3.connect(dst)
pd.read_csv(src).to_sql("events", con, index=False)
con.execute("CREATE INDEX events_event_date ON events(event_date)")
con.commit()
con.close()
"""


@dataclass
class StepResult:
    """Outcome of one timed subprocess step."""

    name: str
    rc: int
    seconds: float
    peak_mb: float | None
    cpu_seconds: float | None
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        """True if the command exited 0."""
        return self.rc == 0


def _maxrss_to_mb(maxrss: int) -> float:
    """Convert ``ru_maxrss`` (KiB on Linux, bytes on macOS) to MB."""
    return maxrss / 1e6 if sys.platform == "darwin" else maxrss * 1024 / 1e6


def run_step(
    name: str, cmd: list[str], workdir: Path, timeout: float, cwd: Path = REPO_ROOT
) -> StepResult:
    """Run ``cmd`` under the measuring wrapper (own process group) and collect results."""
    tag = name.replace(" ", "_")
    res, out, err = (workdir / f"{tag}.{ext}" for ext in ("res.json", "out", "err"))
    have_resource = os.name == "posix"
    full = (
        [sys.executable, "-c", WRAPPER, str(res), str(out), str(err), *cmd]
        if have_resource
        else cmd
    )
    t0 = time.perf_counter()
    rc = -1
    with contextlib.ExitStack() as files:
        if have_resource:  # the wrapper writes the output files itself
            proc = subprocess.Popen(full, cwd=cwd, start_new_session=True)
        else:
            stdout = files.enter_context(open(out, "wb"))
            stderr_file = files.enter_context(open(err, "wb"))
            proc = subprocess.Popen(full, cwd=cwd, stdout=stdout, stderr=stderr_file)
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            if have_resource:
                os.killpg(proc.pid, signal.SIGKILL)
            else:
                proc.kill()
            proc.wait()
            rc = -9
    wall = time.perf_counter() - t0
    peak: float | None = None
    cpu: float | None = None
    if have_resource and res.exists():
        info = json.loads(res.read_text())
        rc, wall, peak, cpu = (
            info["rc"],
            info["seconds"],
            _maxrss_to_mb(info["maxrss"]),
            info["cpu"],
        )

    def read(p: Path) -> str:
        return p.read_text(errors="replace") if p.exists() else ""

    stderr = read(err)
    if rc == -9:
        stderr += f"\n[bench] killed after {timeout:g} s timeout"
    return StepResult(name, rc, wall, peak, cpu, read(out), stderr)


def sightline_cmd() -> list[str]:
    """Command prefix for the sightline CLI (``SIGHTLINE_BENCH_CMD`` overrides)."""
    override = os.environ.get("SIGHTLINE_BENCH_CMD", "").strip()
    return shlex.split(override) if override else [sys.executable, "-m", "desktop_app"]


def parse_json_output(text: str) -> Any:
    """Parse the CLI's JSON: the whole stdout, else the last line that parses."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    for line in reversed(text.strip().splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    return None


def find_count(obj: Any, key: str) -> int | None:
    """Find ``key`` at the top level or one level down; lists count as their length."""
    if not isinstance(obj, dict):
        return None
    candidates = [obj] + [v for v in obj.values() if isinstance(v, dict)]
    for d in candidates:
        if key in d:
            v = d[key]
            if isinstance(v, bool):
                return None
            if isinstance(v, int):
                return v
            if isinstance(v, (list, tuple)):
                return len(v)
            if isinstance(v, dict) and isinstance(v.get("count"), int):
                return int(v["count"])
    return None


def time_query(db: Path, sql: str, params: tuple[Any, ...]) -> tuple[float, int]:
    """Open ``db`` read-only and time one scalar query (open + execute + fetch)."""
    t0 = time.perf_counter()
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        (count,) = con.execute(sql, params).fetchone()
    finally:
        con.close()
    return time.perf_counter() - t0, int(count)


FILES = ("acled", "distinct")  # the generator's data; every row a point of its own


def prepare_csv(kind: str, rows: int, workdir: Path) -> tuple[Path, dict[int, int] | None, bool]:
    """Return (csv path, rows per year if known, freshly generated?)."""
    cached = CACHE_DIR / f"{kind}_{rows}.csv"
    sidecar = cached.with_suffix(".json")
    if cached.exists():
        per_year = None
        if sidecar.exists():
            per_year = {int(k): v for k, v in json.loads(sidecar.read_text()).items()}
        size = cached.stat().st_size
        print(f"CSV: reusing cached {cached} ({size / 1e6:.1f} MB, {size / rows:.0f} B/row)")
        return cached, per_year, False
    path = workdir / f"{kind}_{rows}.csv"
    st = write_acled_csv(path, rows, seed=0, distinct_coordinates=kind == "distinct")
    print(
        f"CSV: generated {rows:,} {kind} rows, {st.bytes / 1e6:.1f} MB "
        f"({st.bytes / rows:.0f} B/row) in {st.seconds:.2f} s -> {path}"
    )
    return path, st.rows_per_year, True


def load() -> str:
    """The 1-minute load average (the machine is shared: every figure comes with it)."""
    return f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "n/a"


SQLITE_IMPORT = r"""
import subprocess, sys
src, dst = sys.argv[1], sys.argv[2]
script = ".mode csv\n.import '" + src.replace("'", "''") + "' events\n"
subprocess.run(["sqlite3", dst], input=script.encode(), check=True)
"""

DUCKDB = r"""
import sys
import duckdb
src, dst = sys.argv[1], sys.argv[2]
con = duckdb.connect(dst)
con.execute("CREATE TABLE events AS SELECT * FROM read_csv(?, all_varchar = true)", [src])
con.close()
"""


def peers(csv_path: Path, workdir: Path, timeout: float) -> list[tuple[str, StepResult]]:
    """The same file loaded by pandas, the sqlite3 shell and DuckDB (where installed)."""
    out = [
        (
            "pandas read_csv+to_sql",
            run_step(
                "baseline",
                [sys.executable, "-c", BASELINE, str(csv_path), str(workdir / "pandas.sqlite")],
                workdir,
                timeout,
            ),
        )
    ]
    if shutil.which("sqlite3"):
        out.append(
            (
                "sqlite3 shell .import",
                run_step(
                    "sqlite3",
                    [
                        sys.executable,
                        "-c",
                        SQLITE_IMPORT,
                        str(csv_path),
                        str(workdir / "shell.sqlite"),
                    ],
                    workdir,
                    timeout,
                ),
            )
        )
    try:
        import duckdb  # noqa: F401 - only whether it is there
    except ImportError:
        print("  (DuckDB not installed: python3 -m pip install duckdb to compare)")
    else:
        out.append(
            (
                "duckdb read_csv",
                run_step(
                    "duckdb",
                    [sys.executable, "-c", DUCKDB, str(csv_path), str(workdir / "peer.duckdb")],
                    workdir,
                    timeout,
                ),
            )
        )
    return out


def _fmt(v: float | None, spec: str) -> str:
    """Format an optional number, right-aligned to the width in ``spec``."""
    width = int(spec.split(".")[0] or 0)
    return ("-" if v is None else format(v, spec)).rjust(width)


def bench_file(
    kind: str,
    rows: int,
    workdir: Path,
    timeout: float,
    keep: bool,
    old: Path | None = None,
    with_peers: bool = True,
) -> None:
    """Import one generated file with sightline and its peers, in the same run (and
    with the code of the checkout ``old``, run as ``python -m desktop_app`` there)."""
    print(f"\n=== {kind}: {rows:,} rows (load {load()}) ===")
    gen_t0 = time.perf_counter()
    csv_path, per_year, fresh = prepare_csv(kind, rows, workdir)
    gen_seconds = time.perf_counter() - gen_t0 if fresh else None

    project = workdir / f"{kind}.sqlite"
    cmd = [*sightline_cmd(), "import", str(csv_path), "--project", str(project), "--json"]
    print(f"$ {shlex.join(cmd)}")
    before = load()
    imp = run_step(f"sightline {kind}", cmd, workdir, timeout)
    imp_load = f"{before}-{load()}"
    if not imp.ok:
        print(f"  FAILED (exit {imp.rc}); stderr tail:")
        for line in imp.stderr.strip().splitlines()[-15:]:
            print(f"    {line}")
    data = parse_json_output(imp.stdout)
    if data is not None:
        imported, rejected = find_count(data, "imported"), find_count(data, "rejected")
        duplicates = find_count(data, "duplicates") or 0
        print(f"  imported={imported} rejected={rejected} duplicates={duplicates}")
        if (
            imported is not None
            and rejected is not None
            and (imported + rejected + duplicates != rows)
        ):
            print(f"  note: imported + rejected + duplicates != {rows:,}")

    lo = calendar.timegm((QUERY_YEAR, 1, 1, 0, 0, 0))
    hi = calendar.timegm((QUERY_YEAR, 12, 31, 23, 59, 59))
    expected = per_year.get(QUERY_YEAR) if per_year else None
    q_seconds: float | None = None
    try:
        q_seconds, n = time_query(
            project, "SELECT count(*) FROM event WHERE start_s BETWEEN ? AND ?", (lo, hi)
        )
        verdict = (
            ""
            if expected is None
            else (" (matches generator)" if n == expected else f" (generator wrote {expected:,})")
        )
        print(f"  query: {n:,} events in {QUERY_YEAR} in {q_seconds * 1000:.1f} ms{verdict}")
    except Exception as exc:
        print(f"  query failed: {type(exc).__name__}: {exc}")

    others = []
    if old is not None:
        old_project = workdir / f"{kind}.old.sqlite"
        old_cmd = [sys.executable, "-m", "desktop_app", "import", str(csv_path)]
        old_cmd += ["--project", str(old_project), "--json"]
        step = run_step(f"old {kind}", old_cmd, workdir, timeout, cwd=old)
        others.append((f"sightline import, {old.name}", step, load()))
        if not step.ok:
            print(f"  old code FAILED (exit {step.rc}): {step.stderr.strip()[-300:]}")
    for name, step in peers(csv_path, workdir, timeout) if with_peers else []:
        others.append((name, step, load()))
        if not step.ok:
            print(f"  {name} FAILED (exit {step.rc}): {step.stderr.strip()[-300:]}")

    size = csv_path.stat().st_size / 1e6
    print(f"\nresults for {rows:,} {kind} rows ({size:.1f} MB CSV)")
    header = f"{'step':<28}{'seconds':>10}{'peak MB':>10}{'cpu s':>9}{'load':>12}  target"
    print(header)
    print("-" * (len(header) + 16))
    target = f"<= {TARGET_SECONDS:g} s, <= {TARGET_PEAK_MB:g} MB"
    table: list[tuple[str, float | None, float | None, float | None, str, str]] = [
        ("generate CSV", gen_seconds, None, None, "", "(cached)" if not fresh else ""),
        (
            "sightline import" + ("" if imp.ok else " [FAILED]"),
            imp.seconds,
            imp.peak_mb,
            imp.cpu_seconds,
            imp_load,
            target,
        ),
        (f"sightline query {QUERY_YEAR}", q_seconds, None, None, "", ""),
    ]
    for name, step, after in others:
        table.append(
            (
                name + ("" if step.ok else " [FAILED]"),
                step.seconds,
                step.peak_mb,
                step.cpu_seconds,
                after,
                "",
            )
        )
    for name, sec, mb, cpu, at, tgt in table:
        print(
            f"{name:<28}{_fmt(sec, '10.3f')}{_fmt(mb, '10.0f')}{_fmt(cpu, '9.2f')}{at:>12}  {tgt}"
        )
    peer_steps = [(n, st) for n, st, _ in others if not n.startswith("sightline import, ")]
    base = peer_steps[0][1] if peer_steps else None
    ratio = (
        base.seconds / imp.seconds
        if base is not None and imp.ok and base.ok and imp.seconds > 0
        else None
    )
    for name, step in peer_steps[1:]:
        if imp.ok and step.ok:
            print(f"{name}: sightline takes {imp.seconds / step.seconds:.2f}x its time")
    if rows != TARGET_ROWS:
        print(f"(targets are defined for {TARGET_ROWS:,} rows; this run used {rows:,})")
    checks = [
        (
            imp.ok and imp.seconds <= TARGET_SECONDS,
            f"time <= {TARGET_SECONDS:g} s: {imp.seconds:.2f} s",
        ),
        (
            imp.ok and imp.peak_mb is not None and imp.peak_mb <= TARGET_PEAK_MB,
            f"peak <= {TARGET_PEAK_MB:g} MB: {_fmt(imp.peak_mb, '.0f')} MB",
        ),
        (
            ratio is not None and ratio >= TARGET_RATIO,
            f">= {TARGET_RATIO:g}x pandas in the same run: "
            + (f"{ratio:.2f}x" if ratio is not None else "n/a"),
        ),
    ]
    for ok, text in checks:
        print(f"{'PASS' if ok else 'MISS'}  {kind} import {text}")
    if keep and fresh:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        cached = CACHE_DIR / csv_path.name
        shutil.move(str(csv_path), cached)
        if per_year is not None:
            cached.with_suffix(".json").write_text(json.dumps(per_year))
        print(f"cached CSV: {cached}")
    for leftover in workdir.glob("*.*sqlite*"):  # the next file's steps start with room
        leftover.unlink(missing_ok=True)
    for leftover in workdir.glob("*.duckdb*"):
        leftover.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the report; always returns 0."""
    ap = argparse.ArgumentParser(description="Benchmark `sightline import` on ACLED-shaped CSV.")
    ap.add_argument("--rows", type=int, default=TARGET_ROWS, help="rows to generate")
    ap.add_argument(
        "--files",
        default=",".join(FILES),
        help="which generated files: acled (the generator's places), distinct (every row "
        "a point of its own); default both",
    )
    ap.add_argument(
        "--keep",
        action="store_true",
        help="keep the temp dir and save a generated CSV to bench/.cache/",
    )
    ap.add_argument("--timeout", type=float, default=1800.0, help="per-step timeout, seconds")
    ap.add_argument(
        "--old",
        type=Path,
        help="a checkout of older code: its import is timed too, in the same run",
    )
    ap.add_argument("--no-peers", action="store_true", help="skip pandas, sqlite3, DuckDB")
    args = ap.parse_args(argv)
    if args.rows < 1:
        ap.error("--rows must be >= 1")
    kinds = [k.strip() for k in args.files.split(",") if k.strip()]
    if not kinds or any(k not in FILES for k in kinds):
        ap.error(f"--files takes {', '.join(FILES)}")
    workdir = Path(tempfile.mkdtemp(prefix="sightline-bench-"))
    print(f"work dir: {workdir}; {os.cpu_count()} cores; load {load()}")
    for kind in kinds:
        bench_file(kind, args.rows, workdir, args.timeout, args.keep, args.old, not args.no_peers)
    if args.keep:
        print(f"kept work dir: {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
