"""A streamed import (the file read block by block, twice) gives exactly what a whole read gives.

Each file is imported three ways into fresh projects: streamed with tiny blocks, slices
and head (so a few rows cross many of each), streamed with the defaults, and read whole
(the streamed path turned off); every stored event, place, actor, source, link, batch
record, reject, duplicate and warning must be the same.
"""

from __future__ import annotations

import csv
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from desktop_app.ingest import import_plan, pipeline, stream
from desktop_app.ingest.pipeline import ImportResult, Options, import_file
from desktop_app.ingest.readers import UnreadableFile
from desktop_app.store.bulk import BatchWriteError
from desktop_app.store.project import Project

sys.path.insert(0, str(Path(__file__).parent))
from helpers import ACLED_COLUMNS, acled_records, new_project_file, write_acled
from test_import_speed_paths import _contents

DATA = Path(__file__).parent / "data"
PROVIDERS = DATA / "providers"

RESULT_FIELDS = (
    "imported",
    "duplicates",
    "duplicates_in_file",
    "rejected",
    "unlocated",
    "preset",
    "rows_read",
    "skipped",
    "warnings",
    "unresolved_places",
    "encoding",
    "delimiter",
    "sheet",
)


def _import(
    path: Path,
    db: Path,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
    options: Options | None = None,
    twice: bool = False,
) -> tuple[ImportResult, dict[str, Any], list[bool]]:
    """Import ``path`` into a new project at ``db``; ``how`` is "tiny" (streamed, a few
    rows per block, slice and head), "default" (streamed) or "whole"."""
    streamed: list[bool] = []
    real = import_plan.plan_streamed

    def spy(*args: Any, **kwargs: Any) -> import_plan.ImportPlan | None:
        plan = None if how == "whole" else real(*args, **kwargs)
        streamed.append(plan is not None)
        return plan

    with monkeypatch.context() as m:
        m.setattr(pipeline, "plan_streamed", spy)
        if how == "tiny":
            m.setattr(pipeline, "CHUNK_ROWS", 3)
            m.setattr(pipeline, "STREAM_BLOCK_BYTES", 1024)
            m.setattr(stream, "HEAD_ROWS", 4)
            m.setattr(import_plan, "CONTENT_SLICE_ROWS", 2)
        project = Project.open(new_project_file(db))
        try:
            result = import_file(project, path, options or Options())
            if twice:
                result = import_file(project, path, options or Options())
        finally:
            project.close()
    return result, _contents(db), streamed


def _same_three_ways(
    path: Path,
    tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    options: Options | None = None,
    twice: bool = False,
) -> tuple[ImportResult, dict[str, Any], list[bool]]:
    try:
        whole, stored_whole, _ = _import(
            path, tmp / "whole.sightline", monkeypatch, "whole", options, twice
        )
    except UnreadableFile as exc:  # the same message, and nothing left behind, each way
        for how in ("tiny", "default"):
            with pytest.raises(UnreadableFile) as raised:
                _import(path, tmp / f"{how}.sightline", monkeypatch, how, options, twice)
            assert str(raised.value) == str(exc)
            assert _contents(tmp / f"{how}.sightline") == _contents(tmp / "whole.sightline")
        pytest.skip(f"not importable without options: {exc}")
    out = None
    for how in ("tiny", "default"):
        result, stored, streamed = _import(
            path, tmp / f"{how}.sightline", monkeypatch, how, options, twice
        )
        assert stored == stored_whole, how
        for name in RESULT_FIELDS:
            assert getattr(result, name) == getattr(whole, name), (how, name)
        assert [(r.row, r.column, r.reason) for r in result.rejects] == [
            (r.row, r.column, r.reason) for r in whole.rejects
        ], how
        assert result.duplicate_rows.tolist() == whole.duplicate_rows.tolist(), how
        assert result.duplicate_of.tolist() == whole.duplicate_of.tolist(), how
        if how == "tiny":
            out = (result, stored, streamed)
    assert out is not None
    return out


