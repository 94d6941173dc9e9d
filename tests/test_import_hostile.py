"""Files of the world: encodings, line ends and broken quotes (huge fields and widths,
hostile paths and workbooks: test_import_hostile_paths). Every file is written by the
test itself.

Each case asserts the exact counts (imported + rejected + duplicates == rows read), the
text that lands, and the one line a refused file gets (exit 2, no project file left).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop_app.app import cli
from desktop_app.ingest.csv_records import UNBALANCED
from desktop_app.ingest.pipeline import Options, import_file, preview
from desktop_app.ingest.readers import SNIFF_BYTES, read_table
from desktop_app.store.project import Project
from desktop_app.store.schema import Event


@pytest.fixture
def project(sqlite_project: Project) -> Project:
    return sqlite_project


def titles(project: Project) -> list[str]:
    with project.session() as session:
        return list(session.scalars(select(Event.title).order_by(Event.id)))


def balanced(result: object) -> bool:
    r = result
    return r.imported + r.rejected + r.duplicates == r.rows_read  # type: ignore[attr-defined]


def sightline(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


# ---------------------------------------------------------------- encodings
def test_stray_cp1252_byte_after_the_first_256k_is_read_as_cp1252_and_kept(
    project: Project, tmp_path: Path
) -> None:
    """A Windows-1252 byte pasted into a UTF-8 file loses no row: that byte is read as
    Windows-1252 (the code page that pasted it), the row is named in a warning, and the
    rest of the file stays UTF-8 (never ``ZÃ¼rich``)."""
    rows = [
        f"2024-01-{i % 28 + 1:02d},Talks {i} in Zürich on the ceasefire terms,Zürich"
        for i in range(12_000)
    ]
    data = ("Date,Title,Notes\n" + "\n".join(rows) + "\n").encode("utf-8")
    start = data.index(b"\n", SNIFF_BYTES + 1000) + 1  # a row well after the sniffed bytes
    end = data.index(b"\n", start)
    data = data[:start] + data[start:end].replace("Zürich".encode(), b"Z\xfcrich") + data[end:]
    stray_row = data[:start].count(b"\n") + 1
    path = tmp_path / "stray.csv"
    path.write_bytes(data)

    result = import_file(project, path)
    assert (result.rows_read, result.imported, result.rejected) == (12_000, 12_000, 0)
    assert result.encoding == "utf-8" and balanced(result)
    assert any(
        "not UTF-8" in w and "Windows-1252" in w and f"row {stray_row})" in w
        for w in result.warnings
    ), result.warnings
    got = titles(project)
    assert got[0] == "Talks 0 in Zürich on the ceasefire terms"
    assert got.count(f"Talks {stray_row - 2} in Zürich on the ceasefire terms") == 1
    assert not any("Ã" in t or "\ufdd1" in t or "\ufffd" in t for t in got)


def test_stray_byte_in_the_first_rows(project: Project, tmp_path: Path) -> None:
    rows = [f"2024-01-{i:02d},Talks {i} in Zürich".encode() for i in range(1, 11)]
    rows[1] = b"2024-01-02,Talks 2 in Z\xfcrich"  # row 3: a cp1252 byte in a UTF-8 file
    path = tmp_path / "stray_head.csv"
    path.write_bytes(b"Date,Title\n" + b"\n".join(rows) + b"\n")
    result = import_file(project, path)
    assert (result.rows_read, result.imported, result.rejected, result.encoding) == (
        10,
        10,
        0,
        "utf-8",
    )
    assert any("(row 3)" in w for w in result.warnings), result.warnings
    assert titles(project)[:3] == ["Talks 1 in Zürich", "Talks 2 in Zürich", "Talks 3 in Zürich"]


SCRIPTS = {
    "shift_jis": [
        "東京で首脳会談が開かれた",
        "大阪の港で大規模な火災が発生",
        "京都の寺院を代表団が訪問",
        "名古屋で国際会議の準備が進む",
    ],
    "gb18030": ["北京举行双边会谈", "上海港口发生火灾", "广州市政府发布公告", "深圳举办国际展览会"],
    "big5": ["臺北舉行雙邊會談", "高雄港口發生火災", "臺中市政府發布公告", "新竹舉辦國際展覽會"],
    "cp1251": [
        "Встреча в Москве",
        "Пожар в порту Одессы",
        "Визит делегации в Санкт-Петербург",
        "Переговоры в Минске",
    ],
    "cp1252": [
        "Réunion à Zürich \u2013 \u201caccord\u201d signé",
        "Brand in Genève: 5 € Schaden",
        "Café in Köln geschlossen",
        "Señal en Málaga",
    ],
    "latin-1": [
        "Treffen in Zürich",
        "Brand in Genève",
        "Straße in München gesperrt",
        "Visite à Besançon",
    ],
    "utf-16": ["Treffen in Zürich", "東京で首脳会談", "Встреча в Москве", "臺北舉行會談"],
    "utf-8-sig": ["Treffen in Zürich", "東京で首脳会談", "Встреча в Москве", "臺北舉行會談"],
}
READ_AS = {
    "shift_jis": ("shift_jis", "cp932"),
    "gb18030": ("gb18030", "gbk"),
    "big5": ("big5", "cp950"),
    "cp1251": ("cp1251",),
    "cp1252": ("cp1252",),
    "latin-1": ("cp1252", "iso8859-1"),
    "utf-16": ("utf-16",),
    "utf-8-sig": ("utf-8-sig",),
}


@pytest.mark.parametrize("encoding", list(SCRIPTS))
def test_encodings_read_right(project: Project, tmp_path: Path, encoding: str) -> None:
    text = "Date,Title\n" + "".join(
        f"2024-0{i + 1}-15,{t}\n" for i, t in enumerate(SCRIPTS[encoding])
    )
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes(text.encode(encoding))
    result = import_file(project, path)
    assert result.encoding in READ_AS[encoding]
    assert (result.imported, result.rejected) == (4, 0)
    assert titles(project) == SCRIPTS[encoding]


@pytest.mark.parametrize(
    ("encoding", "word"),
    [("cp1252", "São Paulo"), ("cp1252", "Zürich"), ("cp1251", "Москва"), ("cp1251", "Киев")],
)
def test_one_short_word_is_enough(tmp_path: Path, encoding: str, word: str) -> None:
    """Too little text for a detector to know the language: a single-byte code page that
    reads it as letters of one script wins over a CJK reading of the same bytes."""
    path = tmp_path / "tiny.csv"
    path.write_bytes(f"Date,Place\n2024-01-01,{word}\n2024-01-02,Kyiv\n".encode(encoding))
    table = read_table(path)
    assert table.encoding == encoding and table.frame["Place"].tolist() == [word, "Kyiv"]


def test_utf8_rows_appended_to_a_cp1252_file(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "appended.csv"
    path.write_bytes(
        "Date,Title\n2024-01-01,Café in Zürich\n2024-01-02,Brand in Genève\n".encode("cp1252")
        + "2024-01-03,Rückkehr nach Zürich\n".encode()
        + b"2024-01-04,Ende in Z\xfcrich"
    )  # no newline at the end
    result = import_file(project, path)
    assert (result.encoding, result.imported, result.rejected) == ("cp1252", 4, 0)
    assert titles(project) == [
        "Café in Zürich",
        "Brand in Genève",
        "Rückkehr nach Zürich",
        "Ende in Zürich",
    ]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "nobom.csv"
    path.write_bytes("Date,Title\n2024-01-01,Zürich\n2024-01-02,東京\n".encode(encoding))
    table = read_table(path)
    assert table.encoding == encoding and table.frame["Title"].tolist() == ["Zürich", "東京"]


def test_named_encoding_is_used(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "koi8.csv"
    path.write_bytes("Date,Title\n2024-01-02,Москва\n2024-01-03,Одесса\n".encode("koi8_r"))
    result = import_file(project, path, Options(encoding="koi8-r"))
    assert result.encoding == "koi8-r" and titles(project) == ["Москва", "Одесса"]


# ---------------------------------------------------------------- line ends
CR_ONLY = b"Date,Title,Lat,Lon\r2024-01-05,Talks in Geneva,46.2,6.14\r2024-01-06,Strike,50.4,30.5\r"


def test_cr_only_line_ends_in_the_cli_and_the_wizard(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "mac_excel.csv"
    path.write_bytes(CR_ONLY)
    seen = preview(path, Options())  # what the wizard reads and shows
    assert (
        seen.error == ""
        and seen.accepted == 2
        and seen.table.columns == ["Date", "Title", "Lat", "Lon"]
    )
    result = import_file(project, path)
    assert (result.imported, result.rejected) == (2, 0)
    assert titles(project) == ["Talks in Geneva", "Strike"]


def test_cr_only_file_in_the_wizard_window(qtbot: Any, project: Project, tmp_path: Path) -> None:
    from desktop_app.features.importing.wizard import ImportWizard

    path = tmp_path / "mac_excel.csv"
    path.write_bytes(CR_ONLY)
    wizard = ImportWizard(project, path)
    qtbot.addWidget(wizard)
    qtbot.waitUntil(lambda: wizard.table is not None or wizard.read_error != "")
    assert wizard.read_error == ""
    assert wizard.table.columns == ["Date", "Title", "Lat", "Lon"]
    assert wizard.table.frame["Title"].tolist() == ["Talks in Geneva", "Strike"]


def test_cr_only_file_read_record_by_record(tmp_path: Path) -> None:
    path = tmp_path / "mac_ragged.csv"  # a ragged record sends it down the slow path
    path.write_bytes(CR_ONLY + b"2024-01-07,Too,many,fields,here\r2024-01-08,Last,1,2\r")
    table = read_table(path)
    assert list(table.frame["Title"]) == ["Talks in Geneva", "Strike", "Last"]
    assert list(table.row_numbers) == [2, 3, 5]
    assert table.bad_rows == [(4, "has 5 fields where the header has 4")]


# ---------------------------------------------------------------- quotes
def ten_rows(bad: dict[int, str]) -> str:
    """A header and 10 data rows (spreadsheet rows 2..11); ``bad`` replaces some."""
    lines = ["Id,Date,Title,Place"]
    for i in range(1, 11):
        lines.append(bad.get(i, f"{i},2024-01-{i:02d},Title {i},Place {i}"))
    return "\n".join(lines) + "\n"


QUOTE_CASES = {
    "middle field": {5: '5,2024-01-05,"Bad quote title,Place 5'},
    "last field, runs to the end": {5: '5,2024-01-05,Title 5,"Place 5'},
    "closed by a later quote": {
        5: '5,2024-01-05,"Bad,Place 5',
        8: '8,2024-01-08,"Smith, John",Place 8',
    },
}


@pytest.mark.parametrize("case", list(QUOTE_CASES))
def test_unclosed_quote_is_one_reject(project: Project, tmp_path: Path, case: str) -> None:
    path = tmp_path / "quote.csv"
    path.write_text(ten_rows(QUOTE_CASES[case]), encoding="utf-8")
    result = import_file(project, path)
    assert (result.rows_read, result.imported, result.rejected, result.duplicates) == (10, 9, 1, 0)
    assert [(r.row, r.reason) for r in result.rejects] == [(6, UNBALANCED)]
    expected = [f"Title {i}" for i in range(1, 11) if i != 5]
    if case == "closed by a later quote":
        expected[6] = "Smith, John"
    assert titles(project) == expected


def test_quoted_newlines_stay_one_row(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "multiline.csv"
    path.write_text(
        'Date,Title,Description\n2024-01-01,Talks,"Day one,\nday two"\n'
        '2024-01-02,Strike,"Said ""no""\nthen left"\n',
        encoding="utf-8",
    )
    result = import_file(project, path)
    assert (result.rows_read, result.imported, result.rejected) == (2, 2, 0)
    with project.session() as session:
        assert list(session.scalars(select(Event.description).order_by(Event.id))) == [
            "Day one,\nday two",
            'Said "no"\nthen left',
        ]


def test_cli_names_the_top_reject_reasons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        ten_rows(
            {
                5: '5,2024-01-05,"Bad,Place 5',
                7: "7,someday,Title 7,Place 7",
                9: "9,later,Title 9,Place 9",
            }
        ),
        encoding="utf-8",
    )
    code = cli.main(["import", str(path), "--project", str(tmp_path / "p.sightline")])
    err = capsys.readouterr().err
    assert code == 0
    assert one_line(err) == (
        "sightline: rejected 3 of 10 rows: 2 date: unrecognised date (column Date, e.g. "
        "'someday'); "
        f"1 {UNBALANCED}"
    )


def test_cli_says_loudly_when_nothing_was_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "nodates.csv"
    path.write_text("Date,Title\n9th of never,A\nsoon,B\n", encoding="utf-8")
    code = cli.main(["import", str(path), "--project", str(tmp_path / "p.sightline"), "--json"])
    out = capsys.readouterr()
    assert code == 0 and '"imported": 0' in out.out
    assert one_line(out.err) == (
        "sightline: no row was imported: 2 of 2 rows were rejected "
        "(2 date: unrecognised date (column Date, e.g. '9th of never'))"
    )
