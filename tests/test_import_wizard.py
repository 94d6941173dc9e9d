"""The import wizard: mapping by dropdown, date order preview, rejects before writing,
remembered mappings, cancelling, and the rejects file; with a real SQLite project."""

from __future__ import annotations

import csv
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from sqlalchemy import func, select

from desktop_app.domain.dates import DateOrder
from desktop_app.features.importing.state import REMEMBERED_NOTE
from desktop_app.features.importing.wizard import ImportWizard
from desktop_app.ingest import mapping_memory
from desktop_app.ingest.pipeline import ImportCancelled, Options, import_file, preview
from desktop_app.store.project import Project
from desktop_app.store.schema import Event, ImportBatch
from desktop_app.workbench.tasks import Task

HEADER = "Occurred On,Heading,Where,Nation,Y,X\n"
ROWS = (
    "03/04/2024,Airborne drill,Moscow,Russia,55.75,37.62\n"
    "2023,Agreement reported,Beijing,China,39.9,116.4\n"
    "2024-02,Review published,London,United Kingdom,51.5,-0.12\n"
    "banana,Bad date,Manila,Philippines,14.6,120.98\n"
    "05/06/2024,Out of range,Taipei,Taiwan,95,121.56\n"
)
WAIT_MS = 20_000


def _counts(project: Project) -> tuple[int, int]:
    with project.session() as session:
        return (
            session.scalar(select(func.count()).select_from(ImportBatch)) or 0,
            session.scalar(select(func.count()).select_from(Event)) or 0,
        )


@pytest.fixture()
def odd_file(tmp_path: Path) -> Path:
    path = tmp_path / "odd headers.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


@pytest.fixture()
def make_wizard(qtbot: Any, project: Project) -> Any:
    def make(path: Path) -> ImportWizard:
        wizard = ImportWizard(project, path)
        qtbot.addWidget(wizard)
        wizard.show()
        _settle(qtbot, wizard)  # the file is read and previewed on a worker
        return wizard

    return make


def _settle(qtbot: Any, wizard: ImportWizard) -> None:
    """Wait for the wizard's worker to finish reading or re-interpreting the file."""
    qtbot.waitUntil(lambda: not wizard.busy, timeout=WAIT_MS)


def _choose(qtbot: Any, wizard: ImportWizard, target: str, column: str) -> None:
    """Pick a column in the mapping page's dropdown, as the analyst does."""
    _settle(qtbot, wizard)
    combo = wizard.mapping_page.combos[target]
    combo.setCurrentIndex(combo.findData(column))
    _settle(qtbot, wizard)


def _map_odd(qtbot: Any, wizard: ImportWizard) -> None:
    _choose(qtbot, wizard, "start", "Occurred On")
    _choose(qtbot, wizard, "title", "Heading")


def _go_to(qtbot: Any, wizard: ImportWizard, page: Any) -> None:
    while wizard.currentPage() is not page:
        _settle(qtbot, wizard)
        wizard.next()


# ---------------------------------------------------------------------- mapping
def test_unusual_headers_are_mapped_with_the_dropdowns(
    make_wizard: Any, odd_file: Path, qtbot: Any
) -> None:
    wizard = make_wizard(odd_file)
    page = wizard.mapping_page
    # no known tool and no column named as a date: the dates are found by content (and
    # the preview says which column), the title is mapped by hand
    assert wizard.effective_preset == "generic"
    assert wizard.preview.error == ""
    assert any("'Occurred On'" in w for w in wizard.preview.warnings)
    guessed = {t: c.currentData() for t, c in page.combos.items() if c.currentData()}
    assert guessed == {
        "start": "Occurred On",
        "place": "Where",
        "country": "Nation",
        "latitude": "Y",
        "longitude": "X",
    }

    _map_odd(qtbot, wizard)
    assert page.isComplete()
    assert wizard.preview.draft is not None
    assert wizard.preview.draft.mapping["start"] == "Occurred On"
    assert list(wizard.preview.draft.title[:2]) == ["Airborne drill", "Agreement reported"]
    # a column serves one field: moving "Heading" to the description frees the title
    _choose(qtbot, wizard, "description", "Heading")
    assert page.combos["title"].currentData() is None
    assert page.combos["description"].currentData() == "Heading"


