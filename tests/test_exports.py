"""CSV, GeoJSON and KML exports of events: round trips through the importer, formula
injection neutralised, valid GeoJSON and KML. No Qt."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from desktop_app.domain.dates import Precision, to_seconds
from desktop_app.export.csv_export import neutralise, row_of, write_csv
from desktop_app.export.geo import KML_NS, write_geojson, write_kml
from desktop_app.export.records import ExportEvent, ExportSource, end_text, export_events
from desktop_app.frame import EventFrame
from desktop_app.ingest.pipeline import import_file
from desktop_app.ingest.sample import load_sample
from desktop_app.store.project import Project

IMPORTS = ("acled_sample.csv", "gdelt_v1.tsv", "script_injection.csv", "generic_own_sheet.csv")


def _filled(project: Project, data_dir: Path, names: tuple[str, ...]) -> Project:
    load_sample(project)
    for name in names:
        assert import_file(project, data_dir / name).imported > 0
    return project


def _essentials(project: Project) -> list[tuple[object, ...]]:
    """Each event's fields a round trip must keep, in a stable order."""
    frame = EventFrame.load(project)
    out = []
    for e in export_events(project, frame.ids):
        out.append(
            (
                e.title,
                e.start_s,
                e.precision,
                e.end_s,
                e.description or None,
                e.category,
                e.external_id,
                e.place,
                e.country,
                None if e.latitude is None else round(e.latitude, 6),
                None if e.longitude is None else round(e.longitude, 6),
                tuple(sorted(s.title for s in e.sources)),
                tuple(sorted({s.url for s in e.sources if s.url})),
                tuple(sorted(e.actors)),
                tuple(e.tags),
                e.reliability,
                e.credibility,
            )
        )
    return sorted(out, key=repr)


@pytest.mark.parametrize("names", [(), IMPORTS], ids=["sample", "sample+acled+gdelt+scripts"])
def test_csv_round_trip_gives_back_the_same_events(
    project: Project, data_dir: Path, tmp_path: Path, names: tuple[str, ...]
) -> None:
    _filled(project, data_dir, names)
    frame = EventFrame.load(project)
    path = tmp_path / "events.csv"
    assert write_csv(path, export_events(project, frame.ids)) == len(frame)
    with Project.open(tmp_path / "fresh.sightline") as fresh:
        result = import_file(fresh, path)
        assert (result.preset, result.imported, result.rejected) == ("generic", len(frame), 0)
        assert _essentials(fresh) == _essentials(project)
        # the precision wording survives too
        back = EventFrame.load(fresh)
        assert sorted(back.precision.tolist()) == sorted(frame.precision.tolist())
        assert int(back.located.sum()) == int(frame.located.sum())


def test_csv_of_visible_rows_keeps_time_order_and_only_those(sample_project: Project) -> None:
    frame = EventFrame.load(sample_project)
    visible = np.zeros(len(frame), bool)
    visible[[0, 2, 5]] = True
    out = io.StringIO()
    assert write_csv(out, export_events(sample_project, frame.ids[visible], chunk=2)) == 3
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [int(r["sightline_id"]) for r in rows] == frame.ids[visible].tolist()
    assert {r["precision"] for r in rows} == {"year"} and rows[0]["date"] in ("2023", "2025")


def test_formula_injection_is_neutralised_but_numbers_stay_numbers(
    project: Project, data_dir: Path
) -> None:
    hostile = ExportEvent(
        id=7,
        title='=HYPERLINK("http://x")',
        start_s=to_seconds(datetime(2024, 8, 5)),
        precision=int(Precision.DAY),
        description="+cmd|' /C calc'!A0",
        category="-2+3",
        place="@SUM(A1)",
        latitude=-33.8688,
        longitude=-0.1278,
        actors=("\tTab",),
        tags=("\rCR",),
        external_id="-1",
        sources=(ExportSource("=1+1", None, None),),
    )
    row = row_of(hostile)
    assert row["title"] == '\'=HYPERLINK("http://x")'
    assert row["description"].startswith("'+") and row["category"] == "'-2+3"
    assert row["location"] == "'@SUM(A1)" and row["id"] == "'-1"
    assert row["actors"] == "'\tTab" and row["tags"] == "'\rCR" and row["source"] == "'=1+1"
    assert (row["lat"], row["lon"]) == ("-33.8688", "-0.1278")  # numbers, not text
    assert row["date"] == "2024-08-05"
    # every text cell of the written file starts harmlessly
    out = io.StringIO()
    write_csv(out, [hostile])
    header, cells = list(csv.reader(io.StringIO(out.getvalue())))
    for name, cell in zip(header, cells, strict=True):
        if name not in ("lat", "lon"):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)
    assert neutralise("plain") == "plain" and neutralise("") == ""
    # and the importer gives the text back unchanged
    load = import_file(project, data_dir / "script_injection.csv")
    assert load.imported == 5


