"""A row is a duplicate only if it is the same event; nothing else is ever merged.

Files are written here in the layouts analysts really have: an open-source
investigation sheet (one row per verified video, its own link each), and ACLED exports
(from the generator that writes the codebook's 31 columns).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from helpers import acled_records as _generated
from helpers import write_acled as _write
from sqlalchemy import func, select

from desktop_app.app import cli
from desktop_app.ingest import pipeline
from desktop_app.ingest.pipeline import ImportResult, import_file
from desktop_app.store.project import Project
from desktop_app.store.schema import Event, Source, event_source

OSINT_HEADER = [
    "id",
    "date",
    "location",
    "latitude",
    "longitude",
    "title",
    "description",
    "link",
    "actors",
]


def osint_rows() -> list[list[str]]:
    """Six verified videos of one strike (same title, date and place), each its own entry
    with its own link; then the same entry pasted twice; then two entries that differ
    from others only in spaces, in an actor, or in a column no field takes."""
    same = [
        "2022-03-09",
        "Mariupol",
        "47.0971",
        "37.5434",
        "Strike on maternity hospital",
        "Videos show the damaged hospital building",
    ]
    rows = [
        [f"UW{k:04d}", *same, f"https://t.me/osint_channel/{1000 + k}", "Russian Armed Forces"]
        for k in range(1, 7)
    ]
    rows.append(list(rows[1]))  # row 8 repeats row 3 exactly
    rows.append(
        [
            "UW0007",
            "2022-03-10",
            "Kharkiv",
            "49.9935",
            "36.2304",
            "Shelling of residential area",
            "Several apartment blocks hit",
            "",
            "Unknown",
        ]
    )
    rows.append(
        [
            "UW0007",
            "2022-03-10",
            "Kharkiv",
            "49.9935",
            "36.2304",
            "Shelling of residential area",
            "Several apartment blocks  hit",
            "",
            "Unknown",
        ]
    )
    return rows


def write_osint(path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header or OSINT_HEADER)
        writer.writerows(rows)
    return path


def balanced(result: ImportResult) -> bool:
    return result.imported + result.rejected + result.duplicates == result.rows_read


def rejects_csv(result: ImportResult, path: Path) -> list[list[str]]:
    result.write_rejects(path)
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def test_six_videos_of_one_strike_stay_six_events_with_six_sources(
    project: Project, tmp_path: Path
) -> None:
    path = write_osint(tmp_path / "civilian_harm.csv", osint_rows())
    result = import_file(project, path)

    assert (result.rows_read, result.imported, result.rejected) == (9, 8, 0)
    assert (result.duplicates, result.duplicates_in_file, result.duplicates_in_project) == (1, 1, 0)
    assert balanced(result)
    assert result.duplicate_rows.tolist() == [8] and result.duplicate_of.tolist() == [3]
    with project.session() as session:
        strike = session.scalars(
            select(Event).where(Event.title == "Strike on maternity hospital")
        ).all()
        assert sorted(e.external_id or "" for e in strike) == [f"UW{k:04d}" for k in range(1, 7)]
        assert sorted(s.url for e in strike for s in e.sources) == [
            f"https://t.me/osint_channel/{1000 + k}" for k in range(1, 7)
        ]
        assert session.scalar(select(func.count()).select_from(Source)) == 6
        # the Kharkiv rows share an id but differ in one space: two events
        kharkiv = session.scalars(
            select(Event.description).where(Event.title == "Shelling of residential area")
        ).all()
        assert sorted(kharkiv) == ["Several apartment blocks  hit", "Several apartment blocks hit"]

    lines = rejects_csv(result, tmp_path / "rejects.csv")
    assert lines == [["row", "column", "reason", "repeats_row"], ["8", "", "repeats row 3", "3"]]


def test_reimport_is_all_already_in_the_project(project: Project, tmp_path: Path) -> None:
    path = write_osint(tmp_path / "civilian_harm.csv", osint_rows())
    first = import_file(project, path)
    again = import_file(project, path)

    assert (again.imported, again.rejected, again.duplicates) == (0, 0, 9)
    assert (again.duplicates_in_file, again.duplicates_in_project) == (0, 9)
    assert balanced(again)
    with project.session() as session:
        assert session.scalar(select(func.count()).select_from(Event)) == first.imported
        assert session.scalar(select(func.count()).select_from(event_source)) == 6
    lines = rejects_csv(again, tmp_path / "rejects.csv")
    assert lines[1:] == [[str(r), "", "already in the project", ""] for r in range(2, 11)]


def test_rows_differing_only_in_an_actor_a_link_spaces_or_an_extra_column_are_kept(
    project: Project, tmp_path: Path
) -> None:
    header = ["date", "title", "place", "actors", "link", "Video URL", "Notes"]
    base = ["2023-06-06", "Dam breached", "Nova Kakhovka", "Unknown", "", "", "first report"]
    variants = [
        base,
        [*base[:3], "Russian Armed Forces", *base[4:]],  # another actor
        [*base[:4], "https://example.org/a", *base[5:]],  # a link
        [*base[:5], "https://video.example/1", base[6]],  # a column no field takes
        [*base[:6], "first report "],  # a trailing space
        [" 2023-06-06", *base[1:]],  # a space before the date
        list(base),  # the very same row: the one duplicate
    ]
    result = import_file(project, write_osint(tmp_path / "variants.csv", variants, header))
    assert (result.imported, result.duplicates, result.duplicates_in_file) == (6, 1, 1)
    assert result.duplicate_of.tolist() == [2]
    assert balanced(result)


def test_a_mapped_id_that_repeats_with_other_content_merges_nothing(
    project: Project, tmp_path: Path
) -> None:
    rows = [
        ["17", "2024-01-01", "Checkpoint opened"],
        ["17", "2024-01-02", "Checkpoint closed"],
        ["18", "2024-01-03", "Convoy seen"],
        ["18", "2024-01-03", "Convoy seen"],
    ]
    result = import_file(project, write_osint(tmp_path / "ids.csv", rows, ["id", "date", "title"]))
    assert (result.imported, result.duplicates_in_file) == (3, 1)
    assert result.duplicate_rows.tolist() == [5] and result.duplicate_of.tolist() == [4]


# ---------------------------------------------------------------- provider ids (ACLED)
def _acled(tmp: Path, rows: int = 12) -> list[dict[str, str]]:
    return _generated(tmp, rows, seed=11)


def test_acled_ids_are_the_event_across_files(project: Project, tmp_path: Path) -> None:
    records = _acled(tmp_path)
    first = import_file(project, _write(tmp_path / "may.csv", records))
    assert (first.imported, first.duplicates) == (12, 0)
    # ACLED revises its rows: the same event_id_cnty is the same event, already here
    records[4] = dict(records[4], notes=records[4]["notes"] + " (revised)")
    records.append(dict(records[0]))  # and one row exported twice
    second = import_file(project, _write(tmp_path / "june.csv", records))
    assert (second.imported, second.duplicates, second.duplicates_in_file) == (0, 13, 0)
    assert balanced(second)


def test_acled_repeated_id_with_other_content_falls_back_to_content(
    project: Project, tmp_path: Path
) -> None:
    records = _acled(tmp_path)
    records.append(dict(records[2], fatalities="7", notes="A different clash"))  # row 14
    records.append(dict(records[3]))  # row 15: the same row again
    records.append(dict(records[5], event_id_cnty=""))  # row 16: no id, else as row 7
    records.append(dict(records[6], event_id_cnty="", notes="no id, own notes"))  # row 17
    result = import_file(project, _write(tmp_path / "acled.csv", records))
    assert (result.imported, result.duplicates, result.duplicates_in_file) == (15, 1, 1)
    assert result.duplicate_rows.tolist() == [15] and result.duplicate_of.tolist() == [5]
    assert any("event_id_cnty" in w and "same id" in w for w in result.warnings)
    assert balanced(result)


@pytest.mark.parametrize("chunk", [1, 3])
def test_slices_find_the_same_repeats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    rows = osint_rows()
    rows.append(list(rows[0]))  # row 11 repeats row 2, slices later
    path = write_osint(tmp_path / "sheet.csv", rows)
    whole = Project.open(tmp_path / "whole.sightline")
    try:
        expected = import_file(whole, path)
    finally:
        whole.close()
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", chunk)
    monkeypatch.setattr(pipeline, "PLAN_MAX_DISTINCT", 1.0)
    sliced = Project.open(tmp_path / "sliced.sightline")
    try:
        result = import_file(sliced, path)
    finally:
        sliced.close()
    assert result.duplicate_rows.tolist() == expected.duplicate_rows.tolist() == [8, 11]
    assert result.duplicate_of.tolist() == expected.duplicate_of.tolist() == [3, 2]
    assert (result.imported, result.duplicates_in_file) == (expected.imported, 2)


# ---------------------------------------------------------------- the command line
def test_cli_says_both_kinds_of_duplicate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_osint(tmp_path / "civilian_harm.csv", osint_rows())
    target = str(tmp_path / "cli.sightline")
    assert cli.main(["import", str(path), "--project", target, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["imported"], summary["duplicates"], summary["duplicates_in_file"]) == (8, 1, 1)

    rejects = tmp_path / "again.csv"
    assert cli.main(["import", str(path), "--project", target, "--rejects", str(rejects)]) == 0
    out = capsys.readouterr().out
    assert "already in the project: 9" in out and "repeated inside the file: 0" in out
    with rejects.open(encoding="utf-8", newline="") as handle:
        assert sum(1 for line in csv.reader(handle)) == 1 + 9