@pytest.mark.parametrize(
    "name",
    [
        "acled_sample.csv",
        "acled_dd_mm_yyyy.csv",
        "acled_dmy_words.csv",
        "gdelt_v1.tsv",
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
def test_test_files_streamed_equal_whole(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _same_three_ways(DATA / name, tmp_path, monkeypatch)


@pytest.mark.parametrize(
    "path", sorted(p for p in PROVIDERS.iterdir() if p.suffix.lower() in (".csv", ".tsv", ".tab"))
)
def test_provider_files_streamed_equal_whole(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _same_three_ways(path, tmp_path, monkeypatch)


def test_generated_acled_is_streamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = acled_records(tmp_path, 60, seed=5)
    records[40] = dict(records[2])  # the same event again, many blocks later
    records[41] = dict(records[5], event_date="31/02/2024")  # row 43: no such date
    records[44] = dict(records[7], latitude="95.0")  # row 46: out of range
    path = write_acled(tmp_path / "acled.csv", records)
    result, stored, streamed = _same_three_ways(path, tmp_path, monkeypatch)
    assert streamed == [True]
    assert result.duplicates == 1 and result.duplicate_rows.tolist() == [42]
    assert [(r.row, r.column) for r in result.rejects] == [(43, "event_date"), (46, "latitude")]
    assert result.imported == 57 == len(stored["events"])
    assert result.imported + result.rejected + result.duplicates == result.rows_read


def test_reimport_streamed_finds_every_duplicate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_acled(tmp_path / "acled.csv", acled_records(tmp_path, 30, seed=5))
    result, stored, _ = _same_three_ways(path, tmp_path, monkeypatch, twice=True)
    assert result.imported == 0 and result.duplicates == 30 == len(stored["events"])


def test_month_first_decided_by_the_last_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = acled_records(tmp_path, 30, seed=5)
    for i, r in enumerate(records):
        r["event_date"] = f"03/{(i % 12) + 1:02d}/2024"
        r["time_precision"] = "1"
    records[-1]["event_date"] = "03/25/2024"
    path = write_acled(tmp_path / "acled.csv", records)
    result, stored, streamed = _same_three_ways(path, tmp_path, monkeypatch)
    assert streamed == [True] and result.rejected == 0
    assert stored["events"][0][4] == 1709251200  # 2024-03-01, read month-first


def test_repeated_ids_that_differ_fall_back_to_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two rows far apart share an id but differ: ids do not tell events apart, in every
    slice; a true repeat of a whole row is still found."""
    records = acled_records(tmp_path, 40, seed=5)
    records[35] = dict(records[3], notes="another event, same id")
    records[37] = dict(records[9])
    path = write_acled(tmp_path / "acled.csv", records)
    result, _, streamed = _same_three_ways(path, tmp_path, monkeypatch)
    assert streamed == [True]
    assert any("gives the same id to rows that differ" in w for w in result.warnings)
    assert result.duplicates == 1 and result.duplicate_of.tolist() == [11]


def test_blank_lines_ragged_rows_and_quoted_newlines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = acled_records(tmp_path, 30, seed=5)
    records[4]["notes"] = "first line\nsecond line"
    records[20]["event_date"] = "not a date"  # row 22 (records count, not lines)
    path = write_acled(tmp_path / "acled.csv", records)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(12, "\r\n")  # a blank line, far from the start
    path.write_text("".join(lines), encoding="utf-8")
    result, stored, streamed = _same_three_ways(path, tmp_path, monkeypatch)
    assert streamed == [True]
    assert [r.row for r in result.rejects] == [23]
    assert any(e[3] == "first line\nsecond line" for e in stored["events"])
    # a record with a field too many: read whole, record by record, with the same results
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[25] = lines[25].rstrip("\r\n") + ",extra\r\n"
    path.write_text("".join(lines), encoding="utf-8")
    (tmp_path / "ragged").mkdir()
    result, _, streamed = _same_three_ways(path, tmp_path / "ragged", monkeypatch)
    assert streamed == [False]
    assert any(r.reason.startswith("has 32 fields") for r in result.rejects)


def test_unclosed_quote_is_read_record_by_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = acled_records(tmp_path, 20, seed=5)
    records[6]["notes"] = "no end"
    path = write_acled(tmp_path / "acled.csv", records)
    text = path.read_text(encoding="utf-8").replace(",no end,", ',"no end,', 1)
    path.write_text(text, encoding="utf-8")
    result, _, streamed = _same_three_ways(path, tmp_path, monkeypatch)
    assert streamed == [False]
    assert [r.row for r in result.rejects if "unbalanced" in r.reason] == [8]


def test_late_byte_that_is_not_utf8(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A Windows-1252 byte after the first 256 KiB: the file is decoded first, as whole."""
    records = acled_records(tmp_path, 1200, seed=5)
    records[1100]["notes"] = "caf\u00e9 \u2013 done"
    path = tmp_path / "acled.csv"
    write_acled(path, records[:1100])
    with path.open("a", newline="", encoding="cp1252") as handle:
        csv.DictWriter(handle, fieldnames=ACLED_COLUMNS).writerows(records[1100:])
    assert path.stat().st_size > 300_000
    result, stored, streamed = _same_three_ways(path, tmp_path, monkeypatch)
    assert streamed == [True]
    assert result.imported == 1200 == len(stored["events"])


@pytest.mark.parametrize("edit", ["append a row", "same rows, a date changed"])
def test_a_file_that_changes_between_the_passes_changes_nothing(
    edit: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_acled(tmp_path / "acled.csv", acled_records(tmp_path, 30, seed=5))
    db = tmp_path / "p.sightline"
    project = Project.open(db)
    project.close()
    before = _contents(db)
    real = import_plan.plan_streamed

    def then_edit(*args: Any, **kwargs: Any) -> import_plan.ImportPlan | None:
        plan = real(*args, **kwargs)
        text = path.read_text(encoding="utf-8")
        if edit == "append a row":
            text += text.splitlines()[5] + "\r\n"
        else:  # as many rows and bytes: only the file's change time tells
            line = text.splitlines()[7]
            date = line.split(",")[1]
            text = text.replace(line, line.replace(date, date[:-1] + str(9 - int(date[-1]))))
        path.write_text(text, encoding="utf-8", newline="")
        return plan

    monkeypatch.setattr(pipeline, "plan_streamed", then_edit)
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 3)
    monkeypatch.setattr(pipeline, "STREAM_BLOCK_BYTES", 1024)
    project = Project.open(db)
    try:
        with pytest.raises(BatchWriteError, match="Nothing was imported: the file changed"):
            import_file(project, path, Options())
    finally:
        project.close()
    assert _contents(db) == before
    con = sqlite3.connect(db)
    try:
        assert con.execute("SELECT count(*) FROM import_batch").fetchone()[0] == 0
    finally:
        con.close()


def test_content_dates_need_the_whole_head(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet whose date column is found by its content: a head too short to hold the
    values looked at means the file is read whole."""
    path = tmp_path / "own.csv"
    rows = ["stamp,what,notes"] + [
        f"{1 + i % 28:02d}.{1 + i % 12:02d}.2021,item {i},seen in Kyiv" for i in range(40)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result, _, streamed = _same_three_ways(path, tmp_path, monkeypatch)
    assert streamed == [False]
    assert result.imported == 40
