"""End-to-end import tests: real files from tests/data into a real SQLite project: the
corpus, each preset's fields, encodings and delimiters, day/month order (what happens to
rows: test_import_rows; the preset a header chooses: test_import_headers).

Every test opens its own project file in ``tmp_path``; nothing is mocked. Row numbers
are spreadsheet rows (header = row 1; in headerless GDELT files the first line is row 1).
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from desktop_app.domain.dates import DateOrder, Precision
from desktop_app.ingest.pipeline import Options, UnreadableFile, import_file
from desktop_app.store.project import Project
from desktop_app.store.schema import Actor, Event, ImportBatch, Location, Source

DATA = Path(__file__).parent / "data"
EXPECTED: dict[str, dict] = json.loads((DATA / "EXPECTED.json").read_text(encoding="utf-8"))
IMPORTABLE = sorted(name for name, e in EXPECTED.items() if e["events"] > 0)
UNREADABLE = sorted(name for name, e in EXPECTED.items() if e["events"] == 0)


# ---------------------------------------------------------------- helpers
@pytest.fixture
def project(sqlite_project: Project) -> Project:
    return sqlite_project


def load_events(project: Project) -> list[Event]:
    """All events, with location, actors and sources loaded, detached from the session."""
    with project.session() as session:
        events = list(
            session.scalars(
                select(Event)
                .options(selectinload(Event.actors), selectinload(Event.sources))
                .order_by(Event.id)
            ).unique()
        )
        session.expunge_all()
    return events


def by(events: list[Event], attribute: str) -> dict[str, Event]:
    return {getattr(e, attribute): e for e in events}


def count(project: Project, model: type) -> int:
    with project.session() as session:
        return int(session.scalar(select(func.count()).select_from(model)))


def table_counts(project: Project) -> dict[str, int]:
    return {m.__name__: count(project, m) for m in (ImportBatch, Event, Location, Actor, Source)}


def write_csv(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def csv_rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# ---------------------------------------------------------------- 1. the corpus
@pytest.mark.parametrize("name", IMPORTABLE)
def test_corpus_file_matches_expected(project: Project, name: str) -> None:
    """Preset, event count, rows read and the exact (row, column) of every reject."""
    expected = EXPECTED[name]
    result = import_file(project, DATA / name)

    assert result.preset == expected["preset"]
    assert result.imported == expected["events"]
    assert result.rows_read == expected["rows"]
    assert {(r.row, r.column) for r in result.rejects} == {
        (r["row"], r["column"]) for r in expected["rejects"]
    }
    reasons = {(r.row, r.column): r.reason for r in result.rejects}
    for r in expected["rejects"]:
        assert r["reason_contains"].lower() in reasons[(r["row"], r["column"])].lower()
    assert result.rejected == len({r["row"] for r in expected["rejects"]})
    # the store agrees with the result
    assert count(project, Event) == expected["events"]
    with project.session() as session:
        batch = session.get(ImportBatch, result.batch)
        assert (batch.file_name, batch.preset, batch.imported) == (
            name,
            expected["preset"],
            expected["events"],
        )


# ---------------------------------------------------------------- 2. preset semantics
def test_acled_fields(project: Project) -> None:
    import_file(project, DATA / "acled_sample.csv")
    events = by(load_events(project), "external_id")
    assert "SDN41022" not in events  # row 4, latitude 123.5

    kyiv = events["UKR213301"]
    assert kyiv.category == "Explosions/Remote violence"
    assert kyiv.start == datetime(2025, 5, 16) and kyiv.date_precision is Precision.DAY
    assert {a.name for a in kyiv.actors} == {
        "Military Forces of Russia (2000-)",
        "Civilians (Ukraine)",
    }
    assert [s.title for s in kyiv.sources] == ["Reuters", "Kyiv Independent"]
    assert kyiv.location.country == "UA"  # iso 804
    assert (kyiv.location.latitude, kyiv.location.longitude) == (50.4501, 30.5234)
    assert kyiv.location.geo_precision == "town"  # ACLED geo_precision 1
    assert kyiv.attributes["fatalities"] == "0"

    assert events["SDN41037"].location.country == "SD"  # 729
    assert events["SDN41037"].location.geo_precision == "near"  # geo_precision 2
    assert events["SDN41037"].attributes["fatalities"] == "5"
    assert events["PHL19876"].location.country == "PH"  # 608
    assert events["RUS8812"].location.country == "RU"  # 643
    # time_precision 3: only the month is known
    assert events["PHL19890"].start == datetime(2025, 5, 1)
    assert events["PHL19890"].date_precision is Precision.MONTH


def test_acled_notes_kept_intact_including_embedded_newline(project: Project) -> None:
    import_file(project, DATA / "acled_sample.csv")
    events = by(load_events(project), "external_id")
    notes = {r["event_id_cnty"]: r["notes"] for r in csv_rows("acled_sample.csv")}
    assert "\n" in events["SDN41037"].description
    for external_id, event in events.items():
        assert event.description == notes[external_id]


def test_acled_associated_actors_split_on_semicolon(project: Project, tmp_path: Path) -> None:
    rows = csv_rows("acled_dd_mm_yyyy.csv")
    rows[2]["assoc_actor_1"] = "Students (Philippines); Labour Group (Philippines)"
    path = tmp_path / "acled_assoc.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    import_file(project, path)
    event = by(load_events(project), "external_id")["PHL19950"]
    assert {a.name for a in event.actors} == {
        "Protesters (Philippines)",
        "Students (Philippines)",
        "Labour Group (Philippines)",
    }


@pytest.mark.parametrize(
    "name, starts",
    [
        (
            "acled_dd_mm_yyyy.csv",
            {
                "UKR214001": (2025, 5, 16),
                "SDN41200": (2025, 5, 23),
                "PHL19950": (2025, 6, 3),
                "RUS8900": (2025, 2, 1),
            },
        ),
        (
            "acled_dmy_words.csv",
            {
                "UKR214001": (2025, 5, 16),
                "SDN41200": (2025, 6, 3),
                "PHL19950": (2024, 2, 28),
                "RUS8900": (2025, 1, 1),
            },
        ),
    ],
)
def test_acled_date_forms(project: Project, name: str, starts: dict) -> None:
    """dd-mm-yyyy is day-first (03-06-2025 is 3 June); '16 May 2025' is understood."""
    result = import_file(project, DATA / name)
    assert result.rejects == []
    events = by(load_events(project), "external_id")
    assert {k: (e.start.year, e.start.month, e.start.day) for k, e in events.items()} == starts
    assert {e.date_precision for e in events.values()} == {Precision.DAY}


def test_gdelt_v1_fields(project: Project) -> None:
    result = import_file(project, DATA / "gdelt_v1.tsv")
    events = by(load_events(project), "external_id")

    assert events["412345602"].location.country == "CN"  # FIPS CH
    assert events["412345603"].location.country == "TW"
    assert events["412345605"].location.country == "GB"  # FIPS UK
    philippines = events["412345604"].location  # FIPS RP, Geo_Type 1
    assert philippines.country == "PH"
    assert philippines.geo_precision == "country"
    assert (philippines.latitude, philippines.longitude) == (13.0, 122.0)
    assert events["412345601"].location.geo_precision == "town"  # Geo_Type 4

    assert events["412345606"].location is None  # no ActionGeo at all
    assert result.unlocated == 1

    first = events["412345601"]
    assert first.start == datetime(2015, 4, 10) and first.date_precision is Precision.DAY
    assert [s.url for s in first.sources] == [
        "https://www.example.com/world/2015/04/russia-china-talks"
    ]
    assert first.attributes["EventCode"] == "036"  # leading zero kept
    assert {a.name for a in first.actors} == {"RUSSIA", "CHINA"}


def test_gdelt_v1_57_columns_have_no_source(project: Project) -> None:
    import_file(project, DATA / "gdelt_v1_57.tsv")
    events = by(load_events(project), "external_id")
    assert all(e.sources == [] for e in events.values())
    assert events["251000103"].location.country == "UA"  # FIPS UP


def test_gdelt_v2_date_comes_from_sqldate(project: Project) -> None:
    import_file(project, DATA / "gdelt_v2.export.CSV")
    events = by(load_events(project), "external_id")
    late = events["1242000003"]  # SQLDATE 20250515, DATEADDED 20250516123000
    assert late.start == datetime(2025, 5, 15)
    assert late.date_precision is Precision.DAY
    assert late.location.country == "PH"
    assert [s.url for s in late.sources] == [
        "https://www.example.com/news/2025/05/16/manila-protest-note"
    ]


def test_timelinejs(project: Project) -> None:
    result = import_file(project, DATA / "timelinejs.csv")
    assert result.skipped == 2  # the title and era rows
    assert {r.row for r in result.rejects} == {9, 10}  # not rows 2 and 3
    events = by(load_events(project), "title")
    assert "Regional security timeline" not in events
    assert "Period of heightened tension" not in events

    def when(title: str) -> tuple[datetime, Precision]:
        return events[title].start, events[title].date_precision

    assert when("Joint naval exercise announced") == (datetime(2019, 1, 1), Precision.YEAR)
    assert when("Border crossings closed") == (datetime(2020, 3, 1), Precision.MONTH)
    assert when("Delegation arrives in Manila") == (datetime(2021, 6, 15), Precision.DAY)
    assert when("Press conference in Taipei") == (datetime(2021, 6, 16, 14, 30), Precision.MINUTE)
    talks = events["Talks in Beijing"]
    assert talks.start == datetime(2022, 1, 10)
    assert talks.end == datetime(2022, 2, 21)  # exclusive end of 20 February
    assert events["Joint naval exercise announced"].end is None
    # HTML is stored as given; escaping is the display's job
    assert events["Delegation arrives in Manila"].description == (
        '<p>Report <a href="https://example.org">here</a></p>'
    )


def test_timemap(project: Project) -> None:
    import_file(project, DATA / "timemap.csv")
    events = by(load_events(project), "external_id")
    assert (events["3"].start, events["3"].date_precision) == (
        datetime(2015, 10, 23),
        Precision.DAY,
    )
    assert events["5"].start == datetime(2015, 11, 2)  # 11/2/2015: 2 November
    assert (events["1"].start, events["1"].date_precision) == (
        datetime(2015, 10, 10, 14, 5),
        Precision.MINUTE,
    )
    assert events["1"].tags == ["Protest", "Crowd"]
    assert {s.title for s in events["2"].sources} == {"SRC-001", "SRC-002"}
    manila = events["4"].location  # name only: resolved by the gazetteer
    assert manila.country == "PH"
    assert manila.latitude == pytest.approx(14.6, abs=0.1)
    assert manila.longitude == pytest.approx(121.0, abs=0.1)


def test_generic_own_sheet(project: Project) -> None:
    result = import_file(project, DATA / "generic_own_sheet.csv")
    events = by(load_events(project), "title")

    def when(title: str) -> tuple[datetime, Precision]:
        return events[title].start, events[title].date_precision

    assert when("Annual defence review published") == (datetime(2023, 1, 1), Precision.YEAR)
    assert when("Port visit by naval flotilla") == (datetime(2023, 5, 1), Precision.MONTH)
    assert when("Coast guard incident reported") == (datetime(2023, 5, 14), Precision.DAY)
    assert events["Coast guard incident reported"].end == datetime(2023, 5, 17)
    assert when("Air raid alert") == (datetime(2023, 5, 14, 9, 30), Precision.MINUTE)

    taipei = events["Port visit by naval flotilla"].location
    assert taipei.country == "TW"
    assert taipei.latitude == pytest.approx(25.05, abs=0.1)
    assert events["Coast guard incident reported"].location.country == "PH"

    # ambiguous and unknown places: imported without coordinates, and said so; the
    # place text is kept on an unlocated place (locating it later locates its events)
    for title, name in (
        ("Town hall meeting", "Springfield"),
        ("Unverified sighting", "Qwxyzville"),
    ):
        place = events[title].location
        assert (place.name, place.latitude, place.longitude) == (name, None, None)
    assert result.unlocated == 2
    assert result.unresolved_places == {"Springfield": 1, "Qwxyzville": 1}
    assert any("Springfield" in w and "Qwxyzville" in w for w in result.warnings)


def test_generic_epoch_seconds(project: Project) -> None:
    import_file(project, DATA / "generic_epoch.csv")
    events = by(load_events(project), "title")
    assert {t: e.start_s for t, e in events.items()} == {
        "Sensor alert A": 1_700_000_000,
        "Sensor alert B": 1_710_000_000,
        "Sensor alert C": 1_720_000_000,
    }
    assert events["Sensor alert A"].start == datetime(2023, 11, 14, 22, 13, 20)
    assert {e.date_precision for e in events.values()} == {Precision.MINUTE}


def test_generic_extra_columns_kept_as_attributes(project: Project) -> None:
    import_file(project, DATA / "generic_extra_columns.csv")
    events = by(load_events(project), "title")
    assert events["Patrol observed"].attributes == {
        "analyst_note": "Seen from the harbour, two vessels",
        "priority": "high",
    }
    assert events["Patrol not observed"].attributes == {"priority": "low"}  # empty left out


@pytest.mark.parametrize("sheet", [None, "Events"])
def test_xlsx_events_sheet(project: Project, sheet: str | None) -> None:
    result = import_file(project, DATA / "generic_multi_sheet.xlsx", Options(sheet=sheet))
    assert result.sheet == "Events"
    events = by(load_events(project), "title")

    def when(title: str) -> tuple[datetime, Precision]:
        return events[title].start, events[title].date_precision

    assert when("Exercise begins") == (datetime(2024, 1, 15), Precision.DAY)
    assert when("Exercise ends") == (datetime(2024, 1, 20, 18, 0), Precision.MINUTE)
    assert when("Maritime incident") == (datetime(2024, 2, 1), Precision.MONTH)
    # an integer 2022 cell is a year, not Excel serial day 2022 (1905-07-14)
    assert when("Policy paper released") == (datetime(2022, 1, 1), Precision.YEAR)
    assert events["Maritime incident"].location.country == "PH"


def test_xlsx_unknown_sheet_names_the_sheets(project: Project) -> None:
    with pytest.raises(UnreadableFile) as error:
        import_file(project, DATA / "generic_multi_sheet.xlsx", Options(sheet="Nope"))
    message = str(error.value)
    assert "Nope" in message and "Events" in message and "Notes" in message
    assert table_counts(project)["ImportBatch"] == 0


# ---------------------------------------------------------------- 3. encodings, delimiters
def test_cp1252_file(project: Project) -> None:
    result = import_file(project, DATA / "generic_cp1252.csv")
    assert result.encoding == "cp1252"
    assert {e.title for e in load_events(project)} == {
        # cp1252's typographic dashes and quotes, decoded as such
        "Café meeting \u2013 \u201ctalks\u201d resume",
        "Aid pledge of €2 million announced",
        "Minister\u2019s visit to Zürich \u2013 \u201cconstructive\u201d",
    }


def test_utf8_bom_file(project: Project) -> None:
    result = import_file(project, DATA / "generic_utf8_bom.csv")
    assert result.encoding == "utf-8-sig"
    assert {e.title for e in load_events(project)} == {
        "Встреча в Москве",
        "北京会谈",
        "Заява з Києва / 基辅声明",
    }
    with project.session() as session:
        mapping = session.get(ImportBatch, result.batch).mapping
    assert mapping["title"] == "title"  # not "\ufefftitle"


@pytest.mark.parametrize(
    "name, delimiter, title",
    [
        ("generic_semicolon.csv", ";", "Talks conclude; joint statement issued"),
        ("generic.tsv", "\t", "Ceasefire talks, first round"),
    ],
)
def test_delimiter_detected(project: Project, name: str, delimiter: str, title: str) -> None:
    result = import_file(project, DATA / name)
    assert result.delimiter == delimiter
    assert result.imported == 3
    assert title in {e.title for e in load_events(project)}


# ---------------------------------------------------------------- 4. day/month order
def test_ambiguous_dates_warn_and_default_to_day_first(project: Project) -> None:
    result = import_file(project, DATA / "generic_ambiguous.csv")
    assert any("ambiguous" in w.lower() for w in result.warnings)
    starts = {e.title: e.start for e in load_events(project)}
    assert starts["Meeting in Moscow"] == datetime(2024, 4, 3)  # 03/04/2024
    assert starts["Statement from Beijing"] == datetime(2024, 6, 5)


def test_ambiguous_dates_month_first_when_asked(project: Project) -> None:
    result = import_file(
        project, DATA / "generic_ambiguous.csv", Options(date_order=DateOrder.MONTH_FIRST)
    )
    assert not any("ambiguous" in w.lower() for w in result.warnings)
    starts = {e.title: e.start for e in load_events(project)}
    assert starts["Meeting in Moscow"] == datetime(2024, 3, 4)
    assert starts["Vessel sighted off Manila"] == datetime(2024, 1, 2)


def test_day_first_detected_without_warning(project: Project) -> None:
    result = import_file(project, DATA / "generic_dayfirst.csv")
    assert result.warnings == []
    starts = {e.title: e.start for e in load_events(project)}
    assert starts == {
        "Winter reception": datetime(2023, 12, 25),
        "Trade fair opens": datetime(2024, 4, 3),
        "Conference on maritime security": datetime(2024, 5, 11),
    }


def test_explicit_date_order_applies_to_end_column(project: Project, tmp_path: Path) -> None:
    """A typo (13/04) makes the start column look day-first; the user says month-first."""
    path = write_csv(
        tmp_path / "order.csv",
        "title,start,end\nTypo row,13/04/2024,\nTalks,03/04/2024,05/04/2024\n",
    )
    import_file(project, path, Options(date_order=DateOrder.MONTH_FIRST))
    talks = by(load_events(project), "title")["Talks"]
    assert talks.start == datetime(2024, 3, 4)
    assert talks.end == datetime(2024, 5, 5)  # 4 May, exclusive end