def test_encoding_and_delimiter_changes_reread_the_preview(
    make_wizard: Any, tmp_path: Path, qtbot: Any
) -> None:
    path = tmp_path / "semi.csv"
    path.write_bytes("date;title;place\n2024-01-02;Café opened;Paris\n".encode("cp1252"))
    wizard = make_wizard(path)
    source = wizard.source_page
    assert wizard.table.delimiter == ";" and wizard.table.encoding == "cp1252"
    assert source.rows.item(0, 2).text() == "Café opened"
    source.delimiter.setCurrentIndex(source.delimiter.findData(","))
    _settle(qtbot, wizard)
    assert wizard.table.columns == ["date;title;place"]
    assert source.rows.columnCount() == 2  # row number + one column
    source.delimiter.setCurrentIndex(source.delimiter.findData(";"))
    _settle(qtbot, wizard)
    source.encoding.setCurrentText("latin-1")
    _settle(qtbot, wizard)
    assert wizard.table.encoding == "latin-1"
    assert wizard.preview.accepted == 1


# ---------------------------------------------------------------------- dates
def test_dates_preview_in_both_orders(make_wizard: Any, odd_file: Path, qtbot: Any) -> None:
    wizard = make_wizard(odd_file)
    _map_odd(qtbot, wizard)
    page = wizard.dates_page
    rows = {r[1]: r for r in page.sample_rows()}
    # ambiguous column: read day first, and said so
    assert "either way" in page.detected.text()
    assert rows["03/04/2024"][2:] == ["3 April 2024", "day"]
    assert rows["2023"][2:] == ["2023, year only", "year"]
    assert rows["2024-02"][2:] == ["February 2024, month only", "month"]
    assert rows["banana"][2].startswith("not a date")

    page.order.setCurrentIndex(page.order.findData(DateOrder.MONTH_FIRST.value))
    _settle(qtbot, wizard)
    assert wizard.choices.date_order is DateOrder.MONTH_FIRST
    rows = {r[1]: r for r in page.sample_rows()}
    assert rows["03/04/2024"][2:] == ["4 March 2024", "day"]
    assert page.samples.item(0, 2).text() == "4 March 2024"  # the table shows it too

    page.order.setCurrentIndex(page.order.findData(DateOrder.DAY_FIRST.value))
    _settle(qtbot, wizard)
    assert page.samples.item(0, 2).text() == "3 April 2024"
    assert page.samples.item(0, 3).text() == "day"


# ---------------------------------------------------------------------- rejects
def test_rejects_are_shown_before_anything_is_written(
    make_wizard: Any, odd_file: Path, project: Project, qtbot: Any
) -> None:
    wizard = make_wizard(odd_file)
    _map_odd(qtbot, wizard)
    _go_to(qtbot, wizard, wizard.review_page)
    page = wizard.review_page
    shown = [
        [page.rejects.item(r, c).text() for c in range(3)] for r in range(page.rejects.rowCount())
    ]
    assert shown == [
        ["5", "Occurred On", "date: unrecognised date 'banana'"],
        ["6", "Y", "latitude out of range (-90 to 90)"],
    ]
    assert "<b>3</b> rows will be imported and <b>2</b> rejected" in page.counts.text()
    assert _counts(project) == (0, 0)  # nothing written yet


def test_preview_without_a_store_matches_the_import(odd_file: Path, project: Project) -> None:
    options = Options(
        preset="generic",
        mapping={"start": "Occurred On", "title": "Heading", "latitude": "Y", "longitude": "X"},
    )
    seen = preview(odd_file, options)
    result = import_file(project, odd_file, options)
    assert (seen.accepted, seen.rejected_rows) == (result.imported, result.rejected)
    assert seen.rejects == result.rejects


# ---------------------------------------------------------------------- import
def _run_import(qtbot: Any, wizard: ImportWizard) -> None:
    _go_to(qtbot, wizard, wizard.review_page)
    with qtbot.waitSignal(wizard.imported, timeout=WAIT_MS):
        wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.summary_page, timeout=WAIT_MS)


