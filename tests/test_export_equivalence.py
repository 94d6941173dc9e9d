"""The whole-column exports against hand-written expectations: a project built from an
ACLED export (the codebook's 31 columns) and an analyst's own sheet, with events at every
date precision, ranges, missing places, unicode, formula-like text and cells holding
quotes, commas and newlines. The expected cells below are written from the input files
and the codebook, not taken from the exporter. Also: the column formatters equal their
one-value counterparts, and the dense (id range) and sparse (IN list) reads agree."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from desktop_app.domain.dates import MAX_SECONDS, MIN_SECONDS, Precision, to_seconds
from desktop_app.export import columns
from desktop_app.export.csv_export import COLUMNS, quoted, write_csv
from desktop_app.export.geo import write_geojson
from desktop_app.export.records import end_text, export_events, start_text
from desktop_app.frame import EventFrame
from desktop_app.ingest.pipeline import import_file
from desktop_app.store import export_rows
from desktop_app.store.project import Project

ACLED_HEADER = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
    "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,"
    "source,source_scale,notes,fatalities,tags,timestamp"
)
ACLED_ROWS = [
    # day precision; two associated actors, one with a comma and quotes; two sources;
    # a unicode place; notes with quotes, commas and a line break
    "UKR1,2024-02-29,2024,1,Political violence,Battles,Armed clash,"
    "Military Forces of Russia (2000-),,8,Military Forces of Ukraine (2019-),"
    '"Militia, ""Kyiv"" Group; Civilians (Ukraine)",1,18,,804,Europe,Ukraine,Kyiv City,,,'
    "Київ,50.4501,30.5234,1,Reuters; Kyiv Independent,National,"
    '"On 29 February 2024, forces clashed near ""the bridge"", north of the city.\n'
    'A second line.",0,,1709251200',
    # time_precision 3: only the month is known; notes that look like a formula
    "UKR2,2023-07-15,2023,3,Demonstrations,Protests,Peaceful protest,Protesters (Ukraine),,6,"
    ",,0,60,,804,Europe,Ukraine,Lviv,,,Lviv,49.8397,24.0297,2,Local Source,Subnational,"
    "=SUM(A1) is how the notes begin,0,,1689379200",
]
SHEET = (
    "Title,Date,End date,Place,Country,Category,Source,Lat,Lon\n"
    '"Annual review, 2023 edition",2023,,Beijing,China,Policy,Ministry website,'
    "39.9042,116.4074\n"
    "Air raid alert,2023-05-14 09:30,,Kyiv,Ukraine,Military,Official channel,50.4501,30.5234\n"
    "Coast guard incident,2023-05-14,2023-05-16,Manila,Philippines,Maritime,Press report,"
    "14.5995,120.9842\n"
    "Somewhere unknown,2024-03,,,,Policy,,,\n"
    '"北京 ""quoted"" title",2022,2023,,,Policy,,,\n'
)

# the CSV cells of each event, by title (sightline_id is checked separately)
EXPECTED: dict[str, dict[str, str]] = {
    "Armed clash in Київ": {
        "id": "UKR1",
        "date": "2024-02-29",
        "end": "",
        "precision": "day",
        "description": 'On 29 February 2024, forces clashed near "the bridge", north of the '
        "city.\nA second line.",
        "category": "Battles",
        "location": "Київ",
        "country": "UA",
        "lat": "50.4501",
        "lon": "30.5234",
        "geo_precision": "town",
        # actor 1, actor 2, then the associated actors by name
        "actors": "Military Forces of Russia (2000-);Military Forces of Ukraine (2019-);"
        'Civilians (Ukraine);Militia, "Kyiv" Group',
        "tags": "",
        "url": "",
        "source_urls": "",
        "reliability": "",
        "credibility": "",
    },
    "Peaceful protest in Lviv": {
        "id": "UKR2",
        "date": "2023-07",
        "end": "",
        "precision": "month",
        "description": "'=SUM(A1) is how the notes begin",
        "category": "Protests",
        "location": "Lviv",
        "country": "UA",
        "lat": "49.8397",
        "lon": "24.0297",
        "geo_precision": "near",
        "actors": "Protesters (Ukraine)",
        "tags": "",
        "source": "Local Source",
        "source_publishers": "Local Source",
        "url": "",
        "source_urls": "",
        "reliability": "",
        "credibility": "",
    },
    "Annual review, 2023 edition": {
        "id": "",
        "date": "2023",
        "end": "",
        "precision": "year",
        "description": "",
        "category": "Policy",
        "location": "Beijing",
        "country": "CN",
        "lat": "39.9042",
        "lon": "116.4074",
        "actors": "",
        "source": "Ministry website",
    },
    "Air raid alert": {
        "date": "2023-05-14 09:30",
        "end": "",
        "precision": "minute",
        "location": "Kyiv",
        "country": "UA",
        "lat": "50.4501",
        "lon": "30.5234",
        "source": "Official channel",
    },
    "Coast guard incident": {
        "date": "2023-05-14",
        "end": "2023-05-16",
        "precision": "day",
        "location": "Manila",
        "country": "PH",
        "lat": "14.5995",
        "lon": "120.9842",
        "source": "Press report",
    },
    "Somewhere unknown": {
        "date": "2024-03",
        "end": "",
        "precision": "month",
        "location": "",
        "country": "",
        "lat": "",
        "lon": "",
        "geo_precision": "",
        "source": "",
        "source_publishers": "",
    },
    '北京 "quoted" title': {
        "date": "2022",
        "end": "2023",
        "precision": "year",
        "location": "",
        "lat": "",
        "lon": "",
        "category": "Policy",
    },
}


@pytest.fixture()
def provider_project(project: Project, tmp_path: Path) -> Project:
    acled = tmp_path / "acled_export.csv"
    acled.write_text(ACLED_HEADER + "\n" + "\n".join(ACLED_ROWS) + "\n", encoding="utf-8")
    sheet = tmp_path / "own_sheet.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    for path, rows in ((acled, 2), (sheet, 5)):
        result = import_file(project, path)
        assert (result.imported, result.rejected) == (rows, 0), result
    return project


def test_csv_cells_are_the_expected_ones(provider_project: Project, tmp_path: Path) -> None:
    frame = EventFrame.load(provider_project)
    path = tmp_path / "events.csv"
    assert write_csv(path, export_events(provider_project, frame.ids)) == len(EXPECTED)
    raw = path.read_bytes()
    # quoting: doubled quotes, the line break kept inside its quoted cell, CRLF rows
    assert b'"On 29 February 2024, forces clashed near ""the bridge"", north' in raw
    assert b'city.\nA second line.",' in raw and raw.endswith(b"\r\n")
    assert b'"Annual review, 2023 edition"' in raw
    assert '"北京 ""quoted"" title"'.encode() in raw
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(COLUMNS)
    by_title = {row["title"]: row for row in rows}
    assert set(by_title) == set(EXPECTED)
    for title, expected in EXPECTED.items():
        row = by_title[title]
        assert {k: row[k] for k in expected} == expected, title
    # two sources: each named once, publisher beside title (source ids give the order)
    clash = by_title["Armed clash in Київ"]
    assert sorted(clash["source"].split(";")) == ["Kyiv Independent", "Reuters"]
    assert clash["source_publishers"] == clash["source"]
    # rows in time order, each with its own database id
    assert [int(r["sightline_id"]) for r in rows] == frame.ids.tolist()


def test_geojson_features_are_the_expected_ones(provider_project: Project, tmp_path: Path) -> None:
    frame = EventFrame.load(provider_project)
    path = tmp_path / "events.geojson"
    assert write_geojson(path, export_events(provider_project, frame.ids)) == (7, 5)
    data = json.loads(path.read_text("utf-8"))
    features = {f["properties"]["title"]: f for f in data["features"]}
    assert set(features) == set(EXPECTED)
    for title, expected in EXPECTED.items():
        feature = features[title]
        props = feature["properties"]
        assert props["date"] == expected["date"] and props["precision"] == expected["precision"]
        assert props["end"] == (expected["end"] or None)
        if expected.get("lat"):
            assert feature["geometry"] == {
                "type": "Point",
                "coordinates": [float(expected["lon"]), float(expected["lat"])],
            }
            assert props["place"] == expected["location"]
        elif "lat" in expected:
            assert feature["geometry"] is None and props["place"] is None
    clash = features["Armed clash in Київ"]["properties"]
    assert clash["actors"] == [
        "Military Forces of Russia (2000-)",
        "Military Forces of Ukraine (2019-)",
        "Civilians (Ukraine)",
        'Militia, "Kyiv" Group',
    ]
    assert clash["description"] == EXPECTED["Armed clash in Київ"]["description"]
    assert sorted(s["title"] for s in clash["sources"]) == ["Kyiv Independent", "Reuters"]
    assert all(s["publisher"] == s["title"] and s["url"] is None for s in clash["sources"])
    protest = features["Peaceful protest in Lviv"]["properties"]
    assert protest["description"] == "=SUM(A1) is how the notes begin"  # JSON: no quote added
    assert (protest["external_id"], protest["geo_precision"]) == ("UKR2", "near")
    # text stays text, unescaped beyond JSON's own rules (no ASCII escapes)
    assert "Київ" in path.read_text("utf-8") and '北京 \\"quoted\\" title' in path.read_text(
        "utf-8"
    )


def test_dense_and_sparse_reads_give_the_same_rows(
    provider_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    frame = EventFrame.load(provider_project)
    wanted = np.r_[frame.ids[::-1], frame.ids[2], 10**9]  # reversed, a repeat, an unknown id

    def cells(chunk: int) -> list[list[str]]:
        out = io.StringIO()
        write_csv(out, export_events(provider_project, wanted, chunk=chunk))
        return list(csv.reader(io.StringIO(out.getvalue())))

    dense = cells(len(wanted))
    monkeypatch.setattr(export_rows, "DENSE", 0)  # every chunk read through an IN list
    sparse = cells(3)
    assert dense == sparse
    assert [int(r[-1]) for r in dense[1:]] == [*frame.ids[::-1].tolist(), int(frame.ids[2])]


def test_column_formatters_equal_the_one_value_functions() -> None:
    rng = np.random.default_rng(7)
    seconds = rng.integers(MIN_SECONDS, MAX_SECONDS - 86_400 * 366, 4000)
    seconds[:8] = [
        MIN_SECONDS,
        -1,
        0,
        59,
        to_seconds(datetime(999, 12, 31, 23, 59, 59)),
        to_seconds(datetime(2024, 2, 29, 9, 30)),
        to_seconds(datetime(2024, 1, 1)),
        to_seconds(datetime(2023, 6, 1)),
    ]
    for p in Precision:
        precision = np.full(len(seconds), int(p))
        assert columns.start_texts(seconds, precision) == [
            start_text(int(s), int(p)) for s in seconds
        ]
    ends = np.r_[seconds, seconds - seconds % 86_400, [to_seconds(datetime(2024, 1, 1))]]
    ends = ends[ends > MIN_SECONDS]
    has_end = np.arange(len(ends)) % 5 != 0
    assert columns.end_texts(ends, has_end) == [
        end_text(int(e)) if h else "" for e, h in zip(ends, has_end, strict=True)
    ]
    numbers = np.array([0.0, -0.0, 1e-05, -33.8688, 1e16, 123456.789, np.nan, 2.5, -0.0])
    assert columns.number_texts(numbers) == ["" if np.isnan(v) else repr(float(v)) for v in numbers]
    assert columns.precision_names(np.array([1, 2, 3, 4, 0, 9])) == [
        "year",
        "month",
        "day",
        "minute",
        "day",
        "day",
    ]


def test_cells_are_quoted_as_the_csv_module_quotes_them() -> None:
    rng = np.random.default_rng(11)
    alphabet = [*"ab ,\"\r\n\t;'=-", "Київ", "北京", "\x00", ""]
    cells = ["", " ", ",", '"', "\r\n", "a b", '""', "=1+1", " lead", "trail "]
    cells += ["".join(rng.choice(alphabet, rng.integers(1, 8))) for _ in range(3000)]
    for row in (cells[i : i + 21] for i in range(0, len(cells) - 21, 21)):
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerow(row)
        assert ",".join(map(quoted, row)) + "\r\n" == out.getvalue(), row
