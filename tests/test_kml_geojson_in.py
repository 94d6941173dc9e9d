"""KML/KMZ (Google Earth placemarks) and GeoJSON FeatureCollections import like any
file: the same pipeline, presets, mapping and rejects, with a real SQLite project."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop_app.app import cli
from desktop_app.domain.dates import Precision
from desktop_app.ingest.pipeline import Options, import_file
from desktop_app.ingest.readers import UnreadableFile, read_table
from desktop_app.store.project import Project
from desktop_app.store.schema import Event

# as Google Earth Pro saves "My Places": gx namespace, nested folders, CDATA HTML
# descriptions, TimeStamp and TimeSpan, ExtendedData with Data and SchemaData
GOOGLE_EARTH = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2"
     xmlns:kml="http://www.opengis.net/kml/2.2" xmlns:atom="http://www.w3.org/2005/Atom">
<Document>
  <name>Incidents.kml</name>
  <Schema name="incident" id="S_incident"><SimpleField type="string" name="unit"/></Schema>
  <Folder>
    <name>Ukraine</name>
    <Folder>
      <name>Strikes</name>
      <Placemark>
        <name>Strike on depot</name>
        <description><![CDATA[<b>Video</b> <img src="file:///etc/passwd"> at the depot]]>
        </description>
        <TimeStamp><when>2022-03-14T06:20:00Z</when></TimeStamp>
        <ExtendedData>
          <Data name="source_url"><value>https://example.org/v/1</value></Data>
          <SchemaData schemaUrl="#S_incident"><SimpleData name="unit">3rd Bde</SimpleData>
          </SchemaData>
        </ExtendedData>
        <Point><gx:drawOrder>1</gx:drawOrder><coordinates>36.2304,49.9935,0</coordinates>
        </Point>
      </Placemark>
    </Folder>
    <Placemark>
      <name>Shelling reported</name>
      <TimeSpan><begin>2022-03</begin><end>2022-04</end></TimeSpan>
      <Point><coordinates>37.8028,48.0159</coordinates></Point>
    </Placemark>
  </Folder>
  <Placemark>
    <name>Front line</name>
    <TimeStamp><when>2022</when></TimeStamp>
    <LineString><coordinates>36.0,49.0,0 38.0,49.0,0 38.0,51.0,0</coordinates></LineString>
  </Placemark>
  <Placemark>
    <name>Undated pin</name>
    <Point><coordinates>30.5234,50.4501,0</coordinates></Point>
  </Placemark>
  <Placemark>
    <name>Off the globe</name>
    <TimeStamp><when>2022-05-01</when></TimeStamp>
    <Point><coordinates>30.5,95.0</coordinates></Point>
  </Placemark>
</Document>
</kml>
"""


def titles_dates(project: Project) -> dict[str, tuple[str, Precision, str | None]]:
    with project.session() as session:
        return {
            e.title: (e.start.isoformat(timespec="minutes"), Precision(e.precision), e.category)
            for e in session.scalars(select(Event))
        }


def test_google_earth_placemarks(tmp_path: Path, project: Project) -> None:
    path = tmp_path / "My Places.kml"
    path.write_text(GOOGLE_EARTH, encoding="utf-8")
    table = read_table(path)
    assert table.columns[:7] == ["name", "description", "when", "end", "category", "lat", "lon"]
    assert {"source_url", "unit"} <= set(table.columns)
    assert list(table.row_numbers) == [1, 2, 3, 4, 5]  # placemark index + 1
    first = table.frame.iloc[0]
    # the description is the text as written: HTML is data, never rendered
    assert first["description"] == '<b>Video</b> <img src="file:///etc/passwd"> at the depot'
    assert (first["category"], first["unit"]) == ("Ukraine / Strikes", "3rd Bde")
    assert table.frame.iloc[1]["category"] == "Ukraine"
    assert table.frame.iloc[1]["end"] == "2022-04"
    # a line has no single point: the mean of its vertices
    assert (table.frame.iloc[2]["lat"], table.frame.iloc[2]["lon"]) == (
        repr(149 / 3),
        repr(112 / 3),
    )

    result = import_file(project, path)
    assert (result.imported, result.rejected, result.rows_read) == (3, 2, 5)
    assert [(r.row, r.column) for r in result.rejects] == [(4, "when"), (5, "lat")]
    assert "latitude out of range" in result.rejects[1].reason
    events = titles_dates(project)
    assert events["Strike on depot"] == ("2022-03-14T06:20", Precision.MINUTE, "Ukraine / Strikes")
    assert events["Shelling reported"] == ("2022-03-01T00:00", Precision.MONTH, "Ukraine")
    assert events["Front line"][1] is Precision.YEAR
    with project.session() as session:
        strike = session.scalars(select(Event).where(Event.title == "Strike on depot")).one()
        assert strike.location is not None
        assert (strike.location.latitude, strike.location.longitude) == (49.9935, 36.2304)
        assert strike.attributes == {"unit": "3rd Bde"}
        assert [s.url for s in strike.sources] == ["https://example.org/v/1"]
        shelling = session.scalars(select(Event).where(Event.title == "Shelling reported")).one()
        assert shelling.end_s is not None  # through April 2022
        assert shelling.end is not None and shelling.end.strftime("%Y-%m-%d") == "2022-05-01"