def test_import_summary_rejects_file_and_remembered_mapping(
    make_wizard: Any, odd_file: Path, project: Project, qtbot: Any, tmp_path: Path
) -> None:
    wizard = make_wizard(odd_file)
    _map_odd(qtbot, wizard)
    wizard.dates_page.order.setCurrentIndex(
        wizard.dates_page.order.findData(DateOrder.MONTH_FIRST.value)
    )
    _settle(qtbot, wizard)
    _run_import(qtbot, wizard)
    assert _counts(project) == (1, 3)
    result = wizard.import_result
    assert (result.imported, result.rejected) == (3, 2)
    summary = wizard.summary_page
    assert "Imported" in summary.counts.text() and "<b>3</b>" in summary.counts.text()
    assert summary.save_button.isEnabled()
    out = summary.save_rejects(tmp_path / "rejects.csv", open_after=False)
    with out.open(encoding="utf-8") as handle:
        assert list(csv.reader(handle)) == [
            ["row", "column", "reason", "repeats_row"],
            ["5", "Occurred On", "date: unrecognised date 'banana'", ""],
            ["6", "Y", "latitude out of range (-90 to 90)", ""],
        ]
    with project.session() as session:
        starts = sorted(session.scalars(select(Event.title)))
    assert starts == ["Agreement reported", "Airborne drill", "Review published"]

    # a second file with the same header (spelled differently) maps itself
    second = tmp_path / "second.csv"
    second.write_text(
        "occurred_on,HEADING,where,nation,y,x\n07/08/2024,Second drill,Moscow,Russia,55.7,37.6\n",
        encoding="utf-8",
    )
    again = make_wizard(second)
    page = again.mapping_page
    assert page.note.isVisibleTo(page) and page.note.text().startswith(REMEMBERED_NOTE)
    assert page.combos["start"].currentData() == "occurred_on"
    assert page.combos["title"].currentData() == "HEADING"
    assert page.combos["latitude"].currentData() == "y"
    assert again.choices.date_order is DateOrder.MONTH_FIRST
    assert again.dates_page.sample_rows()[0][2] == "8 July 2024"
    assert again.preview.accepted == 1
    # changing a column takes the note away
    _choose(qtbot, again, "place", None)  # type: ignore[arg-type]
    assert not page.note.isVisibleTo(page)


def test_mapping_memory_without_qt(project: Project) -> None:
    columns = ["Occurred On", "Heading", "Y"]
    assert mapping_memory.recall(project, columns) is None
    mapping_memory.remember(
        project,
        columns,
        {"start": "Occurred On", "title": "Heading", "bogus": "Y", "latitude": "gone"},
        date_order=DateOrder.DAY_FIRST,
    )
    assert mapping_memory.header_signature(
        ["occurred on", "HEADING", "y"]
    ) == mapping_memory.header_signature(columns)
    assert mapping_memory.header_signature(
        ["Heading", "Occurred On", "Y"]
    ) != mapping_memory.header_signature(columns)
    got = mapping_memory.recall(project, ["occurred_on", "heading", "Y"])
    assert got is not None
    assert got.mapping == {"start": "occurred_on", "title": "heading"}
    assert got.date_order is DateOrder.DAY_FIRST and got.preset == "generic"
    mapping_memory.forget(project, columns)
    assert mapping_memory.recall(project, columns) is None


def test_cancelled_import_leaves_the_project_unchanged(
    make_wizard: Any, odd_file: Path, project: Project, qtbot: Any
) -> None:
    wizard = make_wizard(odd_file)
    _map_odd(qtbot, wizard)
    _go_to(qtbot, wizard, wizard.review_page)
    page = wizard.import_page
    reached, resume = threading.Event(), threading.Event()

    def hold(stage: str, _fraction: float) -> None:  # runs on the worker thread
        if stage == "indexing":  # inside the transaction: every row has been written
            reached.set()
            resume.wait(WAIT_MS / 1000)

    def attach(task: Task) -> None:
        task.progress.connect(hold, Qt.ConnectionType.DirectConnection)

    wizard.import_started.connect(attach)
    wizard.next()
    qtbot.waitUntil(reached.is_set, timeout=WAIT_MS)
    assert page.running
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(page.finished, timeout=WAIT_MS):
        resume.set()
    assert page.outcome == "cancelled"
    assert "nothing was imported" in page.stage.text()
    assert _counts(project) == (0, 0)
    assert wizard.import_result is None
    assert mapping_memory.recall(project, wizard.table.columns) is None
    # going back and importing again works
    wizard.back()
    assert wizard.currentPage() is wizard.review_page
    wizard.import_started.disconnect(attach)
    with qtbot.waitSignal(wizard.imported, timeout=WAIT_MS):
        wizard.next()
    assert _counts(project) == (1, 3)


