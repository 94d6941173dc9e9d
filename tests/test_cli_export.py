"""``sightline export OUT.csv|.geojson|.kml`` and ``sightline info --json``'s precision
and unlocated counts; each export re-imports into a fresh project with the same events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.app import cli
from desktop_app.ingest.pipeline import import_file
from desktop_app.ingest.sample import load_sample
from desktop_app.store.project import Project
from desktop_app.store.schema import Event, Location

DATA = Path(__file__).parent / "data"
Row = tuple[str, int, int | None, int, float | None, float | None, str | None]


@pytest.fixture()
def rich_project(tmp_path: Path) -> Path:
    """The sample data plus a sheet with every precision, ranges, a formula-like title
    and events without a location."""
    path = tmp_path / "rich.sightline"
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(
        "Title,Date,End date,Place,Country,Category,Lat,Lon\n"
        "Annual review,2023,,Beijing,China,Policy,39.9042,116.4074\n"
        "Port visit,2023-05,,,,Military,25.033,121.5654\n"
        "Coast guard incident,2023-05-14,2023-05-16,Manila,Philippines,Maritime,14.5995,"
        "120.9842\n"
        "Air raid alert,2023-05-14 09:30,,Kyiv,Ukraine,Military,50.4501,30.5234\n"
        '"=HYPERLINK(""x"")",2024-02-29,,,,Odd,-33.8688,151.2093\n'
        "Somewhere unknown,2024-03,,,,Policy,,\n",
        encoding="utf-8",
    )
    with Project.open(path) as project:
        load_sample(project)
        result = import_file(project, sheet)
        assert (result.imported, result.rejected) == (6, 0)
    return path


def events_of(path: Path, *, located_only: bool = False) -> list[Row]:
    with Project.open(path) as project, project.session() as session:
        rows = session.execute(
            select(
                Event.title,
                Event.start_s,
                Event.end_s,
                Event.precision,
                Location.latitude,
                Location.longitude,
                Event.category,
            ).outerjoin(Location, Location.id == Event.location_id)
        )
        out = [
            (
                t,
                s,
                e,
                p,
                None if la is None else round(la, 6),
                None if lo is None else round(lo, 6),
                c,
            )
            for t, s, e, p, la, lo, c in rows
        ]
    if located_only:
        out = [r for r in out if r[4] is not None]
    return sorted(out, key=lambda r: (r[1], r[0]))


def test_info_json_counts_precisions_and_unlocated(
    rich_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["info", "--project", str(rich_project), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    # the existing keys stay
    assert {
        "events",
        "located_events",
        "locations",
        "sources",
        "actors",
        "batches",
        "first",
        "last",
    } <= set(info)
    assert info["events"] == 14
    # the sample's 8 events are dated to the year; the sheet adds one of each and more
    assert info["precision"] == {"year": 9, "month": 2, "day": 2, "minute": 1}
    assert info["unlocated"] == 2 == info["events"] - info["located_events"]


@pytest.mark.parametrize("suffix", [".csv", ".geojson", ".kml"])
def test_export_re_imports_with_the_same_events(
    rich_project: Path, tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / f"all events{suffix}"
    assert cli.main(["export", str(out), "--project", str(rich_project)]) == 0
    said = capsys.readouterr().out
    assert said.startswith("Exported ") and str(out) in said
    assert not list(tmp_path.glob(".*partial"))
    fresh = tmp_path / f"fresh{suffix}.sightline"
    assert cli.main(["import", str(out), "--project", str(fresh), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    before = events_of(rich_project, located_only=suffix == ".kml")
    assert summary["rejected"] == 0 and summary["imported"] == len(before)
    assert events_of(fresh) == before  # titles, dates with precision, ends, places
    if suffix == ".kml":  # KML has no place for an event without coordinates
        assert "2 without a location are not in it" in said
        assert len(before) == 12


def test_export_refuses_an_unknown_suffix_with_one_line(
    rich_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("events.txt", "events", "events.xlsx"):
        assert cli.main(["export", str(tmp_path / name), "--project", str(rich_project)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and ".csv, .geojson or .kml" in err[0]
        assert not (tmp_path / name).exists()
    assert (
        cli.main(
            ["export", str(tmp_path / "no such folder" / "e.csv"), "--project", str(rich_project)]
        )
        == 2
    )
    assert "no folder" in capsys.readouterr().err
    missing = tmp_path / "missing.sightline"
    assert cli.main(["export", str(tmp_path / "e.csv"), "--project", str(missing)]) == 2
    assert "no project" in capsys.readouterr().err
    assert not missing.exists() and not (tmp_path / "e.csv").exists()


def test_export_of_an_empty_project_is_a_valid_empty_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.sightline"
    Project.open(empty).close()
    out = tmp_path / "none.geojson"
    assert cli.main(["export", str(out), "--project", str(empty)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["features"] == []
    assert "Exported 0 events" in capsys.readouterr().out
