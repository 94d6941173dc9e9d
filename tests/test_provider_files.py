"""Files as the providers ship them import with the codebook-correct counts.

Each file in tests/data/providers/ is written in its provider's published layout (the
exact header of the codebook, its date forms and missing-value habits; see the README
there). Every test imports a file into a real SQLite project through the pipeline and
checks the counts, then the date precision, actors, sources and places of given rows.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from desktop_app.domain.dates import Precision, from_seconds
from desktop_app.ingest.pipeline import ImportResult, Options, UnreadableFile, import_file
from desktop_app.store.project import Project
from desktop_app.store.schema import Actor, Event, event_actor

PROVIDERS = Path(__file__).parent / "data" / "providers"

# file -> (preset, imported, duplicates, rejected, unlocated)
EXPECTED = {
    "acled_excel_resave.csv": ("acled", 5, 0, 0, 0),
    "acled_2015_upper.csv": ("acled", 4, 0, 0, 0),
    "acled_2019_api.csv": ("acled", 3, 0, 0, 0),
    "gdelt_v1_mixed_57_58.tsv": ("gdelt_v1", 4, 0, 1, 0),
    "gdelt_v1_with_header.csv": ("gdelt_v1", 3, 0, 0, 1),
    "gdelt_v2_bigquery.csv": ("gdelt_v2", 2, 0, 0, 0),
    "globalterrorismdb.csv": ("gtd", 6, 0, 0, 1),
    "ged_events.csv": ("ucdp", 5, 0, 0, 0),
    "icews_events.tab": ("icews", 4, 0, 0, 1),
    "incidents_no_title.csv": ("generic", 4, 0, 0, 1),
    "earthquakes_origintime.csv": ("generic", 3, 0, 0, 0),
}


def run(project: Project, name: str, options: Options | None = None) -> ImportResult:
    return import_file(project, PROVIDERS / name, options or Options())


def events(project: Project) -> dict[str, Event]:
    """Events by external id (else "#" + database id), with location, actors and sources loaded."""
    with project.session() as session:
        rows = list(
            session.scalars(
                select(Event)
                .options(
                    selectinload(Event.actors),
                    selectinload(Event.sources),
                    selectinload(Event.location),
                )
                .order_by(Event.id)
            ).unique()
        )
        session.expunge_all()
    return {e.external_id or f"#{e.id}": e for e in rows}


def roles(project: Project, event: Event) -> dict[int, set[str]]:
    """Actor names of an event by role (1 actor 1, 2 actor 2, 3 associated)."""
    with project.engine.connect() as conn:
        pairs = conn.execute(
            select(event_actor.c.role, Actor.name)
            .join(Actor, Actor.id == event_actor.c.actor_id)
            .where(event_actor.c.event_id == event.id)
        ).all()
    out: dict[int, set[str]] = {}
    for role, name in pairs:
        out.setdefault(int(role), set()).add(name)
    return out


def start(event: Event) -> datetime:
    return from_seconds(event.start_s)


def end(event: Event) -> datetime | None:
    return from_seconds(event.end_s) if event.end_s is not None else None


def sources(event: Event) -> set[str]:
    return {s.title for s in event.sources}


def place(event: Event) -> tuple[Any, ...] | None:
    loc = event.location
    if loc is None:
        return None
    return (loc.name, loc.country, round(loc.latitude or 0, 4), round(loc.longitude or 0, 4))


# ---------------------------------------------------------------- counts of every file
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_provider_file_counts(project: Project, name: str) -> None:
    preset, imported, duplicates, rejected, unlocated = EXPECTED[name]
    result = run(project, name)
    assert (
        result.preset,
        result.imported,
        result.duplicates,
        result.rejected,
        result.unlocated,
    ) == (preset, imported, duplicates, rejected, unlocated)
    assert result.imported + result.duplicates + result.rejected == result.rows_read
    assert len(events(project)) == imported


def test_every_corpus_file_is_listed() -> None:
    data = {p.name for p in PROVIDERS.iterdir() if p.suffix not in (".py", ".md")}
    assert data == set(EXPECTED) | {"split_dates_custom.csv"}


def test_reimport_of_a_provider_file_adds_nothing(project: Project) -> None:
    run(project, "globalterrorismdb.csv")
    again = run(project, "globalterrorismdb.csv")
    assert (again.imported, again.duplicates, again.rejected) == (0, 6, 0)


# ---------------------------------------------------------------- ACLED
def test_acled_excel_resave_reads_d_mon_yy_dates(project: Project) -> None:
    run(project, "acled_excel_resave.csv")
    e = events(project)
    assert (start(e["UKR1001"]), e["UKR1001"].precision) == (datetime(2020, 5, 9), Precision.DAY)
    assert start(e["UKR1004"]) == datetime(2020, 6, 30)
    # time_precision 3: only the month is known
    assert (start(e["UKR1003"]), e["UKR1003"].precision) == (datetime(2020, 6, 1), Precision.MONTH)
    assert e["UKR1002"].title == "Shelling/artillery/missile attack in Avdiivka"
    assert roles(project, e["UKR1004"]) == {
        1: {"Protesters (Ukraine)"},
        3: {"Labour Group (Ukraine)", "Miners (Ukraine)"},
    }
    assert sources(e["UKR1002"]) == {"Ukrinform", "UNIAN"}
    assert place(e["UKR1001"]) == ("Kyiv", "UA", 50.4501, 30.5234)


def test_acled_2015_upper_case_layout_with_ally_actors(project: Project) -> None:
    run(project, "acled_2015_upper.csv")
    e = events(project)
    assert set(e) == {"NIG8801", "NIG8802", "NIG8803", "NIG8804"}
    # dd/mm/yyyy (14/01 and 22/01 decide the order)
    assert start(e["NIG8801"]) == datetime(2015, 1, 3)
    assert (start(e["NIG8804"]), e["NIG8804"].precision) == (datetime(2015, 2, 1), Precision.MONTH)
    assert roles(project, e["NIG8802"]) == {
        1: {"Military Forces of Nigeria (2010-2015)"},
        3: {"Civilian JTF"},
        2: {"Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad"},
    }
    assert roles(project, e["NIG8803"]) == {1: {"Protesters (Nigeria)"}}
    assert e["NIG8801"].category == "Violence against civilians"
    assert e["NIG8801"].title == "Violence against civilians in Baga"
    assert place(e["NIG8802"]) == ("Maiduguri", "NG", 11.8333, 13.15)
    assert sources(e["NIG8803"]) == {"Premium Times"}
    assert e["NIG8801"].attributes is not None
    assert e["NIG8801"].attributes["fatalities"] == "150"
    assert e["NIG8801"].attributes["gwno"] == "475"


def test_acled_2019_api_layout(project: Project) -> None:
    run(project, "acled_2019_api.csv")
    e = events(project)
    assert set(e) == {"YEM40101", "YEM40102", "YEM40103"}
    assert roles(project, e["YEM40101"])[3] == {"Security Belt Forces", "Militia (Pro-STC)"}
    assert e["YEM40103"].precision == Precision.MONTH
    assert place(e["YEM40102"]) == ("Hodeidah", "YE", 14.7978, 42.9545)
    assert e["YEM40101"].attributes is not None
    assert e["YEM40101"].attributes["data_id"] == "6019001"


# ---------------------------------------------------------------- GDELT
def test_gdelt_v1_mixes_57_and_58_field_records(project: Project) -> None:
    result = run(project, "gdelt_v1_mixed_57_58.tsv")
    assert [(r.row, r.reason) for r in result.rejects] == [
        (4, "has 4 fields where GDELT records have 57 or 58")
    ]
    e = events(project)
    assert set(e) == {"251000201", "251000202", "256000301", "256000302"}
    assert sources(e["251000201"]) == set()  # the backfile has no SOURCEURL
    assert sources(e["256000301"]) == {"http://www.example.com/2013/04/01/kiev-moscow-talks.html"}
    assert (start(e["251000202"]), e["251000202"].precision) == (
        datetime(2013, 3, 15),
        Precision.DAY,
    )
    assert roles(project, e["256000301"]) == {1: {"UKRAINE"}, 2: {"RUSSIA"}}
    assert place(e["256000302"]) == ("Manila, Manila, Philippines", "PH", 14.6042, 120.982)
    assert e["251000201"].category == "Express intent to cooperate"  # CAMEO 036 (root 03)


def test_gdelt_with_header_row(project: Project) -> None:
    run(project, "gdelt_v1_with_header.csv")
    e = events(project)
    assert start(e["256000310"]) == datetime(2013, 4, 5)
    assert e["256000310"].category == "Coerce"
    assert place(e["256000301"]) == ("Kiev, Kyyiv, Misto, Ukraine", "UA", 50.4333, 30.5167)
    assert e["256000311"].location is None  # no geography coded
    assert sources(e["256000311"]) == {"http://www.example.com/2013/04/06/statement.html"}


def test_gdelt_v2_bigquery_export(project: Project) -> None:
    run(project, "gdelt_v2_bigquery.csv")
    e = events(project)
    # the event date is SQLDATE, not DATEADDED (the next day)
    assert start(e["1242000102"]) == datetime(2025, 5, 15)
    assert e["1242000102"].attributes is not None
    assert e["1242000102"].attributes["DATEADDED"] == "20250516124500"
    assert roles(project, e["1242000101"]) == {1: {"RUSSIA"}, 2: {"CHINA"}}


# ---------------------------------------------------------------- GTD
def test_gtd_split_dates_actors_and_places(project: Project) -> None:
    run(project, "globalterrorismdb.csv")
    e = events(project)
    first = e["197000000001"]
    assert (start(first), first.precision) == (datetime(1970, 7, 2), Precision.DAY)
    # imonth 0 and iday 0: only the year is known
    assert (start(e["197000000002"]), e["197000000002"].precision) == (
        datetime(1970, 1, 1),
        Precision.YEAR,
    )
    # iday 0: the month
    assert (start(e["197001000001"]), e["197001000001"].precision) == (
        datetime(1970, 1, 1),
        Precision.MONTH,
    )
    assert first.title == "Assassination in Santo Domingo"
    assert first.category == "Assassination"
    assert roles(project, first) == {1: {"MANO-D"}}
    assert place(first) == ("Santo Domingo", "DO", 18.4568, -69.9512)
    # "Unknown" is neither an actor nor a place
    assert roles(project, e["197001000001"]) == {}
    assert e["197001000001"].location is not None
    assert e["197001000001"].location.name != "Unknown"
    istanbul = e["201701010001"]
    assert istanbul.description is not None and "nightclub" in istanbul.description
    assert roles(project, istanbul) == {1: {"Islamic State of Iraq and the Levant (ISIL)"}}
    assert len(istanbul.sources) == 2
    assert istanbul.attributes is not None
    assert istanbul.attributes["nkill"] == "39"
    # an extended incident ends at its resolution date (the end of that day)
    mosul = e["201506100001"]
    assert (start(mosul), end(mosul)) == (datetime(2015, 6, 10), datetime(2015, 7, 16))
    assert roles(project, mosul) == {1: {"Islamic State of Iraq and the Levant (ISIL)"}}
    # specificity 5: no coordinates and an unknown city: imported, not located
    afghan = e["199801150003"]
    assert afghan.location is None
    assert afghan.attributes is not None
    assert afghan.attributes["approxdate"] == "January 15-17, 1998"


# ---------------------------------------------------------------- UCDP GED
def test_ucdp_date_prec_sides_and_sources(project: Project) -> None:
    run(project, "ged_events.csv")
    e = events(project)
    douma = e["244657"]
    assert (start(douma), douma.precision, douma.end_s) == (
        datetime(2017, 7, 31),
        Precision.DAY,
        None,
    )
    assert douma.title == "State-based conflict: Government of Syria - Syrian insurgents"
    assert roles(project, douma) == {1: {"Government of Syria"}, 2: {"Syrian insurgents"}}
    assert place(douma) == ("Douma town", "SY", 33.5711, 36.4025)
    assert douma.attributes is not None
    assert douma.attributes["best"] == "5"
    # date_prec 2: the days from date_start to date_end
    jobar = e["244701"]
    assert (start(jobar), jobar.precision, end(jobar)) == (
        datetime(2017, 8, 1),
        Precision.DAY,
        datetime(2017, 8, 5),
    )
    assert len(jobar.sources) == 2
    # date_prec 4: a month; date_prec 5: a year
    assert (start(e["251030"]), e["251030"].precision) == (datetime(2017, 9, 1), Precision.MONTH)
    assert (start(e["253400"]), e["253400"].precision) == (datetime(2017, 1, 1), Precision.YEAR)
    assert e["253400"].location is not None
    assert e["253400"].location.geo_precision == "country"  # where_prec 6
    assert e["249876"].category == "Non-state conflict"
    assert place(e["249876"]) == ("Kamonia town", "CD", -6.8667, 20.9167)


# ---------------------------------------------------------------- ICEWS
def test_icews_actors_publisher_and_places(project: Project) -> None:
    run(project, "icews_events.tab")
    e = events(project)
    first = e["926685"]
    # Source Name acts; it is not where the report came from: Publisher is
    assert roles(project, first) == {1: {"Extremist (Russia)"}, 2: {"Boris Yeltsin"}}
    assert sources(first) == {"The Toronto Star"}
    assert first.category == "Praise or endorse"
    assert first.title == "Praise or endorse: Extremist (Russia) → Boris Yeltsin"
    assert first.attributes is not None
    assert first.attributes["CAMEO Code"] == "051"
    assert place(first) == ("Moscow", "RU", 55.7522, 37.6156)
    # no city: the province names the place
    assert place(e["926687"]) == ("Chechnya", "RU", 43.3167, 45.7)
    assert e["926687"].location is not None
    assert e["926687"].location.geo_precision == "region"
    assert sources(e["1264703"]) == {"Xinhua News Agency"}
    assert e["1264710"].location is None
    with project.session() as session:
        names = set(session.scalars(select(Actor.name)))
    assert "The Toronto Star" not in names


# ---------------------------------------------------------------- sheets of other tools
def test_rows_without_titles_get_built_titles_and_na_is_missing(project: Project) -> None:
    result = run(project, "incidents_no_title.csv")
    assert any("'Date of Incident (month/day/year)'" in w for w in result.warnings)
    assert any(w.startswith("4 rows have no title or description") for w in result.warnings)
    by_id = {(e.attributes or {}).get("Incident ID"): e for e in events(project).values()}
    assert by_id["IN-0001"].title == "Shooting in Houston"
    assert start(by_id["IN-0002"]) == datetime(2012, 1, 25)  # month-first, detected
    assert by_id["IN-0002"].title == "Event in Dallas"  # Type "null" is no category
    assert by_id["IN-0002"].category is None
    # NA city and NA/N/A coordinates: no place, no coordinates, not a reject
    assert by_id["IN-0003"].title == "Shooting"
    assert by_id["IN-0003"].location is None
    # no category ("-") and no place ("None"): the wordiest text column
    assert by_id["IN-0004"].title == "Riverside Park"
    assert by_id["IN-0004"].location is not None
    assert by_id["IN-0004"].location.name != "None"
    assert "Address" not in (by_id["IN-0003"].attributes or {})  # "N/A" is blank


def test_origintime_with_named_zones(project: Project) -> None:
    result = run(project, "earthquakes_origintime.csv")
    assert any("'origintime'" in w for w in result.warnings)
    by_title = sorted(events(project).values(), key=lambda e: e.start_s)
    assert [(start(e), e.precision) for e in by_title] == [
        (datetime(2012, 1, 11, 10, 30, 5), Precision.MINUTE),
        (datetime(2012, 1, 12, 0, 0), Precision.DAY),  # a date alone is never shifted
        (datetime(2012, 1, 12, 0, 2), Precision.MINUTE),  # 18:02 CST is 00:02 UTC
    ]
    assert by_title[0].title == "Southern Alaska"


def test_split_dates_mapped_through_options(project: Project) -> None:
    with pytest.raises(UnreadableFile, match=r"--map year=iyear --map month=imonth"):
        run(project, "split_dates_custom.csv")
    result = run(
        project,
        "split_dates_custom.csv",
        Options(
            preset="generic",
            mapping={
                "year": "Jahr",
                "month": "Monat",
                "day": "Tag",
                "place": "Ort",
                "country": "Land",
                "description": "Beschreibung",
            },
        ),
    )
    assert (result.imported, result.rejected) == (3, 1)
    assert [(r.row, r.column) for r in result.rejects] == [(5, "Jahr")]
    assert "month '13' is not 1 to 12" in result.rejects[0].reason
    got = {e.description: (start(e), e.precision) for e in events(project).values()}
    assert got == {
        "Fall der Mauer": (datetime(1989, 11, 9), Precision.DAY),
        "Einheit, Tag unbekannt": (datetime(1990, 10, 1), Precision.MONTH),
        "Hauptstadtbeschluss, nur das Jahr": (datetime(1991, 1, 1), Precision.YEAR),
    }


def test_date_alias_in_the_mapping(project: Project) -> None:
    result = run(
        project,
        "incidents_no_title.csv",
        Options(
            preset="generic",
            mapping={
                "date": "Date of Incident (month/day/year)",
                "place": "City",
                "id": "Incident ID",
            },
        ),
    )
    assert result.imported == 4
    assert not any("No column is named as a date" in w for w in result.warnings)
    assert set(events(project)) == {"IN-0001", "IN-0002", "IN-0003", "IN-0004"}


def test_unknown_field_in_the_mapping_is_named(project: Project) -> None:
    with pytest.raises(UnreadableFile, match="unknown field 'wann'"):
        run(project, "incidents_no_title.csv", Options(preset="generic", mapping={"wann": "City"}))


def test_forced_preset_that_does_not_fit_says_so(project: Project) -> None:
    with pytest.raises(UnreadableFile, match="Global Terrorism Database"):
        run(project, "icews_events.tab", Options(preset="gtd"))


# ---------------------------------------------------------------- big files in slices
@pytest.mark.parametrize("name", sorted(EXPECTED))  # generic ones too: one built-titles count
def test_provider_file_sliced_equals_whole(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A big file is normalised in slices: every preset gives the same result as whole."""
    from test_import_speed_paths import _same

    _same(PROVIDERS / name, tmp_path, monkeypatch, chunk=2)


