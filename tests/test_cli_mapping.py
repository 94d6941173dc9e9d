"""``sightline import --map FIELD=COLUMN`` and ``--mapping FILE.json``: the wizard's
column mapping on the command line, with a real SQLite project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.app import cli
from desktop_app.domain.dates import DateOrder, Precision
from desktop_app.ingest import mapping_memory
from desktop_app.ingest.columns import FIELD_LABELS
from desktop_app.store.project import Project
from desktop_app.store.schema import Event, ImportBatch, Location

# an analyst's sheet whose headers no synonym knows (the wizard's own test file)
ODD = (
    "Occurred On,Heading,Where,Nation,Y,X\n"
    "03/04/2024,Airborne drill,Moscow,Russia,55.75,37.62\n"
    "2023,Agreement reported,Beijing,China,39.9,116.4\n"
    "2024-02,Review published,London,United Kingdom,51.5,-0.12\n"
)


@pytest.fixture()
def odd_file(tmp_path: Path) -> Path:
    path = tmp_path / "odd headers.csv"
    path.write_text(ODD, encoding="utf-8")
    return path


def _events(target: Path) -> list[tuple[str, int, int, float | None]]:
    with Project.open(target) as project, project.session() as session:
        rows = session.execute(
            select(Event.title, Event.start_s, Event.precision, Location.latitude)
            .outerjoin(Location, Location.id == Event.location_id)
            .order_by(Event.start_s)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def test_map_names_the_date_and_title_columns(
    odd_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "p.sightline"
    # a file with no column of dates at all: the one-line error says how to map one
    no_dates = tmp_path / "no dates.csv"
    no_dates.write_text("Heading,Where\nAirborne drill,Moscow\n", encoding="utf-8")
    assert cli.main(["import", str(no_dates), "--project", str(target), "--json"]) == 2
    line = _one_line(capsys.readouterr().err)
    assert "no usable date column" in line and "--map date=COLUMN" in line
    code = cli.main(
        [
            "import",
            str(odd_file),
            "--project",
            str(target),
            "--json",
            "--monthfirst",
            "--map",
            "start=Occurred On",
            "--map",
            "title=Heading",
            "--map",
            "latitude=Y",
            "--map",
            "longitude=X",
        ]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    summary = json.loads(out.out)
    assert (summary["imported"], summary["rejected"], summary["preset"]) == (3, 0, "generic")
    events = _events(target)
    assert [e[0] for e in events] == ["Agreement reported", "Review published", "Airborne drill"]
    assert [Precision(e[2]) for e in events] == [Precision.YEAR, Precision.MONTH, Precision.DAY]
    assert events[2][3] == pytest.approx(55.75)
    with Project.open(target) as project, project.session() as session:
        # month first: 03/04/2024 is 4 March; the guessed place column still applies
        drill = session.scalars(select(Event).where(Event.title == "Airborne drill")).one()
        assert drill.start.strftime("%Y-%m-%d") == "2024-03-04"
        assert drill.location is not None and drill.location.name == "Moscow"


def test_map_matches_a_column_by_its_normalised_name(
    odd_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "p.sightline"
    assert (
        cli.main(
            [
                "import",
                str(odd_file),
                "--project",
                str(target),
                "--json",
                "--map",
                "start=occurred_on",
                "--map",
                "title= heading ",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["imported"] == 3
    assert {e[0] for e in _events(target)} == {
        "Airborne drill",
        "Agreement reported",
        "Review published",
    }


def test_a_bad_field_is_one_line_listing_the_fields(
    odd_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "p.sightline"
    code = cli.main(
        ["import", str(odd_file), "--project", str(target), "--map", "when=Occurred On"]
    )
    line = _one_line(capsys.readouterr().err)
    assert code == 2
    assert "unknown field 'when'" in line
    assert all(name in line for name in [*FIELD_LABELS, "year", "month", "day"])
    assert not target.exists()  # nothing was opened or created


def test_a_column_not_in_the_file_is_one_line_listing_the_columns(
    odd_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "p.sightline"
    code = cli.main(
        ["import", str(odd_file), "--project", str(target), "--map", "start=Date of Incident"]
    )
    line = _one_line(capsys.readouterr().err)
    assert code == 2
    assert "no column 'Date of Incident'" in line
    assert "its columns are: Occurred On, Heading, Where, Nation, Y, X" in line
    assert not target.exists()
    for bad in ("start", "=Heading", "start="):
        assert cli.main(["import", str(odd_file), "--project", str(target), "--map", bad]) == 2
        assert "FIELD=COLUMN" in _one_line(capsys.readouterr().err)


def test_map_with_a_known_tools_preset_is_refused(
    odd_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(
        [
            "import",
            str(odd_file),
            "--project",
            str(tmp_path / "p.sightline"),
            "--preset",
            "acled",
            "--map",
            "start=Occurred On",
        ]
    )
    assert code == 2
    assert "generic preset" in _one_line(capsys.readouterr().err)


def test_mapping_file_is_what_the_wizard_remembers(
    odd_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the JSON the wizard stores after an import, taken from a real project's settings
    with Project.open(tmp_path / "wizard.sightline") as wizard_project:
        mapping_memory.remember(
            wizard_project,
            ["Occurred On", "Heading", "Where", "Nation", "Y", "X"],
            {"start": "Occurred On", "title": "Heading", "latitude": "Y", "longitude": "X"},
            date_order=DateOrder.MONTH_FIRST,
        )
        key = next(k for k in _settings(wizard_project) if k.startswith("import-mapping:"))
        remembered = wizard_project.get_setting(key)
    assert remembered
    mapping_file = tmp_path / "mapping.json"
    mapping_file.write_text(remembered, encoding="utf-8")
    target = tmp_path / "p.sightline"
    assert (
        cli.main(
            [
                "import",
                str(odd_file),
                "--project",
                str(target),
                "--json",
                "--mapping",
                str(mapping_file),
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["imported"] == 3
    with Project.open(target) as project, project.session() as session:
        drill = session.scalars(select(Event).where(Event.title == "Airborne drill")).one()
        assert drill.start.strftime("%Y-%m-%d") == "2024-03-04"  # its date order came too
        assert drill.location is not None and drill.location.latitude == pytest.approx(55.75)
        # a remembered mapping is used exactly, as the wizard uses it: "Where" is not in it
        batch = session.scalars(select(ImportBatch)).one()
        assert batch.mapping == {
            "start": "Occurred On",
            "title": "Heading",
            "latitude": "Y",
            "longitude": "X",
        }

    # a plain {field: column} object, with --map on top
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({"start": "Occurred On", "title": "Where"}), encoding="utf-8")
    target2 = tmp_path / "q.sightline"
    assert (
        cli.main(
            [
                "import",
                str(odd_file),
                "--project",
                str(target2),
                "--json",
                "--mapping",
                str(plain),
                "--map",
                "title=Heading",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["imported"] == 3
    assert {e[0] for e in _events(target2)} == {
        "Airborne drill",
        "Agreement reported",
        "Review published",
    }


def test_bad_mapping_files_are_one_line(
    odd_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "p.sightline"
    cases = {
        "missing.json": None,
        "broken.json": "{start: ",
        "list.json": "[1, 2]",
        "field.json": json.dumps({"mapping": {"when": "Occurred On"}}),
        "column.json": json.dumps({"start": "Nope"}),
    }
    expected = {
        "missing.json": "cannot read",
        "broken.json": "not a JSON file",
        "list.json": "expected a JSON object",
        "field.json": "unknown field 'when'",
        "column.json": "no column 'Nope'",
    }
    for name, content in cases.items():
        path = tmp_path / name
        if content is not None:
            path.write_text(content, encoding="utf-8")
        assert (
            cli.main(["import", str(odd_file), "--project", str(target), "--mapping", str(path)])
            == 2
        )
        assert expected[name] in _one_line(capsys.readouterr().err)
    assert not target.exists()


def _settings(project: Project) -> list[str]:
    from sqlalchemy import text

    with project.engine.connect() as conn:
        return [str(k) for k in conn.execute(text("SELECT key FROM setting")).scalars()]


# GTD codebook layout (iyear/imonth/iday; 0 = unknown), a few of its 135 columns
GTD = (
    "eventid,iyear,imonth,iday,approxdate,extended,country_txt,city,latitude,longitude,"
    "summary\n"
    "201501010001,2015,1,1,,0,Iraq,Baghdad,33.303566,44.371773,Bombing in a market\n"
    "201503000001,2015,3,0,March 2015,0,Nigeria,Maiduguri,11.846440,13.160270,"
    "Attack on a village\n"
    "201500000001,2015,0,0,2015,0,Syria,Aleppo,36.202105,37.134260,Assault reported\n"
)


@pytest.mark.skipif(
    "year" not in FIELD_LABELS,
    reason="split year/month/day fields come with the presets' date work "
    "(merged before this branch)",
)
def test_split_dates_map_to_year_month_day(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "gtd_columns.csv"
    path.write_text(GTD, encoding="utf-8")
    target = tmp_path / "p.sightline"
    code = cli.main(
        [
            "import",
            str(path),
            "--project",
            str(target),
            "--json",
            "--map",
            "year=iyear",
            "--map",
            "month=imonth",
            "--map",
            "day=iday",
            "--map",
            "title=summary",
            "--map",
            "external_id=eventid",
        ]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    assert json.loads(out.out)["imported"] == 3
    by_title = {e[0]: e for e in _events(target)}
    assert Precision(by_title["Bombing in a market"][2]) is Precision.DAY
    assert Precision(by_title["Attack on a village"][2]) is Precision.MONTH
    assert Precision(by_title["Assault reported"][2]) is Precision.YEAR
