"""The fast import paths give exactly what the plain ones give.

A big file is normalised and written in slices (``pipeline.CHUNK_ROWS`` rows at a
time); here the slices are made a few rows long so small files cross many of them,
and every stored row, reject and warning is compared with a one-slice import.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from helpers import acled_records, new_project_file, write_acled

from desktop_app.ingest import fingerprints, pipeline
from desktop_app.ingest.pipeline import ImportResult, Options, import_file
from desktop_app.ingest.vector import explode_names, split_names
from desktop_app.store.project import Project

DATA = Path(__file__).parent / "data"


def _import(
    path: Path,
    tmp: Path,
    name: str,
    chunk: int,
    monkeypatch: pytest.MonkeyPatch,
    options: Options | None = None,
    twice: bool = False,
) -> tuple[ImportResult, dict[str, Any]]:
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", chunk)
    monkeypatch.setattr(pipeline, "PLAN_MAX_DISTINCT", 1.0)  # slice even tiny files
    project = Project.open(new_project_file(tmp / f"{name}.sightline"))
    try:
        result = import_file(project, path, options)
        if twice:
            result = import_file(project, path, options)
    finally:
        project.close()
    return result, _contents(tmp / f"{name}.sightline")


def _contents(db: Path) -> dict[str, Any]:
    """Everything stored, with ids replaced by what they point at."""
    con = sqlite3.connect(db)
    try:
        places = {
            r[0]: r[1:]
            for r in con.execute(
                "SELECT id, name, country, latitude, longitude, geo_precision, alt_names, "
                "gazetteer_id, attributes FROM location"
            )
        }
        actors = dict(con.execute("SELECT id, name FROM actor"))
        sources = {r[0]: r[1:] for r in con.execute("SELECT id, title, publisher, url FROM source")}
        links_a: dict[int, list[tuple[str, int]]] = {}
        for e, a, role in con.execute("SELECT event_id, actor_id, role FROM event_actor"):
            links_a.setdefault(e, []).append((actors[a], role))
        links_s: dict[int, list[tuple[Any, ...]]] = {}
        for e, s in con.execute("SELECT event_id, source_id FROM event_source"):
            links_s.setdefault(e, []).append(sources[s])
        events = [
            (
                *row[1:-1],
                places.get(row[-1]),
                sorted(links_a.get(row[0], [])),
                sorted(links_s.get(row[0], [])),
            )
            for row in con.execute(
                "SELECT id, external_id, fingerprint, title, description, start_s, end_s, "
                "precision, category, tags, reliability, credibility, attributes, location_id "
                "FROM event ORDER BY id"
            )
        ]
        batches = list(
            con.execute(
                "SELECT file_name, sha256, preset, mapping, options, rows_read, imported, "
                "duplicates, rejected, unlocated FROM import_batch ORDER BY id"
            )
        )
        orphans = con.execute(
            "SELECT count(*) FROM event WHERE location_id IS NOT NULL AND "
            "location_id NOT IN (SELECT id FROM location)"
        ).fetchone()[0]
        indexes = sorted(
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event'"
            )
        )
    finally:
        con.close()
    return {
        "events": events,
        "places": sorted(places.values(), key=repr),
        "actors": sorted(actors.values()),
        "sources": sorted(sources.values(), key=repr),
        "batches": batches,
        "orphans": orphans,
        "indexes": indexes,
    }


def _same(
    path: Path,
    tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    chunk: int = 3,
    options: Options | None = None,
    twice: bool = False,
) -> tuple[ImportResult, dict]:
    one, stored_one = _import(path, tmp, "whole", 10**9, monkeypatch, options, twice)
    many, stored_many = _import(path, tmp, "sliced", chunk, monkeypatch, options, twice)
    assert stored_many == stored_one
    assert stored_one["orphans"] == 0
    for name in (
        "imported",
        "duplicates",
        "rejected",
        "unlocated",
        "batch",
        "preset",
        "rows_read",
        "skipped",
        "rejects",
        "warnings",
        "unresolved_places",
        "encoding",
        "delimiter",
        "sheet",
    ):
        assert getattr(many, name) == getattr(one, name), name
    return many, stored_many


@pytest.mark.parametrize(
    "name",
    [
        "acled_sample.csv",
        "acled_dd_mm_yyyy.csv",
        "acled_dmy_words.csv",
        "gdelt_v1.tsv",
        "gdelt_v1_57.tsv",
        "gdelt_v2.export.CSV",
        "generic.tsv",
        "generic_ambiguous.csv",
        "generic_dayfirst.csv",
        "generic_epoch.csv",
        "generic_extra_columns.csv",
        "generic_own_sheet.csv",
        "generic_semicolon.csv",
        "generic_cp1252.csv",
        "generic_utf8_bom.csv",
        "timelinejs.csv",
        "timemap.csv",
        "script_injection.csv",
    ],
)
def test_corpus_sliced_equals_whole(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _same(DATA / name, tmp_path, monkeypatch, chunk=2)


def test_reimport_sliced_finds_every_duplicate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result, stored = _same(DATA / "acled_sample.csv", tmp_path, monkeypatch, twice=True)
    assert result.imported == 0 and result.duplicates == len(stored["events"])


def test_acled_slices_duplicates_rejects_and_places(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = acled_records(tmp_path)
    records[30] = dict(records[2])  # the same event again, several slices later
    records[31] = dict(records[5], event_date="31/02/2024")  # row 33: no such date
    records[34] = dict(records[7], latitude="95.0")  # row 36: out of range
    records[35]["actor1"] = records[3]["actor1"]  # an actor met in an earlier slice
    path = write_acled(tmp_path / "acled.csv", records)
    result, stored = _same(path, tmp_path, monkeypatch, chunk=7)
    (tmp_path / "one").mkdir()
    assert _same(path, tmp_path / "one", monkeypatch, chunk=1)[1]["events"] == stored["events"]
    assert result.duplicates == 1
    assert [(r.row, r.column) for r in result.rejects] == [(33, "event_date"), (36, "latitude")]
    assert result.imported == len(records) - 3 == len(stored["events"])
    assert len({e[0] for e in stored["events"]}) == len(stored["events"])  # ids unique


def test_month_first_decided_by_a_late_slice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the last slice shows the dates are month-first: every slice reads them so."""
    records = acled_records(tmp_path, 30)
    for i, r in enumerate(records):
        r["event_date"] = f"03/{(i % 12) + 1:02d}/2024"
        r["time_precision"] = "1"
    records[-1]["event_date"] = "03/25/2024"
    path = write_acled(tmp_path / "acled.csv", records)
    result, stored = _same(path, tmp_path, monkeypatch, chunk=4)
    assert result.rejected == 0
    assert stored["events"][0][4] == 1709251200  # 2024-03-01 (03/01 read month-first)
    first = pd.Timestamp(stored["events"][1][4], unit="s")
    assert (first.month, first.day) == (3, 2)