def test_neutralised_text_comes_back_unchanged(
    project: Project, data_dir: Path, tmp_path: Path
) -> None:
    import_file(project, data_dir / "script_injection.csv")
    frame = EventFrame.load(project)
    path = tmp_path / "e.csv"
    write_csv(path, export_events(project, frame.ids))
    assert "'=HYPERLINK" in path.read_text("utf-8")
    with Project.open(tmp_path / "b.sightline") as fresh:
        import_file(fresh, path)
        titles = set(EventFrame.load(fresh).title.tolist())
    assert '=HYPERLINK("http://x")' in titles and "<script>alert(1)</script>" in titles


def test_end_text_uses_the_coarsest_precision_that_reads_back() -> None:
    assert end_text(to_seconds(datetime(2024, 1, 1))) == "2023"
    assert end_text(to_seconds(datetime(2023, 6, 1))) == "2023-05"
    assert end_text(to_seconds(datetime(2023, 5, 17))) == "2023-05-16"
    assert end_text(to_seconds(datetime(2023, 5, 14, 9, 31))) == "2023-05-14 09:30"


def test_geojson_is_a_feature_collection_with_null_geometry_for_unlocated(
    project: Project, data_dir: Path, tmp_path: Path
) -> None:
    _filled(project, data_dir, ("gdelt_v1.tsv", "script_injection.csv"))
    frame = EventFrame.load(project)
    path = tmp_path / "e.geojson"
    features, located = write_geojson(path, export_events(project, frame.ids))
    data = json.loads(path.read_text("utf-8"))
    assert data["type"] == "FeatureCollection" and len(data["features"]) == features == len(frame)
    assert located == int(frame.located.sum()) and located < features
    for feature in data["features"]:
        row = frame.row_of(feature["properties"]["id"])
        assert feature["type"] == "Feature" and feature["properties"]["title"] == frame.title[row]
        if feature["geometry"] is None:
            assert not frame.located[row]
        else:
            lon, lat = feature["geometry"]["coordinates"]
            assert feature["geometry"]["type"] == "Point"
            assert (lat, lon) == pytest.approx((frame.lat[row], frame.lon[row]))
    seed = next(f for f in data["features"] if f["properties"]["external_id"] == "seed-001")
    props = seed["properties"]
    assert (props["date"], props["precision"], props["place"]) == ("2023", "year", "Moscow")
    assert "RUSI analysis of the Black Moon documents (Danylyuk and Watling)" in [
        s["title"] for s in props["sources"]
    ]


def test_kml_is_valid_kml_22_with_escaped_text_and_time_spans(
    project: Project, data_dir: Path, tmp_path: Path
) -> None:
    _filled(project, data_dir, ("gdelt_v1.tsv", "script_injection.csv", "generic_own_sheet.csv"))
    frame = EventFrame.load(project)
    path = tmp_path / "e.kml"
    written, left_out = write_kml(path, export_events(project, frame.ids))
    assert (written, left_out) == (int(frame.located.sum()), int((~frame.located).sum()))
    raw = path.read_text("utf-8")
    assert "<script>" not in raw and "&lt;script&gt;alert(1)&lt;/script&gt;" in raw
    root = ET.parse(path).getroot()
    ns = {"k": KML_NS}
    assert root.tag == f"{{{KML_NS}}}kml"
    marks = root.findall("k:Document/k:Placemark", ns)
    assert len(marks) == written
    names = {m.findtext("k:name", namespaces=ns) for m in marks}
    located_titles = {str(t) for t, ok in zip(frame.title, frame.located, strict=True) if ok}
    assert names == located_titles
    by_name = {m.findtext("k:name", namespaces=ns): m for m in marks}
    seed = by_name["Russia–China agreement to equip and train a Chinese airborne battalion"]  # noqa: RUF001
    assert seed.findtext("k:TimeSpan/k:begin", namespaces=ns) == "2023"
    assert seed.findtext("k:TimeSpan/k:end", namespaces=ns) == "2023"
    lon, lat = seed.findtext("k:Point/k:coordinates", namespaces=ns).split(",")  # type: ignore[union-attr]
    assert (float(lat), float(lon)) == pytest.approx((55.7558, 37.6173))
    data = {
        d.get("name"): d.findtext("k:value", namespaces=ns)
        for d in seed.findall("k:ExtendedData/k:Data", ns)
    }
    assert data["precision"] == "year" and data["external_id"] == "seed-001"
    raid = by_name["Air raid alert"]
    assert raid.findtext("k:TimeSpan/k:begin", namespaces=ns) == "2023-05-14T09:30:00"
    incident = by_name.get("Coast guard incident reported")
    if incident is not None:  # located through the gazetteer: the end keeps its day
        assert incident.findtext("k:TimeSpan/k:end", namespaces=ns) == "2023-05-16"
