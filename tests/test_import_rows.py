"""Import tests on what happens to rows, real files into a real SQLite project: unreadable
files change nothing, a re-import adds no duplicates, a batch is undone, rejects carry
their row numbers and reasons, text is stored as given, and the command line does the same.
Row numbers are spreadsheet rows (header = row 1). Helpers in test_import_presets.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from test_import_presets import (
    DATA,
    UNREADABLE,
    by,
    count,
    csv_rows,
    load_events,
    table_counts,
    write_csv,
)

from desktop_app.app import cli
from desktop_app.ingest.pipeline import UnreadableFile, import_file
from desktop_app.store.batches import BatchError, undo_batch
from desktop_app.store.project import Project
from desktop_app.store.queries import project_info
from desktop_app.store.schema import Actor, Event, ImportBatch, Location, Source


@pytest.fixture
def project(sqlite_project: Project) -> Project:
    return sqlite_project


# ---------------------------------------------------------------- 5. unreadable files
KEYWORDS = {
    "empty.csv": ("empty",),
    "header_only.csv": ("no rows", "empty"),
    "no_date_column.csv": ("date",),
    "binary_garbage.csv": ("binary", "not a text", "encoding"),
    "not_really.xlsx": ("xlsx", "not a valid"),
}


@pytest.mark.parametrize("name", UNREADABLE)
def test_unreadable_file_leaves_project_unchanged(project: Project, name: str) -> None:
    before = table_counts(project)
    with pytest.raises(UnreadableFile) as error:
        import_file(project, DATA / name)
    message = str(error.value).lower()
    assert any(k in message for k in KEYWORDS[name]), message
    assert table_counts(project) == before == dict.fromkeys(before, 0)


# ---------------------------------------------------------------- 6. re-import
def test_reimport_adds_no_duplicates(project: Project) -> None:
    first = import_file(project, DATA / "acled_sample.csv")
    second = import_file(project, DATA / "acled_sample.csv")
    assert (second.imported, second.duplicates) == (0, first.imported)
    assert count(project, Event) == first.imported


def test_changed_row_is_the_only_one_imported(project: Project, tmp_path: Path) -> None:
    """Generic rows have no global id: duplicates are recognised by content."""
    rows = ["Alpha,2024-01-01,10,20", "Beta,2024-01-02,10,20", "Gamma,2024-01-03,11,21"]
    path = write_csv(tmp_path / "own.csv", "title,date,lat,lon\n" + "\n".join(rows) + "\n")
    assert import_file(project, path).imported == 3
    rows[1] = "Beta (corrected),2024-01-02,10,20"
    write_csv(path, "title,date,lat,lon\n" + "\n".join(rows) + "\n")
    second = import_file(project, path)
    assert (second.imported, second.duplicates) == (1, 2)
    assert {e.title for e in load_events(project)} == {"Alpha", "Beta", "Beta (corrected)", "Gamma"}


# ---------------------------------------------------------------- 7. undo
def test_undo_batch(project: Project, tmp_path: Path) -> None:
    first = write_csv(
        tmp_path / "first.csv",
        "title,date,place,lat,lon,actors,source\n"
        "Shared place,2024-01-01,Kyiv,50.45,30.52,Army; Police,Daily News\n"
        "Own place,2024-01-02,Lviv,49.84,24.03,Army,Weekly\n",
    )
    second = write_csv(
        tmp_path / "second.csv",
        "title,date,place,lat,lon,actors,source\n"
        "Later at Kyiv,2024-02-01,Kyiv,50.45,30.52,Police,Daily News\n",
    )
    one = import_file(project, first)
    two = import_file(project, second)
    assert count(project, Location) == 2 and count(project, Actor) == 2

    assert undo_batch(project, one.batch) == 2
    events = load_events(project)
    assert [e.title for e in events] == ["Later at Kyiv"]
    with project.session() as session:
        assert set(session.scalars(select(Location.name))) == {"Kyiv"}  # Lviv went
        assert set(session.scalars(select(Actor.name))) == {"Police"}  # Army went
        assert set(session.scalars(select(Source.title))) == {"Daily News"}  # Weekly went
        assert session.get(ImportBatch, one.batch).undone_at is not None
        assert session.get(ImportBatch, two.batch).undone_at is None
    assert events[0].location.name == "Kyiv"
    assert [a.name for a in events[0].actors] == ["Police"]

    with pytest.raises(BatchError):
        undo_batch(project, one.batch)
    with pytest.raises(BatchError):
        undo_batch(project, 999)

    again = import_file(project, first)  # the undone events are not "duplicates" now
    assert (again.imported, again.duplicates) == (2, 0)
    assert count(project, Location) == 2  # Kyiv reused, Lviv made again


# ---------------------------------------------------------------- 8-11. rejects and rows
def test_write_rejects(project: Project, tmp_path: Path) -> None:
    result = import_file(project, DATA / "generic_own_sheet.csv")
    out = tmp_path / "rejects.csv"
    result.write_rejects(out)
    with out.open(encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["row", "column", "reason", "repeats_row"]
    assert lines[1:] == [[str(r.row), r.column, r.reason, ""] for r in result.rejects]
    assert [line[:2] for line in lines[1:]] == [["8", "Lat"], ["9", "Date"], ["10", "End date"]]


def test_grades(project: Project, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "grades.csv",
        "title,date,reliability,credibility\n"
        "Graded,2024-01-01,b,2\n"
        "Bad reliability,2024-01-02,Z,3\n"
        "Bad credibility,2024-01-03,A,9\n"
        "Ungraded,2024-01-04,,\n",
    )
    result = import_file(project, path)
    rejects = {(r.row, r.column): r.reason for r in result.rejects}
    assert set(rejects) == {(3, "reliability"), (4, "credibility")}
    assert "A-F" in rejects[(3, "reliability")]
    assert "1-6" in rejects[(4, "credibility")]
    events = by(load_events(project), "title")
    assert set(events) == {"Graded", "Ungraded"}
    assert (events["Graded"].reliability, events["Graded"].credibility) == ("B", 2)
    assert (events["Ungraded"].reliability, events["Ungraded"].credibility) == (None, None)


def test_ragged_row_rejected_with_its_number(project: Project, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "ragged.csv",
        "title,date,lat,lon\nA,2024-01-01,1,2\nB,2024-01-02,1,2,extra\nC,2024-01-03,1,2\n",
    )
    result = import_file(project, path)
    assert [r.row for r in result.rejects] == [3]
    assert "fields" in result.rejects[0].reason
    assert (result.imported, result.rejected, result.rows_read) == (2, 1, 3)
    assert {e.title for e in load_events(project)} == {"A", "C"}


@pytest.mark.parametrize("ragged", [False, True], ids=["fast-reader", "exact-reader"])
def test_rows_count_records_not_lines(project: Project, tmp_path: Path, ragged: bool) -> None:
    """A 3-line quoted field is one record: the bad latitude after it is row 3, not 5.

    With a ragged record the file goes through the slower, exact reader; both agree.
    """
    text = (
        "title,date,description,lat,lon\n"
        'A,2024-01-01,"line one\nline two\nline three",1,2\n'
        "B,2024-01-02,x,95,2\n"
        "C,2024-01-03,y,1,2\n"
    )
    if ragged:
        text += "D,2024-01-04,z,1,2,9\n"
    result = import_file(project, write_csv(tmp_path / "multi.csv", text))
    expected = [(3, "lat")] + ([(5, "")] if ragged else [])
    assert [(r.row, r.column) for r in result.rejects] == expected
    assert by(load_events(project), "title")["A"].description == "line one\nline two\nline three"


def test_blank_line_counts_as_a_row(project: Project, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "blank.csv", "title,date,lat,lon\nA,2024-01-01,1,2\n\nB,2024-01-02,95,2\n"
    )  # spreadsheet row 4
    result = import_file(project, path)
    assert [(r.row, r.column) for r in result.rejects if r.column] == [(4, "lat")]


# ---------------------------------------------------------------- 12. text as given
def test_script_injection_stored_verbatim(project: Project) -> None:
    import_file(project, DATA / "script_injection.csv")
    stored = {(e.title, e.description) for e in load_events(project)}
    assert stored == {(r["title"], r["description"]) for r in csv_rows("script_injection.csv")}
    assert (
        "<script>alert(1)</script>",
        "<script>alert('desc')</script>Plain text after script",
    ) in stored


def test_year_before_1_is_rejected_and_does_not_break_the_project(
    project: Project, tmp_path: Path
) -> None:
    """Years before 1 cannot be shown by the rest of the program: a clear reject."""
    path = write_csv(
        tmp_path / "bc.csv", "title,date\nIdes of March,-0044-03-15\nLater,0044-03-15\n"
    )
    result = import_file(project, path)
    assert result.imported == 1
    assert [(r.row, r.column) for r in result.rejects] == [(2, "date")]
    assert "year out of range" in result.rejects[0].reason
    assert project_info(project).events == 1


# ---------------------------------------------------------------- 13. command line
def sightline(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args], capture_output=True, text=True, timeout=120
    )


def test_cli_import_info_undo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = str(tmp_path / "cli.sightline")
    rejects = tmp_path / "rejects.csv"
    done = sightline(
        "import",
        str(DATA / "timelinejs.csv"),
        "--project",
        target,
        "--json",
        "--rejects",
        str(rejects),
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)  # exactly one JSON object, nothing else
    assert set(summary) == {
        "imported",
        "duplicates",
        "duplicates_in_file",
        "rejected",
        "unlocated",
        "batch",
        "preset",
    }
    assert (summary["imported"], summary["rejected"], summary["preset"]) == (5, 2, "timelinejs")
    with rejects.open(encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["row", "column", "reason", "repeats_row"] and [
        line[0] for line in lines[1:]
    ] == ["9", "10"]

    # info and undo-import run in-process (same code path, without 1 s of start-up each)
    assert cli.main(["info", "--project", target, "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert (counts["events"], counts["batches"], counts["first"]) == (5, 1, "2019")

    assert cli.main(["undo-import", str(summary["batch"]), "--project", target]) == 0
    assert "5" in capsys.readouterr().out
    with Project.open(target) as p:
        assert count(p, Event) == 0
    assert cli.main(["undo-import", str(summary["batch"]), "--project", target]) != 0
    assert "already undone" in capsys.readouterr().err


def test_cli_unreadable_file(tmp_path: Path) -> None:
    done = sightline(
        "import",
        str(DATA / "binary_garbage.csv"),
        "--project",
        str(tmp_path / "cli.sightline"),
        "--json",
    )
    assert done.returncode != 0
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "binary" in lines[0]
