"""Benchmark ``sightline export`` (CSV and GeoJSON) against pandas, in the same run.

Usage::

    python bench/export_bench.py [--rows N] [--repeat K] [--json] [--old DIR] [--project P]

With N generated ACLED-shaped events (1,000,000 by default: the size issue 12's target
is set for), the CSV from ``bench/acled_gen.py`` and the imported project are cached in
``bench/.cache/`` (``acled_N.csv``, ``export_N.sightline``; built on the first run).
Each step runs in its own process under a small wrapper that reports its wall time
and peak RSS (``ru_maxrss`` of the step's process tree):

1. ``sightline export OUT.csv --project P``
2. ``sightline export OUT.geojson --project P``
3. the baseline: ``pandas.read_csv(OUT.csv)`` then ``DataFrame.to_csv`` of the same
   file (the same events and columns Sightline wrote), pandas defaults

``--repeat K`` runs the three steps K times, interleaved (so a change in the machine's
load hits all three alike), and reports the medians. The table shows seconds, peak
MB and the ratio to the baseline against the target (export <= 1.5 x baseline);
``--json`` also prints, as the last line, one JSON object with the keys ``rows``,
``export_csv_s``, ``export_geojson_s``, ``pandas_read_to_csv_s``, ``csv_ratio``,
``geojson_ratio``, ``export_csv_peak_mb``, ``export_geojson_peak_mb``,
``pandas_peak_mb``, ``load_before`` and ``load_after`` (1-minute load averages), and
``KIND_cpu_s`` per step (user + system CPU seconds of its process tree, workers
included: on a shared machine these vary much less than the wall times).
``--old DIR`` also times another version's exports in the same run (``DIR`` holds its
``desktop_app/``, e.g. ``git archive COMMIT desktop_app data resources | tar -x -C DIR``),
checks they wrote the same bytes, and adds ``old_csv_s`` and ``old_geojson_s``.
``--project P`` exports that project instead of the generated one (its events are
counted for ``--rows``; never written to: exports only read). Always exits 0 unless a
step fails: it is a benchmark, not a test. MB = 10**6 bytes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
CACHE_DIR = BENCH_DIR / ".cache"
TARGET_RATIO = 1.5

# Runs one command and reports its wall time and peak RSS: RUSAGE_CHILDREN of this
# otherwise idle process covers exactly that command's process tree.
WRAPPER = r"""
import json, resource, subprocess, sys, time
res_path, out_path, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
t0 = time.perf_counter()
with open(out_path, "wb") as out:
    rc = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT).returncode
wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(res_path, "w") as fh:
    cpu = ru.ru_utime + ru.ru_stime
    json.dump({"rc": rc, "seconds": wall, "cpu_seconds": cpu, "maxrss_kib": ru.ru_maxrss}, fh)