def test_cancel_flag_raises_before_commit(odd_file: Path, project: Project) -> None:
    cancel = threading.Event()

    def progress(stage: str, _fraction: float) -> None:
        if stage == "indexing":
            cancel.set()

    options = Options(preset="generic", mapping={"start": "Occurred On", "title": "Heading"})
    with pytest.raises(ImportCancelled):
        import_file(project, odd_file, options, progress=progress, cancel=cancel)
    assert _counts(project) == (0, 0)


def test_closing_the_wizard_during_an_import_cancels_it(
    make_wizard: Any, odd_file: Path, project: Project, qtbot: Any
) -> None:
    wizard = make_wizard(odd_file)
    _map_odd(qtbot, wizard)
    _go_to(qtbot, wizard, wizard.review_page)
    reached, resume = threading.Event(), threading.Event()

    def hold(stage: str, _fraction: float) -> None:
        if stage == "checking":
            reached.set()
            resume.wait(WAIT_MS / 1000)

    wizard.import_started.connect(
        lambda task: task.progress.connect(hold, Qt.ConnectionType.DirectConnection)
    )
    wizard.next()
    qtbot.waitUntil(reached.is_set, timeout=WAIT_MS)
    wizard.button(QWizard.WizardButton.CancelButton).click()
    assert wizard.isVisible()  # waits for the worker to stop
    with qtbot.waitSignal(wizard.rejected, timeout=WAIT_MS):
        resume.set()
    assert _counts(project) == (0, 0)


def test_spreadsheet_sheets_can_be_chosen(make_wizard: Any, data_dir: Path, qtbot: Any) -> None:
    wizard = make_wizard(data_dir / "generic_multi_sheet.xlsx")
    source = wizard.source_page
    assert source.sheet.isEnabled() and not source.encoding.isEnabled()
    assert source.sheet.count() >= 2
    assert wizard.sheets == ["Notes", "Events"]
    assert wizard.table.sheet == "Events"  # the sheet whose header names a date
    assert source.sheet.currentText() == "Events" and wizard.preview.accepted > 0
    source.sheet.setCurrentText("Notes")
    _settle(qtbot, wizard)
    assert wizard.table.sheet == "Notes"
    assert wizard.preview.draft is None and "date" in wizard.preview.error
    assert source.rows.horizontalHeaderItem(1).text() == "Working notes - not an event list"


# ---------------------------------------------------------------------- main window
def test_file_import_opens_the_wizard_and_the_panes_reload(
    make_main_window: Any,
    project: Project,
    odd_file: Path,
    qtbot: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QFileDialog

    window = make_main_window(project)
    launcher = window.features["importing"]
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *_a, **_k: (str(odd_file), ""))
    )
    action = next(a for a in window.findChildren(QAction) if a.text() == "&Import events…")
    with qtbot.waitSignal(launcher.opened, timeout=WAIT_MS) as opened:
        action.trigger()
    wizard = opened.args[0]
    assert isinstance(wizard, ImportWizard) and wizard.isVisible()
    _map_odd(qtbot, wizard)
    with qtbot.waitSignal(window.workbench.frame_loaded, timeout=WAIT_MS):
        _run_import(qtbot, wizard)
    assert len(window.workbench.linker.frame.ids) == 3
    assert _counts(project) == (1, 3)
    wizard.accept()


def test_a_known_tool_maps_itself_until_mapped_by_hand(
    make_wizard: Any, data_dir: Path, qtbot: Any
) -> None:
    wizard = make_wizard(data_dir / "acled_sample.csv")
    page = wizard.mapping_page
    assert wizard.effective_preset == "acled"
    assert not page.combos["start"].isEnabled()
    assert page.combos["start"].currentData() == "event_date"
    assert page.manual.isVisibleTo(page)
    accepted = wizard.preview.accepted
    page.manual.click()
    _settle(qtbot, wizard)
    assert wizard.effective_preset == "generic" and page.combos["start"].isEnabled()
    assert wizard.preview.draft is not None and wizard.preview.accepted > 0
    wizard.source_page.preset.setCurrentIndex(0)  # back to "detect from the header"
    _settle(qtbot, wizard)
    assert wizard.effective_preset == "acled" and wizard.preview.accepted == accepted