def test_kml_goes_through_the_mapping(tmp_path: Path, project: Project) -> None:
    path = tmp_path / "pins.kml"
    path.write_text(
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>P1</name>'
        '<ExtendedData><Data name="Occurred"><value>14/03/2022</value></Data>'
        '<Data name="Label"><value>Checkpoint</value></Data></ExtendedData>'
        "<Point><coordinates>30.5,50.4</coordinates></Point></Placemark></Document></kml>",
        encoding="utf-8",
    )
    options = Options(
        preset="generic",
        mapping={"start": "Occurred", "title": "Label", "latitude": "lat", "longitude": "lon"},
    )
    result = import_file(project, path, options)
    assert (result.imported, result.rejected) == (1, 0)
    assert titles_dates(project) == {"Checkpoint": ("2022-03-14T00:00", Precision.DAY, None)}


@pytest.mark.parametrize(
    "head",
    [
        '<?xml version="1.0"?>\n<!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>',
        '<?xml version="1.0"?>\n<!DOCTYPE kml SYSTEM "file:///etc/passwd">',
    ],
)
def test_doctype_and_entities_are_refused(tmp_path: Path, project: Project, head: str) -> None:
    path = tmp_path / "lol.kml"
    path.write_text(
        head + "<kml><Document><Placemark><name>&b;</name><TimeStamp><when>"
        "2022</when></TimeStamp></Placemark></Document></kml>",
        encoding="utf-8",
    )
    with pytest.raises(UnreadableFile, match="DOCTYPE"):
        import_file(project, path)
    with project.session() as session:
        assert session.scalars(select(Event)).first() is None


