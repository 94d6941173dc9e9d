"""Files of the world, the hostile end: a 16 MB field, 100,000 columns, missing folders,
unreadable files, FIFOs and devices, a preset forced on a file it does not fit, and hostile
workbooks (zip bombs, huge dimensions). Every file is written by the test itself; a refused
file gets one line (exit 2, no project file left). Helpers in test_import_hostile.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select
from test_import_hostile import one_line, sightline, titles

from desktop_app.app import cli
from desktop_app.ingest import xlsx_guard
from desktop_app.ingest.pipeline import UnreadableFile, import_file
from desktop_app.ingest.readers import read_table
from desktop_app.ingest.xlsx import read_xlsx
from desktop_app.store.project import Project
from desktop_app.store.schema import Event


@pytest.fixture
def project(sqlite_project: Project) -> Project:
    return sqlite_project


# ---------------------------------------------------------------- sizes
@pytest.mark.parametrize("ragged", [False, True], ids=["fast path", "record by record"])
def test_a_16_mb_field(tmp_path: Path, ragged: bool) -> None:
    big = "word " * ((17 << 20) // 5)
    path = tmp_path / "big.csv"
    path.write_text(
        f'Date,Title,Description\n2024-01-01,Big,"{big}"\n2024-01-02,Small,x\n'
        + ("2024-01-03,too,many,fields\n" if ragged else ""),
        encoding="utf-8",
    )
    table = read_table(path)
    assert list(table.frame["Title"]) == ["Big", "Small"]
    assert table.frame["Description"][0] == big and len(big) > 16 << 20
    assert table.bad_rows == ([(4, "has 4 fields where the header has 3")] if ragged else [])


def test_100_000_columns(project: Project, tmp_path: Path) -> None:
    n = 100_000
    path = tmp_path / "wide.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Date,Title," + ",".join(f"c{i}" for i in range(n)) + "\n")
        for r in range(3):
            handle.write(
                f"2024-01-0{r + 1},Row {r}," + ",".join("x" * (i % 2) for i in range(n)) + "\n"
            )
    assert path.stat().st_size < 2 << 20
    table = read_table(path)
    assert table.frame.shape == (3, n + 2) and table.frame["c99999"].tolist() == ["x"] * 3
    result = import_file(project, path)
    assert (result.imported, result.rejected) == (3, 0)
    with project.session() as session:
        attributes = session.scalars(select(Event.attributes).order_by(Event.id)).first()
    assert attributes is not None and len(attributes) == n // 2 and attributes["c1"] == "x"


# ---------------------------------------------------------------- hostile paths
def refused_by_cli(
    tmp_path: Path, target: Path | str, capsys: pytest.CaptureFixture[str], *options: str
) -> str:
    project = tmp_path / "new" / "p.sightline"
    code = cli.main(["import", str(target), "--project", str(project), *options])
    err = capsys.readouterr().err
    assert code == 2
    assert not project.exists() and not project.parent.exists()
    return one_line(err)


def test_missing_folder_path_in_a_file_and_loop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file.csv").write_text("Date,Title\n2024-01-01,A\n", encoding="utf-8")
    loop = tmp_path / "loop.csv"
    loop.symlink_to(loop)
    cases = {
        tmp_path / "missing.csv": "no such file",
        tmp_path / "folder": "this is a folder, not a file",
        tmp_path / "file.csv" / "inside.csv": "a part of the path is a file, not a folder",
        loop: "the path is a loop of symbolic links",
    }
    (tmp_path / "folder").mkdir()
    for path, reason in cases.items():
        line = refused_by_cli(tmp_path, path, capsys)
        assert line == f"sightline: cannot import {path}: {reason}"


def test_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if os.geteuid() == 0:  # root reads any mode-000 file; a write-only sysctl it cannot
        path = Path("/proc/sys/vm/drop_caches")
        if not path.exists():
            pytest.skip("no write-only file that root cannot read here")
    else:
        path = tmp_path / "secret.csv"
        path.write_text("Date,Title\n2024-01-01,A\n", encoding="utf-8")
        path.chmod(0)
    line = refused_by_cli(tmp_path, path, capsys)
    assert line == (
        f"sightline: cannot import {path}: permission denied (you may not read this file)"
    )


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_fifo_and_device_are_refused_at_once(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        path = tmp_path / "events.csv"
        os.mkfifo(path)  # no writer: any open-and-read would block forever
    else:
        path = Path("/dev/zero")  # never ends
    project = tmp_path / "p.sightline"
    done = sightline("import", str(path), "--project", str(project), timeout=60)
    assert done.returncode == 2
    reason = "a pipe (FIFO)" if kind == "fifo" else "a device"
    assert one_line(done.stderr).startswith(f"sightline: cannot import {path}: this is {reason}")
    assert not project.exists()


def test_fifo_in_the_wizard_and_the_pipeline(tmp_path: Path) -> None:
    fifo = tmp_path / "events.csv"
    os.mkfifo(fifo)
    os.mkfifo(tmp_path / "events.xlsx")
    script = (
        "import sys; from pathlib import Path\n"
        "from desktop_app.ingest.pipeline import Options, UnreadableFile, import_file, preview\n"
        "from desktop_app.ingest.readers import list_sheets\n"
        "from desktop_app.store.project import Project\n"
        "path = Path(sys.argv[1])\n"
        "for call in (lambda: preview(path, Options()),\n"
        "             lambda: list_sheets(path.with_suffix('.xlsx')),\n"
        "             lambda: import_file(Project.open(sys.argv[2]), path)):\n"
        "    try:\n"
        "        call()\n"
        "    except UnreadableFile as exc:\n"
        "        print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(fifo), str(tmp_path / "p.sightline")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.splitlines()
        == ["this is a pipe (FIFO), not a file; save the data to a file first"] * 3
    )


def test_refused_import_leaves_no_project_behind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Alpha,Beta\nnothing,here\n", encoding="utf-8")  # no date column
    line = refused_by_cli(tmp_path, bad, capsys)
    assert line.startswith(f"sightline: cannot import {bad}: no usable date column")
    existing = tmp_path / "old.sightline"
    good = tmp_path / "good.csv"
    good.write_text("Date,Title\n2024-01-01,A\n", encoding="utf-8")
    assert cli.main(["import", str(good), "--project", str(existing)]) == 0
    assert cli.main(["import", str(bad), "--project", str(existing)]) == 2
    capsys.readouterr()
    with Project.open(existing) as p:  # a project that was there stays, as it was
        assert titles(p) == ["A"]


def test_forced_preset_that_does_not_fit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "timemap.csv"
    path.write_text(
        "id,description,date,time,location,latitude,longitude,source1\n"
        "1,Shelling,10/10/2015,12:00,Aleppo,36.2,37.1,http://x.org\n",
        encoding="utf-8",
    )
    start = f"sightline: cannot import {path}: the file does not fit the preset"
    assert refused_by_cli(tmp_path, path, capsys, "--preset", "acled") == (
        f"{start} acled: it has no columns 'event_id_cnty', 'event_date' (its columns are: id, "
        "description, "
        "date, time, location, latitude, longitude, source1)"
    )
    assert refused_by_cli(tmp_path, path, capsys, "--preset", "gdelt") == (
        f"{start} gdelt_v2: a GDELT event record has 57, 58 or 61 tab-separated fields and "
        "no header; this file has 1"
    )


# ---------------------------------------------------------------- workbooks
def workbook(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def replace_sheet(
    path: Path, *, repeat: bytes = b"", times: int = 0, dimension: bytes | None = None
) -> None:
    """Rewrite sheet1 of a workbook: ``repeat`` inserted ``times`` before </sheetData>,
    or its <dimension> changed."""
    out = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(item, data)
                continue
            if dimension is not None:
                data = data.replace(b'<dimension ref="A1:B2" />', dimension)
            head, tail = data.split(b"</sheetData>")
            with dst.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(head)
                block = repeat * 4096
                for _ in range(times // 4096):
                    sheet.write(block)
                sheet.write(b"</sheetData>" + tail)
    out.replace(path)


def test_xlsx_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    path = workbook(tmp_path / "bomb.xlsx", [["Date", "Title"], ["2024-01-01", "A"]])
    row = b'<row><c t="inlineStr"><is><t>boom</t></is></c></row>'
    replace_sheet(path, repeat=row, times=(200 << 20) // len(row))  # 200 MB of XML
    assert path.stat().st_size < 3 << 20
    project = tmp_path / "p.sightline"
    measure = (
        "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
        "sys.exit(r.returncode)"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            measure,
            sys.executable,
            "-m",
            "desktop_app",
            "import",
            str(path),
            "--project",
            str(project),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    line = one_line(done.stderr)
    assert (
        line.startswith(
            f"sightline: cannot import {path}: refused: xl/worksheets/sheet1.xml would inflate"
        )
        and "zip bomb" in line
    )
    assert int(done.stdout.strip()) < 700_000  # KiB of peak memory: nothing was inflated
    assert not project.exists()


def test_xlsx_total_size_and_cell_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = workbook(
        tmp_path / "plain.xlsx",
        [["Date", "Title"]] + [[f"2024-01-{d:02d}", f"Event {d}"] for d in range(1, 29)],
    )
    assert read_xlsx(path).frame.shape == (28, 2)
    limit = r"would inflate to [\d,]+ bytes \(the limit is 4,096 bytes\)"
    with pytest.raises(UnreadableFile, match=limit):
        xlsx_guard.check_workbook(path, max_total=4096)
    monkeypatch.setattr(xlsx_guard, "MAX_CELLS", 40)
    with pytest.raises(UnreadableFile, match="more than 40 cells"):
        read_xlsx(path)


def test_xlsx_claiming_a_huge_dimension_reads_what_is_there(tmp_path: Path) -> None:
    path = workbook(tmp_path / "claims.xlsx", [["Date", "Title"], ["2024-01-01", "A"]])
    replace_sheet(path, dimension=b'<dimension ref="A1:XFD1048576"/>')
    with zipfile.ZipFile(path) as archive:
        assert b"XFD1048576" in archive.read("xl/worksheets/sheet1.xml")
    table = read_table(path)
    assert table.frame.shape == (1, 2) and table.frame["Title"].tolist() == ["A"]
