"""Files of the world: encodings, line ends, broken quotes, huge fields and widths, and
hostile paths and workbooks. Every file is written by the test itself.

Each case asserts the exact counts (imported + rejected + duplicates == rows read), the
text that lands, and the one line a refused file gets (exit 2, no project file left).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from desktop_app.app import cli
from desktop_app.ingest import xlsx_guard
from desktop_app.ingest.csv_records import UNBALANCED
from desktop_app.ingest.pipeline import Options, UnreadableFile, import_file, preview
from desktop_app.ingest.readers import SNIFF_BYTES, read_table
from desktop_app.ingest.xlsx import read_xlsx
from desktop_app.store.project import Project
from desktop_app.store.schema import Event


@pytest.fixture
def project(tmp_path: Path):  # type: ignore[no-untyped-def]
    p = Project.open(tmp_path / "p.sightline")
    yield p
    p.close()


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


# ---------------------------------------------------------------- sizes
@pytest.mark.parametrize("ragged", [False, True], ids=["fast path", "record by record"])
def test_a_16_mb_field(tmp_path: Path, ragged: bool) -> None:
    big = "word " * ((17 << 20) // 5)
    path = tmp_path / "big.csv"
    path.write_text(
        f'Date,Title,Description\n2024-01-01,Big,"{big}"\n2024-01-02,Small,x\n'
        + ("2024-01-03,too,many,fields\n" if ragged else ""),
        encoding="utf-8",
    )
    table = read_table(path)
    assert list(table.frame["Title"]) == ["Big", "Small"]
    assert table.frame["Description"][0] == big and len(big) > 16 << 20
    assert table.bad_rows == ([(4, "has 4 fields where the header has 3")] if ragged else [])


def test_100_000_columns(project: Project, tmp_path: Path) -> None:
    n = 100_000
    path = tmp_path / "wide.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Date,Title," + ",".join(f"c{i}" for i in range(n)) + "\n")
        for r in range(3):
            handle.write(
                f"2024-01-0{r + 1},Row {r}," + ",".join("x" * (i % 2) for i in range(n)) + "\n"
            )
    assert path.stat().st_size < 2 << 20
    table = read_table(path)
    assert table.frame.shape == (3, n + 2) and table.frame["c99999"].tolist() == ["x"] * 3
    result = import_file(project, path)
    assert (result.imported, result.rejected) == (3, 0)
    with project.session() as session:
        attributes = session.scalars(select(Event.attributes).order_by(Event.id)).first()
    assert attributes is not None and len(attributes) == n // 2 and attributes["c1"] == "x"


# ---------------------------------------------------------------- hostile paths
def refused_by_cli(
    tmp_path: Path, target: Path | str, capsys: pytest.CaptureFixture[str], *options: str
) -> str:
    project = tmp_path / "new" / "p.sightline"
    code = cli.main(["import", str(target), "--project", str(project), *options])
    err = capsys.readouterr().err
    assert code == 2
    assert not project.exists() and not project.parent.exists()
    return one_line(err)


def test_missing_folder_path_in_a_file_and_loop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file.csv").write_text("Date,Title\n2024-01-01,A\n", encoding="utf-8")
    loop = tmp_path / "loop.csv"
    loop.symlink_to(loop)
    cases = {
        tmp_path / "missing.csv": "no such file",
        tmp_path / "folder": "this is a folder, not a file",
        tmp_path / "file.csv" / "inside.csv": "a part of the path is a file, not a folder",
        loop: "the path is a loop of symbolic links",
    }
    (tmp_path / "folder").mkdir()
    for path, reason in cases.items():
        line = refused_by_cli(tmp_path, path, capsys)
        assert line == f"sightline: cannot import {path}: {reason}"


def test_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if os.geteuid() == 0:  # root reads any mode-000 file; a write-only sysctl it cannot
        path = Path("/proc/sys/vm/drop_caches")
        if not path.exists():
            pytest.skip("no write-only file that root cannot read here")
    else:
        path = tmp_path / "secret.csv"
        path.write_text("Date,Title\n2024-01-01,A\n", encoding="utf-8")
        path.chmod(0)
    line = refused_by_cli(tmp_path, path, capsys)
    assert line == (
        f"sightline: cannot import {path}: permission denied (you may not read this file)"
    )


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_fifo_and_device_are_refused_at_once(tmp_path: Path, kind: str) -> None:
    if kind == "fifo":
        path = tmp_path / "events.csv"
        os.mkfifo(path)  # no writer: any open-and-read would block forever
    else:
        path = Path("/dev/zero")  # never ends
    project = tmp_path / "p.sightline"
    done = sightline("import", str(path), "--project", str(project), timeout=60)
    assert done.returncode == 2
    reason = "a pipe (FIFO)" if kind == "fifo" else "a device"
    assert one_line(done.stderr).startswith(f"sightline: cannot import {path}: this is {reason}")
    assert not project.exists()


def test_fifo_in_the_wizard_and_the_pipeline(tmp_path: Path) -> None:
    fifo = tmp_path / "events.csv"
    os.mkfifo(fifo)
    os.mkfifo(tmp_path / "events.xlsx")
    script = (
        "import sys; from pathlib import Path\n"
        "from desktop_app.ingest.pipeline import Options, UnreadableFile, import_file, preview\n"
        "from desktop_app.ingest.readers import list_sheets\n"
        "from desktop_app.store.project import Project\n"
        "path = Path(sys.argv[1])\n"
        "for call in (lambda: preview(path, Options()),\n"
        "             lambda: list_sheets(path.with_suffix('.xlsx')),\n"
        "             lambda: import_file(Project.open(sys.argv[2]), path)):\n"
        "    try:\n"
        "        call()\n"
        "    except UnreadableFile as exc:\n"
        "        print(exc)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(fifo), str(tmp_path / "p.sightline")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.splitlines()
        == ["this is a pipe (FIFO), not a file; save the data to a file first"] * 3
    )


def test_refused_import_leaves_no_project_behind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Alpha,Beta\nnothing,here\n", encoding="utf-8")  # no date column
    line = refused_by_cli(tmp_path, bad, capsys)
    assert line.startswith(f"sightline: cannot import {bad}: no usable date column")
    existing = tmp_path / "old.sightline"
    good = tmp_path / "good.csv"
    good.write_text("Date,Title\n2024-01-01,A\n", encoding="utf-8")
    assert cli.main(["import", str(good), "--project", str(existing)]) == 0
    assert cli.main(["import", str(bad), "--project", str(existing)]) == 2
    capsys.readouterr()
    with Project.open(existing) as p:  # a project that was there stays, as it was
        assert titles(p) == ["A"]


def test_forced_preset_that_does_not_fit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "timemap.csv"
    path.write_text(
        "id,description,date,time,location,latitude,longitude,source1\n"
        "1,Shelling,10/10/2015,12:00,Aleppo,36.2,37.1,http://x.org\n",
        encoding="utf-8",
    )
    start = f"sightline: cannot import {path}: the file does not fit the preset"
    assert refused_by_cli(tmp_path, path, capsys, "--preset", "acled") == (
        f"{start} acled: it has no columns 'event_id_cnty', 'event_date' (its columns are: id, "
        "description, "
        "date, time, location, latitude, longitude, source1)"
    )
    assert refused_by_cli(tmp_path, path, capsys, "--preset", "gdelt") == (
        f"{start} gdelt_v2: a GDELT event record has 57, 58 or 61 tab-separated fields and "
        "no header; this file has 1"
    )


# ---------------------------------------------------------------- workbooks
def workbook(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def replace_sheet(
    path: Path, *, repeat: bytes = b"", times: int = 0, dimension: bytes | None = None
) -> None:
    """Rewrite sheet1 of a workbook: ``repeat`` inserted ``times`` before </sheetData>,
    or its <dimension> changed."""
    out = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(item, data)
                continue
            if dimension is not None:
                data = data.replace(b'<dimension ref="A1:B2" />', dimension)
            head, tail = data.split(b"</sheetData>")
            with dst.open(item.filename, "w", force_zip64=True) as sheet:
                sheet.write(head)
                block = repeat * 4096
                for _ in range(times // 4096):
                    sheet.write(block)
                sheet.write(b"</sheetData>" + tail)
    out.replace(path)


def test_xlsx_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    path = workbook(tmp_path / "bomb.xlsx", [["Date", "Title"], ["2024-01-01", "A"]])
    row = b'<row><c t="inlineStr"><is><t>boom</t></is></c></row>'
    replace_sheet(path, repeat=row, times=(200 << 20) // len(row))  # 200 MB of XML
    assert path.stat().st_size < 3 << 20
    project = tmp_path / "p.sightline"
    measure = (
        "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
        "sys.exit(r.returncode)"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            measure,
            sys.executable,
            "-m",
            "desktop_app",
            "import",
            str(path),
            "--project",
            str(project),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    line = one_line(done.stderr)
    assert (
        line.startswith(
            f"sightline: cannot import {path}: refused: xl/worksheets/sheet1.xml would inflate"
        )
        and "zip bomb" in line
    )
    assert int(done.stdout.strip()) < 700_000  # KiB of peak memory: nothing was inflated
    assert not project.exists()


def test_xlsx_total_size_and_cell_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = workbook(
        tmp_path / "plain.xlsx",
        [["Date", "Title"]] + [[f"2024-01-{d:02d}", f"Event {d}"] for d in range(1, 29)],
    )
    assert read_xlsx(path).frame.shape == (28, 2)
    limit = r"would inflate to [\d,]+ bytes \(the limit is 4,096 bytes\)"
    with pytest.raises(UnreadableFile, match=limit):
        xlsx_guard.check_workbook(path, max_total=4096)
    monkeypatch.setattr(xlsx_guard, "MAX_CELLS", 40)
    with pytest.raises(UnreadableFile, match="more than 40 cells"):
        read_xlsx(path)


def test_xlsx_claiming_a_huge_dimension_reads_what_is_there(tmp_path: Path) -> None:
    path = workbook(tmp_path / "claims.xlsx", [["Date", "Title"], ["2024-01-01", "A"]])
    replace_sheet(path, dimension=b'<dimension ref="A1:XFD1048576"/>')
    with zipfile.ZipFile(path) as archive:
        assert b"XFD1048576" in archive.read("xl/worksheets/sheet1.xml")
    table = read_table(path)
    assert table.frame.shape == (1, 2) and table.frame["Title"].tolist() == ["A"]