"""

BASELINE = r"""
import sys
import pandas as pd
pd.read_csv(sys.argv[1]).to_csv(sys.argv[2], index=False)
"""


@dataclass
class Step:
    seconds: float
    cpu_seconds: float  # user + system of the step's process tree
    peak_mb: float
    output: str


def run(cmd: list[str], workdir: Path, code: Path | None = None) -> Step:
    """Run ``cmd`` under the measuring wrapper (with ``code`` first on the import path
    when given); exit with its output if it fails."""
    res, out = workdir / "step.json", workdir / "step.out"
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(code), env.get("PYTHONPATH")]))
    # from this checkout, or (another version) from outside it: python -m puts the
    # working folder first on the import path
    subprocess.run(
        [sys.executable, "-c", WRAPPER, str(res), str(out), *cmd],
        cwd=REPO_ROOT if code is None else workdir,
        env=env,
    )
    info = json.loads(res.read_text())
    text = out.read_text(errors="replace")
    if info["rc"] != 0:
        sys.exit(f"failed ({info['rc']}): {' '.join(cmd)}\n{text}")
    return Step(info["seconds"], info["cpu_seconds"], info["maxrss_kib"] * 1024 / 1e6, text)


def project(rows: int) -> Path:
    """The cached project of ``rows`` generated ACLED events (built when missing)."""
    CACHE_DIR.mkdir(exist_ok=True)
    target = CACHE_DIR / f"export_{rows}.sightline"
    if target.exists():
        return target
    csv_path = CACHE_DIR / f"acled_{rows}.csv"
    if not csv_path.exists():
        print(f"generating {rows:,} rows -> {csv_path}", flush=True)
        sys.path.insert(0, str(BENCH_DIR))
        from acled_gen import write_acled_csv

        write_acled_csv(csv_path, rows)
    print(f"importing into {target}", flush=True)
    done = subprocess.run(
        [sys.executable, "-m", "desktop_app", "import", str(csv_path), "--project", str(target)],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
    )
    if done.returncode != 0:  # no half-built cache entry (the project, its WAL and lock)
        for leftover in CACHE_DIR.glob(target.name + "*"):
            leftover.unlink()
        sys.exit(f"import into {target} failed ({done.returncode})")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    parser.add_argument(
        "--old",
        type=Path,
        help="a folder holding another version's desktop_app/ (e.g. from git archive): "
        "its exports are timed in the same run as 'old export ...'",
    )
    parser.add_argument(
        "--project", type=Path, help="export this project (e.g. a copy of ui_1000000.sightline)"
    )
    args = parser.parse_args()
    if args.project is not None:
        import sqlite3

        with sqlite3.connect(f"file:{args.project}?mode=ro", uri=True) as db:
            args.rows = db.execute("SELECT count(*) FROM event").fetchone()[0]
        source = args.project.resolve()
    else:
        source = project(args.rows)
    cli = [sys.executable, "-m", "desktop_app"]
    load_before = os.getloadavg()[0]
    kinds = ["csv", "geojson", "pandas"] + (["old_csv", "old_geojson"] if args.old else [])
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    peaks: dict[str, list[float]] = {kind: [] for kind in kinds}
    cpus: dict[str, list[float]] = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory(prefix="export_bench_") as tmp:
        work = Path(tmp)
        out_csv, out_geojson = work / "events.csv", work / "events.geojson"
        for _ in range(max(1, args.repeat)):
            steps = [("csv", out_csv, None), ("geojson", out_geojson, None)]
            if args.old:
                old_csv, old_geojson = work / "old.csv", work / "old.geojson"
                steps += [("old_csv", old_csv, args.old), ("old_geojson", old_geojson, args.old)]
            for kind, out, code in steps:
                step = run([*cli, "export", str(out), "--project", str(source)], work, code)
                if f"Exported {args.rows:,} events" not in step.output:
                    sys.exit(f"unexpected export output: {step.output}")
                times[kind].append(step.seconds)
                cpus[kind].append(step.cpu_seconds)
                peaks[kind].append(step.peak_mb)
            step = run([sys.executable, "-c", BASELINE, str(out_csv), str(work / "pd.csv")], work)
            times["pandas"].append(step.seconds)
            cpus["pandas"].append(step.cpu_seconds)
            peaks["pandas"].append(step.peak_mb)
            (work / "pd.csv").unlink()
            if args.old:  # the same bytes as before, or say so
                for new, old in ((out_csv, old_csv), (out_geojson, old_geojson)):
                    if new.read_bytes() != old.read_bytes():
                        print(f"note: {new.name} differs from the old version's file")
        sizes = {
            kind: out.stat().st_size / 1e6
            for kind, out in (("csv", out_csv), ("geojson", out_geojson))
        }
    load_after = os.getloadavg()[0]
    median = {kind: statistics.median(values) for kind, values in times.items()}
    cpu = {kind: statistics.median(values) for kind, values in cpus.items()}
    peak = {kind: max(values) for kind, values in peaks.items()}
    ratio = {kind: median[kind] / median["pandas"] for kind in kinds if kind != "pandas"}

    print(
        f"\nSightline export benchmark: {args.rows:,} events, {os.cpu_count()} cores, "
        f"median of {max(1, args.repeat)}, load average {load_before:.2f} -> {load_after:.2f}"
    )
    print(f"{'step':44s} {'s':>8s} {'CPU s':>7s} {'peak MB':>8s} {'x pandas':>9s}  target")
    print("-" * 92)
    for kind, name in (
        ("csv", f"sightline export CSV ({sizes['csv']:.0f} MB)"),
        ("geojson", f"sightline export GeoJSON ({sizes['geojson']:.0f} MB)"),
    ):
        verdict = "PASS" if ratio[kind] <= TARGET_RATIO else "MISS"
        print(
            f"{name:44s} {median[kind]:8.2f} {cpu[kind]:7.1f} {peak[kind]:8.0f} "
            f"{ratio[kind]:9.2f}  <= {TARGET_RATIO} x pandas  {verdict}"
        )
    print(
        f"{'pandas read_csv + to_csv of that CSV':44s} "
        f"{median['pandas']:8.2f} {cpu['pandas']:7.1f} {peak['pandas']:8.0f}"
    )
    for kind, name in (("old_csv", "old export CSV"), ("old_geojson", "old export GeoJSON")):
        if kind in median:
            print(
                f"{name:44s} {median[kind]:8.2f} {cpu[kind]:7.1f} {peak[kind]:8.0f} "
                f"{ratio[kind]:9.2f}"
            )
    if args.json:
        print(
            json.dumps(
                {
                    "rows": args.rows,
                    "export_csv_s": round(median["csv"], 3),
                    "export_geojson_s": round(median["geojson"], 3),
                    "pandas_read_to_csv_s": round(median["pandas"], 3),
                    "csv_ratio": round(ratio["csv"], 3),
                    "geojson_ratio": round(ratio["geojson"], 3),
                    "export_csv_peak_mb": round(peak["csv"], 1),
                    "export_geojson_peak_mb": round(peak["geojson"], 1),
                    "pandas_peak_mb": round(peak["pandas"], 1),
                    **{f"{kind}_cpu_s": round(value, 2) for kind, value in cpu.items()},
                    **{
                        f"{kind}_s": round(median[kind], 3)
                        for kind in ("old_csv", "old_geojson")
                        if kind in median
                    },
                    "load_before": round(load_before, 2),
                    "load_after": round(load_after, 2),
                }
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