# ---------------------------------------------------------------------- the worker
def test_reading_runs_on_a_worker_and_the_window_stays_live(
    qtbot: Any, project: Project, odd_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read that takes long (a huge or hostile file) leaves the GUI thread free: the
    wizard opens at once, says it is reading, cannot be left, and fills in when done."""
    from desktop_app.features.importing import wizard as import_wizard

    started, release = threading.Event(), threading.Event()
    real = import_wizard.read_for_import
    gui_thread = threading.current_thread()
    threads: list[threading.Thread] = []

    def slow_read(path: Path, options: Options) -> Any:
        threads.append(threading.current_thread())
        started.set()
        release.wait(WAIT_MS / 1000)
        return real(path, options)

    monkeypatch.setattr(import_wizard, "read_for_import", slow_read)
    wizard = ImportWizard(project, odd_file)  # returns while the read is held
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitUntil(started.is_set, timeout=WAIT_MS)
    source = wizard.source_page
    assert wizard.busy and wizard.table is None
    assert source.message.text() == "Reading the file…"
    assert not source.isComplete()
    wizard.next()
    assert wizard.currentPage() is source  # cannot go on while reading
    qtbot.mouseClick(wizard.mapping_page.manual, Qt.MouseButton.LeftButton)  # still live
    with qtbot.waitSignal(wizard.settled, timeout=WAIT_MS):
        release.set()
    assert threads and threads[0] is not gui_thread
    assert not wizard.busy and source.isComplete() and source.message.text() == ""
    assert wizard.table is not None and wizard.table.columns[0] == "Occurred On"
    assert source.rows.rowCount() == 5


def test_changes_made_while_reading_are_not_lost(
    make_wizard: Any, odd_file: Path, qtbot: Any
) -> None:
    wizard = make_wizard(odd_file)
    # several choices in a row, each starting or queueing a job: the last one wins
    wizard.map_field("start", "Occurred On")
    wizard.map_field("title", "Heading")
    wizard.set_date_order(DateOrder.MONTH_FIRST)
    assert wizard.busy
    _settle(qtbot, wizard)
    assert wizard.choices.mapping is not None
    assert (wizard.choices.mapping["start"], wizard.choices.mapping["title"]) == (
        "Occurred On",
        "Heading",
    )
    assert wizard.choices.date_order is DateOrder.MONTH_FIRST
    assert wizard.dates_page.sample_rows()[0][2] == "4 March 2024"
    assert wizard.preview.accepted == 3


def test_file_content_is_shown_as_plain_text(make_wizard: Any, tmp_path: Path, qtbot: Any) -> None:
    path = tmp_path / "markup.csv"
    path.write_text(
        '<b>when</b>,<img src="file:///etc/passwd">\nsoon,"<a href=\'x\'>click</a>"\n',
        encoding="utf-8",
    )
    wizard = make_wizard(path)
    message = wizard.mapping_page.message
    assert "no usable date column" in message.text()
    assert "<b>when</b>" in message.text()  # the column's name as written
    assert message.textFormat() is Qt.TextFormat.PlainText
    assert wizard.source_page.rows.item(0, 2).text() == "<a href='x'>click</a>"
    from PySide6.QtWidgets import QLabel

    rich = {wizard.review_page.counts, wizard.summary_page.counts}  # numbers only
    for page in (
        wizard.source_page,
        wizard.mapping_page,
        wizard.dates_page,
        wizard.review_page,
        wizard.import_page,
        wizard.summary_page,
    ):
        for label in page.findChildren(QLabel):
            expected = Qt.TextFormat.RichText if label in rich else Qt.TextFormat.PlainText
            assert label.textFormat() is expected, label.text()


def test_an_unreadable_file_says_why_in_plain_text(make_wizard: Any, data_dir: Path) -> None:
    wizard = make_wizard(data_dir / "binary_garbage.csv")
    source = wizard.source_page
    assert wizard.table is None and not source.isComplete()
    assert source.message.text().startswith("Cannot read the file: ")
    assert "binary" in source.message.text()


# ---------------------------------------------------------------------- places
PLACES = (
    "date,title,place,country,lat,lon\n"
    "2024-01-01,By coordinates,Pier 4,PH,14.58,120.97\n"
    "2024-01-02,Gazetteer city,Manila,Philippines,,\n"
    "2024-01-03,Known base,Subic Bay Freeport,PH,,\n"
    "2024-01-04,Lost one,Nowhere Town,PH,,\n"
    "2024-01-05,Lost two,Nowhere Town,PH,,\n"
    "2024-01-06,Lost three,Zzyzx Creek Landing,PH,,\n"
    "2024-01-07,No place at all,,,,\n"
    "banana,Rejected row,Nowhere Town,PH,,\n"
)


def test_check_page_previews_which_places_resolve(
    make_wizard: Any, tmp_path: Path, project: Project, qtbot: Any
) -> None:
    # a place the project already has (from an earlier import)
    earlier = tmp_path / "earlier.csv"
    earlier.write_text(
        "date,title,place,country,lat,lon\n"
        "2023-06-01,Base opened,Subic Bay Freeport,PH,14.79,120.27\n",
        encoding="utf-8",
    )
    assert import_file(project, earlier).imported == 1
    path = tmp_path / "places.csv"
    path.write_text(PLACES, encoding="utf-8")
    wizard = make_wizard(path)
    places = wizard.places
    assert places is not None
    assert (
        places.rows,
        places.by_coordinates,
        places.project_places,
        places.gazetteer,
        places.unresolved,
        places.no_place,
    ) == (7, 1, 1, 1, 3, 1)
    assert places.top_unresolved == [("Nowhere Town", 2), ("Zzyzx Creek Landing", 1)]
    _go_to(qtbot, wizard, wizard.review_page)
    page = wizard.review_page
    assert page.places.text() == (
        "Places: 3 of 7 rows will be located (1 by their coordinates, 1 at places already "
        "in the project, 1 by place name (offline gazetteer)). Not located: 3 rows naming "
        "a place that cannot be found (imported without a location). 1 row without a "
        "place or coordinates."
    )
    shown = [
        [page.unresolved.item(r, c).text() for c in range(2)]
        for r in range(page.unresolved.rowCount())
    ]
    assert shown == [["Nowhere Town", "2"], ["Zzyzx Creek Landing", "1"]]
    assert _counts(project) == (1, 1)  # the preview wrote nothing
    # what the preview said is what the import does
    with qtbot.waitSignal(wizard.imported, timeout=WAIT_MS):
        wizard.next()
    result = wizard.import_result
    assert result.unresolved_places == {"Nowhere Town": 2, "Zzyzx Creek Landing": 1}
    assert result.unlocated == places.unresolved + places.no_place


def test_a_kml_file_in_the_wizard(make_wizard: Any, tmp_path: Path) -> None:
    path = tmp_path / "pins.kml"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder>'
        "<name>Visits</name><Placemark><name>Port call</name><TimeStamp><when>"
        "2024-03</when></TimeStamp><Point><coordinates>120.97,14.58</coordinates>"
        "</Point></Placemark></Folder></Document></kml>",
        encoding="utf-8",
    )
    wizard = make_wizard(path)
    source = wizard.source_page
    assert not source.encoding.isEnabled() and not source.delimiter.isEnabled()
    assert wizard.preview.accepted == 1 and wizard.effective_preset == "generic"
    assert wizard.mapping_page.combos["category"].currentData() == "category"
    assert wizard.places is not None and wizard.places.by_coordinates == 1


def test_closing_the_wizard_while_it_reads(
    qtbot: Any, project: Project, odd_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cancel works while a read is held; the read ending later touches nothing."""
    import shiboken6
    from PySide6.QtWidgets import QApplication

    from desktop_app.features.importing import wizard as import_wizard

    started, release = threading.Event(), threading.Event()
    real = import_wizard.read_for_import
    threads: list[threading.Thread] = []

    def slow_read(path: Path, options: Options) -> Any:
        threads.append(threading.current_thread())
        started.set()
        release.wait(WAIT_MS / 1000)
        return real(path, options)

    monkeypatch.setattr(import_wizard, "read_for_import", slow_read)
    wizard = ImportWizard(project, odd_file)
    wizard.show()
    qtbot.waitUntil(started.is_set, timeout=WAIT_MS)
    with qtbot.waitSignal(wizard.rejected, timeout=WAIT_MS):
        wizard.button(QWizard.WizardButton.CancelButton).click()
    assert not wizard.isVisible()
    shiboken6.delete(wizard)  # as the launcher's deleteLater does
    release.set()
    qtbot.waitUntil(lambda: not threads[0].is_alive(), timeout=WAIT_MS)
    QApplication.processEvents()  # deliver whatever the worker queued: nothing breaks
    assert _counts(project) == (0, 0)