def test_broken_kml_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cut.kml"
    path.write_text("<kml><Document><Placemark><name>cut", encoding="utf-8")
    target = tmp_path / "p.sightline"
    assert cli.main(["import", str(path), "--project", str(target)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not readable KML" in err[0] and "line 1" in err[0]
    empty = tmp_path / "empty.kml"
    empty.write_text(
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>', encoding="utf-8"
    )
    assert cli.main(["import", str(empty), "--project", str(target)]) == 2
    assert "no placemarks" in capsys.readouterr().err


def test_kmz(tmp_path: Path, project: Project) -> None:
    path = tmp_path / "places.kmz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("files/icon.png", b"\x89PNG not really")
        archive.writestr("doc.kml", GOOGLE_EARTH)
    result = import_file(project, path)
    assert (result.imported, result.rejected) == (3, 2)
    assert titles_dates(project)["Strike on depot"][2] == "Ukraine / Strikes"


def test_kmz_bombs_and_empty_archives_are_refused_from_the_directory(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.kmz"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", "<kml>" + " " * (50 << 20) + "</kml>")
    assert bomb.stat().st_size < 1 << 20
    with pytest.raises(UnreadableFile, match="compressed more than"):
        read_table(bomb)
    none = tmp_path / "none.kmz"
    with zipfile.ZipFile(none, "w") as archive:
        archive.writestr("readme.txt", "no kml here")
    with pytest.raises(UnreadableFile, match=r"no \.kml"):
        read_table(none)
    broken = tmp_path / "broken.kmz"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    with pytest.raises(UnreadableFile, match="KMZ"):
        read_table(broken)


# ---------------------------------------------------------------------- GeoJSON
def _feature(geometry: object, **properties: object) -> dict[str, object]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def test_geojson_feature_collection(tmp_path: Path, project: Project) -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [
            _feature(
                {"type": "Point", "coordinates": [120.9842, 14.5995]},
                date="2023-05-14",
                title="Coast guard incident",
                casualties=0,
                confirmed=True,
                note=None,
                actors=["PCG", "CCG"],
                lat=1.0,
            ),
            _feature(
                {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]},
                date="2023",
                title="Area closed",
                meta={"k": "v"},
            ),
            _feature(None, date="2023-06", title="Nowhere"),
            _feature(
                {"type": "LineString", "coordinates": [[179, 0], [-179, 0]]},
                date="2023-07-01",
                title="Across the antimeridian",
            ),
            _feature({"type": "Point", "coordinates": [10, 10]}, title="No date"),
            "not a feature",
        ],
    }
    path = tmp_path / "events.geojson"
    path.write_text(json.dumps(collection), encoding="utf-8")
    table = read_table(path)
    first = table.frame.iloc[0]
    assert (first["lat"], first["lon"], first["lat (property)"]) == ("14.5995", "120.9842", "1.0")
    assert (first["casualties"], first["confirmed"], first["note"]) == ("0", "true", "")
    assert first["actors"] == "PCG; CCG"
    assert table.frame.iloc[1]["meta"] == '{"k": "v"}'
    assert (table.frame.iloc[1]["lat"], table.frame.iloc[1]["lon"]) == ("1.0", "1.0")
    assert table.frame.iloc[3]["lat"] == ""  # no mean across the antimeridian
    assert list(table.row_numbers) == [1, 2, 3, 4, 5, 6]

    result = import_file(project, path)
    assert (result.imported, result.rejected, result.unlocated) == (4, 2, 2)
    assert sorted({r.row for r in result.rejects}) == [5, 6]
    events = titles_dates(project)
    assert events["Coast guard incident"][:2] == ("2023-05-14T00:00", Precision.DAY)
    assert events["Area closed"][1] is Precision.YEAR
    assert events["Nowhere"][1] is Precision.MONTH


def test_json_suffix_is_read_as_geojson_when_it_is_a_collection(
    tmp_path: Path, project: Project
) -> None:
    path = tmp_path / "export.json"
    path.write_text(
        "\ufeff"
        + json.dumps(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [2.35, 48.85]},
                "properties": {"when": "2024-01-02T10:15:00+01:00", "name": "Paris"},
            }
        ),
        encoding="utf-8",
    )
    result = import_file(project, path)
    assert result.imported == 1
    assert titles_dates(project)["Paris"][:2] == ("2024-01-02T09:15", Precision.MINUTE)
    other = tmp_path / "config.json"
    other.write_text('{"type": "Topology", "objects": {}}', encoding="utf-8")
    with pytest.raises(UnreadableFile, match="not a GeoJSON FeatureCollection"):
        read_table(other)
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    with pytest.raises(UnreadableFile, match="not readable JSON"):
        read_table(broken)
    latin = tmp_path / "latin.geojson"
    latin.write_bytes(
        '{"type": "FeatureCollection", "features": [], "name": "Zürich"}'.encode("latin-1")
    )
    with pytest.raises(UnreadableFile, match="UTF-8"):
        read_table(latin)
    empty = tmp_path / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(UnreadableFile, match="no features"):
        read_table(empty)


def test_sightline_exports_round_trip_the_sample(sample_project: Project, tmp_path: Path) -> None:
    """Export the sample project as GeoJSON and KML, import each into a fresh project:
    the same titles, dates with their precision, and coordinates."""
    from desktop_app.app.cli_commands import export_all

    def snapshot(project: Project, located_only: bool) -> list[tuple[object, ...]]:
        with project.session() as session:
            rows = [
                (
                    e.title,
                    e.start_s,
                    e.precision,
                    e.end_s,
                    e.location.latitude if e.location else None,
                    e.location.longitude if e.location else None,
                    e.external_id,
                )
                for e in session.scalars(select(Event))
            ]
        return sorted(r for r in rows if r[4] is not None or not located_only)

    for kind in ("geojson", "kml"):
        out = tmp_path / f"sample.{kind}"
        export_all(sample_project, out, kind)
        with Project.open(tmp_path / f"fresh-{kind}.sightline") as fresh:
            result = import_file(fresh, out)
            assert result.rejected == 0
            assert snapshot(fresh, False) == snapshot(sample_project, kind == "kml")
