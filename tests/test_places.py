"""Places: state hints, placeholders, unlocated places kept, nearby points shared, and
names several project places carry. Real SQLite projects, files written as analysts
have them (a US incident list with a State column, ACLED rows, an analyst's sheet)."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import func, select

from desktop_app.frame.event_frame import EventFrame
from desktop_app.ingest.pipeline import ImportResult, import_file
from desktop_app.store import bulk
from desktop_app.store import editing as store
from desktop_app.store.project import Project
from desktop_app.store.queries import project_info
from desktop_app.store.schema import Event, Location

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
from acled_gen import COLUMNS as ACLED_COLUMNS
from acled_gen import write_acled_csv


def write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def places(project: Project) -> list[tuple[str, str | None, float | None, float | None]]:
    with project.session() as session:
        return sorted(
            (
                (p.name, p.country, p.latitude, p.longitude)
                for p in session.scalars(select(Location))
            ),
            key=repr,
        )


def place_of(project: Project, title: str) -> Location | None:
    with project.session() as session:
        event = session.scalars(select(Event).where(Event.title == title)).one()
        return event.location


def unlocated_events(project: Project) -> int:
    frame = EventFrame.load(project)
    return int(np.isnan(frame.lat).sum())


def balanced(result: ImportResult) -> bool:
    return result.imported + result.rejected + result.duplicates == result.rows_read


# ---------------------------------------------------------------- state hints
def test_a_state_column_keeps_us_cities_in_the_us(project: Project, tmp_path: Path) -> None:
    # a US incident list: City and State, no country
    path = write(
        tmp_path / "incidents.csv",
        ["Date", "City", "State", "Title"],
        [
            ["2019-05-01", "Birmingham", "AL", "Shooting at a bar"],
            ["2019-06-02", "Birmingham", "Alabama", "Robbery downtown"],
            ["2019-07-03", "Odessa", "TX", "Drive-by shooting"],
            ["2019-08-04", "St. Petersburg", "FL", "Arson at a store"],
            ["2019-09-05", "Birmingham", "", "Protest in the city centre"],
        ],
    )
    result = import_file(project, path)
    assert result.imported == 5 and result.unlocated == 0

    def where(title: str) -> tuple[str | None, float, float]:
        place = place_of(project, title)
        assert place is not None and place.latitude is not None and place.longitude is not None
        return place.country, place.latitude, place.longitude

    for title in ("Shooting at a bar", "Robbery downtown"):
        country, lat, lon = where(title)
        assert country == "US" and lat == pytest.approx(33.52, abs=0.1)
        assert lon == pytest.approx(-86.80, abs=0.1)
    country, lat, lon = where("Drive-by shooting")
    assert country == "US" and (lat, lon) == pytest.approx((31.85, -102.37), abs=0.1)
    country, lat, lon = where("Arson at a store")
    assert country == "US" and (lat, lon) == pytest.approx((27.77, -82.68), abs=0.1)
    assert (
        place_of(project, "Shooting at a bar").id
        == place_of(  # type: ignore[union-attr]
            project, "Robbery downtown"
        ).id
    )  # one city, whichever way the state is written
    # without a state the most populous Birmingham stays the answer
    assert where("Protest in the city centre")[0] == "GB"


def test_a_state_that_holds_no_such_city_places_nothing_abroad(
    project: Project, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "incidents.csv",
        ["date", "city", "state", "title"],
        [["2020-01-01", "London", "Texas", "Crash on the highway"]],
    )
    result = import_file(project, path)
    place = place_of(project, "Crash on the highway")
    assert place is not None
    assert (place.name, place.country, place.latitude) == ("London", "US", None)
    assert result.unlocated == 1 and result.unresolved_places == {"London": 1}


# ---------------------------------------------------------------- placeholders
PLACEHOLDERS = [
    "Unknown",
    "unknown",
    "NA",
    "N/A",
    "None",
    "-",
    "?",
    "Various",
    "Multiple",
    "Not specified",
]


def test_placeholders_are_never_geocoded_nor_made_places(project: Project, tmp_path: Path) -> None:
    rows = [
        [f"2021-02-{k + 1:02d}", name, f"Report {k}", "", ""] for k, name in enumerate(PLACEHOLDERS)
    ]
    rows.append(["2021-03-01", "Unknown", "Located report", "48.5", "35.1"])
    path = write(tmp_path / "sheet.csv", ["date", "city", "title", "lat", "lon"], rows)
    result = import_file(project, path)

    assert result.imported == 11 and balanced(result)
    assert result.unlocated == 10 == unlocated_events(project)
    assert result.unresolved_places == {}
    # no place called NA, Unknown ...: the located row is named by its coordinates
    assert places(project) == [("48.5000, 35.1000", None, 48.5, 35.1)]
    for k in range(len(PLACEHOLDERS)):
        assert place_of(project, f"Report {k}") is None
    assert any("placeholder" in w and "'Unknown'" in w for w in result.warnings)


# ---------------------------------------------------------------- unlocated places
def test_an_unknown_place_is_kept_and_locating_it_locates_its_events(
    project: Project, tmp_path: Path
) -> None:
    header = ["date", "place", "country", "title"]
    path = write(
        tmp_path / "navy.csv",
        header,
        [
            ["2023-04-11", "Subic Bay", "Philippines", "Joint exercise begins"],
            ["2023-04-12", "Subic Bay", "Philippines", "Landing drill"],
            ["2023-04-13", "Olongapo", "Philippines", "Port call"],
        ],
    )
    result = import_file(project, path)
    assert result.unlocated == 2 == unlocated_events(project)
    assert project_info(project).located_events == 1  # Olongapo; Subic Bay has no coordinates
    assert result.unresolved_places == {"Subic Bay": 2}
    subic = place_of(project, "Joint exercise begins")
    assert subic is not None
    assert (subic.name, subic.country, subic.latitude, subic.longitude) == (
        "Subic Bay",
        "PH",
        None,
        None,
    )
    assert place_of(project, "Landing drill").id == subic.id  # type: ignore[union-attr]

    # a later file naming it again joins the same unlocated place
    later = write(
        tmp_path / "later.csv", header, [["2023-05-01", "Subic Bay", "PH", "Second exercise"]]
    )
    assert import_file(project, later).unlocated == 1
    with project.session() as session:
        assert (
            session.scalar(
                select(func.count()).select_from(Location).where(Location.name == "Subic Bay")
            )
            == 1
        )

    # the analyst locates it once: all three events are on the map
    store.move_location(project, subic.id, 14.80, 120.27)
    assert unlocated_events(project) == 0 and project_info(project).located_events == 4
    # and a new row naming it is located from the project
    again = write(
        tmp_path / "again.csv", header, [["2023-06-01", "Subic Bay", "PH", "Third exercise"]]
    )
    assert import_file(project, again).unlocated == 0
    assert place_of(project, "Third exercise").id == subic.id  # type: ignore[union-attr]


# ---------------------------------------------------------------- nearby coordinates
def _acled_beijing(
    tmp: Path, rows: int, precision: str = "1", prefix: str = "CHN"
) -> list[dict[str, str]]:
    """ACLED rows (the codebook's 31 columns) all in Beijing, within ~400 m of its centre."""
    source = tmp / f"gen_{prefix}.csv"
    write_acled_csv(source, rows, seed=5)
    with source.open(newline="", encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    rng = np.random.default_rng(7)
    for k, r in enumerate(records):
        r.update(
            country="China",
            iso="156",
            location="Beijing",
            admin1="Beijing",
            latitude=f"{39.9042 + rng.uniform(-0.003, 0.003):.4f}",
            longitude=f"{116.4074 + rng.uniform(-0.003, 0.003):.4f}",
            geo_precision=precision,
            event_id_cnty=f"{prefix}{k:05d}",
        )
    return records


def _write_acled(path: Path, records: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=ACLED_COLUMNS)
        writer.writeheader()
        writer.writerows(records)
    return path


@pytest.mark.parametrize("writer", ["core", "arrow"])
def test_fifty_acled_rows_for_beijing_are_one_place(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: str
) -> None:
    if writer == "arrow":  # the worker process that binds Arrow columns
        monkeypatch.setattr(bulk, "ARROW_WRITER_FROM_ROWS", 0)
    result = import_file(project, _write_acled(tmp_path / "a.csv", _acled_beijing(tmp_path, 50)))
    assert result.imported == 50 and result.unlocated == 0
    beijing = [p for p in places(project) if p[0] == "Beijing"]
    assert len(beijing) == 1 and beijing[0][1] == "CN"
    assert beijing[0][2:] == pytest.approx((39.9042, 116.4074), abs=0.004)
    with project.session() as session:
        own = [(e.attributes or {}).get("latitude") for e in session.scalars(select(Event))]
    assert sum(v is not None for v in own) >= 40  # rows elsewhere than the place keep theirs
    # a later export's Beijing rows join it too
    later = _write_acled(tmp_path / "b.csv", _acled_beijing(tmp_path, 20, prefix="NEW"))
    assert import_file(project, later).imported == 20
    assert len([p for p in places(project) if p[0] == "Beijing"]) == 1


def test_points_farther_apart_than_the_precision_stay_apart(
    project: Project, tmp_path: Path
) -> None:
    rows = [
        ["2024-01-01", "Springfield", "US", "39.8017", "-89.6437", "Town A"],
        ["2024-01-02", "Springfield", "US", "39.8060", "-89.6437", "Town A again"],  # 480 m
        ["2024-01-03", "Springfield", "US", "37.2153", "-93.2982", "Town B"],
        ["2024-01-04", "Springfield", "GB", "39.8017", "-89.6437", "Other country"],
        ["2024-01-05", "", "", "10.0000", "20.0000", "Nameless 1"],
        ["2024-01-06", "", "", "10.0010", "20.0000", "Nameless 2"],
    ]  # 110 m, no name
    path = write(tmp_path / "points.csv", ["date", "place", "country", "lat", "lon", "title"], rows)
    import_file(project, path)
    assert [(n, c) for n, c, _, _ in places(project)] == [
        ("10.0000, 20.0000", None),
        ("10.0010, 20.0000", None),
        ("Springfield", "GB"),
        ("Springfield", "US"),
        ("Springfield", "US"),
    ]
    town_a = place_of(project, "Town A")
    assert town_a is not None and town_a.id == place_of(project, "Town A again").id  # type: ignore[union-attr]
    # the row that joined a place 480 m away keeps its own coordinates, as written
    with project.session() as session:
        attributes = dict(session.execute(select(Event.title, Event.attributes)).all())
    assert attributes["Town A again"] == {"lat": "39.8060", "lon": "-89.6437"}
    assert attributes["Town A"] is None and attributes["Town B"] is None


def test_a_coarse_precision_joins_farther_points(project: Project, tmp_path: Path) -> None:
    records = _acled_beijing(tmp_path, 6, precision="3")  # region: 25 km
    records[3]["latitude"] = "40.0500"  # 16 km north: the same region
    import_file(project, _write_acled(tmp_path / "region.csv", records))
    assert len(places(project)) == 1
    # at town precision the same point is another place
    town = _acled_beijing(tmp_path, 2, prefix="TWN")
    town[1]["latitude"] = "40.0500"
    import_file(project, _write_acled(tmp_path / "town.csv", town))
    assert len(places(project)) == 2


# ---------------------------------------------------------------- names several places carry
def _springfields(project: Project) -> tuple[int, int]:
    il = store.create_location(
        project, store.LocationFields("Springfield", 39.80172, -89.64371, "US", "town")
    )
    mo = store.create_location(
        project, store.LocationFields("Springfield", 37.21533, -93.29824, "US", "town")
    )
    return il, mo


def test_a_name_several_places_carry_needs_a_hint_or_says_why(
    project: Project, tmp_path: Path
) -> None:
    il, mo = _springfields(project)
    path = write(
        tmp_path / "names.csv",
        ["date", "city", "state", "country", "title"],
        [
            ["2024-02-01", "Springfield", "", "US", "Which one"],
            ["2024-02-02", "Springfield", "IL", "US", "Capital"],
            ["2024-02-03", "Springfield", "Missouri", "", "Ozarks"],
        ],
    )
    result = import_file(project, path)
    assert place_of(project, "Capital").id == il  # type: ignore[union-attr]
    assert place_of(project, "Ozarks").id == mo  # type: ignore[union-attr]
    which = place_of(project, "Which one")
    assert which is not None and which.id not in (il, mo) and which.latitude is None
    assert result.unlocated == 1 and result.unresolved_places == {"Springfield": 1}
    assert any("'Springfield' matches 2 places in the project" in w for w in result.warnings)


def test_a_name_recorded_several_times_close_together_picks_the_oldest(
    project: Project, tmp_path: Path
) -> None:
    ids = [
        store.create_location(
            project, store.LocationFields("Beijing", 39.9042 + d, 116.4074, "CN", "town")
        )
        for d in (0.0, 0.01, 0.02)
    ]
    path = write(
        tmp_path / "names.csv",
        ["date", "city", "title"],
        [["2024-03-01", "Beijing", "Talks"], ["2024-03-02", "beijing", "More talks"]],
    )
    result = import_file(project, path)
    assert result.unlocated == 0 and result.warnings == []
    assert place_of(project, "Talks").id == place_of(project, "More talks").id == ids[0]  # type: ignore[union-attr]


# ---------------------------------------------------------------- the place picker
def test_the_place_picker_tells_places_of_one_name_apart(
    qtbot: Any, project: Project, tmp_path: Path
) -> None:
    from desktop_app.features.editing.forms import EventForm, MergeForm

    il, mo = _springfields(project)
    again = store.create_location(
        project, store.LocationFields("Springfield", 39.80172, -89.64371, "US", "town")
    )
    subic = store.create_location(project, store.LocationFields("Subic Bay", country="PH"))
    import_file(
        project,
        write(
            tmp_path / "b.csv",
            ["date", "place", "lat", "lon", "title"],
            [
                ["2024-01-01", "Beijing", "39.9042", "116.4074", "A"],
                ["2024-01-02", "Beijing", "39.9043", "116.4075", "B"],
            ],
        ),
    )
    choices = store.list_place_choices(project)
    form = EventForm(choices)
    qtbot.addWidget(form)
    labels = {form.place.itemData(i): form.place.itemText(i) for i in range(form.place.count())}
    assert labels[None] == "(no place)"
    beijing = next(c.id for c in choices if c.name == "Beijing")
    assert labels[beijing] == "Beijing (39.90, 116.41) — 2 events"
    assert labels[mo] == "Springfield, US (37.22, -93.30) — 0 events"
    assert labels[il] == f"Springfield, US (39.80, -89.64) — 0 events · #{il}"
    assert labels[again] == f"Springfield, US (39.80, -89.64) — 0 events · #{again}"
    assert labels[subic] == "Subic Bay, PH (not located) — 0 events"
    assert len(set(labels.values())) == len(labels)
    merge = MergeForm(choices)
    qtbot.addWidget(merge)
    assert merge.kept.itemText(merge.kept.findData(mo)).endswith(f"#{mo}")


# ---------------------------------------------------------------- slices
def test_places_are_the_same_whether_the_file_is_read_whole_or_in_slices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.ingest import pipeline

    records = _acled_beijing(tmp_path, 30)
    for r in records[10:20]:  # a second town with its own jitter, met in later slices
        r.update(
            location="Tianjin",
            latitude=f"{39.13 + float(r['latitude']) - 39.9042:.4f}",
            longitude=f"{117.20 + float(r['longitude']) - 116.4074:.4f}",
        )
    records[25].update(location="Unknown", latitude="", longitude="")
    path = _write_acled(tmp_path / "two_towns.csv", records)

    def stored(name: str, chunk: int) -> list[tuple[Any, ...]]:
        monkeypatch.setattr(pipeline, "CHUNK_ROWS", chunk)
        monkeypatch.setattr(pipeline, "PLAN_MAX_DISTINCT", 1.0)
        project = Project.open(tmp_path / f"{name}.sightline")
        try:
            import_file(project, path)
            with project.session() as session:
                return [
                    (
                        e.external_id,
                        e.location.name if e.location else None,
                        e.location.latitude if e.location else None,
                        e.attributes,
                    )
                    for e in session.scalars(select(Event).order_by(Event.id))
                ]
        finally:
            project.close()

    whole = stored("whole", 10**9)
    assert stored("sliced", 4) == whole
    assert {w[1] for w in whole} == {"Beijing", "Tianjin", None}
    assert len({(w[1], w[2]) for w in whole}) == 3


def test_place_names_in_warnings_are_kept_as_written(project: Project, tmp_path: Path) -> None:
    """The warning quotes the name exactly; the wizard shows warnings in plain-text labels
    (test_import_wizard.test_file_content_is_shown_as_plain_text checks every label)."""
    path = write(
        tmp_path / "markup.csv",
        ["date", "place", "title"],
        [["2024-01-01", "<img src='file:///etc/passwd'>Qwxyz", "Odd place"]],
    )
    result = import_file(project, path)
    assert result.unresolved_places == {"<img src='file:///etc/passwd'>Qwxyz": 1}
    assert any("<img src='file:///etc/passwd'>Qwxyz" in w for w in result.warnings)


def test_the_wizard_preview_does_not_call_a_placeholder_a_place(
    project: Project, tmp_path: Path
) -> None:
    from desktop_app.ingest.pipeline import Options, preview
    from desktop_app.ingest.place_preview import known_places, preview_places

    path = write(
        tmp_path / "p.csv",
        ["date", "place", "title"],
        [["2024-01-01", "Unknown", "a"], ["2024-01-02", "Qwxyzville", "b"]],
    )
    checked = preview(path, Options())
    assert checked.draft is not None
    places = preview_places(checked.draft, known_places(project))
    assert (places.unresolved, places.no_place) == (1, 1)
    assert places.top_unresolved == [("Qwxyzville", 1)]