def test_conflicting_orders_reject_in_a_late_slice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = acled_records(tmp_path, 30)
    for i, r in enumerate(records):
        r["event_date"] = f"{13 + i % 10}/04/2024"  # day-first evidence, many values
    records[-2]["event_date"] = "04/20/2024"  # one month-first value: rejected
    path = write_acled(tmp_path / "acled.csv", records)
    result, _ = _same(path, tmp_path, monkeypatch, chunk=4)
    assert [(r.row, r.column) for r in result.rejects] == [(len(records), "event_date")]
    assert any("mix day-first and month-first" in w for w in result.warnings)


def test_ambiguous_warning_once_across_slices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = DATA / "generic_ambiguous.csv"
    result, _ = _same(path, tmp_path, monkeypatch, chunk=1)
    assert sum("ambiguous" in w for w in result.warnings) == 1


def test_ragged_rows_keep_their_numbers_across_slices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = acled_records(tmp_path, 20)
    path = write_acled(tmp_path / "acled.csv", records)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[15] = lines[15].rstrip("\r\n") + ",extra\r\n"  # row 16 has a field too many
    lines.insert(9, "\r\n")  # a blank line is row 10
    path.write_text("".join(lines), encoding="utf-8")
    result, stored = _same(path, tmp_path, monkeypatch, chunk=3)
    assert [(r.row, r.reason.startswith("has 32 fields")) for r in result.rejects] == [(17, True)]
    assert result.imported == 19 == len(stored["events"])


def test_quoted_newlines_across_slices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = acled_records(tmp_path, 20)
    records[4]["notes"] = "first line\nsecond line"
    records[12]["event_date"] = "not a date"  # row 14 (records count, not lines)
    path = write_acled(tmp_path / "acled.csv", records)
    result, stored = _same(path, tmp_path, monkeypatch, chunk=3)
    assert [r.row for r in result.rejects] == [14]
    assert any(e[3] == "first line\nsecond line" for e in stored["events"])


def test_big_batch_rebuilds_event_indexes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A batch bigger than the project drops and rebuilds the event indexes."""
    import desktop_app.store.bulk as bulk

    monkeypatch.setattr(bulk, "REBUILD_INDEXES_FROM", 5)
    monkeypatch.setattr(bulk, "ARROW_WRITER_FROM_ROWS", 0)  # the SQLite path that rebuilds
    _, stored = _same(DATA / "acled_sample.csv", tmp_path, monkeypatch, chunk=3, twice=True)
    assert stored["indexes"] == ["ix_event_fingerprint", "ix_event_start_s"]
    con = sqlite3.connect(tmp_path / "sliced.sightline")  # the place-name index is back too
    try:
        sql = "SELECT sql FROM sqlite_master WHERE name = 'ix_location_name'"
        assert con.execute(sql).fetchall() == [
            ("CREATE INDEX ix_location_name ON location (name)",)
        ]
    finally:
        con.close()


def test_id_fingerprints_are_pandas_hashes() -> None:
    ids = pd.Series(["SYR1", "", "UKR22", "é∂", "x" * 300], dtype="string")
    expected = (
        pd.util.hash_pandas_object(pd.DataFrame({"ns": "acled", "id": ids}), index=False)
        .to_numpy()
        .view(np.int64)
    )
    assert np.array_equal(fingerprints.id_fingerprints("acled", ids), expected)


@pytest.mark.parametrize("separator", [";", None])
def test_split_names_equals_explode_names(separator: str | None) -> None:
    values = pd.Series(["A; B", "", None, "C;A", " ;B ", "A; B", "D", " ", "B;;B"], dtype="string")
    rows, codes, names = split_names(values, separator)
    pairs = explode_names(values, separator)
    assert list(zip(rows.tolist(), [names[c] for c in codes], strict=True)) == list(
        zip(pairs["row"].tolist(), pairs["name"].tolist(), strict=True)
    )