def test_date_column_found_by_content_is_the_same_in_every_slice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_import_speed_paths import _same

    path = tmp_path / "logged.csv"
    # the first rows' "updated" values are dates too (a first slice alone would take that
    # column, the leftmost), but over the whole file only a third are
    lines = ["ref,updated,when (UTC),what,where"]
    for i in range(12):
        updated = "2020-01-01" if i < 4 else "not yet"
        lines.append(f"R{i},{updated},{i + 1}-May-20,Report {i},Kyiv")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result, _stored = _same(path, tmp_path, monkeypatch, chunk=3)
    assert result.imported == 12
    assert any("'when (UTC)'" in w for w in result.warnings)


@pytest.mark.parametrize(
    "name, preset",
    [
        ("gdelt_v1_with_header.csv", "gdelt_v1"),
        ("gdelt_v2_bigquery.csv", "gdelt_v2"),
        ("gdelt_v1_mixed_57_58.tsv", "gdelt_v1"),
    ],
)
def test_gdelt_preset_asked_for_reads_with_or_without_header(
    project: Project, name: str, preset: str
) -> None:
    result = run(project, name, Options(preset="gdelt"))
    assert (result.preset, result.imported) == (preset, EXPECTED[name][1])


def test_gdelt_lines_that_do_not_decode_or_are_blank(project: Project, tmp_path: Path) -> None:
    lines = (PROVIDERS / "gdelt_v1_mixed_57_58.tsv").read_bytes().split(b"\n")
    bad = lines[1].replace(b"UKRAINE", b"UKRA\xcfNE")  # one cp1252 byte in a UTF-8 file
    path = tmp_path / "20130402.export.CSV"
    path.write_bytes(b"\n".join([lines[0], bad, b"", lines[2], lines[4]]) + b"\n")
    result = import_file(project, path)
    assert [(r.row, r.reason) for r in result.rejects] == [(2, "the line is not valid UTF-8")]
    assert (result.imported, result.rejected, result.rows_read) == (3, 1, 4)
    assert set(events(project)) == {"251000201", "251000202", "256000302"}
